/**
 * Builds the knowledge-backed dialogue engine for a bot: intent classifier (injected, or the lexical one),
 * hybrid answer ranker (BM25 + dense, calibrated on the bot's held-out splits), graph QA and the QA cache.
 */
import { createHash } from 'node:crypto';
import { systemClock, type Clock } from '../../core/clock.js';
import { createDialogueEngine } from '../../core/engine/engine.js';
import { trainingExamples } from '../../core/engine/training.js';
import type { AnswerCache, BotDefinition } from '../../core/engine/types.js';
import type { Logger } from '../../core/logger.js';
import type { DialogueEngine } from '../../core/ports/dialogue.js';
import type { Embedder, IntentClassifier } from '../../core/ports/inference.js';
import { fitKgCalibration, type KgCalibrationFit } from '../kg-calibration/fit.js';
import type { ClassifierFactory } from '../retrieval/calibration-fit.js';
import type { VectorIndexPolicy } from '../retrieval/choose-index.js';
import { createHybridRanker, type HybridRanker } from '../retrieval/hybrid-ranker.js';
import { answerUnits } from '../retrieval/units.js';
import { createDefaultSegmenter, type Segmenter } from '../text/segmenter.js';
import { createTokenizer } from '../text/tokenizer.js';

export interface KnowledgeEngineOptions {
  readonly bot: BotDefinition;
  /** Trains a classifier on examples: used for the calibration folds, and for the bot when no `classifier` is given. */
  readonly classifierFactory: ClassifierFactory;
  /** The serving intent classifier (default: `classifierFactory(trainingExamples(bot))`). */
  readonly classifier?: IntentClassifier;
  /** Dense vectors for retrieval (default: hashed character n-grams, no model). */
  readonly embedder?: Embedder;
  /** Chinese segmentation (default: jieba when it loads, else bigrams). Share one per process. */
  readonly segmenter?: Segmenter;
  /** The QA cache (default: none). */
  readonly cache?: AnswerCache;
  /** Overrides the bot's handoff threshold. */
  readonly threshold?: number;
  /** Which vector index serves retrieval (default: by size). */
  readonly vectorIndex?: VectorIndexPolicy;
  readonly folds?: number;
  /** Calibrate graph answers on questions generated from the bot (default true; false: fixed link scores). */
  readonly kgCalibration?: boolean;
  /** Also measure the graph calibration out of fold (`kg.heldOut`; a few more fits). */
  readonly kgDiagnostics?: boolean;
}

export interface KnowledgeEngineDeps {
  readonly clock?: Clock;
  readonly log?: Logger;
}

/** A built engine and what it is made of. */
export interface KnowledgeEngine {
  readonly engine: DialogueEngine;
  readonly bot: BotDefinition;
  readonly classifier: IntentClassifier;
  readonly ranker: HybridRanker;
  /** The graph answers' calibration (undefined when switched off). */
  readonly kg: KgCalibrationFit | undefined;
  /** Content hash of the bot definition (cache namespace). */
  readonly version: string;
  readonly timings: Readonly<Record<string, number>>;
}

/** A short content hash of a bot definition: equal bots, equal versions. */
export function botVersion(bot: BotDefinition): string {
  return createHash('sha256').update(JSON.stringify(bot)).digest('base64url').slice(0, 16);
}

/**
 * A factory that trains once per distinct example list: the serving classifier, the ranker's calibration folds
 * and the graph calibration's held-out classifiers ask for the same ones.
 */
export function memoizeClassifierFactory(factory: ClassifierFactory): ClassifierFactory {
  const trained = new Map<string, ReturnType<ClassifierFactory>>();
  return (examples) => {
    const key = createHash('sha256').update(JSON.stringify(examples)).digest('base64url');
    let found = trained.get(key);
    if (found === undefined) {
      found = factory(examples);
      trained.set(key, found);
    }
    return found;
  };
}

/** Builds the engine; the classifier is trained and the ranker and graph answers calibrated here (deterministic). */
export async function createKnowledgeEngine(
  options: KnowledgeEngineOptions,
  deps: KnowledgeEngineDeps = {},
): Promise<KnowledgeEngine> {
  const { bot } = options;
  const t0 = performance.now();
  const factory = memoizeClassifierFactory(options.classifierFactory);
  const classifier = options.classifier ?? (await factory(trainingExamples(bot)));
  const t1 = performance.now();
  const tokenizer = createTokenizer({ segmenter: options.segmenter ?? createDefaultSegmenter() });
  const ranker = await createHybridRanker({
    units: answerUnits(bot),
    tokenizer,
    ...(options.embedder === undefined ? {} : { embedder: options.embedder }),
    classifierFactory: factory,
    ...(options.vectorIndex === undefined ? {} : { vectorIndex: options.vectorIndex }),
    ...(deps.log === undefined ? {} : { log: deps.log }),
    ...(options.folds === undefined ? {} : { folds: options.folds }),
  });
  const t2 = performance.now();
  const kg =
    options.kgCalibration === false
      ? undefined
      : await fitKgCalibration({
          bot,
          classifier,
          classifierFactory: factory,
          ...(options.threshold === undefined ? {} : { threshold: options.threshold }),
          ...(options.kgDiagnostics === true ? { diagnostics: true } : {}),
        });
  const t3 = performance.now();
  const version = botVersion(bot);
  const engine = createDialogueEngine({
    bot,
    classifier,
    ranker,
    ...(kg?.calibrator === undefined ? {} : { kgCalibrator: kg.calibrator }),
    ...(options.cache === undefined ? {} : { cache: options.cache, cacheNamespace: `qa:${version}` }),
    ...(options.threshold === undefined ? {} : { threshold: options.threshold }),
    clock: deps.clock ?? systemClock,
    ...(deps.log === undefined ? {} : { log: deps.log }),
  });
  deps.log?.info(
    {
      bot: bot.name,
      version,
      classifier: classifier.name,
      ranker: ranker.name,
      vectorIndex: ranker.info.vectorIndex,
      heldOutTop1: ranker.info.fit?.heldOutTop1,
      kgCalibration:
        kg === undefined ? 'off' : { cases: kg.cases, samples: kg.samples, fitted: kg.model !== undefined },
    },
    'knowledge engine built',
  );
  return {
    engine,
    bot,
    classifier,
    ranker,
    kg,
    version,
    timings: { classifierBuildMs: t1 - t0, rankerBuildMs: t2 - t1, kgCalibrationMs: t3 - t2 },
  };
}
