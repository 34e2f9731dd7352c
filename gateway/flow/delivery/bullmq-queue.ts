/**
 * The delivery queue with Redis (BullMQ): a failed send becomes a job retried by whichever replica is free, with
 * exponential back-off; a job that fails every attempt stays in the failed set, which is the dead-letter list
 * (`clawbot deadletter list|retry`). Keys live under `<keyPrefix>:{delivery}:` (one hash tag, so BullMQ's scripts and
 * the `sent` markers all live in one Redis Cluster slot, as BullMQ requires on a cluster).
 * Each job is sent at most once per success: a `sent` marker is checked before and written after the send.
 */
import { randomUUID } from 'node:crypto';
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Clock } from '../../../core/clock.js';
import type { OutboundMessage, SendReceipt } from '../../../core/envelope.js';
import { describeError } from '../../../core/errors.js';
import type { Logger } from '../../../core/logger.js';
import { createRedisClient, type RedisClient, type RedisTarget } from '../../app/redis-client.js';
import { backoffDelay, deliveryId, isRetryable, retryHintMs } from './policy.js';
import type { DeadLetter, DeliveryDeps, DeliveryOptions, DeliveryQueue } from './types.js';

/** The BullMQ queue name. */
export const DELIVERY_QUEUE = 'outbound';

/** The BullMQ prefix of a deployment: `<keyPrefix>:{delivery}` (the braces are the Redis Cluster hash tag). */
export function deliveryPrefix(keyPrefix: string): string {
  return `${keyPrefix}:{delivery}`;
}

interface JobData {
  readonly message: OutboundMessage;
  readonly firstAttemptAt: number;
}

export interface RedisDeliveryOptions extends DeliveryOptions {
  /** One server or a Redis Cluster (`redis.url` / `redis.cluster`). */
  readonly redis: RedisTarget;
  readonly keyPrefix: string;
}

export interface RedisDeliveryDeps extends DeliveryDeps {
  readonly clock: Clock;
  readonly log: Logger;
  /** Run the worker (default true; the CLI opens the queue without one). */
  readonly worker?: boolean;
}

