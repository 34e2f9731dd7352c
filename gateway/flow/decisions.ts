/**
 * Pure decisions of flow control: fixed-window counting, who the end user of an event is, and how long to wait.
 * No I/O and no clock reads: the caller passes `now`.
 */
import type { InboundEvent } from '../../core/envelope.js';

/** The count of one key in its current window. */
export interface WindowState {
  readonly count: number;
  /** Epoch ms when the window ends and the count starts again. */
  readonly resetAt: number;
}

/** Whether one more message is allowed, and what is left. */
export interface RateDecision {
  readonly allowed: boolean;
  /** Messages still allowed in this window (0 when refused). */
  readonly remaining: number;
  /** Milliseconds until the window ends (when a refused sender may try again). */
  readonly retryAfterMs: number;
}

/**
 * Counts one message against `points` per `windowMs` (fixed window starting at the first message): the new state
 * and the decision. A state whose window has ended counts as none.
 */
export function countInWindow(
  state: WindowState | undefined,
  now: number,
  points: number,
  windowMs: number,
): { readonly state: WindowState; readonly decision: RateDecision } {
  const current = state === undefined || state.resetAt <= now ? { count: 0, resetAt: now + windowMs } : state;
  const next = { count: current.count + 1, resetAt: current.resetAt };
  return { state: next, decision: decideFromCount(next.count, next.resetAt - now, points) };
}

/** The decision for a window that now holds `consumed` messages and ends in `msLeft` (also for Redis counts). */
export function decideFromCount(consumed: number, msLeft: number, points: number): RateDecision {
  const allowed = consumed <= points;
  return {
    allowed,
    remaining: allowed ? points - consumed : 0,
    retryAfterMs: Math.max(0, msLeft),
  };
}

/** Whole seconds to put in Retry-After for a wait of `ms` (at least 1). */
export function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

/**
 * The end user an event comes from, as a rate-limit key: `{channel}:{tenant}:{sender}`. The sender id is the
 * WeChat openid, the DingTalk staff id, the Slack user or the REST `user_id`. Undefined for events without a
 * person behind them (no sender id).
 */
export function endUserKey(event: InboundEvent): string | undefined {
  const sender = event.sender.id;
  if (sender === '') return undefined;
  const c = event.conversation;
  return `${c.channel}:${c.tenant}:${sender}`;
}

/** Whether an event counts against the per-user limit: customer messages only, on the channels given. */
export function countsAgainstUserLimit(event: InboundEvent, exemptChannels: readonly string[]): boolean {
  return event.kind === 'message' && !exemptChannels.includes(event.conversation.channel);
}
