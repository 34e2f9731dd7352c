/**
 * The whole training job: split (or take a validation set) -> train -> build the nearest-example memory ->
 * fit calibration -> (retrain on everything) -> a TrainedClassifier ready to export.
 */

import { fitCalibration } from './calibration.js';
import type { CalibrationExample, CalibrationParams, RawScores } from './calibration.js';
import { trainingContentHash } from './content-hash.js';
import { canonicalOrder } from './dataset.js';
import type { LabeledText } from './dataset.js';
import type { FastTextModel } from './model.js';
import { onnxScorer } from './batch-scorer.js';
import type { BatchScorer } from './batch-scorer.js';
import { buildMemory } from './reference.js';
import { stratifiedSplit, syntheticOutOfScope } from './split.js';
import { DEFAULT_TRAIN, trainFastText } from './trainer.js';
import type { TrainConfig, TrainHooks, TrainProgress } from './trainer.js';

/**
 * `retrainOnAll: 'auto'` retrains on everything up to this many in-scope examples (about 6 s of CPU per training on
 * this size; larger sets keep the model trained on 90% so that training stays one run).
 */
const AUTO_RETRAIN_MAX = 12_000;

/** The intent that marks an out-of-scope example. */
export const OOS_INTENT = 'oos';

export interface CalibrationConfig {
  /** Share of each intent held out for calibration when no validation set is given. */
  readonly heldOutFraction: number;
  /** Out-of-scope share of traffic the confidence should assume (OOS calibration rows are re-weighted to it). */
  readonly oosShare: number;
  /** Synthetic out-of-scope queries (gibberish, word salad) added to the calibration set. */
  readonly syntheticOos: number;
  /** Weight of one synthetic query relative to a real one. */
  readonly syntheticWeight: number;
  /**
   * After calibrating on a held-out split, retrain the served model on all examples; `auto` does it when there are
   * at most 12,000 in-scope examples (small bots gain the most and train fast; larger sets keep one training run).
   */
  readonly retrainOnAll: boolean | 'auto';
  /** Fewer held-out in-scope rows than this: training examples are added as (optimistic) calibration rows. */
  readonly minHeldOut: number;
}

export const DEFAULT_CALIBRATION: CalibrationConfig = Object.freeze({
  heldOutFraction: 0.1,
  oosShare: 0.05,
  syntheticOos: 300,
  syntheticWeight: 0.3,
  retrainOnAll: 'auto',
  minHeldOut: 30,
});

export interface ClassifierConfig {
  readonly train: TrainConfig;
  readonly calibration: CalibrationConfig;
  /** Cap on the nearest-example memory (the first examples in canonical order are kept). */
  readonly maxMemory: number;
}

export const DEFAULT_CLASSIFIER: ClassifierConfig = Object.freeze({
  train: DEFAULT_TRAIN,
  calibration: DEFAULT_CALIBRATION,
  maxMemory: 50_000,
});

/** A trained, calibrated classifier (not yet exported). */
export interface TrainedClassifier {
  readonly model: FastTextModel;
  readonly calibration: CalibrationParams;
  /** L2-normalised embeddings of the memory texts [N, D]. */
  readonly memory: Float32Array;
  readonly memoryTexts: readonly string[];
  /** Class index of each memory row. */
  readonly memoryLabels: readonly number[];
  readonly contentHash: string;
  readonly config: ClassifierConfig;
  /** How calibration data was obtained. */
  readonly calibrationSource: 'validation' | 'held-out';
}

/** Progress of a training job. */
export interface JobProgress extends TrainProgress {
  readonly phase: 'calibration-model' | 'final-model';
}

export interface TrainClassifierOptions {
  readonly config?: {
    readonly train?: Partial<TrainConfig>;
    readonly calibration?: Partial<CalibrationConfig>;
    readonly maxMemory?: number;
  };
  /** Validation examples (intent `oos` = out of scope); when given, calibration uses them. */
  readonly validation?: readonly LabeledText[];
  readonly onProgress?: (p: JobProgress) => void;
  readonly signal?: AbortSignal;
  /** How calibration rows are scored (default: onnxruntime on the exported graph). */
  readonly scorer?: BatchScorer;
}

