import type { ErrorRequestHandler, Response } from 'express';
import { BotError, isBotError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';

/**
 * The Retry-After seconds of an error: `details.retryAfterSeconds` when given, else 1 for a 503 (the condition is
 * expected to pass: overload, a store reconnecting). Pure.
 */
export function retryAfterSeconds(error: BotError): number | undefined {
  const given = error.details?.['retryAfterSeconds'];
  if (typeof given === 'number' && Number.isFinite(given) && given >= 0) return Math.ceil(given);
  return error.status === 503 ? 1 : undefined;
}

/** Writes the one error shape every API answers with: `{"error":{"code","message"}}`. */
export function sendError(res: Response, error: BotError): void {
  if (res.headersSent) return;
  const retryAfter = retryAfterSeconds(error);
  if (retryAfter !== undefined) res.set('Retry-After', String(retryAfter));
  res.status(error.status).json({ error: { code: error.code, message: error.message } });
}

interface BodyParserError {
  type?: string;
  status?: number;
  limit?: number;
}

/** body-parser error types and the API error each becomes (`null`: no answer, the client is gone). */
const BODY_PARSER_ERRORS: Readonly<Record<string, ((e: BodyParserError) => BotError) | null>> = {
  'entity.too.large': (e) =>
    new BotError('request.too_large', `request body exceeds the limit of ${e.limit ?? '?'} bytes`),
  'entity.parse.failed': () => new BotError('request.invalid_json', 'request body is not valid JSON'),
  'encoding.unsupported': () => new BotError('request.unsupported_media_type', 'unsupported body encoding'),
  'charset.unsupported': () => new BotError('request.unsupported_media_type', 'unsupported body charset'),
  'request.aborted': null,
};

/** Maps body-parser failures and anything thrown by a route to JSON errors; never leaks internals. */
export function jsonErrorHandler(log: Logger): ErrorRequestHandler {
  return (err: unknown, _req, res, _next) => {
    if (isBotError(err)) {
      if (err.status >= 500) log.error({ code: err.code, err: err.message }, 'request failed');
      sendError(res, err);
      return;
    }
    const e = (typeof err === 'object' && err !== null ? err : {}) as BodyParserError;
    const mapped = e.type === undefined ? undefined : BODY_PARSER_ERRORS[e.type];
    if (mapped === null) return; // the client went away; nothing to answer
    if (mapped !== undefined) {
      sendError(res, mapped(e));
      return;
    }
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      sendError(res, new BotError('request.invalid', 'the request could not be read'));
      return;
    }
    log.error({ err: err instanceof Error ? err.message : String(err) }, 'unhandled error in request');
    sendError(res, new BotError('internal', 'internal error; see the gateway log'));
  };
}
