import type { Clock } from '../../core/clock.js';

/** A fetched token and how long it lives. */
export interface FetchedToken {
  readonly token: string;
  readonly expiresInMs: number;
}

export interface TokenBrokerOptions {
  /** Refresh this long before expiry (DingTalk tokens live 7200 s). */
  readonly refreshMarginMs: number;
}

/** A cached access token with single-flight refresh. */
export interface TokenBroker {
  /** The cached token, fetched when absent or within the refresh margin; `force` discards the cache first. */
  get(force?: boolean): Promise<string>;
  /** Drops the cached token (e.g. after the platform said it is invalid). */
  invalidate(): void;
}

/**
 * Caches one access token in this object (never in module state) and makes concurrent callers share one
 * in-flight fetch, so a burst of replies never fetches the token twice.
 */
export function createTokenBroker(
  options: TokenBrokerOptions,
  deps: { readonly clock: Clock; readonly fetchToken: () => Promise<FetchedToken> },
): TokenBroker {
  let cached: { token: string; refreshAt: number } | undefined;
  let inflight: Promise<string> | undefined;

  const refresh = (): Promise<string> => {
    inflight ??= (async () => {
      try {
        const started = deps.clock.now();
        const fetched = await deps.fetchToken();
        const lifetime = Math.max(0, fetched.expiresInMs - options.refreshMarginMs);
        cached = { token: fetched.token, refreshAt: started + lifetime };
        return fetched.token;
      } finally {
        inflight = undefined;
      }
    })();
    return inflight;
  };

  return {
    get(force = false) {
      if (force) cached = undefined;
      if (cached !== undefined && deps.clock.now() < cached.refreshAt) return Promise.resolve(cached.token);
      return refresh();
    },
    invalidate() {
      cached = undefined;
    },
  };
}
