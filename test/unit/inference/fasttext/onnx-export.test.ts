import assert from 'node:assert/strict';

import * as ort from 'onnxruntime-node';

import { exportOnnx, ONNX_IO } from '../../../../inference/fasttext/export-onnx.js';
import { DEFAULT_FEATURIZER } from '../../../../inference/fasttext/featurizer.js';
import { buildFeeds } from '../../../../inference/fasttext/predict.js';
import { buildMemory, scoreText } from '../../../../inference/fasttext/reference.js';
import { trainFastText } from '../../../../inference/fasttext/trainer.js';
import { GIBBERISH, SYNTHETIC_EXAMPLES, SYNTHETIC_QUERIES } from './synthetic-data.js';

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string): void => {
  assert.equal(a.length, b.length, what);
  for (let i = 0; i < a.length; i++) {
    assert.ok(Math.abs((a[i] as number) - (b[i] as number)) <= tol, `${what}[${i}]: ${a[i]} vs ${b[i]}`);
  }
};

describe('fasttext ONNX export', () => {
  it('round-trips through onnxruntime and equals the TypeScript forward pass', async () => {
    const model = await trainFastText(SYNTHETIC_EXAMPLES, {
      featurizer: { ...DEFAULT_FEATURIZER, buckets: 1 << 18 },
      dim: 24,
      epochs: 20,
    });
    const memory = buildMemory(
      model,
      SYNTHETIC_EXAMPLES.map((e) => e.text),
    );
    const bytes = exportOnnx(model, { memory });
    const session = await ort.InferenceSession.create(bytes);
    try {
      assert.deepEqual([...session.inputNames], [ONNX_IO.ids, ONNX_IO.weights]);
      assert.deepEqual(
        [...session.outputNames],
        [ONNX_IO.logits, ONNX_IO.embedding, ONNX_IO.coverage, ONNX_IO.nearestSim, ONNX_IO.nearestIndex],
      );
      // One padded batch mixing lengths, Chinese, gibberish and an empty text.
      const texts = [...SYNTHETIC_QUERIES.map((q) => q.text), ...GIBBERISH, '', 'hello'];
      const feeds = buildFeeds(model, texts);
      const ortFeeds: Record<string, ort.Tensor> = {};
      for (const [k, t] of Object.entries(feeds)) ortFeeds[k] = new ort.Tensor(t.type, t.data, [...t.dims]);
      const out = await session.run(ortFeeds);
      const C = model.labels.length;
      const D = model.dim;
      texts.forEach((text, i) => {
        const ref = scoreText(model, memory, text);
        close((out.logits!.data as Float32Array).slice(i * C, i * C + C), ref.logits, 1e-4, `logits of "${text}"`);
        close(
          (out.embedding!.data as Float32Array).slice(i * D, i * D + D),
          ref.embedding,
          1e-5,
          `embedding "${text}"`,
        );
        close([(out.coverage!.data as Float32Array)[i]!], [ref.coverage], 1e-6, `coverage "${text}"`);
        close([(out.nearest_sim!.data as Float32Array)[i]!], [ref.nearestSim], 1e-4, `nearest_sim "${text}"`);
        if (ref.nearestSim > 0.01)
          assert.equal(Number((out.nearest_index!.data as BigInt64Array)[i]), ref.nearestIndex);
      });
    } finally {
      await session.release();
    }
  });

  it('exports without a memory (three outputs)', async () => {
    const model = await trainFastText(SYNTHETIC_EXAMPLES, {
      featurizer: { ...DEFAULT_FEATURIZER, buckets: 1 << 12 },
      dim: 8,
      epochs: 2,
    });
    const session = await ort.InferenceSession.create(exportOnnx(model));
    assert.deepEqual([...session.outputNames], [ONNX_IO.logits, ONNX_IO.embedding, ONNX_IO.coverage]);
    await session.release();
  });
});
