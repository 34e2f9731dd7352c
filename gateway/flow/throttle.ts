/**
 * The per-end-user limit inside the turn pipeline (after dedupe, so platform retries are not counted twice):
 * a customer over the limit gets the polite throttle message as the turn's reply and the turn does not run. The
 * event is still answered and acknowledged, so a channel that retries unanswered pushes never piles them up.
 */
import type { TurnContext } from '../../core/context.js';
import { describeError } from '../../core/errors.js';
import type { Middleware } from '../../core/middleware.js';
import { countsAgainstUserLimit, endUserKey, retryAfterSeconds } from './decisions.js';
import type { RateLimiter } from './rate-limit.js';
import { throttleMessage, type ThrottleTexts } from './throttle-message.js';

export interface ThrottleOptions {
  readonly texts: ThrottleTexts;
  /** Channels limited elsewhere (REST is limited at the HTTP edge with 429). */
  readonly exemptChannels: readonly string[];
  /** Language when the text and locale say nothing (the bot's first language; read per message). */
  readonly fallbackLanguage: () => 'zh' | 'en';
}

export interface ThrottleDeps {
  readonly limiter: RateLimiter;
  /** Told about every throttled message (metrics). */
  readonly onThrottled?: (channel: string) => void;
}

/** `ctx.state` key set on a throttled turn (to the seconds the customer was asked to wait). */
export const THROTTLED = 'throttled';

/** The pipeline stage enforcing `limits.perUser` on channel messages. */
export function throttleEndUsers(options: ThrottleOptions, deps: ThrottleDeps): Middleware<TurnContext> {
  return async (ctx, next) => {
    const event = ctx.event;
    const key = countsAgainstUserLimit(event, options.exemptChannels) ? endUserKey(event) : undefined;
    if (key === undefined) return next();
    let allowed = true;
    let seconds = 0;
    try {
      const decision = await deps.limiter.consume(key);
      allowed = decision.allowed;
      seconds = retryAfterSeconds(decision.retryAfterMs);
    } catch (error: unknown) {
      ctx.log.warn({ err: describeError(error) }, 'rate limiter failed; message let through');
    }
    if (allowed) return next();
    ctx.state.set(THROTTLED, seconds);
    deps.onThrottled?.(event.conversation.channel);
    ctx.log.info({ retryAfterSeconds: seconds }, 'end user throttled');
    const locale = event.kind === 'message' ? event.locale : undefined;
    await ctx.reply(throttleMessage(options.texts, { text: ctx.text, locale, seconds }, options.fallbackLanguage()));
  };
}
