/** Pure rules of outbound delivery: which failures are worth retrying and how long to wait before the next try. */
import { createHash } from 'node:crypto';
import type { OutboundMessage } from '../../../core/envelope.js';
import { ChannelApiError, isBotError, type ErrorCode } from '../../../core/errors.js';

/** Failures that will not get better by trying again: the message is refused, not lost on the way. */
const PERMANENT: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'channel.window_closed',
  'channel.host_not_allowed',
  'channel.payload_invalid',
  'request.invalid',
  'request.too_large',
  'not_found',
  'config.invalid',
  'config.missing',
]);

/**
 * True when a failed send may succeed later: network errors, platform 5xx and 429, stores reconnecting. Platform
 * 4xx answers (bad request, no permission, window closed) and configuration errors are permanent.
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof ChannelApiError) {
    const status = error.httpStatus;
    return status === undefined || status >= 500 || status === 429 || status === 408;
  }
  if (isBotError(error)) return !PERMANENT.has(error.code);
  return true;
}

export interface BackoffPolicy {
  /** Delay before the first retry (ms). */
  readonly baseMs: number;
  /** Longest delay (ms). */
  readonly maxMs: number;
}

/**
 * Delay before retry number `retry` (1 = the first retry): `baseMs * 2^(retry-1)` capped at `maxMs`, with up to
 * ±20 % jitter from `random` (in [0, 1)) so a burst of failures does not retry in lockstep. A platform's own
 * Retry-After (`hintMs`) is honoured when longer.
 */
export function backoffDelay(retry: number, policy: BackoffPolicy, random: number, hintMs = 0): number {
  const exponential = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, retry - 1));
  const jittered = exponential * (0.8 + 0.4 * Math.min(Math.max(random, 0), 1));
  return Math.round(Math.min(policy.maxMs, Math.max(jittered, hintMs)));
}

/** The Retry-After a platform asked for, when the error carries one. */
export function retryHintMs(error: unknown): number {
  return error instanceof ChannelApiError && error.retryAfterMs !== undefined ? error.retryAfterMs : 0;
}

/**
 * A delivery id for a message: stable for the same message sent for the same reason (`nonce`), so a job added
 * twice (a retried enqueue) is one delivery. Safe as a Redis key part (hex).
 */
export function deliveryId(message: OutboundMessage, nonce: string): string {
  const c = message.conversation;
  return createHash('sha256')
    .update(JSON.stringify([c.channel, c.tenant, c.conversation, c.thread ?? '', message.replyTo ?? '', nonce]))
    .update(JSON.stringify(message.parts))
    .digest('hex')
    .slice(0, 32);
}
