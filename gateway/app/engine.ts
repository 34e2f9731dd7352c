import type { Clock } from '../../core/clock.js';
import type { BotDefinition } from '../../core/engine/types.js';
import type { Logger } from '../../core/logger.js';
import type { DialogueEngine } from '../../core/ports/dialogue.js';
import type { Embedder, IntentClassifier } from '../../core/ports/inference.js';
import type { KeyValue } from '../../core/ports/kv.js';
import { createLexicalClassifier } from '../../inference/lexical/index.js';
import { DEMO_BOT_DIR, loadBotFolder } from '../../knowledge/bot-folder/index.js';
import { createKvQaCache, createLruQaCache, type QaCache } from '../../knowledge/cache/index.js';
import {
  createKnowledgeEngine,
  createReloadableEngine,
  type KnowledgeEngine,
  type ReloadOutcome,
} from '../../knowledge/engine/index.js';
import { createDefaultSegmenter } from '../../knowledge/text/index.js';
import type { ClassifierFactory } from '../../knowledge/retrieval/index.js';
import type { AppConfig } from '../config/index.js';

/** Trains the lexical intent classifier (ranking of 5): the default classifier and the calibration folds' one. */
export const lexicalClassifierFactory: ClassifierFactory = (examples) =>
  createLexicalClassifier(examples, { rankingSize: 5 });

export interface LoadedEngine {
  /** Serves the current version of the bot; reloads swap versions underneath it. */
  readonly engine: DialogueEngine;
  /** The bot of the version currently serving. */
  readonly bot: BotDefinition;
  readonly botDir: string;
  readonly timings: Readonly<Record<string, number>>;
  readonly classifierName: string;
  /** The QA cache (hit ratio in `cache.stats()`). */
  readonly cache: QaCache;
  /** Rebuilds from the bot folder now (also done on file changes while watching). */
  reload(): Promise<ReloadOutcome>;
  /** Stops watching the bot folder. */
  close(): void;
}

export interface LoadEngineDeps {
  readonly clock: Clock;
  readonly log?: Logger;
  /** Shared store for the QA cache (Redis across replicas); in-process LRU when absent. */
  readonly kv?: KeyValue;
  /** Builds the intent classifier for a bot version (default: the lexical classifier). */
  readonly classifierFor?: (bot: BotDefinition) => Promise<IntentClassifier>;
  /** Trains the classifiers of the calibration folds (default: {@link lexicalClassifierFactory}). */
  readonly classifierFactory?: ClassifierFactory;
  /** Dense vectors for retrieval (default: hashed character n-grams). */
  readonly embedder?: Embedder;
  /** Watch the bot folder and reload on change (default true). */
  readonly watch?: boolean;
  /** QA cache time-to-live (default 1800 s). */
  readonly qaCacheTtlMs?: number;
}

/**
 * Loads the bot folder (the bundled demo when `bot.path` is unset), builds the knowledge-backed dialogue engine on
 * it and, unless `deps.watch` is false, reloads it when the folder changes: turns in flight finish on the old
 * version, the QA cache is invalidated, an invalid edit is logged and the old version keeps serving.
 */
export async function loadEngine(config: AppConfig, deps: LoadEngineDeps): Promise<LoadedEngine> {
  const botDir = config.bot.path ?? DEMO_BOT_DIR;
  const segmenter = createDefaultSegmenter();
  const ttlMs = deps.qaCacheTtlMs ?? 1_800_000;
  const cache =
    deps.kv === undefined
      ? createLruQaCache({ ttlMs }, { clock: deps.clock })
      : createKvQaCache({ kv: deps.kv, ttlMs, prefix: 'qa:' });
  const timings: Record<string, number> = {};
  const read = async (): Promise<BotDefinition> => {
    const t0 = performance.now();
    const bot = await loadBotFolder(botDir);
    timings['botLoadMs'] = performance.now() - t0;
    return bot;
  };
  const build = async (bot: BotDefinition): Promise<KnowledgeEngine> => {
    const built = await createKnowledgeEngine(
      {
        bot,
        segmenter,
        cache,
        classifierFactory: deps.classifierFactory ?? lexicalClassifierFactory,
        threshold: config.handoff.threshold,
        vectorIndex: {
          kind: config.bot.retrieval.vectorIndex,
          quantizedThreshold: config.bot.retrieval.quantizedThreshold,
          hnswThreshold: config.bot.retrieval.hnswThreshold,
          hnsw: config.bot.retrieval.hnsw,
        },
        ...(deps.classifierFor === undefined ? {} : { classifier: await deps.classifierFor(bot) }),
        ...(deps.embedder === undefined ? {} : { embedder: deps.embedder }),
      },
      { clock: deps.clock, ...(deps.log === undefined ? {} : { log: deps.log }) },
    );
    timings['classifierBuildMs'] = built.timings['classifierBuildMs'] ?? 0;
    timings['rankerBuildMs'] = built.timings['rankerBuildMs'] ?? 0;
    timings['kgCalibrationMs'] = built.timings['kgCalibrationMs'] ?? 0;
    return built;
  };
  const initial = await build(await read());
  const reloadable = createReloadableEngine(
    initial,
    {
      read,
      build,
      ...(deps.watch === false ? {} : { watchDir: botDir }),
      onSwap: () => cache.clear(),
    },
    deps.log === undefined ? {} : { log: deps.log },
  );
  return {
    engine: reloadable,
    get bot() {
      return reloadable.current.bot;
    },
    botDir,
    timings,
    get classifierName() {
      return reloadable.current.classifier.name;
    },
    cache,
    reload: () => reloadable.reload(),
    close: () => reloadable.close(),
  };
}