/** Resolves a partial configuration against the defaults. */
export function resolveConfig(partial: TrainClassifierOptions['config'] = {}): ClassifierConfig {
  return {
    train: { ...DEFAULT_TRAIN, ...partial.train },
    calibration: { ...DEFAULT_CALIBRATION, ...partial.calibration },
    maxMemory: partial.maxMemory ?? DEFAULT_CLASSIFIER.maxMemory,
  };
}

function uniqueMemory(examples: readonly LabeledText[], max: number): LabeledText[] {
  const seen = new Set<string>();
  const out: LabeledText[] = [];
  for (const e of canonicalOrder(examples)) {
    if (seen.has(e.text) || out.length >= max) continue;
    seen.add(e.text);
    out.push(e);
  }
  return out;
}

/** Trains and calibrates. Examples with intent `oos` are not a class: they become out-of-scope calibration rows. */
export async function trainClassifier(
  examples: readonly LabeledText[],
  options: TrainClassifierOptions = {},
): Promise<TrainedClassifier> {
  const config = resolveConfig(options.config);
  const inScope = examples.filter((e) => e.intent !== OOS_INTENT);
  const knownOos = examples.filter((e) => e.intent === OOS_INTENT);
  const validation = options.validation ?? [];
  const contentHash = trainingContentHash(examples, config, validation);
  const hooks = (phase: JobProgress['phase']): TrainHooks => ({
    ...(options.onProgress === undefined ? {} : { onProgress: (p) => options.onProgress?.({ ...p, phase }) }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  const useValidation = validation.some((e) => e.intent !== OOS_INTENT);
  const [fitPart, heldOut] = useValidation
    ? [inScope, validation]
    : stratifiedSplit(inScope, config.calibration.heldOutFraction, config.train.seed);
  const calibrationModel = await trainFastText(
    fitPart,
    config.train,
    hooks(useValidation ? 'final-model' : 'calibration-model'),
  );
  const calMemoryRows = uniqueMemory(fitPart, config.maxMemory);
  const calMemory = buildMemory(
    calibrationModel,
    calMemoryRows.map((e) => e.text),
  );
  const labelIndex = new Map(calibrationModel.labels.map((l, i) => [l, i]));
  const pending: { text: string; label: number; weight: number }[] = [];
  const addRow = (text: string, intent: string, weight = 1): void => {
    pending.push({ text, label: intent === OOS_INTENT ? -1 : (labelIndex.get(intent) ?? -1), weight });
  };
  for (const e of canonicalOrder(heldOut)) addRow(e.text, e.intent);
  const extraOos = useValidation ? knownOos : [...knownOos, ...validation.filter((e) => e.intent === OOS_INTENT)];
  for (const e of canonicalOrder(extraOos)) addRow(e.text, OOS_INTENT);
  if (pending.filter((r) => r.label >= 0).length < config.calibration.minHeldOut) {
    for (const e of canonicalOrder(fitPart)) addRow(e.text, e.intent, 0.5);
  }
  for (const text of syntheticOutOfScope(inScope, config.calibration.syntheticOos, config.train.seed)) {
    addRow(text, OOS_INTENT, config.calibration.syntheticWeight);
  }
  const scorer = options.scorer ?? onnxScorer;
  const scores = await scorer(
    calibrationModel,
    calMemory,
    pending.map((r) => r.text),
  );
  const rows: CalibrationExample[] = pending.map((r, i) => ({
    raw: scores[i] as RawScores,
    label: r.label,
    weight: r.weight,
  }));
  const calibration = fitCalibration(rows, { oosShare: config.calibration.oosShare });
  const retrainWanted =
    config.calibration.retrainOnAll === 'auto' ? inScope.length <= AUTO_RETRAIN_MAX : config.calibration.retrainOnAll;
  const retrain = !useValidation && retrainWanted && heldOut.length > 0;
  const model = retrain ? await trainFastText(inScope, config.train, hooks('final-model')) : calibrationModel;
  const memoryRows = retrain ? uniqueMemory(inScope, config.maxMemory) : calMemoryRows;
  const finalIndex = new Map(model.labels.map((l, i) => [l, i]));
  return {
    model,
    calibration,
    memory: retrain
      ? buildMemory(
          model,
          memoryRows.map((e) => e.text),
        )
      : calMemory,
    memoryTexts: memoryRows.map((e) => e.text),
    memoryLabels: memoryRows.map((e) => finalIndex.get(e.intent) ?? -1),
    contentHash,
    config,
    calibrationSource: useValidation ? 'validation' : 'held-out',
  };
}
