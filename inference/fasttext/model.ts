/** The fastText-style network: hashed embedding bag (weighted mean) -> linear softmax. */

import type { FeaturizerConfig, Features } from './featurizer.js';

/** Trained parameters, row-major Float32Arrays. */
export interface FastTextModel {
  readonly featurizer: FeaturizerConfig;
  /** Class labels, sorted; index = logit position. */
  readonly labels: readonly string[];
  /** Embedding dimension D. */
  readonly dim: number;
  /**
   * Bucket id -> embedding row [buckets]. Row 0 is the all-zero row of buckets never seen in training,
   * so the stored table only holds the rows that training touched.
   */
  readonly rowOf: Int32Array;
  /** Embedding table [rows, D]; row 0 is zeros. */
  readonly embeddings: Float32Array;
  /** Output layer W [C, D], bias [C]. */
  readonly output: { readonly weight: Float32Array; readonly bias: Float32Array };
}

/** What the network computes for one text. */
export interface ForwardResult {
  /** Raw class scores [C]. */
  readonly logits: Float32Array;
  /** The bag mean, L2-normalised [D] (zero vector when the text has no features). */
  readonly embedding: Float32Array;
  /** Weight share of the text's features seen in training, in [0, 1]. */
  readonly coverage: number;
}

/**
 * Weighted mean of the embedding rows of `features` into `out` (zeros when the weights sum to 0).
 * Returns the coverage: the weight share of features seen in training, in [0, 1].
 */
export function bagMean(model: FastTextModel, features: Features, out: Float32Array): number {
  const D = model.dim;
  out.fill(0);
  let total = 0;
  let seen = 0;
  for (let k = 0; k < features.ids.length; k++) {
    const w = features.weights[k] as number;
    const row = model.rowOf[features.ids[k] as number] ?? 0;
    const base = row * D;
    total += w;
    if (row !== 0) seen += w;
    for (let d = 0; d < D; d++) out[d] = (out[d] as number) + w * (model.embeddings[base + d] as number);
  }
  if (total > 0) for (let d = 0; d < D; d++) out[d] = (out[d] as number) / total;
  return total > 0 ? seen / total : 0;
}

/** Dense layer y = W x + b with W [rows, cols]. */
export function dense(weight: Float32Array, bias: Float32Array, x: Float32Array, out: Float32Array): void {
  const cols = x.length;
  for (let r = 0; r < out.length; r++) {
    let s = bias[r] as number;
    const base = r * cols;
    for (let c = 0; c < cols; c++) s += (weight[base + c] as number) * (x[c] as number);
    out[r] = s;
  }
}

/** L2-normalised copy (the zero vector stays zero). */
export function l2normalize(v: Float32Array): Float32Array {
  let n = 0;
  for (const x of v) n += x * x;
  const out = new Float32Array(v.length);
  if (n === 0) return out;
  const inv = 1 / Math.sqrt(n);
  for (let i = 0; i < v.length; i++) out[i] = (v[i] as number) * inv;
  return out;
}

/** The reference forward pass (the ONNX export must match it within float tolerance). */
export function forward(model: FastTextModel, features: Features): ForwardResult {
  const h = new Float32Array(model.dim);
  const coverage = bagMean(model, features, h);
  const logits = new Float32Array(model.labels.length);
  dense(model.output.weight, model.output.bias, h, logits);
  return { logits, embedding: l2normalize(h), coverage };
}

/** Softmax of `logits / temperature` (numerically stable). */
export function softmax(logits: ArrayLike<number>, temperature = 1): Float64Array {
  const out = new Float64Array(logits.length);
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, (logits[i] as number) / temperature);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    const e = Math.exp((logits[i] as number) / temperature - max);
    out[i] = e;
    sum += e;
  }
  for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) / sum;
  return out;
}
