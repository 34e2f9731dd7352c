/**
 * The OAuth2 client-credentials grant (RFC 6749 §4.4) for paired clients: credentials from HTTP Basic
 * (`client_secret_basic`) or the body (`client_secret_post`, form or JSON), an HS256 access token signed with
 * `auth.jwtSecret`, and errors in the RFC's shape (`{"error", "error_description"}`, §5.2) instead of ours.
 */
import type { Clock } from '../../core/clock.js';
import { isBotError } from '../../core/errors.js';
import { scopeSchema, type Scope } from '../config/schema.js';
import type { GroupPolicies } from './groups.js';
import { generateToken } from './jwt.js';
import type { PairedClientView, PairingService } from './pairing/service.js';

/** Error codes of RFC 6749 §5.2 (plus the §4.1.2.1 codes a token endpoint may use). */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'server_error'
  | 'temporarily_unavailable';

const STATUS: Readonly<Record<OAuthErrorCode, number>> = {
  invalid_request: 400,
  invalid_client: 401,
  invalid_grant: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  invalid_scope: 400,
  server_error: 500,
  temporarily_unavailable: 503,
};

/** A token-endpoint failure, answered as `{"error": code, "error_description": description}`. */
export class OAuthError extends Error {
  readonly error: OAuthErrorCode;
  readonly status: number;

  constructor(error: OAuthErrorCode, description: string) {
    super(description);
    this.name = 'OAuthError';
    this.error = error;
    this.status = STATUS[error];
  }

  /** The RFC 6749 §5.2 body. */
  toJSON(): { error: OAuthErrorCode; error_description: string } {
    return { error: this.error, error_description: this.message };
  }
}

/** Client credentials and grant read from a token request. */
export interface TokenRequest {
  readonly grantType: string;
  readonly clientId: string;
  /** Candidate secrets: the form-decoded one and, when it differs, the raw one (clients that skip encoding). */
  readonly secrets: readonly string[];
  readonly scope: string | undefined;
  readonly method: 'client_secret_basic' | 'client_secret_post';
}

/** The successful answer (RFC 6749 §5.1). */
export interface TokenResponse {
  readonly access_token: string;
  readonly token_type: 'Bearer';
  readonly expires_in: number;
  readonly scope: string;
}

function field(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new OAuthError('invalid_request', `${name} must be a string`);
  return value;
}

function formDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

function basicCredentials(authorization: string): { clientId: string; secrets: string[] } {
  const match = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(authorization.trim());
  const decoded = match?.[1] === undefined ? '' : Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) {
    throw new OAuthError('invalid_client', 'malformed Authorization header; expected Basic base64(client_id:secret)');
  }
  const [rawId, rawSecret] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
  const secret = formDecode(rawSecret);
  return { clientId: formDecode(rawId), secrets: secret === rawSecret ? [secret] : [secret, rawSecret] };
}

/**
 * Reads a token request (pure). Throws {@link OAuthError}: `invalid_request` for a malformed body or two
 * authentication methods, `unsupported_grant_type`, `invalid_client` when no credentials are given.
 */
export function parseTokenRequest(input: { authorization?: string | undefined; body: unknown }): TokenRequest {
  const { body, authorization } = input;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new OAuthError(
      'invalid_request',
      'send application/x-www-form-urlencoded or a JSON object with grant_type, client_id and client_secret',
    );
  }
  const fields = body as Record<string, unknown>;
  const grantType = field(fields, 'grant_type');
  if (grantType === undefined) throw new OAuthError('invalid_request', 'grant_type is required');
  if (grantType !== 'client_credentials') {
    throw new OAuthError(
      'unsupported_grant_type',
      `grant_type "${grantType}" is not supported; use client_credentials`,
    );
  }
  const scope = field(fields, 'scope');
  const bodyId = field(fields, 'client_id');
  const bodySecret = field(fields, 'client_secret');
  if (authorization !== undefined && authorization.trim() !== '') {
    if (bodySecret !== undefined) {
      throw new OAuthError('invalid_request', 'use one client authentication method: Basic or client_secret, not both');
    }
    const basic = basicCredentials(authorization);
    if (bodyId !== undefined && bodyId !== basic.clientId) {
      throw new OAuthError('invalid_request', 'client_id in the body differs from the one in the Authorization header');
    }
    return { grantType, clientId: basic.clientId, secrets: basic.secrets, scope, method: 'client_secret_basic' };
  }
  if (bodyId === undefined || bodySecret === undefined) {
    throw new OAuthError(
      'invalid_client',
      'client authentication is required: client_id and client_secret, or HTTP Basic',
    );
  }
  return { grantType, clientId: bodyId, secrets: [bodySecret], scope, method: 'client_secret_post' };
}

