/**
 * Bearer-token authentication for the REST API: API keys (timing-safe, digests only) and HS256 JWTs.
 */
import type { Clock } from '../../core/clock.js';
import { BotError } from '../../core/errors.js';
import type { Scope } from '../config/schema.js';
import { createApiKeyMatcher, type ApiKeyEntry } from './api-keys.js';
import { MIN_JWT_SECRET_LENGTH, verifyToken } from './jwt.js';

/** Who made a request, once authenticated. */
export interface Principal {
  readonly kind: 'api-key' | 'jwt';
  /** For API keys the non-secret key id (`key_1a2b...`); for JWTs the `sub` claim. */
  readonly subject: string;
  readonly scopes: readonly Scope[];
}

export interface AuthenticatorOptions {
  readonly apiKeys: readonly ApiKeyEntry[];
  /** HS256 secret; without it JWTs are refused. */
  readonly jwtSecret?: string | undefined;
  readonly jwtIssuer?: string | undefined;
}

/** Facts about the request beyond the header. */
export interface AuthRequestInfo {
  /** Client address, for keys with `allowIps`. */
  readonly ip?: string | undefined;
}

export interface Authenticator {
  /**
   * Checks an `Authorization` header for a scope. Resolves the principal, or rejects with
   * `auth.missing` (no header), `auth.invalid` (unknown key, bad/expired token) or `auth.forbidden` (scope or address).
   */
  authenticate(authorization: string | undefined, requiredScope: Scope, request?: AuthRequestInfo): Promise<Principal>;
}

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** True when `scopes` grant `required`; `admin` grants everything. */
export function hasScope(scopes: readonly Scope[], required: Scope): boolean {
  return scopes.includes(required) || scopes.includes('admin');
}

/** Extracts the token from `Bearer <token>` (scheme case-insensitive). */
export function parseBearer(authorization: string | undefined): string {
  if (authorization === undefined || authorization.trim() === '') {
    throw new BotError('auth.missing', 'missing Authorization header; send `Authorization: Bearer <api key or token>`');
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization.trim());
  if (match?.[1] === undefined) {
    throw new BotError('auth.invalid', 'malformed Authorization header; expected `Bearer <api key or token>`');
  }
  return match[1];
}

function requireScope(principal: Principal, required: Scope): Principal {
  if (!hasScope(principal.scopes, required)) {
    throw new BotError(
      'auth.forbidden',
      `this credential lacks the "${required}" scope (it has: ${principal.scopes.join(', ') || 'none'})`,
    );
  }
  return principal;
}

/**
 * Creates the authenticator from `config.auth`.
 *
 * @example
 * const auth = createAuthenticator(config.auth, { clock: systemClock });
 * const principal = await auth.authenticate(req.headers.authorization, 'chat', { ip: req.ip });
 */
export function createAuthenticator(options: AuthenticatorOptions, deps: { clock: Clock }): Authenticator {
  const keys = createApiKeyMatcher(options.apiKeys);
  const { jwtSecret } = options;
  const issuer = options.jwtIssuer ?? 'clawbot';
  if (jwtSecret !== undefined && jwtSecret.length < MIN_JWT_SECRET_LENGTH) {
    throw new BotError('config.invalid', `auth.jwtSecret must be at least ${MIN_JWT_SECRET_LENGTH} characters`);
  }
  return {
    async authenticate(authorization, requiredScope, request = {}) {
      const token = parseBearer(authorization);
      const key = keys.match(token, request.ip);
      if (key !== undefined) {
        if (!key.ipAllowed) {
          throw new BotError(
            'auth.forbidden',
            `this API key is not allowed from ${request.ip ?? 'an unknown address'}`,
          );
        }
        return requireScope({ kind: 'api-key', subject: key.keyId, scopes: key.scopes }, requiredScope);
      }
      if (JWT_SHAPE.test(token)) {
        if (jwtSecret === undefined) {
          throw new BotError('auth.invalid', 'JWTs are not accepted: auth.jwtSecret is not configured');
        }
        const verified = await verifyToken(token, { secret: jwtSecret, issuer }, deps);
        return requireScope({ kind: 'jwt', subject: verified.subject, scopes: verified.scopes }, requiredScope);
      }
      throw new BotError('auth.invalid', 'invalid API key or token');
    },
  };
}
