/**
 * HS256 JSON Web Tokens via jose: `clawbot token generate` signs them, the authenticator verifies them.
 * Claims: `iss` (auth.jwtIssuer), `sub`, `scope` (space-separated), `iat`, `exp`, `jti`.
 */
import { randomUUID } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
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
  return new SignJWT({ scope: scopes.join(' ') })
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
  /** Expiry, epoch milliseconds. */
  readonly expiresAt: number;
}

/** Scopes from the `scope` claim (space-separated string, or a list); unknown scopes are ignored. */
function scopesFromClaim(claim: unknown): Scope[] {
  const items = typeof claim === 'string' ? claim.split(' ') : Array.isArray(claim) ? claim : [];
  return items.flatMap((item: unknown) => {
    const parsed = scopeSchema.safeParse(item);
    return parsed.success ? [parsed.data] : [];
  });
}

/**
 * Verifies an HS256 JWT (signature, `iss`, `exp` required and not passed at `clock.now()`).
 * Throws `auth.invalid` with the reason (expired, wrong issuer, bad signature, malformed).
 */
export async function verifyToken(
  token: string,
  options: { readonly secret: string; readonly issuer: string },
  deps: { clock: Clock },
): Promise<VerifiedToken> {
  try {
    const { payload } = await jwtVerify(token, secretKey(options.secret), {
      issuer: options.issuer,
      algorithms: ['HS256'],
      requiredClaims: ['exp'],
      currentDate: new Date(deps.clock.now()),
    });
    return {
      subject: payload.sub ?? 'unknown',
      scopes: scopesFromClaim(payload['scope']),
      expiresAt: (payload.exp ?? 0) * 1000,
    };
  } catch (error) {
    throw new BotError('auth.invalid', `invalid token: ${describeJoseError(error)}`, { cause: error });
  }
}

function describeJoseError(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'expired; generate a new one with `clawbot token generate`';
  if (error instanceof errors.JWTClaimValidationFailed) {
    return error.claim === 'iss' ? 'wrong issuer (auth.jwtIssuer)' : `claim "${error.claim}" ${error.reason}`;
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'signature does not match auth.jwtSecret';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'only HS256 tokens are accepted';
  if (error instanceof errors.JOSEError) return `malformed (${error.code})`;
  return error instanceof Error ? error.message : 'malformed';
}
