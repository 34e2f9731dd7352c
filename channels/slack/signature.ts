/**
 * Slack request signing, version 0 (pure functions).
 * `X-Slack-Signature = "v0=" + hex(HMAC-SHA256(signingSecret, "v0:" + timestamp + ":" + rawBody))`.
 * @see https://api.slack.com/authentication/verifying-requests-from-slack
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Computes the `X-Slack-Signature` value of a request body sent at `timestamp` (unix seconds). */
export function slackSignature(signingSecret: string, timestamp: string | number, rawBody: Buffer | string): string {
  const hmac = createHmac('sha256', signingSecret);
  hmac.update(`v0:${String(timestamp)}:`);
  hmac.update(rawBody);
  return `v0=${hmac.digest('hex')}`;
}

/** Why a request was refused (the BotError code to answer with). */
export type SlackSignatureFailure = 'channel.signature_invalid' | 'channel.timestamp_stale';

/** The outcome of {@link checkSlackSignature}. */
export type SlackSignatureCheck =
  { readonly ok: true } | { readonly ok: false; readonly code: SlackSignatureFailure; readonly reason: string };

/** What {@link checkSlackSignature} needs: the two headers as received and the exact body bytes. */
export interface SlackSignatureInput {
  readonly signingSecret: string;
  readonly rawBody: Buffer | string;
  /** `X-Slack-Request-Timestamp` (unix seconds). */
  readonly timestamp: string | undefined;
  /** `X-Slack-Signature` (`v0=<64 hex>`). */
  readonly signature: string | undefined;
  /** Epoch milliseconds now (from the injected clock). */
  readonly nowMs: number;
  /** Largest accepted difference between now and the timestamp, in either direction. */
  readonly maxAgeMs: number;
}

const SIGNATURE_RE = /^v0=[0-9a-f]{64}$/;
const TIMESTAMP_RE = /^\d{1,12}$/;

/**
 * Verifies a Slack request: timestamp within `maxAgeMs` of now in BOTH directions (Bolt only rejects
 * old ones), then the v0 HMAC compared in constant time.
 */
export function checkSlackSignature(input: SlackSignatureInput): SlackSignatureCheck {
  const { timestamp, signature } = input;
  if (timestamp === undefined || signature === undefined) {
    return {
      ok: false,
      code: 'channel.signature_invalid',
      reason: 'X-Slack-Signature or X-Slack-Request-Timestamp missing',
    };
  }
  if (!TIMESTAMP_RE.test(timestamp)) {
    return { ok: false, code: 'channel.signature_invalid', reason: 'X-Slack-Request-Timestamp is not unix seconds' };
  }
  const skewMs = Math.abs(input.nowMs - Number(timestamp) * 1000);
  if (skewMs > input.maxAgeMs) {
    const direction = Number(timestamp) * 1000 > input.nowMs ? 'in the future' : 'old';
    return {
      ok: false,
      code: 'channel.timestamp_stale',
      reason: `request timestamp is ${Math.round(skewMs / 1000)} s ${direction} (limit ${Math.round(input.maxAgeMs / 1000)} s); check the server clock`,
    };
  }
  const expected = Buffer.from(slackSignature(input.signingSecret, timestamp, input.rawBody), 'latin1');
  const given = Buffer.from(signature, 'latin1');
  if (!SIGNATURE_RE.test(signature) || !timingSafeEqual(expected, given)) {
    return {
      ok: false,
      code: 'channel.signature_invalid',
      reason: 'signature mismatch; check channels.slack.signingSecret',
    };
  }
  return { ok: true };
}
