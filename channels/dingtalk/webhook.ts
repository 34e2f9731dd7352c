/**
 * The HTTP-mode callback endpoint (framework-free: the gateway passes a WebhookRequest with the raw body).
 * Order: method -> size -> timestamp/sign (401) -> replay cache (401) -> JSON + schema (400) -> persist (503 when
 * the state store is down, so DingTalk retries) -> 200 -> the turn runs in the background; replies go out through
 * the sessionWebhook or the OpenAPI, never in this response.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../../core/clock.js';
import { BotError, describeError, isBotError, type ErrorCode } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { WebhookRequest, WebhookResponse } from '../../core/ports/channel.js';
import type { KeyValue } from '../../core/ports/kv.js';
import { parseCallback } from './inbound.js';
import type { Ingestor } from './ingest.js';
import { verifyCallbackSignature } from './signature.js';

export interface WebhookOptions {
  readonly appKey: string;
  readonly appSecret: string;
  readonly signatureMaxAgeMs: number;
  readonly bodyLimit: number;
}

export interface WebhookDeps {
  readonly kv: KeyValue;
  readonly clock: Clock;
  readonly log: Logger;
  readonly ingest: Ingestor;
  readonly started: () => boolean;
}

/** KeyValue key of a used (timestamp, sign) pair. The sign is hashed: keys should not carry signatures. */
export function replayKey(appKey: string, timestamp: string, sign: string): string {
  const digest = createHash('sha256').update(sign).digest('hex').slice(0, 32);
  return `dingtalk:replay:{dingtalk:${appKey}}:${timestamp}:${digest}`;
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): WebhookResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
  };
}

/** The `{"error":{"code","message"}}` response of a BotError code. */
export function errorResponse(code: ErrorCode, message: string, status?: number): WebhookResponse {
  return json(status ?? new BotError(code, message).status, { error: { code, message } });
}

/** Creates `webhook.handle`. */
export function createWebhookHandler(
  options: WebhookOptions,
  deps: WebhookDeps,
): (req: WebhookRequest) => Promise<WebhookResponse> {
  return async (req) => {
    if (req.method.toUpperCase() !== 'POST') {
      return {
        ...errorResponse('request.invalid', 'DingTalk callbacks are POST requests', 405),
        headers: { allow: 'POST' },
      };
    }
    if (req.rawBody.length > options.bodyLimit) {
      return errorResponse('request.too_large', `body over ${options.bodyLimit} bytes`);
    }
    const timestamp = req.headers['timestamp'];
    const sign = req.headers['sign'];
    const verdict = verifyCallbackSignature({
      timestamp,
      sign,
      appSecret: options.appSecret,
      now: deps.clock.now(),
      maxAgeMs: options.signatureMaxAgeMs,
    });
    if (!verdict.ok) {
      deps.log.warn({ reason: verdict.reason, remote: req.remoteAddress }, 'dingtalk: callback refused (signature)');
      return verdict.reason === 'stale' || verdict.reason === 'future'
        ? errorResponse('channel.timestamp_stale', `timestamp outside the ${options.signatureMaxAgeMs} ms window`)
        : errorResponse('channel.signature_invalid', 'bad or missing timestamp/sign headers');
    }
    // The sign covers only the timestamp, so a captured (timestamp, sign) could carry any body: each pair is
    // accepted once while it is fresh (the TTL outlives the window on the far side).
    const key = replayKey(options.appKey, timestamp ?? '', sign ?? '');
    const ttl = Math.max(1_000, verdict.timestampMs + options.signatureMaxAgeMs - deps.clock.now() + 1_000);
    let fresh: boolean;
    try {
      fresh = await deps.kv.setIfAbsent(key, '1', ttl);
    } catch (error: unknown) {
      deps.log.error({ err: describeError(error) }, 'dingtalk: replay cache unavailable');
      return errorResponse('kv.unavailable', 'state store unavailable; retry later');
    }
    if (!fresh) {
      deps.log.warn({ remote: req.remoteAddress }, 'dingtalk: callback refused (replayed timestamp/sign)');
      return errorResponse('channel.replayed', 'this timestamp/sign pair was already used');
    }
    const parsed = parseCallback(req.rawBody);
    if (!parsed.ok) {
      deps.log.warn({ reason: parsed.reason, detail: parsed.detail }, 'dingtalk: callback refused (payload)');
      return errorResponse('channel.payload_invalid', `invalid callback body: ${parsed.detail}`);
    }
    const giveBack = async (): Promise<void> => {
      try {
        await deps.kv.delete(key); // let DingTalk's retry of this very request through
      } catch {
        // the store is down anyway; the pair expires by itself
      }
    };
    if (!deps.started()) {
      await giveBack();
      return errorResponse('overloaded', 'the DingTalk channel is not started yet');
    }
    try {
      const accepted = await deps.ingest.accept(parsed.payload);
      if (accepted.kind === 'ignored') {
        deps.log.debug({ reason: accepted.reason, msgId: parsed.payload.msgId }, 'dingtalk: callback ignored');
        return json(200, {}, { 'x-clawbot-status': 'ignored' });
      }
      deps.ingest.process(accepted);
      return json(200, {}, { 'x-clawbot-status': accepted.redelivery ? 'redelivery' : 'accepted' });
    } catch (error: unknown) {
      await giveBack();
      deps.log.error({ err: describeError(error) }, 'dingtalk: callback could not be persisted; not acknowledged');
      return isBotError(error) && error.status < 500
        ? errorResponse(error.code, error.message)
        : errorResponse('kv.unavailable', 'state store unavailable; retry later');
    }
  };
}
