/** `clawbot eval`: train on one file, calibrate, serve the exported model through the runtime, score test files. */

import { systemClock } from '../../core/clock.js';
import type { Clock } from '../../core/clock.js';
import { silentLogger } from '../../core/logger.js';
import type { Logger } from '../../core/logger.js';
import { buildArtifact } from '../fasttext/artifact.js';
import type { LabeledText } from '../fasttext/dataset.js';
import { trainClassifier } from '../fasttext/train-classifier.js';
import type { JobProgress, TrainClassifierOptions } from '../fasttext/train-classifier.js';
import { createPredictor } from '../intent-model/predictor.js';
import type { Predictor } from '../intent-model/predictor.js';
import { createOnnxRuntime } from '../runtime/index.js';
import type { OnnxRuntime } from '../runtime/index.js';
import { readJsonl } from './jsonl.js';
import { eceOf, reliabilityBins, scoreAt, thresholdSweep } from './metrics.js';
import type { EvalResult, ReliabilityBin, ScoredExample } from './metrics.js';

export interface RunEvalOptions {
  /** Training JSON-lines file (`oos` lines become out-of-scope calibration rows, not a class). */
  readonly train: string;
  /** Validation file(s) for calibration (may contain `oos` lines); else a held-out split of train. */
  readonly val?: string | readonly string[];
  /** Test files; their examples are scored together. */
  readonly tests: readonly string[];
  /** Global threshold: answered = confidence >= threshold (default 0.8). */
  readonly threshold?: number;
  readonly perIntentThresholds?: Readonly<Record<string, number>>;
  /** Model/calibration overrides (defaults: DEFAULT_CLASSIFIER). */
  readonly config?: TrainClassifierOptions['config'];
  readonly onProgress?: (p: JobProgress) => void;
  /** Concurrent single-query requests while scoring (default 64). */
  readonly concurrency?: number;
}

export interface RunEvalDeps {
  readonly log?: Logger;
  readonly clock?: Clock;
  /** Runtime to serve through; a CPU runtime is created (and closed) when absent. */
  readonly runtime?: OnnxRuntime;
}

/** The contract result plus what the readable and HTML reports show. */
export interface EvalDetails {
  readonly result: EvalResult;
  readonly items: readonly ScoredExample[];
  readonly sweep: ReturnType<typeof thresholdSweep>;
  readonly reliability: readonly ReliabilityBin[];
  readonly model: {
    readonly labels: number;
    readonly dim: number;
    readonly onnxBytes: number;
    readonly loadMs: number;
    readonly temperature: number;
    readonly calibrationSource: string;
    readonly contentHash: string;
  };
}

async function readMany(paths: readonly string[]): Promise<LabeledText[]> {
  const parts = await Promise.all(paths.map((p) => readJsonl(p)));
  return parts.flat();
}

/** Scores `examples` with at most `concurrency` requests in flight. */
async function scoreAll(
  predictor: Predictor,
  examples: readonly LabeledText[],
  concurrency: number,
): Promise<ScoredExample[]> {
  const out: ScoredExample[] = new Array<ScoredExample>(examples.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < examples.length) {
      const i = next++;
      const e = examples[i] as LabeledText;
      const p = await predictor.predict(e.text);
      out[i] = { text: e.text, gold: e.intent, predicted: p.intent, confidence: p.confidence };
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  return out;
}

/** Runs the evaluation and keeps the per-example scores for reports. */
export async function runEvalDetailed(options: RunEvalOptions, deps: RunEvalDeps = {}): Promise<EvalDetails> {
  const clock = deps.clock ?? systemClock;
  const log = deps.log ?? silentLogger;
  const threshold = options.threshold ?? 0.8;
  const valPaths = options.val === undefined ? [] : typeof options.val === 'string' ? [options.val] : options.val;
  const [train, validation, tests] = await Promise.all([
    readJsonl(options.train),
    readMany(valPaths),
    readMany(options.tests),
  ]);
  const started = clock.now();
  const trained = await trainClassifier(train, {
    ...(options.config === undefined ? {} : { config: options.config }),
    ...(validation.length === 0 ? {} : { validation }),
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
  });
  const artifact = buildArtifact(trained);
  const trainSeconds = (clock.now() - started) / 1000;
  log.info({ trainSeconds, onnxBytes: artifact.onnx.length }, 'eval: model trained');
  const runtime =
    deps.runtime ??
    (await createOnnxRuntime(
      { device: 'cpu', maxBatchSize: 16, maxWaitMs: 2, maxConcurrentRequests: 256 },
      { log, clock },
    ));
  try {
    const modelName = `eval-${trained.contentHash.slice(0, 12)}`;
    const loaded = await runtime.load(modelName, artifact.onnx);
    const predictor = createPredictor({ runtime, modelName, meta: artifact.meta });
    const t0 = clock.now();
    const items = await scoreAll(predictor, tests, options.concurrency ?? 64);
    const seconds = Math.max(1e-3, (clock.now() - t0) / 1000);
    const policy = {
      default: threshold,
      ...(options.perIntentThresholds === undefined ? {} : { perIntent: options.perIntentThresholds }),
    };
    const result: EvalResult = {
      ...scoreAt(items, policy),
      ece: eceOf(items),
      train_seconds: trainSeconds,
      predict_per_second: items.length / seconds,
    };
    if (deps.runtime === undefined) await runtime.unload(modelName);
    return {
      result,
      items,
      sweep: thresholdSweep(items),
      reliability: reliabilityBins(items),
      model: {
        labels: artifact.meta.labels.length,
        dim: artifact.meta.dim,
        onnxBytes: artifact.onnx.length,
        loadMs: loaded.loadMs,
        temperature: artifact.meta.calibration.temperature,
        calibrationSource: artifact.meta.calibrationSource,
        contentHash: artifact.meta.contentHash,
      },
    };
  } finally {
    if (deps.runtime === undefined) await runtime.close();
  }
}

/** The `clawbot eval` contract: one result object (fractions in [0, 1]). */
export async function runEval(options: RunEvalOptions, deps: RunEvalDeps = {}): Promise<EvalResult> {
  return (await runEvalDetailed(options, deps)).result;
}
