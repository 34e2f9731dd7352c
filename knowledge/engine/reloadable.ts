/**
 * Hot reload of a bot: a dialogue engine that swaps in a freshly built engine when the bot folder changes.
 * Turns already running finish on the version they started with; the QA cache is invalidated on every swap.
 */
import { watch, type FSWatcher } from 'node:fs';
import type { BotDefinition } from '../../core/engine/types.js';
import { describeError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { DialogueEngine } from '../../core/ports/dialogue.js';
import { botVersion, type KnowledgeEngine } from './build.js';

export interface ReloadableEngineOptions {
  /** Reads the bot from the current files (throws when they are invalid: the old version stays). */
  readonly read: () => Promise<BotDefinition>;
  /**
   * Builds the engine for a bot read (classifier, ranker and graph calibration: the costly part). Called only when
   * the bot's version differs from the one serving: a change event that leaves the content as it was (a file
   * saved unchanged, an editor's swap file in the folder) costs a read, not a build.
   */
  readonly build: (bot: BotDefinition) => Promise<KnowledgeEngine>;
  /** Folder to watch; without it only explicit `reload()` calls reload. */
  readonly watchDir?: string;
  /** Quiet time after the last change before reloading (default 300 ms): editors write files in bursts. */
  readonly debounceMs?: number;
  /** Called after a new version was swapped in (e.g. to clear a cache). */
  readonly onSwap?: (next: KnowledgeEngine, previous: KnowledgeEngine) => void;
}

/** What a reload did. */
export type ReloadOutcome = 'swapped' | 'unchanged' | 'failed';

export interface ReloadableEngine extends DialogueEngine {
  /** The version serving new turns. */
  readonly current: KnowledgeEngine;
  /** Rebuilds now (reloads are serialised; a call during a reload waits for a fresh one after it). */
  reload(): Promise<ReloadOutcome>;
  /** Swaps in versions built so far. */
  readonly swaps: number;
  /** Stops watching. */
  close(): void;
}

/** Wraps a built engine; starts watching `watchDir` when given (the watcher does not keep the process alive). */
export function createReloadableEngine(
  initial: KnowledgeEngine,
  options: ReloadableEngineOptions,
  deps: { log?: Logger } = {},
): ReloadableEngine {
  let current = initial;
  let swaps = 0;
  let running: Promise<ReloadOutcome> | undefined;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined;
  let closed = false;

  const reloadOnce = async (): Promise<ReloadOutcome> => {
    const started = performance.now();
    try {
      const bot = await options.read();
      if (botVersion(bot) === current.version) return 'unchanged';
      const next = await options.build(bot);
      const previous = current;
      current = next;
      swaps++;
      options.onSwap?.(next, previous);
      deps.log?.info(
        { bot: next.bot.name, from: previous.version, to: next.version, ms: Math.round(performance.now() - started) },
        'bot reloaded',
      );
      return 'swapped';
    } catch (error: unknown) {
      deps.log?.error({ err: describeError(error) }, 'bot reload failed; the previous version keeps serving');
      return 'failed';
    }
  };

  const reload = (): Promise<ReloadOutcome> => {
    if (running !== undefined) {
      again = true;
      return running.then(() => reload());
    }
    const run = (async (): Promise<ReloadOutcome> => {
      let outcome = await reloadOnce();
      while (again) {
        again = false;
        const next = await reloadOnce();
        if (next !== 'unchanged') outcome = next;
      }
      return outcome;
    })();
    running = run.finally(() => {
      running = undefined;
    });
    return running;
  };

  if (options.watchDir !== undefined) {
    try {
      watcher = watch(options.watchDir, { persistent: false }, () => {
        if (closed) return;
        if (timer !== undefined) clearTimeout(timer);
        timer = setTimeout(() => {
          timer = undefined;
          void reload();
        }, options.debounceMs ?? 300);
        timer.unref();
      });
      watcher.on('error', (error) => deps.log?.warn({ err: describeError(error) }, 'bot folder watch failed'));
    } catch (error: unknown) {
      deps.log?.warn({ err: describeError(error), dir: options.watchDir }, 'cannot watch the bot folder');
    }
  }

  return {
    get current() {
      return current;
    },
    get swaps() {
      return swaps;
    },
    // Each turn runs on the version current when it started, even if a reload swaps meanwhile.
    respond: (request) => current.engine.respond(request),
    ready: () => current.engine.ready(),
    reload,
    close: () => {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      watcher?.close();
    },
  };
}
