import assert from 'node:assert/strict';

import { DEFAULT_FEATURIZER } from '../../../../inference/fasttext/featurizer.js';
import { forward } from '../../../../inference/fasttext/model.js';
import { scoreText } from '../../../../inference/fasttext/reference.js';
import { trainFastText } from '../../../../inference/fasttext/trainer.js';
import type { TrainConfig } from '../../../../inference/fasttext/trainer.js';
import { featurize } from '../../../../inference/fasttext/featurizer.js';
import { reorder, SYNTHETIC_EXAMPLES, SYNTHETIC_QUERIES } from './synthetic-data.js';

const SMALL: Partial<TrainConfig> = { featurizer: { ...DEFAULT_FEATURIZER, buckets: 1 << 16 }, dim: 32, epochs: 30 };

const top = (logits: Float32Array): number => logits.indexOf(Math.max(...logits));

describe('fasttext trainer', () => {
  it('is deterministic for a fixed seed', async () => {
    const a = await trainFastText(SYNTHETIC_EXAMPLES, { ...SMALL, seed: 7 });
    const b = await trainFastText(SYNTHETIC_EXAMPLES, { ...SMALL, seed: 7 });
    assert.deepEqual(a.embeddings, b.embeddings);
    assert.deepEqual(a.output.weight, b.output.weight);
    assert.deepEqual(a.output.bias, b.output.bias);
  });

  it('depends on the seed', async () => {
    const a = await trainFastText(SYNTHETIC_EXAMPLES, { ...SMALL, seed: 7 });
    const b = await trainFastText(SYNTHETIC_EXAMPLES, { ...SMALL, seed: 8 });
    assert.notDeepEqual(a.output.weight, b.output.weight);
  });

  it('does not depend on the order of the training examples', async () => {
    const a = await trainFastText(SYNTHETIC_EXAMPLES, { ...SMALL, seed: 3 });
    const b = await trainFastText(reorder(SYNTHETIC_EXAMPLES), { ...SMALL, seed: 3 });
    assert.notDeepEqual(reorder(SYNTHETIC_EXAMPLES), SYNTHETIC_EXAMPLES);
    assert.deepEqual(a.labels, b.labels);
    assert.deepEqual(a.rowOf, b.rowOf);
    assert.deepEqual(a.embeddings, b.embeddings);
    assert.deepEqual(a.output.weight, b.output.weight);
  });

  it('learns Chinese and English intents and generalises to unseen queries', async () => {
    const model = await trainFastText(SYNTHETIC_EXAMPLES, SMALL);
    assert.deepEqual(model.labels, ['greeting', 'opening_hours', 'order_status', 'refund', 'weather']);
    for (const q of SYNTHETIC_QUERIES) {
      const r = forward(model, featurize(q.text, model.featurizer));
      assert.equal(model.labels[top(r.logits)], q.intent, q.text);
    }
  });

  it('keeps never-seen buckets at the zero row and reports coverage', async () => {
    const model = await trainFastText(SYNTHETIC_EXAMPLES, SMALL);
    assert.ok(model.embeddings.subarray(0, model.dim).every((v) => v === 0));
    const rows = model.embeddings.length / model.dim;
    assert.ok(rows > 1 && rows < model.rowOf.length);
    assert.equal(scoreText(model, undefined, 'hello').coverage, 1);
    assert.equal(scoreText(model, undefined, 'zzqx').coverage, 0);
    assert.ok(scoreText(model, undefined, 'zzqx').embedding.every((v) => v === 0));
  });

  it('reports progress and stops when aborted', async () => {
    const seen: number[] = [];
    await trainFastText(
      SYNTHETIC_EXAMPLES,
      { ...SMALL, epochs: 3, minUpdates: 0 },
      { onProgress: (p) => seen.push(p.epoch) },
    );
    assert.deepEqual([...new Set(seen)], [0, 1, 2]);
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await assert.rejects(
      trainFastText(SYNTHETIC_EXAMPLES, { ...SMALL, epochs: 50 }, { signal: controller.signal, yieldEvery: 10 }),
      /stop/,
    );
  });
});
