/** Who is calling the agent API: the console session from the cookie (plus CSRF) or a bearer session token. */
import type { Request, Response } from 'express';
import { BotError } from '../../core/errors.js';
import type { KeyValue } from '../../core/ports/kv.js';
import type { AgentAccount, AgentDirectory } from '../agents/types.js';
import { csrfMatches, readCookie, SESSION_COOKIE, type ConsoleSessions, type SessionClaims } from './session.js';

export interface ConsoleCaller {
  readonly account: AgentAccount;
  readonly claims: SessionClaims;
  readonly via: 'cookie' | 'bearer';
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The KeyValue key marking a logged-out session id. */
export const revokedKey = (jti: string): string => `handoff:revoked:${jti}`;

/**
 * Authenticates a request: `auth.missing` without a session, `auth.invalid` for a bad, expired, revoked or
 * orphaned one (the account was removed), `auth.forbidden` for a cookie-authenticated unsafe request without
 * the matching `X-CSRF-Token` header.
 */
export async function authenticateCaller(
  req: Request,
  deps: { sessions: ConsoleSessions; agents: AgentDirectory; kv: KeyValue },
): Promise<ConsoleCaller> {
  const header = req.headers.authorization;
  const bearer = header === undefined ? undefined : /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
  const cookie = readCookie(req.headers.cookie, SESSION_COOKIE);
  const token = bearer ?? cookie;
  if (token === undefined || token === '') {
    throw new BotError('auth.missing', 'log in first: POST /api/v1/agent/login');
  }
  const claims = await deps.sessions.verify(token);
  // Both lookups at once: on Redis they share one round trip (auto-pipelining), on every agent API call.
  const [revoked, account] = await Promise.all([deps.kv.get(revokedKey(claims.jti)), deps.agents.get(claims.username)]);
  if (revoked !== undefined) throw new BotError('auth.invalid', 'this console session was logged out; log in again');
  if (account === undefined) throw new BotError('auth.invalid', 'this agent account no longer exists');
  const via = bearer === undefined ? 'cookie' : 'bearer';
  if (via === 'cookie' && !SAFE.has(req.method)) {
    const given = req.headers['x-csrf-token'];
    if (!csrfMatches(claims.csrf, typeof given === 'string' ? given : undefined)) {
      throw new BotError('auth.forbidden', 'missing or wrong X-CSRF-Token header (GET /api/v1/agent/me gives it)');
    }
  }
  return { account, claims, via };
}

/** The caller stored on the response by the router's auth step. */
export function callerOf(res: Response): ConsoleCaller {
  const caller = res.locals['caller'] as ConsoleCaller | undefined;
  if (caller === undefined) throw new BotError('auth.missing', 'log in first');
  return caller;
}
