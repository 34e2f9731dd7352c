/**
 * Bearer-token authentication for the REST API: API keys (timing-safe, digests only), HS256 JWTs signed with
 * `auth.jwtSecret` (ours: `clawbot token generate`, `POST /api/v1/oauth/token`) and RS256/ES256 JWTs from an
 * identity provider's JWKS. Then the limits: key allow-lists, group ceilings (`auth.groups`), the required scope.
 */
import { decodeProtectedHeader } from 'jose';
import type { Clock } from '../../core/clock.js';
import { BotError } from '../../core/errors.js';
import type { Scope } from '../config/schema.js';
import { createApiKeyMatcher, type ApiKeyEntry } from './api-keys.js';
import { createGroupPolicies, type GroupConfig } from './groups.js';
import { createJwksVerifier, JWKS_ALGORITHMS, type JwksVerifier } from './jwks.js';
import { MIN_JWT_SECRET_LENGTH, verifyToken, type VerifiedToken } from './jwt.js';

/** Who made a request, once authenticated. */
export interface Principal {
  readonly kind: 'api-key' | 'jwt';
  /** For API keys the non-secret key id (`key_1a2b...`); for JWTs the `sub` claim. */
  readonly subject: string;
  /** What the credential may do, after group ceilings. */
  readonly scopes: readonly Scope[];
  /** The key's group, or the JWT's `groups` claim. */
  readonly groups: readonly string[];
}

export interface AuthenticatorOptions {
  readonly apiKeys: readonly ApiKeyEntry[];
  /** HS256 secret; without it HS256 JWTs are refused. */
  readonly jwtSecret?: string | undefined;
  readonly jwtIssuer?: string | undefined;
  /** JWKS URL; without it RS256/ES256 JWTs are refused. */
  readonly jwksUrl?: string | undefined;
  /** Required `iss` of JWKS-verified tokens. */
  readonly jwksIssuer?: string | undefined;
  /** Required `aud` of every JWT. */
  readonly jwtAudience?: string | undefined;
  readonly groups?: Readonly<Record<string, GroupConfig>> | undefined;
}

/** Facts about the request beyond the header. */
export interface AuthRequestInfo {
  /** Client address (Express `req.ip`, which honours `gateway.trustProxy`), for allow-lists. */
  readonly ip?: string | undefined;
}

export interface Authenticator {
  /**
   * Checks an `Authorization` header for a scope. Resolves the principal, or rejects with
   * `auth.missing` (no header), `auth.invalid` (unknown key, bad/expired token), `auth.forbidden` (scope or
   * address) or `auth.unavailable` (the JWKS could not be fetched).
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

function refuseAddress(what: string, ip: string | undefined): never {
  throw new BotError('auth.forbidden', `${what} is not allowed from ${ip ?? 'an unknown address'}`);
}

/** The `alg` of a JWT's protected header; `auth.invalid` when it cannot be read. */
function algorithmOf(token: string): string {
  try {
    return decodeProtectedHeader(token).alg ?? 'none';
  } catch (error) {
    throw new BotError('auth.invalid', 'invalid token: malformed header', { cause: error });
  }
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
  const groups = createGroupPolicies(options.groups);
  const { jwtSecret, jwtAudience } = options;
  const issuer = options.jwtIssuer ?? 'clawbot';
  if (jwtSecret !== undefined && jwtSecret.length < MIN_JWT_SECRET_LENGTH) {
    throw new BotError('config.invalid', `auth.jwtSecret must be at least ${MIN_JWT_SECRET_LENGTH} characters`);
  }
  const jwks: JwksVerifier | undefined =
    options.jwksUrl === undefined
      ? undefined
      : createJwksVerifier({ url: options.jwksUrl, issuer: options.jwksIssuer, audience: jwtAudience }, deps);

  const verifyJwt = async (token: string): Promise<VerifiedToken> => {
    const alg = algorithmOf(token);
    if (alg === 'HS256') {
      if (jwtSecret === undefined) {
        throw new BotError('auth.invalid', 'HS256 tokens are not accepted: auth.jwtSecret is not configured');
      }
      return verifyToken(token, { secret: jwtSecret, issuer, audience: jwtAudience }, deps);
    }
    if (JWKS_ALGORITHMS.includes(alg)) {
      if (jwks === undefined) {
        throw new BotError('auth.invalid', `${alg} tokens are not accepted: auth.jwksUrl is not configured`);
      }
      return jwks(token);
    }
    throw new BotError('auth.invalid', `invalid token: algorithm "${alg}" is not accepted (HS256, RS256, ES256)`);
  };

  return {
    async authenticate(authorization, requiredScope, request = {}) {
      const token = parseBearer(authorization);
      const { ip } = request;
      let principal: Principal;
      const key = keys.match(token, ip);
      if (key !== undefined) {
        if (!key.ipAllowed) refuseAddress('this API key', ip);
        principal = { kind: 'api-key', subject: key.keyId, scopes: key.scopes, groups: key.groups };
      } else if (JWT_SHAPE.test(token)) {
        if (jwtSecret === undefined && jwks === undefined) {
          throw new BotError('auth.invalid', 'JWTs are not accepted: auth.jwtSecret is not configured');
        }
        const verified = await verifyJwt(token);
        principal = { kind: 'jwt', subject: verified.subject, scopes: verified.scopes, groups: verified.groups };
      } else {
        throw new BotError('auth.invalid', 'invalid API key or token');
      }
      const decision = groups.apply(principal.scopes, principal.groups, ip);
      if (decision.refusedBy !== undefined) refuseAddress(`group "${decision.refusedBy}"`, ip);
      return requireScope({ ...principal, scopes: decision.scopes }, requiredScope);
    },
  };
}
