/**
 * The delivery queue without Redis: retries wait on the injected clock in this process, dead letters are kept in a
 * bounded list. On close, retries not yet due are tried once more, so a graceful shutdown flushes what it can.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../../core/clock.js';
import type { OutboundMessage, SendReceipt } from '../../../core/envelope.js';
import { describeError } from '../../../core/errors.js';
import type { Logger } from '../../../core/logger.js';
import { backoffDelay, deliveryId, isRetryable, retryHintMs } from './policy.js';
import type { DeadLetter, DeliveryDeps, DeliveryOptions, DeliveryQueue } from './types.js';

interface Job {
  readonly id: string;
  readonly message: OutboundMessage;
  attempts: number;
  readonly firstAttemptAt: number;
  lastError: string;
  readonly cancel: AbortController;
}

export interface InProcessDeliveryDeps extends DeliveryDeps {
  readonly clock: Clock;
  readonly log: Logger;
  /** Jitter source in [0, 1) (default Math.random). */
  readonly random?: () => number;
  /** Most dead letters kept (oldest dropped first; default 1000). */
  readonly maxDeadLetters?: number;
}

/** Creates the in-process delivery queue. */
export function createInProcessDeliveryQueue(options: DeliveryOptions, deps: InProcessDeliveryDeps): DeliveryQueue {
  const { clock, log } = deps;
  const random = deps.random ?? Math.random;
  const maxDead = deps.maxDeadLetters ?? 1000;
  const waiting = new Map<string, Job>();
  const running = new Set<Promise<void>>();
  const dead = new Map<string, DeadLetter>();
  const delivered = new Set<string>();
  let closed = false;
  const policy = { baseMs: options.backoffMs, maxMs: options.maxBackoffMs };
  const channelOf = (m: OutboundMessage) => m.conversation.channel;

  const bury = (job: Job): void => {
    waiting.delete(job.id);
    dead.set(job.id, {
      id: job.id,
      channel: channelOf(job.message),
      conversation: job.message.conversation,
      message: job.message,
      attempts: job.attempts,
      firstAttemptAt: job.firstAttemptAt,
      failedAt: clock.now(),
      error: job.lastError,
    });
    while (dead.size > maxDead) dead.delete(dead.keys().next().value as string);
    deps.onOutcome?.('dead', channelOf(job.message));
    log.error({ delivery: job.id, attempts: job.attempts, err: job.lastError }, 'delivery failed; dead letter kept');
  };

  const attempt = async (job: Job): Promise<void> => {
    if (delivered.has(job.id)) {
      waiting.delete(job.id);
      return;
    }
    job.attempts += 1;
    try {
      await deps.send(job.message);
      delivered.add(job.id);
      waiting.delete(job.id);
      deps.onOutcome?.('sent', channelOf(job.message));
    } catch (error: unknown) {
      job.lastError = describeError(error);
      if (!isRetryable(error) || job.attempts >= options.attempts || closed) bury(job);
      else schedule(job, retryHintMs(error));
    }
  };

  const track = (work: Promise<void>): void => {
    running.add(work);
    void work.finally(() => running.delete(work));
  };

  function schedule(job: Job, hintMs: number): void {
    waiting.set(job.id, job);
    deps.onOutcome?.('retried', channelOf(job.message));
    const delay = backoffDelay(job.attempts, policy, random(), hintMs);
    clock.sleep(delay, job.cancel.signal).then(
      () => track(attempt(job)),
      () => undefined, // cancelled by close(): close() attempts it
    );
  }

  return {
    kind: 'in-process',
    async send(message): Promise<SendReceipt> {
      try {
        const receipt = await deps.send(message);
        deps.onOutcome?.('sent', channelOf(message));
        return receipt;
      } catch (error: unknown) {
        if (!isRetryable(error) || options.attempts <= 1 || closed) {
          deps.onOutcome?.('refused', channelOf(message));
          throw error;
        }
        const job: Job = {
          id: deliveryId(message, randomUUID()),
          message,
          attempts: 1,
          firstAttemptAt: clock.now(),
          lastError: describeError(error),
          cancel: new AbortController(),
        };
        log.warn({ delivery: job.id, err: job.lastError }, 'delivery failed; queued for retry');
        deps.onOutcome?.('queued', channelOf(message));
        schedule(job, retryHintMs(error));
        return { sentAt: clock.now(), via: 'queued', id: job.id };
      }
    },
    pending: () => Promise.resolve(waiting.size),
    deadLetters: (limit = 100) => Promise.resolve([...dead.values()].reverse().slice(0, limit)),
    retryDeadLetter(id) {
      const letter = dead.get(id);
      if (letter === undefined || closed) return Promise.resolve(false);
      dead.delete(id);
      const job: Job = {
        id,
        message: letter.message,
        attempts: 0,
        firstAttemptAt: clock.now(),
        lastError: letter.error,
        cancel: new AbortController(),
      };
      waiting.set(id, job);
      track(attempt(job));
      return Promise.resolve(true);
    },
    health: () => Promise.resolve({ ok: true, detail: `in-process, ${waiting.size} waiting, ${dead.size} dead` }),
    async close(timeoutMs = 10_000) {
      closed = true;
      const flush = [...waiting.values()].map((job) => {
        job.cancel.abort();
        return attempt(job);
      });
      const all = Promise.all([...flush, ...running]).then(() => undefined);
      const timer = new AbortController();
      await Promise.race([all, clock.sleep(timeoutMs, timer.signal).catch(() => undefined)]);
      timer.abort();
      for (const job of waiting.values()) bury(job);
    },
  };
}
