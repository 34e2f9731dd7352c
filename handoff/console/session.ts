/**
 * Console sessions: an HS256 JWT (jose) in an httpOnly, SameSite=Strict cookie, carrying a random CSRF token that
 * the page sends back in `X-CSRF-Token` on every state-changing request (the cookie alone is never enough).
 * The same token may be sent as `Authorization: Bearer …` by other front ends; then no CSRF header is needed.
 */
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import type { Clock } from '../../core/clock.js';
import { BotError } from '../../core/errors.js';
import type { AgentRole } from '../agents/types.js';

/** The cookie holding the session token. */
export const SESSION_COOKIE = 'clawbot_console';
const ISSUER = 'clawbot-console';

export interface SessionClaims {
  readonly username: string;
  readonly role: AgentRole;
  readonly csrf: string;
  readonly jti: string;
  /** Epoch seconds. */
  readonly exp: number;
}

export interface ConsoleSessions {
  issue(username: string, role: AgentRole): Promise<{ token: string; claims: SessionClaims }>;
  /** Verifies a token: `auth.invalid` when it is forged, expired or not a console token. */
  verify(token: string): Promise<SessionClaims>;
  readonly ttlSeconds: number;
}

/**
 * Creates the session signer/verifier. `secret` (32+ bytes) is fetched on first use and kept once it succeeds,
 * so a Redis-shared secret does not hold up start-up while Redis is unreachable.
 */
export function createConsoleSessions(
  options: { secret: () => Promise<Uint8Array>; ttlSeconds: number },
  deps: { clock: Clock },
): ConsoleSessions {
  let cached: Uint8Array | undefined;
  const key = async (): Promise<Uint8Array> => {
    if (cached !== undefined) return cached;
    let secret: Uint8Array;
    try {
      secret = await options.secret();
    } catch (error) {
      throw new BotError('kv.unavailable', 'the console session secret could not be read; try again', { cause: error });
    }
    if (secret.length < 32) throw new BotError('config.invalid', 'the console session secret must be 32+ bytes');
    cached = secret;
    return secret;
  };
  return {
    ttlSeconds: options.ttlSeconds,
    async issue(username, role) {
      const now = Math.floor(deps.clock.now() / 1000);
      const claims: SessionClaims = {
        username,
        role,
        csrf: randomBytes(24).toString('base64url'),
        jti: randomUUID(),
        exp: now + options.ttlSeconds,
      };
      const token = await new SignJWT({ role, csrf: claims.csrf })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setIssuer(ISSUER)
        .setAudience(ISSUER)
        .setSubject(username)
        .setIssuedAt(now)
        .setExpirationTime(claims.exp)
        .setJti(claims.jti)
        .sign(await key());
      return { token, claims };
    },
    async verify(token) {
      try {
        const secret = await key();
        const { payload } = await jwtVerify(token, secret, {
          issuer: ISSUER,
          audience: ISSUER,
          algorithms: ['HS256'],
          currentDate: new Date(deps.clock.now()),
        });
        const { sub, role, csrf, jti, exp } = payload;
        if (typeof sub !== 'string' || typeof csrf !== 'string' || typeof jti !== 'string' || exp === undefined) {
          throw new BotError('auth.invalid', 'the console session is malformed; log in again');
        }
        return { username: sub, role: role as AgentRole, csrf, jti, exp };
      } catch (error) {
        if (error instanceof BotError) throw error;
        const expired = error instanceof errors.JWTExpired;
        throw new BotError(
          'auth.invalid',
          expired ? 'the console session expired; log in again' : 'invalid console session',
        );
      }
    },
  };
}

/** Timing-safe comparison of the CSRF header with the session's token. */
export function csrfMatches(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Reads one cookie from a Cookie header. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/** The Set-Cookie value for a session (empty token + Max-Age=0 clears it). */
export function sessionCookie(token: string, maxAgeSeconds: number, secure: boolean): string {
  return [
    `${SESSION_COOKIE}=${encodeURIComponent(token)}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${maxAgeSeconds}`,
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}
