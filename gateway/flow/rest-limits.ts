/**
 * Flow control at the REST edge: `limits.perApiKey` per credential and `limits.perUser` per `user_id` (or session)
 * are checked before the turn runs; over a limit the request is refused with 429 `rate_limited`, Retry-After and the
 * polite message in the customer's language.
 */
import { BotError } from '../../core/errors.js';
import { retryAfterSeconds, type RateDecision } from './decisions.js';
import type { RateLimiter } from './rate-limit.js';
import { throttleMessage, type ThrottleTexts } from './throttle-message.js';

/** What the chat route knows when it admits a request. */
export interface RestAdmissionInput {
  /** What `authenticate` returned (a Principal with `subject`). */
  readonly principal: unknown;
  /** `user_id` of the body, else undefined. */
  readonly userId: string | undefined;
  readonly sessionId: string;
  readonly tenant: string;
  /** The customer's text (for the language of the message). */
  readonly text: string;
}

/** Throws `rate_limited` when the request is over a limit. */
export type RestAdmission = (input: RestAdmissionInput) => Promise<void>;

/** The non-secret subject of a credential (`key_…` id of an API key, `sub` of a JWT). */
export function principalSubject(principal: unknown): string | undefined {
  if (typeof principal !== 'object' || principal === null) return undefined;
  const subject = (principal as { subject?: unknown }).subject;
  return typeof subject === 'string' && subject !== '' ? subject : undefined;
}

export interface RestAdmissionDeps {
  readonly perKey: RateLimiter;
  readonly perUser: RateLimiter;
  readonly texts: ThrottleTexts;
  /** Language when the text says nothing (the bot's first language; read per request). */
  readonly fallbackLanguage: () => 'zh' | 'en';
  /** Told about each refusal (metrics). */
  readonly onThrottled?: (scope: 'api_key' | 'user') => void;
}

/** Creates the admission check of `POST /api/v1/chat`. */
export function createRestAdmission(deps: RestAdmissionDeps): RestAdmission {
  const refuse = (decision: RateDecision, scope: 'api_key' | 'user', text: string): never => {
    const seconds = retryAfterSeconds(decision.retryAfterMs);
    deps.onThrottled?.(scope);
    throw new BotError('rate_limited', throttleMessage(deps.texts, { text, seconds }, deps.fallbackLanguage()), {
      details: { retryAfterSeconds: seconds, scope },
    });
  };
  return async (input) => {
    const subject = principalSubject(input.principal);
    if (subject !== undefined) {
      const decision = await deps.perKey.consume(`key:${subject}`);
      if (!decision.allowed) refuse(decision, 'api_key', input.text);
    }
    const user = input.userId === undefined ? `session:${input.sessionId}` : `user:${input.userId}`;
    const decision = await deps.perUser.consume(`rest:${input.tenant}:${user}`);
    if (!decision.allowed) refuse(decision, 'user', input.text);
  };
}
