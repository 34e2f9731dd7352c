/**
 * The trained-in-place intent classifier: trains on start when the cached model is missing or stale, serves only
 * through the OnnxRuntime, and hot-updates (retrain / swap) with replace, shadow or canary roll-out.
 */

import type { Clock } from '../../core/clock.js';
import type { TrainingExample } from '../../core/engine/types.js';
import { BotError, describeError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { IntentClassifier, IntentPrediction } from '../../core/ports/inference.js';
import { readArtifactMeta } from '../fasttext/artifact.js';
import type { ModelPrediction } from '../fasttext/predict.js';
import type { JobProgress, TrainClassifierOptions } from '../fasttext/train-classifier.js';
import { thresholdFor } from '../fasttext/thresholds.js';
import type { ThresholdPolicy } from '../fasttext/thresholds.js';
import type { OnnxRuntime } from '../runtime/index.js';
import { ensureModel } from './model-store.js';
import { inCanary } from './routing.js';
import type { RolloutMode } from './routing.js';
import { loadVersion, retireVersion, withVersion } from './versions.js';
import type { ModelVersion } from './versions.js';

export interface TrainedIntentClassifierOptions {
  readonly runtime: OnnxRuntime;
  /** Where trained models are cached (one sub-folder per content hash). */
  readonly modelDir: string;
  /** Intent examples + FAQ questions (`faq:ID`); intent `oos` = known out-of-scope queries. */
  readonly examples: readonly TrainingExample[];
  /** Global threshold (default 0.8) or a policy with per-intent overrides. */
  readonly threshold?: number | ThresholdPolicy;
  readonly log: Logger;
  readonly clock: Clock;
  readonly validation?: readonly TrainingExample[];
  readonly config?: TrainClassifierOptions['config'];
  /** Runtime model-name prefix and the classifier's name (default `intent-fasttext`). */
  readonly name?: string;
  readonly onProgress?: (p: JobProgress) => void;
}

/** How to roll out a new model: replace at once, shadow (scored + logged, not used) or canary (a share of traffic). */
export interface RolloutOptions {
  readonly mode?: RolloutMode;
  /** Canary share of conversations, 0..1 (default 0.1). */
  readonly canaryShare?: number;
}

/** A model version as reported to operators. */
export interface IntentModelInfo {
  readonly modelName: string;
  readonly contentHash: string;
  readonly dir: string;
  readonly labels: number;
  readonly dim: number;
  readonly loadMs: number;
  readonly sizeBytes: number;
}

/** Shadow / canary counters of the current candidate. */
export interface RolloutStats {
  readonly mode: RolloutMode;
  readonly canaryShare: number;
  /** Queries the candidate scored (shadow) or served (canary). */
  readonly scored: number;
  /** Shadow: queries where candidate and current chose the same intent. */
  readonly agreed: number;
  readonly failed: number;
}

export interface ClassifyOptions {
  readonly signal?: AbortSignal;
  /** Routes canary traffic by conversation (stable); the text is used when absent. */
  readonly conversationKey?: string;
}

/** IntentClassifier + hot update controls. */
export interface TrainedIntentClassifier extends IntentClassifier {
  classify(text: string, options?: ClassifyOptions): Promise<IntentPrediction>;
  /** Full prediction including the sentence embedding, from the serving model. */
  predict(text: string, options?: ClassifyOptions): Promise<ModelPrediction>;
  /** Resolves once the first model is loaded; rejects when start-up training or loading failed. */
  whenReady(): Promise<void>;
  /** Threshold in force for `intent` (per-intent override or the global one). */
  thresholdFor(intent: string | undefined): number;
  /** Retrains on `examples` (cached by content hash) and rolls the result out. */
  retrain(examples: readonly TrainingExample[], rollout?: RolloutOptions): Promise<IntentModelInfo>;
  /** Loads an exported model folder (model.onnx + featurizer.json) and rolls it out. */
  swap(modelPath: string, rollout?: RolloutOptions): Promise<IntentModelInfo>;
  /** Makes the shadow/canary candidate the current model. */
  promote(): Promise<IntentModelInfo>;
  /** Drops the shadow/canary candidate. */
  discardCandidate(): Promise<void>;
  current(): IntentModelInfo | undefined;
  candidate(): (IntentModelInfo & RolloutStats) | undefined;
  /** The serving model's embedding width (0 before ready). */
  dimensions(): number;
  /** Embeddings (L2-normalised bag means) from the current model, one runtime request for all texts. */
  embed(texts: readonly string[], options?: { signal?: AbortSignal }): Promise<Float32Array[]>;
  close(): Promise<void>;
}

interface Candidate {
  version: ModelVersion;
  mode: RolloutMode;
  share: number;
  scored: number;
  agreed: number;
  failed: number;
}

const info = (v: ModelVersion): IntentModelInfo => ({
  modelName: v.predictor.modelName,
  contentHash: v.predictor.meta.contentHash,
  dir: v.dir,
  labels: v.predictor.meta.labels.length,
  dim: v.predictor.meta.dim,
  loadMs: v.loaded.loadMs,
  sizeBytes: v.loaded.sizeBytes,
});

const toPort = (p: ModelPrediction): IntentPrediction => ({
  intent: p.intent,
  confidence: p.confidence,
  ranking: p.ranking,
  ...(p.nearestExample === undefined ? {} : { nearestExample: p.nearestExample }),
});

/** Creates the classifier and starts loading (training first when the cached model is missing or stale). */
export function createTrainedIntentClassifier(options: TrainedIntentClassifierOptions): TrainedIntentClassifier {
  const { runtime, log, clock } = options;
  const name = options.name ?? 'intent-fasttext';
  const policy: ThresholdPolicy =
    typeof options.threshold === 'object' ? options.threshold : { default: options.threshold ?? 0.8 };
  let active: ModelVersion | undefined;
  let candidate: Candidate | undefined;
  let serial = 0;
  let closed = false;
  let updates: Promise<unknown> = Promise.resolve();

  /** Serialises model updates (train/swap/promote) so they never interleave. */
  const serialized = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = updates.then(fn, fn);
    updates = run.catch(() => undefined);
    return run;
  };

  const train = async (examples: readonly TrainingExample[]): Promise<ModelVersion> => {
    const stored = await ensureModel(
      {
        modelDir: options.modelDir,
        examples,
        ...(options.validation === undefined ? {} : { validation: options.validation }),
        ...(options.config === undefined ? {} : { config: options.config }),
        ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
      },
      { log, clock },
    );
    return loadVersion(runtime, name, stored.dir, stored.meta, ++serial);
  };

  const rollOut = async (version: ModelVersion, rollout: RolloutOptions = {}): Promise<IntentModelInfo> => {
    const mode = rollout.mode ?? 'replace';
    if (closed) {
      await retireVersion(runtime, version, log);
      throw new BotError('inference.unavailable', 'intent classifier is closed');
    }
    if (candidate !== undefined) await retireVersion(runtime, candidate.version, log);
    candidate = undefined;
    if (mode === 'replace' || active === undefined) {
      const previous = active;
      active = version;
      if (previous !== undefined && previous !== version) await retireVersion(runtime, previous, log);
      log.info({ model: version.predictor.modelName }, 'intent model now serving');
    } else {
      const share = Math.min(1, Math.max(0, rollout.canaryShare ?? 0.1));
      candidate = { version, mode, share, scored: 0, agreed: 0, failed: 0 };
      log.info({ model: version.predictor.modelName, mode, share }, 'intent model candidate rolled out');
    }
    return info(version);
  };

  const started = serialized(async () => {
    await rollOut(await train(options.examples));
  });
  started.catch((error: unknown) => log.error({ err: describeError(error) }, 'intent model failed to start'));

  const requireActive = (): ModelVersion => {
    if (active === undefined) {
      throw new BotError('inference.unavailable', `intent model ${name} is not ready yet (training or loading)`);
    }
    return active;
  };

  const shadowScore = (c: Candidate, text: string, served: ModelPrediction): void => {
    withVersion(runtime, c.version, log, (v) => v.predictor.predict(text))
      .then((p) => {
        c.scored++;
        if (p.intent === served.intent) c.agreed++;
        log.info(
          {
            shadow: { model: c.version.predictor.modelName, intent: p.intent, confidence: p.confidence },
            served: { intent: served.intent, confidence: served.confidence },
            agree: p.intent === served.intent,
          },
          'intent shadow prediction',
        );
      })
      .catch((error: unknown) => {
        c.failed++;
        log.warn({ err: describeError(error) }, 'intent shadow prediction failed');
      });
  };

  const predict = async (text: string, o: ClassifyOptions = {}): Promise<ModelPrediction> => {
    const current = requireActive();
    const c = candidate;
    const runOpts = o.signal === undefined ? {} : { signal: o.signal };
    if (c !== undefined && c.mode === 'canary' && inCanary(o.conversationKey ?? text, c.share)) {
      c.scored++;
      return withVersion(runtime, c.version, log, (v) => v.predictor.predict(text, runOpts));
    }
    const served = await withVersion(runtime, current, log, (v) => v.predictor.predict(text, runOpts));
    if (c !== undefined && c.mode === 'shadow' && candidate === c) shadowScore(c, text, served);
    return served;
  };

  return {
    name,
    ready: () => active !== undefined && !closed,
    whenReady: () => started,
    thresholdFor: (intent) => thresholdFor(policy, intent),
    predict,
    classify: async (text, o) => toPort(await predict(text, o)),
    retrain: (examples, rollout) => serialized(async () => rollOut(await train(examples), rollout)),
    swap: (modelPath, rollout) =>
      serialized(async () => {
        const meta = await readArtifactMeta(modelPath);
        if (meta === undefined) throw new BotError('inference.model_invalid', `no model in ${modelPath}`);
        return rollOut(await loadVersion(runtime, name, modelPath, meta, ++serial), rollout);
      }),
    promote: () =>
      serialized(async () => {
        const c = candidate;
        if (c === undefined) throw new BotError('not_found', 'there is no candidate intent model to promote');
        candidate = undefined;
        return rollOut(c.version, { mode: 'replace' });
      }),
    discardCandidate: () =>
      serialized(async () => {
        const c = candidate;
        candidate = undefined;
        if (c !== undefined) await retireVersion(runtime, c.version, log);
      }),
    current: () => (active === undefined ? undefined : info(active)),
    candidate: () =>
      candidate === undefined
        ? undefined
        : {
            ...info(candidate.version),
            mode: candidate.mode,
            canaryShare: candidate.share,
            scored: candidate.scored,
            agreed: candidate.agreed,
            failed: candidate.failed,
          },
    dimensions: () => active?.predictor.meta.dim ?? 0,
    embed: async (texts, o) => {
      const current = requireActive();
      const preds = await withVersion(runtime, current, log, (v) =>
        v.predictor.predictMany(texts, o?.signal === undefined ? {} : { signal: o.signal }),
      );
      return preds.map((p) => p.embedding);
    },
    close: async () => {
      closed = true;
      await updates.catch(() => undefined);
      for (const v of [candidate?.version, active]) if (v !== undefined) await retireVersion(runtime, v, log);
      candidate = undefined;
      active = undefined;
    },
  };
}
