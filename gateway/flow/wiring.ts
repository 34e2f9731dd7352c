/**
 * Flow control for one gateway, built from config: the per-user and per-key limiters (Redis when configured), the
 * pipeline throttle stage, the REST admission check, the concurrent-turn gate and the outbound delivery queue.
 */
import type { Clock } from '../../core/clock.js';
import type { TurnContext } from '../../core/context.js';
import type { Logger } from '../../core/logger.js';
import type { Middleware } from '../../core/middleware.js';
import { redisTargetOf, type RedisClient } from '../app/redis-client.js';
import type { AppConfig } from '../config/index.js';
import type { MetricFamilies } from '../observability/metrics.js';
import { createInProcessDeliveryQueue } from './delivery/in-process-queue.js';
import { createRedisDeliveryQueue } from './delivery/bullmq-queue.js';
import type { ChannelSend, DeliveryOptions, DeliveryQueue } from './delivery/types.js';
import { createRateLimiter } from './rate-limit.js';
import { createRestAdmission, type RestAdmission } from './rest-limits.js';
import { throttleEndUsers } from './throttle.js';
import { throttleTexts } from './throttle-message.js';
import { createTurnGate, type TurnGate } from './turn-gate.js';

export interface FlowControl {
  /** Pipeline stage for `limits.perUser` on channel messages (after dedupe). */
  readonly throttle: Middleware<TurnContext>;
  /** `POST /api/v1/chat` admission (`limits.perApiKey`, `limits.perUser`). */
  readonly restAdmission: RestAdmission;
  readonly gate: TurnGate;
  readonly delivery: DeliveryQueue;
}

export interface FlowControlDeps {
  readonly clock: Clock;
  readonly log: Logger;
  readonly redis: RedisClient | undefined;
  /** The raw channel send the delivery queue uses. */
  readonly send: ChannelSend;
  readonly families?: MetricFamilies;
  /** The bot's first language (the bot may be reloaded, so read when needed). */
  readonly fallbackLanguage: () => string;
}

/** The delivery settings of a config. */
export function deliveryOptions(config: AppConfig): DeliveryOptions {
  const d = config.delivery;
  return {
    attempts: d.attempts,
    backoffMs: d.backoffMs,
    maxBackoffMs: d.maxBackoffMs,
    concurrency: d.concurrency,
    deadLetterTtlMs: d.deadLetterTtl * 1000,
  };
}

/** Builds flow control from config. */
export function createFlowControl(config: AppConfig, deps: FlowControlDeps): FlowControl {
  const { clock, log, redis, families } = deps;
  const windowMs = config.limits.window * 1000;
  const prefix = config.redis.keyPrefix;
  const perUser = createRateLimiter(
    { points: config.limits.perUser, windowMs, prefix: `${prefix}:rl:user` },
    { clock, redis },
  );
  const perKey = createRateLimiter(
    { points: config.limits.perApiKey, windowMs, prefix: `${prefix}:rl:key` },
    { clock, redis },
  );
  const texts = throttleTexts(config.limits.message);
  const language = (): 'zh' | 'en' => (deps.fallbackLanguage() === 'en' ? 'en' : 'zh');
  const onOutcome =
    families === undefined
      ? undefined
      : (outcome: string, channel: string) => families.deliveries.inc({ channel, outcome });
  const target = redisTargetOf(config);
  const delivery =
    target === undefined
      ? createInProcessDeliveryQueue(deliveryOptions(config), {
          send: deps.send,
          clock,
          log,
          ...(onOutcome ? { onOutcome } : {}),
        })
      : createRedisDeliveryQueue(
          { ...deliveryOptions(config), redis: target, keyPrefix: prefix },
          { send: deps.send, clock, log, ...(onOutcome ? { onOutcome } : {}) },
        );
  return {
    throttle: throttleEndUsers(
      { texts, exemptChannels: ['rest'], fallbackLanguage: language },
      {
        limiter: perUser,
        ...(families === undefined
          ? {}
          : { onThrottled: (channel) => families.throttled.inc({ scope: 'user', channel }) }),
      },
    ),
    restAdmission: createRestAdmission({
      perKey,
      perUser,
      texts,
      fallbackLanguage: language,
      ...(families === undefined ? {} : { onThrottled: (scope) => families.throttled.inc({ scope, channel: 'rest' }) }),
    }),
    gate: createTurnGate({
      maxConcurrentTurns: config.limits.maxConcurrentTurns,
      ...(families === undefined ? {} : { onRefused: (reason) => families.turnsRefused.inc({ reason }) }),
    }),
    delivery,
  };
}
