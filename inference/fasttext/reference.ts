/** The TypeScript reference scoring: what the exported ONNX graph computes, computed in-process (pure). */

import type { RawScores } from './calibration.js';
import { featurize } from './featurizer.js';
import type { Features } from './featurizer.js';
import { forward } from './model.js';
import type { FastTextModel } from './model.js';

/** Everything the ONNX graph outputs for one text. */
export interface ReferenceScores extends RawScores {
  readonly logits: Float32Array;
  readonly embedding: Float32Array;
  /** Index of the nearest memory row (-1 without memory). */
  readonly nearestIndex: number;
}

/** Nearest row of an L2-normalised memory [N, D] by cosine (first index wins ties, as ONNX ArgMax). */
export function nearestInMemory(memory: Float32Array, dim: number, v: Float32Array): { sim: number; index: number } {
  const n = memory.length / dim;
  let best = -Infinity;
  let index = -1;
  for (let i = 0; i < n; i++) {
    let s = 0;
    const base = i * dim;
    for (let d = 0; d < dim; d++) s += (memory[base + d] as number) * (v[d] as number);
    if (s > best) {
      best = s;
      index = i;
    }
  }
  return index < 0 ? { sim: 0, index: -1 } : { sim: best, index };
}

/** Scores pre-computed features. */
export function scoreFeatures(
  model: FastTextModel,
  memory: Float32Array | undefined,
  features: Features,
): ReferenceScores {
  const r = forward(model, features);
  const near = memory === undefined ? { sim: 0, index: -1 } : nearestInMemory(memory, model.dim, r.embedding);
  return { ...r, nearestSim: near.sim, nearestIndex: near.index };
}

/** Scores a text. */
export function scoreText(model: FastTextModel, memory: Float32Array | undefined, text: string): ReferenceScores {
  return scoreFeatures(model, memory, featurize(text, model.featurizer));
}

/** L2-normalised bag embeddings of `texts`, stacked [N, D]. */
export function buildMemory(model: FastTextModel, texts: readonly string[]): Float32Array {
  const out = new Float32Array(texts.length * model.dim);
  texts.forEach((t, i) => out.set(forward(model, featurize(t, model.featurizer)).embedding, i * model.dim));
  return out;
}
