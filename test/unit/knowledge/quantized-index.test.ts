import assert from 'node:assert/strict';
import {
  chooseIndexKind,
  createExactIndex,
  createQuantizedIndex,
  createVectorIndex,
  dimensionScales,
  quantizeQuery,
  quantizedAvailable,
  quantizeRows,
} from '../../../knowledge/retrieval/index.js';
import { randomUnitVectors } from '../../helpers/vectors.js';

const both = { quantized: true, hnsw: true };

describe('int8-scan vector index', () => {
  it('picks exact, quantized and HNSW by size, honours a fixed kind, and falls back when usearch is missing', () => {
    assert.equal(chooseIndexKind(19_999, {}, both), 'exact');
    assert.equal(chooseIndexKind(20_000, {}, both), 'quantized');
    assert.equal(chooseIndexKind(1_999_999, {}, both), 'quantized');
    assert.equal(chooseIndexKind(2_000_000, {}, both), 'hnsw');
    assert.equal(chooseIndexKind(10, { quantizedThreshold: 5, hnswThreshold: 8 }, both), 'hnsw');
    assert.equal(chooseIndexKind(10, { kind: 'exact' }, both), 'exact');
    assert.equal(chooseIndexKind(10, { kind: 'hnsw' }, both), 'hnsw');
    assert.equal(chooseIndexKind(10, { kind: 'hnsw' }, { quantized: true, hnsw: false }), 'quantized');
    assert.equal(chooseIndexKind(10, { kind: 'hnsw' }, { quantized: false, hnsw: false }), 'exact');
    assert.equal(chooseIndexKind(50_000, {}, { quantized: false, hnsw: false }), 'exact');
  });

  it('quantizes each dimension to fill int8, and maps a query so code dot products follow inner products', () => {
    const dim = 16;
    const data = randomUnitVectors(200, dim, 3, { uneven: true });
    const scales = dimensionScales(data, dim);
    const codes = quantizeRows(data, scales);
    for (let j = 0; j < dim; j++) {
      let max = 0;
      for (let i = 0; i < 200; i++) max = Math.max(max, Math.abs(codes[i * dim + j]!));
      assert.equal(max, 127, `dimension ${j} uses the full int8 range`);
    }
    const query = randomUnitVectors(1, dim, 11, { uneven: true });
    const q = quantizeQuery(query, scales);
    assert.equal(Math.max(...Array.from(q, Math.abs)), 127);
    const exact = (i: number) => data.subarray(i * dim, (i + 1) * dim).reduce((s, v, j) => s + v * query[j]!, 0);
    const coded = (i: number) => codes.subarray(i * dim, (i + 1) * dim).reduce((s, v, j) => s + v * q[j]!, 0);
    const rows = Array.from({ length: 200 }, (_, i) => i);
    const byExact = [...rows].sort((a, b) => exact(b) - exact(a));
    const byCode = [...rows].sort((a, b) => coded(b) - coded(a));
    assert.ok(byCode.slice(0, 20).includes(byExact[0]!), 'the best row is among the code scan’s top 20');
    assert.deepEqual(Array.from(quantizeQuery(new Float32Array(dim), scales)), new Array(dim).fill(0));
  });

  it('returns exactly what exact search returns, with exact scores (5000 random 64-d vectors, data at an offset)', function () {
    if (!quantizedAvailable()) {
      console.log('    (usearch not installed: skipped)');
      this.skip();
    }
    const dim = 64;
    // The rows live at a byte offset inside a larger buffer: the native scan must not read from the buffer's start.
    const backing = new Float32Array(5000 * dim + 3 * dim);
    backing.set(randomUnitVectors(5000, dim, 7, { uneven: true }), 3 * dim);
    const data = backing.subarray(3 * dim);
    const queries = randomUnitVectors(40, dim, 99, { uneven: true });
    const exact = createExactIndex(data, dim);
    const quantized = createQuantizedIndex(data, dim);
    assert.equal(quantized.kind, 'quantized');
    assert.equal(quantized.size, 5000);
    for (let q = 0; q < 40; q++) {
      const query = queries.subarray(q * dim, (q + 1) * dim);
      const want = exact.search(query, 10);
      const got = quantized.search(query, 10);
      assert.deepEqual(
        got.map((h) => h.id),
        want.map((h) => h.id),
        `query ${q}`,
      );
      got.forEach((h, i) => assert.ok(Math.abs(h.score - want[i]!.score) < 1e-5));
    }
    assert.equal(quantized.search(queries.subarray(0, dim), 0).length, 0);
    const small = createQuantizedIndex(data.subarray(0, 3 * dim), dim);
    assert.equal(small.search(queries.subarray(0, dim), 10).length, 3, 'k above the size returns every vector');
  });

  it('createVectorIndex builds the kind the policy names', function () {
    if (!quantizedAvailable()) this.skip();
    const data = randomUnitVectors(100, 8, 5, { uneven: true });
    assert.equal(createVectorIndex(data, 8).kind, 'exact');
    assert.equal(createVectorIndex(data, 8, { quantizedThreshold: 50 }).kind, 'quantized');
    assert.equal(createVectorIndex(data, 8, { kind: 'quantized' }).kind, 'quantized');
  });
});
