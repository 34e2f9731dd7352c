/**
 * Secrets a customer (or anyone) writes into a message must not reach the log either: the logger's key-based
 * redaction cannot see them inside free text, so every line is scrubbed of the secret values this gateway knows
 * (API keys, JWT and channel secrets, the Redis password) and of anything shaped like a JWT, at the destination.
 */
import type { DestinationStream } from 'pino';
import { isSecretKey } from '../logger.js';

/** Secret values shorter than this are not scrubbed from free text (they would match ordinary words). */
export const MIN_SCRUBBED_SECRET = 8;

const JWT = /\beyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}/g;

/** Every secret value in a config object: strings under secret-named keys, API keys, URL passwords. Pure. */
export function knownSecrets(config: unknown): string[] {
  const found = new Set<string>();
  const add = (value: unknown): void => {
    if (typeof value === 'string' && value.length >= MIN_SCRUBBED_SECRET) found.add(value);
  };
  const walk = (value: unknown, key: string | undefined, depth: number): void => {
    if (depth > 12) return;
    if (typeof value === 'string') {
      if (key !== undefined && (isSecretKey(key) || key === 'key')) add(value);
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
        try {
          const url = new URL(value);
          add(decodeURIComponent(url.password));
        } catch {
          // not a URL after all
        }
      }
      return;
    }
    if (Array.isArray(value)) {
      // `auth.apiKeys` may hold plain strings
      for (const item of value) walk(item, key === 'apiKeys' ? 'apiKey' : undefined, depth + 1);
      return;
    }
    if (typeof value === 'object' && value !== null) {
      for (const [k, v] of Object.entries(value)) walk(v, k, depth + 1);
    }
  };
  walk(config, undefined, 0);
  // Longest first, so a secret containing another is replaced whole.
  return [...found].sort((a, b) => b.length - a.length);
}

/** Replaces every known secret and every JWT-shaped string in a log line. Pure. */
export function scrubLine(line: string, secrets: readonly string[]): string {
  let out = line;
  for (const secret of secrets) if (out.includes(secret)) out = out.replaceAll(secret, '[redacted]');
  return out.includes('eyJ') ? out.replace(JWT, '[redacted-jwt]') : out;
}

/** Wraps a log destination so every line is scrubbed before it is written (flush passes through). */
export function scrubbedDestination(
  inner: DestinationStream | NodeJS.WritableStream,
  secrets: readonly string[],
): DestinationStream & { flush?: (cb?: (err?: Error) => void) => void } {
  const flushable = inner as { flush?: (cb?: (err?: Error) => void) => void };
  return {
    write: (line: string) => void inner.write(scrubLine(line, secrets)),
    ...(typeof flushable.flush === 'function'
      ? { flush: (cb?: (err?: Error) => void) => flushable.flush?.call(inner, cb) }
      : {}),
  };
}
