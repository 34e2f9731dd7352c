import assert from 'node:assert/strict';
import { createBm25Index, reciprocalRankFusion, TopK } from '../../../knowledge/retrieval/index.js';

describe('BM25', () => {
  const docs = [
    ['refund', 'time', 'bank'],
    ['refund', 'refund', 'policy'],
    ['ship', 'time'],
    ['cancel', 'order'],
  ];
  const index = createBm25Index(docs);

  it('ranks documents by BM25 and returns only those sharing a token', () => {
    const hits = index.search(['refund', 'bank'], 10);
    assert.deepEqual(
      hits.map((h) => h.id),
      [0, 1],
    );
    assert.ok((hits[0]?.score ?? 0) > (hits[1]?.score ?? 0));
    assert.deepEqual(index.search(['nothing'], 10), []);
  });

  it('weighs rare tokens above common ones', () => {
    const [top] = index.search(['time', 'cancel'], 1);
    assert.equal(top?.id, 3);
  });

  it('reports how much of the query and of the document matched', () => {
    const [full] = index.search(['cancel', 'order'], 1);
    assert.equal(full?.queryCoverage, 1);
    assert.equal(full?.docCoverage, 1);
    const [partial] = index.search(['cancel', 'unknownword'], 1);
    assert.ok((partial?.queryCoverage ?? 1) < 0.6 && (partial?.queryCoverage ?? 0) > 0);
    assert.ok((partial?.docCoverage ?? 1) < 1);
  });

  it('keeps state clean between searches and honours k', () => {
    const a = index.search(['refund'], 1);
    const b = index.search(['refund'], 1);
    assert.deepEqual(a, b);
    assert.equal(a.length, 1);
  });
});

describe('TopK and reciprocal rank fusion', () => {
  it('keeps the k best, ties by lower id', () => {
    const top = new TopK(3);
    [5, 1, 9, 3, 9, 7].forEach((s, i) => top.push(i, s));
    assert.deepEqual(
      top.sorted().map((h) => h.id),
      [2, 4, 5],
    );
  });

  it('fuses rankings by reciprocal rank', () => {
    const fused = reciprocalRankFusion([['a', 'b', 'c'], ['b', 'a'], ['b']]);
    assert.deepEqual(
      fused.map((f) => f.key),
      ['b', 'a', 'c'],
    );
    assert.ok(Math.abs((fused[0]?.score ?? 0) - (1 / 62 + 1 / 61 + 1 / 61)) < 1e-12);
  });
});
