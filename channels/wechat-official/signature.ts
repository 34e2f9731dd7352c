/**
 * WeChat push signatures, pure.
 * @see https://developers.weixin.qq.com/doc/offiaccount/Basic_Information/Access_Overview.html (signature)
 * @see https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Message_encryption_and_decryption_instructions.html (msg_signature)
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** `sha1(sort([token, timestamp, nonce]).join(''))`, lowercase hex: the `signature` query parameter. */
export function computeSignature(token: string, timestamp: string, nonce: string): string {
  return sha1Sorted([token, timestamp, nonce]);
}

/** `sha1(sort([token, timestamp, nonce, encrypt]).join(''))`: the `msg_signature` of an encrypted push or reply. */
export function computeMsgSignature(token: string, timestamp: string, nonce: string, encrypt: string): string {
  return sha1Sorted([token, timestamp, nonce, encrypt]);
}

function sha1Sorted(parts: string[]): string {
  // WeChat sorts the raw strings lexicographically (code-unit order), exactly like Array#sort.
  return createHash('sha1').update(parts.sort().join('')).digest('hex');
}

/** Constant-time comparison of a received hex signature with the expected one (case-insensitive). */
export function signaturesMatch(received: string | undefined, expected: string): boolean {
  if (received === undefined) return false;
  const a = Buffer.from(received.toLowerCase(), 'utf8');
  const b = Buffer.from(expected, 'utf8');
  // Length is not secret (always 40 hex chars); comparing equal-length buffers only keeps timingSafeEqual happy.
  if (a.length !== b.length) return false;
  return timingSafeEqual(a, b);
}

/** Why a request was refused, or that it passed. */
export type SignatureCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: 'missing' | 'mismatch' | 'stale'; readonly detail: string };

export interface SignedQuery {
  readonly signature?: string | undefined;
  readonly timestamp?: string | undefined;
  readonly nonce?: string | undefined;
}

/**
 * Checks the `signature` (token, timestamp, nonce) of any push and its freshness. Pure.
 * WeChat documents no freshness window; `toleranceSec` bounds replays of a captured URL (0 disables).
 */
export function verifySignature(
  query: SignedQuery,
  token: string,
  nowMs: number,
  toleranceSec: number,
): SignatureCheck {
  const { signature, timestamp, nonce } = query;
  if (signature === undefined || timestamp === undefined || nonce === undefined) {
    return { ok: false, reason: 'missing', detail: 'signature, timestamp and nonce query parameters are required' };
  }
  if (!signaturesMatch(signature, computeSignature(token, timestamp, nonce))) {
    return {
      ok: false,
      reason: 'mismatch',
      detail: 'signature does not match (check the Token in the WeChat console)',
    };
  }
  return checkFreshness(timestamp, nowMs, toleranceSec);
}

/** Checks an encrypted push's `msg_signature` over the `<Encrypt>` text. Pure. */
export function verifyMsgSignature(
  msgSignature: string | undefined,
  token: string,
  timestamp: string,
  nonce: string,
  encrypt: string,
): SignatureCheck {
  if (msgSignature === undefined) return { ok: false, reason: 'missing', detail: 'msg_signature is required' };
  if (!signaturesMatch(msgSignature, computeMsgSignature(token, timestamp, nonce, encrypt))) {
    return { ok: false, reason: 'mismatch', detail: 'msg_signature does not match the encrypted body' };
  }
  return { ok: true };
}

/** `timestamp` (seconds) within `toleranceSec` of now, both directions. Pure. */
export function checkFreshness(timestamp: string, nowMs: number, toleranceSec: number): SignatureCheck {
  if (!/^\d{1,12}$/.test(timestamp))
    return { ok: false, reason: 'stale', detail: 'timestamp is not a number of seconds' };
  if (toleranceSec === 0) return { ok: true };
  const skewSec = Math.abs(Math.floor(nowMs / 1000) - Number(timestamp));
  if (skewSec > toleranceSec) {
    return {
      ok: false,
      reason: 'stale',
      detail: `timestamp is ${skewSec} s away from this server's clock (allowed ${toleranceSec} s; check NTP)`,
    };
  }
  return { ok: true };
}