function connect(target: RedisTarget, blocking: boolean): RedisClient {
  // Workers block on Redis and must never give up a command (BullMQ requires maxRetriesPerRequest: null).
  return createRedisClient(target, {
    maxRetriesPerRequest: blocking ? null : 2,
    connectTimeout: 3000,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
}

function toDeadLetter(job: Job<JobData>): DeadLetter {
  const message = job.data.message;
  return {
    id: job.id ?? '',
    channel: message.conversation.channel,
    conversation: message.conversation,
    message,
    attempts: job.attemptsMade + 1,
    firstAttemptAt: job.data.firstAttemptAt,
    failedAt: job.finishedOn ?? job.processedOn ?? job.timestamp,
    error: job.failedReason,
  };
}

/** Creates the BullMQ-backed delivery queue. */
export function createRedisDeliveryQueue(options: RedisDeliveryOptions, deps: RedisDeliveryDeps): DeliveryQueue {
  const { clock, log } = deps;
  const prefix = deliveryPrefix(options.keyPrefix);
  const policy = { baseMs: options.backoffMs, maxMs: options.maxBackoffMs };
  const producer = connect(options.redis, false);
  producer.on('error', (e: Error) => log.warn({ err: e.message }, 'delivery queue: redis connection problem'));
  const queue = new Queue<JobData>(DELIVERY_QUEUE, { connection: producer, prefix });
  queue.on('error', (e: Error) => log.warn({ err: e.message }, 'delivery queue error'));
  const sentKey = (id: string) => `${prefix}:sent:${id}`;
  const retries = Math.max(0, options.attempts - 1);
  let closed = false;

  let worker: Worker<JobData> | undefined;
  let workerConnection: RedisClient | undefined;
  if (deps.worker !== false && retries > 0) {
    workerConnection = connect(options.redis, true);
    workerConnection.on('error', () => undefined); // reported by the producer connection
    worker = new Worker<JobData>(
      DELIVERY_QUEUE,
      async (job) => {
        const id = job.id ?? '';
        if ((await producer.get(sentKey(id))) !== null) return;
        try {
          await deps.send(job.data.message);
        } catch (error: unknown) {
          if (!isRetryable(error)) throw new UnrecoverableError(describeError(error));
          throw error;
        }
        await producer.set(sentKey(id), '1', 'PX', options.deadLetterTtlMs);
      },
      {
        connection: workerConnection,
        prefix,
        concurrency: options.concurrency,
        settings: {
          backoffStrategy: (attemptsMade: number, _type?: string, err?: Error) =>
            backoffDelay(attemptsMade + 1, policy, Math.random(), retryHintMs(err)),
        },
      },
    );
    worker.on('error', (e: Error) => log.warn({ err: e.message }, 'delivery worker error'));
    worker.on('completed', (job) => deps.onOutcome?.('sent', job.data.message.conversation.channel));
    worker.on('failed', (job, error) => {
      if (job === undefined) return;
      const channel = job.data.message.conversation.channel;
      const final = error instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
      deps.onOutcome?.(final ? 'dead' : 'retried', channel);
      if (final) {
        log.error(
          { delivery: job.id, attempts: job.attemptsMade + 1, err: error.message },
          'delivery failed; dead letter kept',
        );
      }
    });
  }

  return {
    kind: 'redis',
    async send(message): Promise<SendReceipt> {
      const channel = message.conversation.channel;
      try {
        const receipt = await deps.send(message);
        deps.onOutcome?.('sent', channel);
        return receipt;
      } catch (error: unknown) {
        if (!isRetryable(error) || retries === 0 || closed) {
          deps.onOutcome?.('refused', channel);
          throw error;
        }
        const id = deliveryId(message, randomUUID());
        try {
          await queue.add(
            'send',
            { message, firstAttemptAt: clock.now() },
            {
              jobId: id,
              attempts: retries,
              delay: backoffDelay(1, policy, Math.random(), retryHintMs(error)),
              backoff: { type: 'clawbot' },
              removeOnComplete: { age: 3600, count: 10_000 },
              removeOnFail: { age: Math.ceil(options.deadLetterTtlMs / 1000) },
            },
          );
        } catch (queueError: unknown) {
          log.error({ err: describeError(queueError) }, 'delivery could not be queued for retry');
          deps.onOutcome?.('refused', channel);
          throw error;
        }
        log.warn({ delivery: id, err: describeError(error) }, 'delivery failed; queued for retry');
        deps.onOutcome?.('queued', channel);
        return { sentAt: clock.now(), via: 'queued', id };
      }
    },
    async pending() {
      const counts = await queue.getJobCounts('wait', 'delayed', 'active', 'prioritized');
      return Object.values(counts).reduce((a, b) => a + b, 0);
    },
    async deadLetters(limit = 100) {
      const jobs = (await queue.getFailed(0, Math.max(0, limit - 1))) as Job<JobData>[];
      return jobs.filter((j) => j !== undefined).map(toDeadLetter);
    },
    async retryDeadLetter(id) {
      const job = (await queue.getJob(id)) as Job<JobData> | undefined;
      if (job === undefined || (await job.getState()) !== 'failed') return false;
      await producer.del(sentKey(id));
      await job.retry('failed');
      return true;
    },
    async health() {
      try {
        await producer.ping();
        return { ok: worker === undefined || worker.isRunning(), detail: 'bullmq' };
      } catch (error: unknown) {
        return { ok: false, detail: describeError(error) };
      }
    },
    async close(timeoutMs = 10_000) {
      closed = true;
      // Gentle: the worker finishes the sends in progress; delayed jobs stay in Redis for the other replicas.
      const gentle = (async () => {
        await worker?.close();
        await queue.close();
      })().then(
        () => true,
        () => false,
      );
      // With Redis unreachable there is nothing to finish: do not wait long.
      const waitMs = producer.status === 'ready' ? timeoutMs : Math.min(timeoutMs, 500);
      const timer = new AbortController();
      const late = clock.sleep(waitMs, timer.signal).then(
        () => false,
        () => false,
      );
      const finished = await Promise.race([gentle, late]);
      timer.abort();
      if (!finished) {
        log.warn({ waitMs }, 'delivery queue did not close in time; disconnecting');
        void worker?.close(true).catch(() => undefined);
      }
      producer.disconnect();
      workerConnection?.disconnect();
    },
  };
}
