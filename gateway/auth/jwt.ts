/**
 * HS256 JSON Web Tokens via jose: `clawbot token generate` and `POST /api/v1/oauth/token` sign them, the
 * authenticator verifies them. Claims: `iss` (auth.jwtIssuer), `sub`, `scope` (space-separated), `iat`, `exp`,
 * `jti`, and when given `groups` (list), `client_id` and `aud`.
 */
import { randomUUID } from 'node:crypto';
import { errors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { systemClock, type Clock } from '../../core/clock.js';
import { BotError } from '../../core/errors.js';
import { scopeSchema, type Scope } from '../config/schema.js';

/** Shortest accepted HS256 secret, in characters (matches the config schema). */
export const MIN_JWT_SECRET_LENGTH = 32;
/** Longest accepted token lifetime: ten years. */
export const MAX_TOKEN_EXPIRY_SECONDS = 10 * 365 * 86_400;

/** Parses `"chat agent"`, `"chat,agent"` or a list into known scopes; throws `auth.invalid` on an unknown one. */
export function parseScopes(scope: string | readonly string[]): Scope[] {
  const items = typeof scope === 'string' ? scope.split(/[\s,]+/) : [...scope];
  const scopes: Scope[] = [];
  for (const item of items.map((s) => s.trim()).filter((s) => s !== '')) {
    const parsed = scopeSchema.safeParse(item);
    if (!parsed.success) {
      throw new BotError('auth.invalid', `unknown scope "${item}"; use ${scopeSchema.options.join(', ')}`);
    }
    if (!scopes.includes(parsed.data)) scopes.push(parsed.data);
  }
  return scopes;
}

function secretKey(secret: string): Uint8Array {
  if (secret.length < MIN_JWT_SECRET_LENGTH) {
    throw new BotError(
      'config.invalid',
      `auth.jwtSecret must be at least ${MIN_JWT_SECRET_LENGTH} characters; generate one with \`openssl rand -base64 48\``,
    );
  }
  return new TextEncoder().encode(secret);
}

export interface GenerateTokenOptions {
  readonly secret: string;
  readonly issuer: string;
  /** Lifetime in seconds (1 .. ten years). */
  readonly expirySeconds: number;
  /** Space- or comma-separated scopes, or a list. */
  readonly scope: string | readonly string[];
  /** `sub` claim; default `"clawbot-cli"`. */
  readonly subject?: string | undefined;
  /** `groups` claim: groups under `auth.groups` whose limits apply to the bearer. */
  readonly groups?: readonly string[] | undefined;
  /** `client_id` claim (tokens issued to OAuth clients). */
  readonly clientId?: string | undefined;
  /** `aud` claim. */
  readonly audience?: string | undefined;
}

/**
 * Signs an HS256 JWT that the gateway accepts as `Authorization: Bearer <token>`.
 *
 * @example await generateToken({ secret: config.auth.jwtSecret, issuer: 'clawbot', expirySeconds: 3600, scope: 'chat' })
 */
export async function generateToken(
  options: GenerateTokenOptions,
  deps: { clock: Clock } = { clock: systemClock },
): Promise<string> {
  const { expirySeconds } = options;
  if (!Number.isInteger(expirySeconds) || expirySeconds < 1 || expirySeconds > MAX_TOKEN_EXPIRY_SECONDS) {
    throw new BotError(
      'request.invalid',
      `expiry must be a whole number of seconds between 1 and ${MAX_TOKEN_EXPIRY_SECONDS} (got ${expirySeconds})`,
    );
  }
  const scopes = parseScopes(options.scope);
  if (scopes.length === 0) throw new BotError('request.invalid', 'give at least one scope: chat, agent or admin');
  const key = secretKey(options.secret);
  const now = Math.floor(deps.clock.now() / 1000);
  const claims: Record<string, unknown> = { scope: scopes.join(' ') };
  if (options.groups !== undefined && options.groups.length > 0) claims['groups'] = [...options.groups];
  if (options.clientId !== undefined) claims['client_id'] = options.clientId;
  const jwt = new SignJWT(claims);
  if (options.audience !== undefined) jwt.setAudience(options.audience);
  return jwt
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(options.issuer)
    .setSubject(options.subject ?? 'clawbot-cli')
    .setIssuedAt(now)
    .setExpirationTime(now + expirySeconds)
    .setJti(randomUUID())
    .sign(key);
}

/** What a verified token says. */
export interface VerifiedToken {
  readonly subject: string;
  readonly scopes: readonly Scope[];
  /** From the `groups` claim (a list or a space-separated string); `[]` without one. */
  readonly groups: readonly string[];
  /** Expiry, epoch milliseconds. */
  readonly expiresAt: number;
}

/**
 * Scopes from the `scope` claim (space-separated string, or a list) or, failing that, `scp` (Okta, Azure AD);
 * unknown scopes are ignored.
 */
export function scopesFromClaims(payload: JWTPayload): Scope[] {
  const claim = payload['scope'] ?? payload['scp'];
  const items = typeof claim === 'string' ? claim.split(' ') : Array.isArray(claim) ? claim : [];
  return items.flatMap((item: unknown) => {
    const parsed = scopeSchema.safeParse(item);
    return parsed.success ? [parsed.data] : [];
  });
}

/** Groups from the `groups` claim (a list of strings or a space-separated string). */
export function groupsFromClaims(payload: JWTPayload): string[] {
  const claim = payload['groups'];
  const items: unknown[] = typeof claim === 'string' ? claim.split(' ') : Array.isArray(claim) ? claim : [];
  return items.filter((item): item is string => typeof item === 'string' && item !== '');
}

/** What the authenticator needs from a verified payload. */
export function verifiedFrom(payload: JWTPayload): VerifiedToken {
  return {
    subject: payload.sub ?? 'unknown',
    scopes: scopesFromClaims(payload),
    groups: groupsFromClaims(payload),
    expiresAt: (payload.exp ?? 0) * 1000,
  };
}

/**
 * Verifies an HS256 JWT (signature, `iss`, `exp` required and not passed at `clock.now()`).
 * Throws `auth.invalid` with the reason (expired, wrong issuer, bad signature, malformed).
 */
export async function verifyToken(
  token: string,
  options: { readonly secret: string; readonly issuer: string; readonly audience?: string | undefined },
  deps: { clock: Clock },
): Promise<VerifiedToken> {
  try {
    const { payload } = await jwtVerify(token, secretKey(options.secret), {
      issuer: options.issuer,
      algorithms: ['HS256'],
      requiredClaims: ['exp'],
      currentDate: new Date(deps.clock.now()),
      ...(options.audience === undefined ? {} : { audience: options.audience }),
    });
    return verifiedFrom(payload);
  } catch (error) {
    throw new BotError('auth.invalid', `invalid token: ${describeJoseError(error)}`, { cause: error });
  }
}

/** A short, secret-free reason for a jose failure. */
export function describeJoseError(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'expired; generate a new one with `clawbot token generate`';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'iss') return 'wrong issuer (auth.jwtIssuer / auth.jwksIssuer)';
    if (error.claim === 'aud') return 'wrong audience (auth.jwtAudience)';
    return `claim "${error.claim}" ${error.reason}`;
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'signature does not match';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'algorithm not accepted';
  if (error instanceof errors.JWKSNoMatchingKey) return 'no key in the JWKS matches the token (unknown kid)';
  if (error instanceof errors.JWKSMultipleMatchingKeys) return 'several JWKS keys match; the token needs a kid';
  if (error instanceof errors.JOSEError) return `malformed (${error.code})`;
  return error instanceof Error ? error.message : 'malformed';
}
