/**
 * API key matching. Only SHA-256 digests of the keys are kept in memory (config may give the digest itself as
 * `keyHash: sha256:<hex>`), and every candidate is compared with `timingSafeEqual` over equal-length digests, so
 * neither the key length nor a matching prefix leaks through timing.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { BotError } from '../../core/errors.js';
import { API_KEY_HASH_PATTERN, type Scope } from '../config/schema.js';
import { createIpAllowList } from './ip-allow-list.js';

/** An API key as configured: a plain string (every scope, any address) or an object with `key` or `keyHash`. */
export type ApiKeyEntry =
  | string
  | {
      readonly key?: string | undefined;
      /** `sha256:<64 hex digits>`, from {@link hashApiKey}. */
      readonly keyHash?: string | undefined;
      readonly scopes?: readonly Scope[] | undefined;
      readonly allowIps?: readonly string[] | undefined;
      readonly group?: string | undefined;
    };

/** A key that matched. */
export interface ApiKeyMatch {
  /** A stable, non-secret id: `key_` + the first 12 hex digits of the key's SHA-256. */
  readonly keyId: string;
  readonly scopes: readonly Scope[];
  /** The key's group, if any. */
  readonly groups: readonly string[];
  /** False when the key has an IP allow-list and the address is not on it. */
  readonly ipAllowed: boolean;
}

interface StoredKey {
  readonly digest: Buffer;
  readonly keyId: string;
  readonly scopes: readonly Scope[];
  readonly groups: readonly string[];
  readonly ipAllowed: ((ip: string | undefined) => boolean) | undefined;
}

const ALL: readonly Scope[] = ['chat', 'agent', 'admin'];

/** SHA-256 digest of a key. */
export function digestKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/**
 * The `keyHash` form of a key for config.yaml: `sha256:` + 64 lowercase hex digits.
 *
 * @example hashApiKey('cb_abc...') // 'sha256:9f86d08...'
 */
export function hashApiKey(key: string): string {
  if (key === '') throw new BotError('request.invalid', 'the API key to hash is empty');
  return `sha256:${digestKey(key).toString('hex')}`;
}

function digestOf(entry: Exclude<ApiKeyEntry, string>): Buffer {
  if (entry.key !== undefined) return digestKey(entry.key);
  if (entry.keyHash !== undefined && API_KEY_HASH_PATTERN.test(entry.keyHash)) {
    return Buffer.from(entry.keyHash.slice('sha256:'.length), 'hex');
  }
  throw new BotError('config.invalid', 'an API key needs `key` or `keyHash: sha256:<64 hex digits>`');
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
    const object = typeof entry === 'string' ? { key: entry } : entry;
    const digest = digestOf(object);
    const { scopes, allowIps, group } = object;
    return {
      digest,
      keyId: `key_${digest.toString('hex').slice(0, 12)}`,
      scopes: scopes === undefined || scopes.length === 0 ? ALL : [...scopes],
      groups: group === undefined ? [] : [group],
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
      return {
        keyId: found.keyId,
        scopes: found.scopes,
        groups: found.groups,
        ipAllowed: found.ipAllowed?.(ip) ?? true,
      };
    },
  };
}
