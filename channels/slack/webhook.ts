/**
 * The Slack Request URL handler: a small pre-check in front of Bolt's ExpressReceiver.
 * It reads the raw body (limit -> 413), answers `ssl_check`, verifies the v0 signature with a
 * SYMMETRIC freshness window from the injected clock (Bolt only rejects old timestamps; 401 JSON),
 * makes sure the state store answers (503 so Slack retries), then hands the request to Bolt with
 * `req.rawBody` set, where Bolt verifies again and runs url_verification, acks and listeners.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../../core/clock.js';
import { BotError, describeError, type ErrorCode } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { Channel } from '../../core/ports/channel.js';
import type { KeyValue } from '../../core/ports/kv.js';
import { isSslCheck } from './inbound.js';
import { checkSlackSignature } from './signature.js';

/** A Node/Express-style handler (Bolt's `receiver.app`). */
export type NodeHandler = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

export interface SlackHttpHandlerOptions {
  readonly path: string;
  readonly signingSecret: string;
  readonly signatureMaxAgeMs: number;
  readonly bodyLimit: number;
}

export interface SlackHttpHandlerDeps {
  /** Bolt's ExpressReceiver app, registered at `path`. */
  readonly receiver: NodeHandler;
  readonly kv: KeyValue;
  readonly clock: Clock;
  readonly log: Logger;
}

/** The key read to check the state store answers before Slack gets an ack. */
export const SLACK_PROBE_KEY = 'slack:probe';

const FORM = 'application/x-www-form-urlencoded';

/** Writes `{"error":{"code","message"}}` with the code's status (plain Node, no Express needed). */
export function sendSlackError(res: ServerResponse, code: ErrorCode, message: string): void {
  const err = new BotError(code, message);
  const body = JSON.stringify({ error: { code, message } });
  res.statusCode = err.status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(body));
  res.end(body);
}

const header = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** Reads the whole body, or `undefined` once it passes `limit` bytes (the rest is drained). */
export function readRawBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const declared = Number(header(req, 'content-length') ?? 0);
  if (declared > limit) {
    req.resume();
    return Promise.resolve(undefined);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        resolve(undefined); // answer 413 now; the rest is read and dropped
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(size > limit ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The path part of the request URL as the app saw it (Express `originalUrl` when mounted under a prefix). */
function requestPath(req: IncomingMessage): string {
  const url = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/';
  const q = url.indexOf('?');
  return q >= 0 ? url.slice(0, q) : url;
}

/** Builds the channel's `httpHandler`: mount it before any body parser (it reads the raw body itself). */
export function createSlackHttpHandler(
  options: SlackHttpHandlerOptions,
  deps: SlackHttpHandlerDeps,
): NonNullable<Channel['httpHandler']> {
  const { log } = deps;

  async function precheck(req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void): Promise<void> {
    const given = (req as { rawBody?: unknown }).rawBody;
    let raw: Buffer | undefined;
    if (Buffer.isBuffer(given)) raw = given;
    else if (req.readableEnded) {
      log.error('the Slack handler got a request whose body was already read: mount it before any body parser');
      sendSlackError(res, 'config.invalid', 'request body already consumed by another middleware');
      return;
    } else raw = await readRawBody(req, options.bodyLimit);
    if (raw === undefined) {
      res.setHeader('connection', 'close');
      sendSlackError(res, 'request.too_large', `body larger than ${options.bodyLimit} bytes`);
      return;
    }
    const contentType = header(req, 'content-type');
    if (isSslCheck(raw.toString('utf8'), contentType)) {
      res.statusCode = 200;
      res.end();
      return;
    }
    const retryNum = header(req, 'x-slack-retry-num');
    const check = checkSlackSignature({
      signingSecret: options.signingSecret,
      rawBody: raw,
      timestamp: header(req, 'x-slack-request-timestamp'),
      signature: header(req, 'x-slack-signature'),
      nowMs: deps.clock.now(),
      maxAgeMs: options.signatureMaxAgeMs,
    });
    if (!check.ok) {
      log.warn({ code: check.code, reason: check.reason, retryNum }, 'slack request refused');
      sendSlackError(res, check.code, check.reason);
      return;
    }
    try {
      await deps.kv.get(SLACK_PROBE_KEY);
    } catch (error: unknown) {
      log.error({ err: describeError(error) }, 'state store unavailable: not acknowledging, Slack will retry');
      sendSlackError(res, 'kv.unavailable', 'state store unavailable');
      return;
    }
    if (retryNum !== undefined) {
      log.debug({ retryNum, retryReason: header(req, 'x-slack-retry-reason') }, 'slack retry delivery');
    }
    // Bolt reads `req.rawBody` when present (its GCP path) and compares the content type exactly.
    (req as { rawBody?: Buffer }).rawBody = raw;
    if (contentType?.toLowerCase().startsWith(FORM) === true) req.headers['content-type'] = FORM;
    const savedUrl = req.url;
    const reqProto = Object.getPrototypeOf(req) as object;
    const resProto = Object.getPrototypeOf(res) as object;
    req.url = options.path;
    deps.receiver(req, res, (error?: unknown) => {
      // Bolt did not answer: give the request back to the outer app as it was.
      Object.setPrototypeOf(req, reqProto);
      Object.setPrototypeOf(res, resProto);
      req.url = savedUrl;
      next(error);
    });
  }

  return {
    path: options.path,
    handle(req, res, next) {
      const path = requestPath(req);
      if (req.method !== 'POST' || (path !== options.path && path !== `${options.path}/`)) {
        next();
        return;
      }
      precheck(req, res, next).catch((error: unknown) => {
        log.error({ err: describeError(error) }, 'slack request failed before Bolt');
        if (!res.headersSent) sendSlackError(res, 'internal', 'internal error');
      });
    },
  };
}
