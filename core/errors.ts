/**
 * Typed errors with string codes. Messages tell the operator what to do.
 * Catch as `unknown`, narrow with `isBotError`.
 */

export type ErrorCode =
  | 'config.invalid'
  | 'config.missing'
  | 'request.invalid_json'
  | 'request.invalid'
  | 'request.too_large'
  | 'request.unsupported_media_type'
  | 'auth.missing'
  | 'auth.invalid'
  | 'auth.forbidden'
  | 'auth.unavailable'
  | 'pairing.too_many_pending'
  | 'pairing.conflict'
  | 'pairing.not_pending'
  | 'pairing.expired'
  | 'not_found'
  | 'rate_limited'
  | 'overloaded'
  | 'channel.signature_invalid'
  | 'channel.timestamp_stale'
  | 'channel.replayed'
  | 'channel.payload_invalid'
  | 'channel.api_failed'
  | 'channel.host_not_allowed'
  | 'channel.window_closed'
  | 'memory.unavailable'
  | 'kv.unavailable'
  | 'lock.timeout'
  | 'middleware.next_called_twice'
  | 'turn.failed'
  | 'turn.aborted'
  | 'inference.unavailable'
  | 'inference.overloaded'
  | 'inference.deadline_exceeded'
  | 'inference.model_invalid'
  | 'knowledge.invalid'
  | 'handoff.already_claimed'
  | 'handoff.not_found'
  | 'handoff.invalid_transition'
  | 'handoff.capacity'
  | 'internal';

/** HTTP status that fits each code when it reaches an HTTP boundary. */
export const HTTP_STATUS_BY_CODE: Readonly<Record<ErrorCode, number>> = {
  'config.invalid': 500,
  'config.missing': 500,
  'request.invalid_json': 400,
  'request.invalid': 400,
  'request.too_large': 413,
  'request.unsupported_media_type': 415,
  'auth.missing': 401,
  'auth.invalid': 401,
  'auth.forbidden': 403,
  'auth.unavailable': 503,
  'pairing.too_many_pending': 429,
  'pairing.conflict': 409,
  'pairing.not_pending': 409,
  'pairing.expired': 410,
  not_found: 404,
  rate_limited: 429,
  overloaded: 503,
  'channel.signature_invalid': 401,
  'channel.timestamp_stale': 401,
  'channel.replayed': 401,
  'channel.payload_invalid': 400,
  'channel.api_failed': 502,
  'channel.host_not_allowed': 400,
  'channel.window_closed': 409,
  'memory.unavailable': 503,
  'kv.unavailable': 503,
  'lock.timeout': 503,
  'middleware.next_called_twice': 500,
  'turn.failed': 500,
  'turn.aborted': 503,
  'inference.unavailable': 503,
  'inference.overloaded': 503,
  'inference.deadline_exceeded': 504,
  'inference.model_invalid': 500,
  'knowledge.invalid': 400,
  'handoff.already_claimed': 409,
  'handoff.not_found': 404,
  'handoff.invalid_transition': 409,
  'handoff.capacity': 409,
  internal: 500,
};

export interface BotErrorOptions {
  readonly cause?: unknown;
  /** Extra structured, non-secret details for logs and API errors. */
  readonly details?: Readonly<Record<string, unknown>>;
}

/** Base class of every error this framework throws on purpose. */
export class BotError extends Error {
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: ErrorCode, message: string, options: BotErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BotError';
    this.code = code;
    this.details = options.details;
  }

  /** The HTTP status that fits this error. */
  get status(): number {
    return HTTP_STATUS_BY_CODE[this.code];
  }
}

/** A failed call to a platform API (WeChat, DingTalk, Slack). */
export class ChannelApiError extends BotError {
  readonly channel: string;
  readonly method: string;
  readonly httpStatus: number | undefined;
  readonly platformCode: string | number | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(init: {
    channel: string;
    method: string;
    message: string;
    httpStatus?: number;
    platformCode?: string | number;
    retryAfterMs?: number;
    cause?: unknown;
  }) {
    super('channel.api_failed', init.message, {
      cause: init.cause,
      details: {
        channel: init.channel,
        method: init.method,
        httpStatus: init.httpStatus,
        platformCode: init.platformCode,
      },
    });
    this.name = 'ChannelApiError';
    this.channel = init.channel;
    this.method = init.method;
    this.httpStatus = init.httpStatus;
    this.platformCode = init.platformCode;
    this.retryAfterMs = init.retryAfterMs;
  }
}

/** Wraps any failure inside a turn with the message and conversation it happened in. */
export class TurnError extends BotError {
  readonly messageId: string;
  readonly conversationKey: string;

  constructor(messageId: string, conversationKey: string, cause: unknown) {
    super('turn.failed', `turn for message ${messageId} in ${conversationKey} failed: ${describeError(cause)}`, {
      cause,
    });
    this.name = 'TurnError';
    this.messageId = messageId;
    this.conversationKey = conversationKey;
  }
}

export function isBotError(value: unknown): value is BotError {
  return value instanceof BotError;
}

/** A readable one-line description of anything thrown. */
export function describeError(value: unknown): string {
  if (value instanceof Error) return value.message;
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
