/**
 * JWTs from an identity provider, verified against its JWKS URL (jose `createRemoteJWKSet`: keys cached, refetched
 * on an unknown `kid` at most once per cooldown). Only asymmetric algorithms are accepted here, so a token cannot
 * pass off an HMAC over the public key as a signature.
 */
import { createRemoteJWKSet, errors, jwtVerify } from 'jose';
import type { Clock } from '../../core/clock.js';
import { BotError } from '../../core/errors.js';
import { describeJoseError, verifiedFrom, type VerifiedToken } from './jwt.js';

/** Algorithms accepted from a JWKS unless configured otherwise. */
export const JWKS_ALGORITHMS: readonly string[] = ['RS256', 'ES256'];

/** Options of {@link createJwksVerifier}. */
export interface JwksVerifierOptions {
  /** The JWKS document (`https://idp.example.com/.well-known/jwks.json`). */
  readonly url: string;
  /** Required `iss`, when set. */
  readonly issuer?: string | undefined;
  /** Required `aud`, when set. */
  readonly audience?: string | undefined;
  /** Accepted `alg` values; default {@link JWKS_ALGORITHMS}. */
  readonly algorithms?: readonly string[] | undefined;
  /** JWKS fetch timeout; default 5000 ms. */
  readonly timeoutMs?: number | undefined;
  /** Least time between two refetches for unknown `kid`s; default 30 000 ms. */
  readonly cooldownMs?: number | undefined;
}

/** Verifies one token; rejects with `auth.invalid` (bad token) or `auth.unavailable` (JWKS unreachable). */
export type JwksVerifier = (token: string) => Promise<VerifiedToken>;

/** True for failures of the JWKS fetch itself rather than of the token. */
function isFetchFailure(error: unknown): boolean {
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) return true;
  // A non-200 answer or an unparsable body is a bare JOSEError; a refused connection is fetch's TypeError.
  if (error instanceof errors.JOSEError) return error.code === 'ERR_JOSE_GENERIC';
  return true;
}

/**
 * Creates a verifier for RS256/ES256 tokens signed by keys in a remote JWKS.
 *
 * @example
 * const verify = createJwksVerifier({ url: config.auth.jwksUrl, issuer: 'https://idp.example.com/' }, { clock });
 * const { subject, scopes } = await verify(token);
 */
export function createJwksVerifier(options: JwksVerifierOptions, deps: { clock: Clock }): JwksVerifier {
  const jwks = createRemoteJWKSet(new URL(options.url), {
    timeoutDuration: options.timeoutMs ?? 5000,
    cooldownDuration: options.cooldownMs ?? 30_000,
  });
  const algorithms = [...(options.algorithms ?? JWKS_ALGORITHMS)];
  return async (token) => {
    try {
      const { payload } = await jwtVerify(token, jwks, {
        algorithms,
        requiredClaims: ['exp'],
        currentDate: new Date(deps.clock.now()),
        ...(options.issuer === undefined ? {} : { issuer: options.issuer }),
        ...(options.audience === undefined ? {} : { audience: options.audience }),
      });
      return verifiedFrom(payload);
    } catch (error) {
      if (isFetchFailure(error)) {
        throw new BotError('auth.unavailable', 'could not fetch the signing keys from auth.jwksUrl; try again', {
          cause: error,
        });
      }
      throw new BotError('auth.invalid', `invalid token: ${describeJoseError(error)}`, { cause: error });
    }
  };
}
