/**
 * DingTalk robot signatures (pure).
 *
 * HTTP-mode callbacks carry headers `timestamp` (epoch ms) and
 * `sign = base64(HMAC-SHA256(key = appSecret, msg = timestamp + "\n" + appSecret))`; DingTalk itself accepts
 * |now - timestamp| <= 1 h. The sign covers only the timestamp, not the body, which is why the webhook keeps a
 * replay cache of (timestamp, sign) pairs.
 * @see https://open.dingtalk.com/document/orgapp/receive-message (HTTP mode, 验证签名)
 *
 * Custom group robots use the same HMAC with their `SEC...` secret, URL-encoded into the query.
 * @see https://open.dingtalk.com/document/robots/customize-robot-security-settings
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** `base64(HMAC-SHA256(secret, timestamp + "\n" + secret))`. */
export function computeDingTalkSign(timestamp: string, secret: string): string {
  return createHmac('sha256', secret).update(`${timestamp}\n${secret}`, 'utf8').digest('base64');
}

/** Constant-time string equality (length differences also take the full compare). */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  if (left.length !== right.length) {
    timingSafeEqual(left, left);
    return false;
  }
  return timingSafeEqual(left, right);
}

export interface CallbackSignatureInput {
  /** The raw `timestamp` header. */
  readonly timestamp: string | undefined;
  /** The raw `sign` header (compared as-is: DingTalk does not URL-encode it). */
  readonly sign: string | undefined;
  readonly appSecret: string;
  /** Epoch ms. */
  readonly now: number;
  /** Accepted distance between `now` and `timestamp`, in both directions. */
  readonly maxAgeMs: number;
}

export type CallbackSignatureResult =
  | { readonly ok: true; readonly timestampMs: number }
  | { readonly ok: false; readonly reason: 'missing' | 'malformed_timestamp' | 'stale' | 'future' | 'mismatch' };

/**
 * Verifies an HTTP-mode callback's `timestamp` + `sign`. The window is symmetric: a timestamp too far in the
 * future is refused like a stale one (a captured future-dated pair would otherwise stay valid for longer).
 */
export function verifyCallbackSignature(input: CallbackSignatureInput): CallbackSignatureResult {
  const { timestamp, sign } = input;
  if (timestamp === undefined || sign === undefined || timestamp === '' || sign === '') {
    return { ok: false, reason: 'missing' };
  }
  if (!/^\d{1,16}$/.test(timestamp)) return { ok: false, reason: 'malformed_timestamp' };
  const timestampMs = Number(timestamp);
  const age = input.now - timestampMs;
  if (age > input.maxAgeMs) return { ok: false, reason: 'stale' };
  if (-age > input.maxAgeMs) return { ok: false, reason: 'future' };
  const expected = computeDingTalkSign(timestamp, input.appSecret);
  return safeEqual(expected, sign) ? { ok: true, timestampMs } : { ok: false, reason: 'mismatch' };
}

/**
 * The custom group robot URL with `timestamp` and `sign` query parameters added
 * (`sign` is URL-encoded: an unencoded `+` or `=` is the classic "310000 sign not match").
 */
export function signGroupRobotUrl(webhook: string, secret: string, timestampMs: number): string {
  const url = new URL(webhook);
  const timestamp = String(timestampMs);
  url.searchParams.set('timestamp', timestamp);
  url.searchParams.set('sign', computeDingTalkSign(timestamp, secret));
  return url.toString();
}
