/**
 * Client secrets, stored as scrypt hashes: `scrypt$<N>$<r>$<p>$<salt>$<hash>` (base64url salt and hash).
 * Verification is timing-safe and refuses parameters outside sane bounds, so a tampered store cannot make the
 * gateway burn memory.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const N = 16_384;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;
const MAX_N = 131_072;

function derive(secret: string, salt: Buffer, options: ScryptOptions, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(secret, salt, length, { ...options, maxmem: 256 * 1024 * 1024 }, (error, key) => {
      if (error === null) resolve(key);
      else reject(error);
    });
  });
}

/** Hashes a client secret with a fresh salt. */
export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(secret, salt, { N, r: R, p: P }, KEY_LENGTH);
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

interface ParsedHash {
  readonly options: ScryptOptions;
  readonly salt: Buffer;
  readonly key: Buffer;
}

function parseHash(stored: string): ParsedHash | undefined {
  const [scheme, n, r, p, salt, key, extra] = stored.split('$');
  if (scheme !== 'scrypt' || salt === undefined || key === undefined || extra !== undefined) return undefined;
  const [cost, block, parallel] = [Number(n), Number(r), Number(p)];
  const powerOfTwo = Number.isInteger(cost) && cost >= 2 && (cost & (cost - 1)) === 0;
  if (!powerOfTwo || cost > MAX_N || !(block >= 1 && block <= 32) || !(parallel >= 1 && parallel <= 4)) {
    return undefined;
  }
  const keyBytes = Buffer.from(key, 'base64url');
  if (keyBytes.length < 16 || keyBytes.length > 64) return undefined;
  return { options: { N: cost, r: block, p: parallel }, salt: Buffer.from(salt, 'base64url'), key: keyBytes };
}

/** True when `secret` matches a hash from {@link hashSecret}; false for any malformed hash. */
export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (parsed === undefined) return false;
  const key = await derive(secret, parsed.salt, parsed.options, parsed.key.length);
  return timingSafeEqual(key, parsed.key);
}

/** A valid hash of nothing anyone knows: verify against it when there is no client, so timing does not tell. */
export const DECOY_SECRET_HASH = `scrypt$${N}$${R}$${P}$${Buffer.alloc(16).toString('base64url')}$${Buffer.alloc(KEY_LENGTH, 1).toString('base64url')}`;
