/** Password hashing with scrypt (node:crypto): `scrypt$N$r$p$salt$hash`, base64url salt and key, timing-safe checks. */
import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { BotError } from '../../core/errors.js';

/** Shortest accepted password. */
export const MIN_PASSWORD_LENGTH = 8;

const DEFAULTS = { N: 16_384, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
const SALT_BYTES = 16;

function scrypt(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCallback(password, salt, KEY_LENGTH, { ...options, maxmem: 64 * 1024 * 1024 }, (error, key) => {
      if (error !== null) reject(error);
      else resolve(key);
    });
  });
}

/** Hashes a password (rejects ones shorter than {@link MIN_PASSWORD_LENGTH} with `request.invalid`). */
export async function hashPassword(password: string, cost: { N: number; r: number; p: number } = DEFAULTS) {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new BotError('request.invalid', `passwords must be at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  const salt = randomBytes(SALT_BYTES);
  const key = await scrypt(password, salt, cost);
  return `scrypt$${cost.N}$${cost.r}$${cost.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

const FORMAT = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([\w-]+)\$([\w-]+)$/;

/** True when `password` matches `hash`; false for a wrong password or an unreadable hash. */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const m = FORMAT.exec(hash);
  if (m === null) return false;
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const expected = Buffer.from(m[5] ?? '', 'base64url');
  if (expected.length !== KEY_LENGTH || N > 1_048_576 || r > 32 || p > 16) return false;
  const key = await scrypt(password, Buffer.from(m[4] ?? '', 'base64url'), { N, r, p });
  return timingSafeEqual(key, expected);
}

/** A hash of a random password, verified against for unknown usernames so timing does not reveal them. */
export function decoyHash(): Promise<string> {
  return hashPassword(randomBytes(18).toString('base64url'));
}
