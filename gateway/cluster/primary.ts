/**
 * `clawbot gateway --workers N`: the primary process forks N workers (node:cluster; they share the listening port
 * and all state through Redis), restarts a worker that dies, sums the workers' metrics for `/metrics`, and on
 * SIGTERM/SIGINT asks every worker to shut down gracefully, exiting 0 once they all did within the timeout.
 */
import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry } from 'prom-client';
import type { Logger } from '../../core/logger.js';
import { isMessage } from './messages.js';

export interface PrimaryOptions {
  readonly workers: number;
  /** Each worker's graceful shutdown budget; the primary waits this plus a margin. */
  readonly shutdownTimeoutMs: number;
  /** Restarts allowed per minute before the primary gives up (default 10). */
  readonly maxRestartsPerMinute?: number;
}

export interface PrimaryDeps {
  readonly log: Logger;
  /** Process exit (injected for tests). */
  readonly exit?: (code: number) => void;
}

/** A running primary. */
export interface Primary {
  /** Resolves when every worker is listening. */
  readonly ready: Promise<void>;
  /** Live worker count. */
  readonly size: number;
  /** Graceful stop (what SIGTERM does); resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number>;
}

/** Starts the primary: forks the workers and installs the signal handlers. */
export function runPrimary(options: PrimaryOptions, deps: PrimaryDeps): Primary {
  const { log } = deps;
  const exit = deps.exit ?? ((code: number) => process.exit(code));
  const maxRestarts = options.maxRestartsPerMinute ?? 10;
  const restarts: number[] = [];
  let stopping: Promise<number> | undefined;
  /** Scrapes being collected: who asked, the registries received so far, how many workers still owe one. */
  const collecting = new Map<
    number,
    { parts: (readonly object[])[]; pending: number; reply: (text?: string, error?: string) => void }
  >();
  let nextCollect = 0;

  const fork = (): Worker => {
    const worker = cluster.fork();
    worker.on('message', (message: unknown) => onMessage(worker, message));
    return worker;
  };

  const onMessage = (from: Worker, message: unknown): void => {
    if (isMessage(message, 'clawbot:metrics:request')) {
      const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w?.isConnected() === true);
      const id = nextCollect++;
      const reply = (text?: string, error?: string): void => {
        collecting.delete(id);
        if (!from.isConnected()) return;
        from.send({
          type: 'clawbot:metrics:response',
          id: message.id,
          ...(text === undefined ? {} : { text }),
          ...(error === undefined ? {} : { error }),
        });
      };
      collecting.set(id, { parts: [], pending: workers.length, reply });
      setTimeout(() => collecting.get(id)?.reply(undefined, 'timed out'), 4000).unref();
      for (const w of workers) w.send({ type: 'clawbot:metrics:collect', id });
      return;
    }
    if (isMessage(message, 'clawbot:metrics:json')) {
      const entry = collecting.get(message.id);
      if (entry === undefined) return;
      entry.parts.push(message.metrics);
      entry.pending -= 1;
      if (entry.pending > 0) return;
      void Promise.resolve(AggregatorRegistry.aggregate(entry.parts).metrics()).then(
        (text) => entry.reply(text),
        (error: unknown) => entry.reply(undefined, String(error)),
      );
    }
  };

  let listening = 0;
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  cluster.on('listening', () => {
    listening += 1;
    if (listening === options.workers) markReady();
  });
  cluster.on('exit', (worker, code, signal) => {
    if (stopping !== undefined) return;
    const now = Date.now();
    restarts.push(now);
    while (restarts.length > 0 && (restarts[0] ?? now) < now - 60_000) restarts.shift();
    log.error({ worker: worker.id, code, signal }, 'gateway worker died');
    if (restarts.length > maxRestarts) {
      log.error({ restarts: restarts.length }, 'workers keep dying; stopping the gateway');
      void stop('SIGTERM').then(() => exit(1));
      return;
    }
    fork();
  });

  const stop = (signal: NodeJS.Signals = 'SIGTERM'): Promise<number> => {
    stopping ??= new Promise<number>((resolve) => {
      const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
      log.info({ signal, workers: workers.length }, 'stopping gateway workers');
      let failed = 0;
      let left = workers.length;
      if (left === 0) {
        resolve(0);
        return;
      }
      const timer = setTimeout(() => {
        log.error({ timeoutMs: options.shutdownTimeoutMs }, 'workers did not stop in time; killing them');
        for (const w of workers) if (!w.isDead()) w.process.kill('SIGKILL');
        resolve(1);
      }, options.shutdownTimeoutMs + 2000);
      for (const w of workers) {
        w.once('exit', (code) => {
          if (code !== 0) failed += 1;
          left -= 1;
          if (left === 0) {
            clearTimeout(timer);
            resolve(failed === 0 ? 0 : 1);
          }
        });
        w.process.kill(signal);
      }
    });
    return stopping;
  };

  for (let i = 0; i < options.workers; i++) fork();
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => void stop(signal).then((code) => exit(code)));
  }
  return {
    ready,
    get size() {
      return Object.keys(cluster.workers ?? {}).length;
    },
    stop,
  };
}
