/** Serving one exported fastText model through the OnnxRuntime: featurize -> runtime.run -> calibrated prediction. */

import type { ModelMeta } from '../fasttext/artifact.js';
import { buildFeeds, decodeRow } from '../fasttext/predict.js';
import type { ModelPrediction } from '../fasttext/predict.js';
import type { OnnxRuntime } from '../runtime/index.js';

/** A loaded model version as the runtime knows it. */
export interface Predictor {
  /** Runtime model name of this version. */
  readonly modelName: string;
  readonly meta: ModelMeta;
  /** One query = one runtime request (micro-batched with concurrent ones by the runtime). */
  predict(text: string, options?: { signal?: AbortSignal; deadlineMs?: number }): Promise<ModelPrediction>;
  /** Several texts in one request (rows stay together in one batch). */
  predictMany(texts: readonly string[], options?: { signal?: AbortSignal }): Promise<ModelPrediction[]>;
}

/** Wraps a model already loaded in `runtime` under `modelName`. */
export function createPredictor(options: { runtime: OnnxRuntime; modelName: string; meta: ModelMeta }): Predictor {
  const { runtime, modelName, meta } = options;
  const runOpts = (o?: {
    signal?: AbortSignal;
    deadlineMs?: number;
  }): { signal?: AbortSignal; deadlineMs?: number } => ({
    ...(o?.signal === undefined ? {} : { signal: o.signal }),
    ...(o?.deadlineMs === undefined ? {} : { deadlineMs: o.deadlineMs }),
  });
  return {
    modelName,
    meta,
    async predict(text, o) {
      const outputs = await runtime.run(modelName, buildFeeds(meta, [text]), runOpts(o));
      return decodeRow(meta, outputs, 0);
    },
    async predictMany(texts, o) {
      if (texts.length === 0) return [];
      const outputs = await runtime.run(modelName, buildFeeds(meta, texts), runOpts(o));
      return texts.map((_, i) => decodeRow(meta, outputs, i));
    },
  };
}
