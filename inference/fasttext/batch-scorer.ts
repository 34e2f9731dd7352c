/**
 * Scoring many texts at once during training (calibration rows, memory): through onnxruntime on the exported graph
 * (fast matrix kernels for the nearest-example search), or with the TypeScript reference.
 */

import * as ort from 'onnxruntime-node';

import type { RawScores } from './calibration.js';
import { exportOnnx, ONNX_IO } from './export-onnx.js';
import type { FastTextModel } from './model.js';
import { buildFeeds } from './predict.js';
import { scoreText } from './reference.js';

/** Scores `texts` with `model` and its nearest-example `memory`. */
export type BatchScorer = (
  model: FastTextModel,
  memory: Float32Array,
  texts: readonly string[],
) => Promise<RawScores[]>;

/** The TypeScript reference (no native code; slower nearest-example search). */
export const referenceScorer: BatchScorer = (model, memory, texts) =>
  Promise.resolve(texts.map((t) => scoreText(model, memory.length > 0 ? memory : undefined, t)));

/** Exports the model and scores in batches with an onnxruntime CPU session (released afterwards). */
export const onnxScorer: BatchScorer = async (model, memory, texts) => {
  if (texts.length === 0) return [];
  const session = await ort.InferenceSession.create(exportOnnx(model, memory.length > 0 ? { memory } : {}), {
    executionProviders: ['cpu'],
  });
  try {
    const out: RawScores[] = [];
    const C = model.labels.length;
    const batch = 256;
    for (let start = 0; start < texts.length; start += batch) {
      const part = texts.slice(start, start + batch);
      const feeds = buildFeeds(model, part);
      const ortFeeds: Record<string, ort.Tensor> = {};
      for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = new ort.Tensor(t.type, t.data, [...t.dims]);
      const res = await session.run(ortFeeds);
      const logits = res[ONNX_IO.logits]?.data as Float32Array;
      const coverage = res[ONNX_IO.coverage]?.data as Float32Array;
      const sims = res[ONNX_IO.nearestSim]?.data as Float32Array | undefined;
      part.forEach((_, i) =>
        out.push({
          logits: logits.slice(i * C, i * C + C),
          coverage: coverage[i] ?? 0,
          nearestSim: sims?.[i] ?? 0,
        }),
      );
    }
    return out;
  } finally {
    await session.release();
  }
};