/** The scopes a client asks for, which must all be among `granted` (none asked: all granted). */
export function requestedScopes(scope: string | undefined, granted: readonly Scope[]): Scope[] {
  if (scope === undefined || scope.trim() === '') return [...granted];
  const asked = [...new Set(scope.trim().split(/\s+/))];
  for (const item of asked) {
    const parsed = scopeSchema.safeParse(item);
    if (!parsed.success) throw new OAuthError('invalid_scope', `unknown scope "${item}"; use chat, agent or admin`);
    if (!granted.includes(parsed.data) && !granted.includes('admin')) {
      throw new OAuthError(
        'invalid_scope',
        `scope "${item}" is not granted to this client (granted: ${granted.join(' ') || 'none'})`,
      );
    }
  }
  return asked as Scope[];
}

/** Options of {@link createTokenEndpoint}. */
export interface TokenEndpointOptions {
  /** `auth.jwtSecret`; without it the grant is refused with `unsupported_grant_type`. */
  readonly secret: string | undefined;
  readonly issuer: string;
  readonly audience?: string | undefined;
  /** Access token lifetime in seconds. */
  readonly expirySeconds: number;
}

export interface TokenEndpoint {
  /** Issues a token or throws {@link OAuthError}. */
  issue(input: { authorization?: string | undefined; body: unknown; ip?: string | undefined }): Promise<TokenResponse>;
}

/**
 * Creates the client-credentials grant over the pairing service.
 *
 * @example const endpoint = createTokenEndpoint({ secret, issuer: 'clawbot', expirySeconds: 3600 }, deps);
 */
export function createTokenEndpoint(
  options: TokenEndpointOptions,
  deps: { pairing: PairingService; groups: GroupPolicies; clock: Clock },
): TokenEndpoint {
  const authenticate = async (request: TokenRequest): Promise<PairedClientView | undefined> => {
    for (const secret of request.secrets) {
      const client = await deps.pairing.authenticateClient(request.clientId, secret);
      if (client !== undefined) return client;
    }
    return undefined;
  };
  return {
    async issue(input) {
      const request = parseTokenRequest(input);
      const { secret } = options;
      if (secret === undefined) {
        throw new OAuthError(
          'unsupported_grant_type',
          'this gateway issues no tokens: auth.jwtSecret is not configured',
        );
      }
      let client: PairedClientView | undefined;
      try {
        client = await authenticate(request);
      } catch (error) {
        const unavailable = isBotError(error) && error.status === 503;
        throw new OAuthError(
          unavailable ? 'temporarily_unavailable' : 'server_error',
          unavailable ? 'the client store is unavailable; try again' : 'the client could not be checked',
        );
      }
      if (client === undefined) {
        throw new OAuthError('invalid_client', 'unknown client, wrong secret, or pairing not approved (yet)');
      }
      const decision = deps.groups.apply(client.scopes, client.groups, input.ip);
      if (decision.refusedBy !== undefined) {
        throw new OAuthError('unauthorized_client', `this client is not allowed from ${input.ip ?? 'this address'}`);
      }
      const scopes = requestedScopes(request.scope, decision.scopes);
      if (scopes.length === 0) throw new OAuthError('invalid_scope', 'this client has no scope left to grant');
      const accessToken = await generateToken(
        {
          secret,
          issuer: options.issuer,
          expirySeconds: options.expirySeconds,
          scope: scopes,
          subject: client.clientId,
          clientId: client.clientId,
          groups: client.groups,
          audience: options.audience,
        },
        { clock: deps.clock },
      );
      return {
        access_token: accessToken,
        token_type: 'Bearer',
        expires_in: options.expirySeconds,
        scope: scopes.join(' '),
      };
    },
  };
}
