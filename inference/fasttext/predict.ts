/** From texts to ONNX feeds, and from ONNX outputs to calibrated predictions (pure). */

import type { IntentPrediction, IntentScore } from '../../core/ports/inference.js';
import type { Tensorish } from '../runtime/index.js';
import type { ModelMeta } from './artifact.js';
import { calibratedConfidence, rankScores } from './calibration.js';
import { ONNX_IO } from './export-onnx.js';
import { featurize } from './featurizer.js';

/** A calibrated prediction plus the normalised sentence embedding. */
export interface ModelPrediction extends IntentPrediction {
  readonly embedding: Float32Array;
  /** Softmax probability of the top intent at the fitted temperature (before calibration). */
  readonly probability: number;
  /** Cosine to the nearest training example. */
  readonly nearestSim: number;
  readonly coverage: number;
}

/** Padded feeds for `texts` (k rows): ids int64 [k, n], weights float32 [k, n] (0 marks padding). */
export function buildFeeds(meta: Pick<ModelMeta, 'featurizer'>, texts: readonly string[]): Record<string, Tensorish> {
  const features = texts.map((t) => featurize(t, meta.featurizer));
  const n = Math.max(1, ...features.map((f) => f.ids.length));
  const ids = new BigInt64Array(texts.length * n);
  const weights = new Float32Array(texts.length * n);
  features.forEach((f, row) => {
    for (let k = 0; k < f.ids.length; k++) {
      ids[row * n + k] = BigInt(f.ids[k] as number);
      weights[row * n + k] = f.weights[k] as number;
    }
  });
  return {
    [ONNX_IO.ids]: { type: 'int64', dims: [texts.length, n], data: ids },
    [ONNX_IO.weights]: { type: 'float32', dims: [texts.length, n], data: weights },
  };
}

function floats(outputs: Record<string, Tensorish>, name: string): Float32Array | undefined {
  const t = outputs[name];
  return t !== undefined && t.data instanceof Float32Array ? t.data : undefined;
}

/** How many ranked intents a prediction carries. */
const RANKING_SIZE = 5;

/** Decodes row `row` of a model's outputs into a calibrated prediction. */
export function decodeRow(meta: ModelMeta, outputs: Record<string, Tensorish>, row: number): ModelPrediction {
  const C = meta.labels.length;
  const D = meta.dim;
  const logits = floats(outputs, ONNX_IO.logits)?.subarray(row * C, row * C + C) ?? new Float32Array(C);
  const embedding = floats(outputs, ONNX_IO.embedding)?.slice(row * D, row * D + D) ?? new Float32Array(D);
  const coverage = floats(outputs, ONNX_IO.coverage)?.[row] ?? 0;
  const nearestSim = floats(outputs, ONNX_IO.nearestSim)?.[row] ?? 0;
  const idx = outputs[ONNX_IO.nearestIndex]?.data[row];
  const nearestIndex = idx === undefined ? -1 : Number(idx);
  const ranked = rankScores({ logits, nearestSim, coverage }, meta.calibration.temperature);
  const top = ranked.order[0];
  const probability = top === undefined ? 0 : (ranked.probs[top] ?? 0);
  const empty = coverage === 0 && nearestSim === 0 && embedding.every((v) => v === 0);
  const confidence = empty ? 0 : calibratedConfidence(meta.calibration, ranked);
  // Other intents keep their probability ratio to the top one, scaled to the calibrated confidence.
  const scale = probability > 0 ? confidence / probability : 0;
  const ranking: IntentScore[] = ranked.order.slice(0, RANKING_SIZE).map((c) => ({
    intent: meta.labels[c] ?? String(c),
    confidence: (ranked.probs[c] ?? 0) * scale,
  }));
  const nearestExample = nearestIndex >= 0 ? meta.memory.texts[nearestIndex] : undefined;
  return {
    intent: empty || top === undefined ? undefined : meta.labels[top],
    confidence,
    ranking: empty ? [] : ranking,
    ...(nearestExample === undefined || empty ? {} : { nearestExample }),
    embedding,
    probability,
    nearestSim,
    coverage,
  };
}
