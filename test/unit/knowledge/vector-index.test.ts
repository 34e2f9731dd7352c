import assert from 'node:assert/strict';
import {
  createExactIndex,
  createHashedEmbedder,
  createHnswIndex,
  hnswAvailable,
  packVectors,
} from '../../../knowledge/retrieval/index.js';
import { randomUnitVectors } from '../../helpers/vectors.js';

describe('vector indexes', () => {
  it('exact search returns the highest inner products, best first', () => {
    const data = packVectors([Float32Array.of(1, 0), Float32Array.of(0, 1), Float32Array.of(0.6, 0.8)], 2);
    const index = createExactIndex(data, 2);
    const hits = index.search(Float32Array.of(0, 1), 2);
    assert.deepEqual(
      hits.map((h) => h.id),
      [1, 2],
    );
    assert.ok(Math.abs((hits[1]?.score ?? 0) - 0.8) < 1e-6);
    assert.throws(() => packVectors([Float32Array.of(1)], 2), /dimensions/);
  });

  it('HNSW finds what exact search finds (recall@10 ≥ 0.9 on 2000 random 32-d vectors)', function () {
    if (!hnswAvailable()) {
      console.log('    (usearch not installed: skipped)');
      this.skip();
    }
    const dim = 32;
    const data = randomUnitVectors(2000, dim, 7);
    const queries = randomUnitVectors(50, dim, 99);
    const exact = createExactIndex(data, dim);
    const hnsw = createHnswIndex(data, dim, { connectivity: 16, efConstruction: 128, efSearch: 128 });
    assert.equal(hnsw.kind, 'hnsw');
    let found = 0;
    for (let q = 0; q < 50; q++) {
      const query = queries.subarray(q * dim, (q + 1) * dim);
      const want = new Set(exact.search(query, 10).map((h) => h.id));
      const got = hnsw.search(query, 10);
      assert.equal(got.length, 10);
      for (const h of got) if (want.has(h.id)) found++;
      const best = exact.search(query, 1)[0];
      if (got[0]?.id === best?.id) assert.ok(Math.abs((got[0]?.score ?? 0) - (best?.score ?? 0)) < 1e-4);
    }
    assert.ok(found / 500 >= 0.9, `recall ${found / 500}`);
  });

  it('embeds texts deterministically into unit vectors; close texts are closer', async () => {
    const e = createHashedEmbedder({ dimensions: 128, corpus: ['退款多久到账', 'where is my order'] });
    const [a, b, c, a2] = await e.embed(['退款多久到账', '退款几天到账', 'where is my order', '退款多久到账']);
    const dot = (x?: Float32Array, y?: Float32Array): number => x!.reduce((s, v, i) => s + v * y![i]!, 0);
    assert.ok(Math.abs(dot(a, a) - 1) < 1e-5);
    assert.deepEqual(a, a2);
    assert.ok(dot(a, b) > dot(a, c));
    assert.equal(e.dimensions, 128);
  });
});
