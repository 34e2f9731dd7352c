/**
 * API key matching. Only SHA-256 digests of the keys are kept in memory, and every candidate is compared with
 * `timingSafeEqual` over equal-length digests, so neither the key length nor a matching prefix leaks through timing.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Scope } from '../config/schema.js';
import { createIpAllowList } from './ip-allow-list.js';

/** An API key as configured: a plain string (every scope, any address) or an object. */
export type ApiKeyEntry =
  | string
  | {
      readonly key: string;
      readonly scopes?: readonly Scope[] | undefined;
      readonly allowIps?: readonly string[] | undefined;
    };

/** A key that matched. */
export interface ApiKeyMatch {
  /** A stable, non-secret id: `key_` + the first 12 hex digits of the key's SHA-256. */
  readonly keyId: string;
  readonly scopes: readonly Scope[];
  /** False when the key has an IP allow-list and the address is not on it. */
  readonly ipAllowed: boolean;
}

interface StoredKey {
  readonly digest: Buffer;
  readonly keyId: string;
  readonly scopes: readonly Scope[];
  readonly ipAllowed: ((ip: string | undefined) => boolean) | undefined;
}

const ALL: readonly Scope[] = ['chat', 'agent', 'admin'];

/** SHA-256 digest of a key. */
export function digestKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/** Holds the digests of the configured API keys and finds the one a token matches. */
export interface ApiKeyMatcher {
  /** How many keys are configured. */
  readonly size: number;
  match(token: string, ip: string | undefined): ApiKeyMatch | undefined;
}

/** Builds a matcher from configured keys; the plain keys are not retained. */
export function createApiKeyMatcher(entries: readonly ApiKeyEntry[]): ApiKeyMatcher {
  const stored: StoredKey[] = entries.map((entry) => {
    const { key, scopes, allowIps } =
      typeof entry === 'string' ? { key: entry, scopes: undefined, allowIps: undefined } : entry;
    const digest = digestKey(key);
    return {
      digest,
      keyId: `key_${digest.toString('hex').slice(0, 12)}`,
      scopes: scopes === undefined || scopes.length === 0 ? ALL : [...scopes],
      ipAllowed: allowIps === undefined || allowIps.length === 0 ? undefined : createIpAllowList(allowIps),
    };
  });
  return {
    size: stored.length,
    match(token, ip) {
      const digest = digestKey(token);
      let found: StoredKey | undefined;
      // Compare against every key, without stopping early.
      for (const candidate of stored) {
        if (timingSafeEqual(candidate.digest, digest) && found === undefined) found = candidate;
      }
      if (found === undefined) return undefined;
      return { keyId: found.keyId, scopes: found.scopes, ipAllowed: found.ipAllowed?.(ip) ?? true };
    },
  };
}
