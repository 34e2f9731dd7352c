/**
 * access_token broker for the WeChat API, using `POST /cgi-bin/stable_token` (isolated from `/cgi-bin/token`,
 * and in normal mode it does not rotate a valid token, so replicas cannot invalidate each other's token).
 * - cached in process and in KeyValue (shared by replicas), refreshed `refreshMarginMs` (5 min) before expiry;
 * - single-flight in process, and one refresher across replicas (a Locks lock, KeyValue re-read under it);
 * - after WeChat rejects a token (40001 / 40014 / 42001): one refresh, forced only if WeChat hands back the
 *   rejected token again (`force_refresh` is limited to 20 a day).
 * @see https://developers.weixin.qq.com/doc/offiaccount/Basic_Information/getStableAccessToken.html
 */
import type { Clock } from '../../core/clock.js';
import { ChannelApiError, describeError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { KeyValue, Locks } from '../../core/ports/kv.js';
import { countOutcome, type Metrics } from '../../core/ports/metrics.js';
import { redactSecrets, wechatApiError } from './api-errors.js';

export interface TokenBrokerOptions {
  readonly appId: string;
  readonly appSecret: string;
  /** e.g. `https://api.weixin.qq.com` (no trailing slash). */
  readonly apiBaseUrl: string;
  /** Refresh this long before expiry (default 5 minutes, when stable_token starts handing out the next token). */
  readonly refreshMarginMs?: number;
  readonly timeoutMs?: number;
}

export interface TokenBrokerDeps {
  readonly kv: KeyValue;
  readonly locks: Locks;
  readonly clock: Clock;
  readonly log: Logger;
  readonly fetch?: typeof fetch;
  /** Counts refreshes (`channel.token_refresh`, outcome ok | failed). */
  readonly metrics?: Metrics;
}

/** Hands out access tokens. */
export interface TokenBroker {
  /** A token valid for at least the refresh margin. */
  getToken(signal?: AbortSignal): Promise<string>;
  /** A token other than `rejected`, which WeChat refused (40001 / 40014 / 42001). */
  refreshAfterRejection(rejected: string, signal?: AbortSignal): Promise<string>;
}

interface StoredToken {
  readonly token: string;
  /** Epoch ms. */
  readonly expiresAt: number;
}

/** Creates the broker. Its cache lives in the returned object (one per channel). */
export function createTokenBroker(options: TokenBrokerOptions, deps: TokenBrokerDeps): TokenBroker {
  const margin = options.refreshMarginMs ?? 5 * 60 * 1000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const doFetch = deps.fetch ?? fetch;
  const kvKey = `wechat:token:{wechat_official:${options.appId}}`;
  const lockKey = `lock:wechat-token:{wechat_official:${options.appId}}`;
  let cached: StoredToken | undefined;
  let inflight: Promise<string> | undefined;

  const usable = (t: StoredToken | undefined, rejected?: string): t is StoredToken =>
    t !== undefined && t.token !== rejected && deps.clock.now() < t.expiresAt - margin;

  const readShared = async (): Promise<StoredToken | undefined> => {
    const raw = await deps.kv.get(kvKey);
    if (raw === undefined) return undefined;
    try {
      const parsed = JSON.parse(raw) as Partial<StoredToken>;
      return typeof parsed.token === 'string' && typeof parsed.expiresAt === 'number'
        ? { token: parsed.token, expiresAt: parsed.expiresAt }
        : undefined;
    } catch {
      return undefined;
    }
  };

  const fetchStable = async (forceRefresh: boolean, signal?: AbortSignal): Promise<StoredToken> => {
    const timeout = AbortSignal.timeout(timeoutMs);
    let response: Response;
    try {
      response = await doFetch(`${options.apiBaseUrl}/cgi-bin/stable_token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          grant_type: 'client_credential',
          appid: options.appId,
          secret: options.appSecret,
          force_refresh: forceRefresh,
        }),
        signal: signal === undefined ? timeout : AbortSignal.any([signal, timeout]),
      });
    } catch (error: unknown) {
      throw new ChannelApiError({
        channel: 'wechat_official',
        method: 'stable_token',
        message: `WeChat stable_token request failed: ${redactSecrets(describeError(error))}; check that ${options.apiBaseUrl} is reachable`,
      });
    }
    const text = await response.text();
    let body: { access_token?: unknown; expires_in?: unknown; errcode?: unknown; errmsg?: unknown };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new ChannelApiError({
        channel: 'wechat_official',
        method: 'stable_token',
        httpStatus: response.status,
        message: `WeChat stable_token answered HTTP ${response.status} without JSON`,
      });
    }
    if (typeof body.errcode === 'number' && body.errcode !== 0) {
      throw wechatApiError(
        'stable_token',
        body.errcode,
        typeof body.errmsg === 'string' ? body.errmsg : undefined,
        response.status,
      );
    }
    if (typeof body.access_token !== 'string' || typeof body.expires_in !== 'number') {
      throw new ChannelApiError({
        channel: 'wechat_official',
        method: 'stable_token',
        httpStatus: response.status,
        message: 'WeChat stable_token answered without access_token / expires_in',
      });
    }
    return { token: body.access_token, expiresAt: deps.clock.now() + body.expires_in * 1000 };
  };

  const counted = (work: Promise<StoredToken>) =>
    countOutcome(deps.metrics, 'channel.token_refresh', { channel: 'wechat_official' }, work);

  /** Takes the shared token if another replica refreshed it, else refreshes under the cross-replica lock. */
  const obtain = async (rejected: string | undefined, signal?: AbortSignal): Promise<string> => {
    const shared = await readShared();
    if (usable(shared, rejected)) {
      cached = shared;
      return shared.token;
    }
    const lock = await deps.locks.acquire(lockKey, {
      ttlMs: 30_000,
      waitMs: timeoutMs + 5_000,
      ...(signal ? { signal } : {}),
    });
    try {
      const again = await readShared();
      if (usable(again, rejected)) {
        cached = again;
        return again.token;
      }
      let fresh = await counted(fetchStable(false, signal));
      if (rejected !== undefined && fresh.token === rejected) {
        deps.log.warn({ appId: options.appId }, 'WeChat returned the rejected access token again; forcing a refresh');
        fresh = await counted(fetchStable(true, signal));
      }
      const ttl = Math.max(1_000, fresh.expiresAt - deps.clock.now());
      await deps.kv.set(kvKey, JSON.stringify(fresh), ttl);
      cached = fresh;
      deps.log.info(
        { appId: options.appId, expiresInSec: Math.round(ttl / 1000), forced: rejected !== undefined },
        'WeChat access token refreshed',
      );
      return fresh.token;
    } finally {
      await lock.release();
    }
  };

  const flight = (rejected: string | undefined, signal?: AbortSignal): Promise<string> => {
    inflight ??= obtain(rejected, signal).finally(() => {
      inflight = undefined;
    });
    return inflight;
  };

  return {
    async getToken(signal) {
      if (usable(cached)) return cached.token;
      return flight(undefined, signal);
    },
    async refreshAfterRejection(rejected, signal) {
      if (inflight !== undefined) {
        const current = await inflight.catch(() => undefined);
        if (current !== undefined && current !== rejected) return current;
      }
      if (cached?.token === rejected) cached = undefined;
      if (usable(cached)) return cached.token;
      return flight(rejected, signal);
    },
  };
}
