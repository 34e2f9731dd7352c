/** `components` of the OpenAPI document: JSON Schemas (2020-12) of the bodies, security schemes, shared responses. */
import type { JsonObject } from './types.js';

const ref = (name: string): JsonObject => ({ $ref: `#/components/schemas/${name}` });

/** Where an error response's body is described. */
export const errorResponse = (description: string): JsonObject => ({
  description,
  content: { 'application/json': { schema: ref('Error') } },
});

/** `$ref` to a shared response. */
export const responseRef = (name: string): JsonObject => ({ $ref: `#/components/responses/${name}` });

const schemas: Record<string, JsonObject> = {
  Error: {
    type: 'object',
    description: 'Every API failure except the OAuth token endpoint (which answers OAuthError).',
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message'],
        properties: {
          code: {
            type: 'string',
            description: 'Stable, dotted error code',
            examples: ['auth.invalid', 'request.invalid', 'pairing.too_many_pending'],
          },
          message: { type: 'string', description: 'What went wrong and what to do' },
        },
      },
    },
  },
  OAuthError: {
    type: 'object',
    description: 'RFC 6749 §5.2 error body, answered by POST /api/v1/oauth/token only.',
    required: ['error'],
    properties: {
      error: {
        type: 'string',
        enum: [
          'invalid_request',
          'invalid_client',
          'invalid_grant',
          'unauthorized_client',
          'unsupported_grant_type',
          'invalid_scope',
          'server_error',
          'temporarily_unavailable',
        ],
      },
      error_description: { type: 'string' },
    },
  },
  Health: {
    type: 'object',
    required: ['status', 'version', 'uptime'],
    properties: {
      status: { const: 'ok' },
      version: { type: 'string' },
      uptime: { type: 'integer', description: 'Seconds since start' },
    },
  },
  Readiness: {
    type: 'object',
    required: ['status', 'checks'],
    properties: {
      status: { type: 'string', enum: ['ready', 'not_ready'] },
      checks: {
        type: 'object',
        description: 'One entry per dependency: model, redis, channel:<id>, ...',
        additionalProperties: {
          type: 'object',
          required: ['ok'],
          properties: { ok: { type: 'boolean' }, detail: { type: 'string' } },
        },
      },
    },
  },
  ChatRequest: {
    type: 'object',
    required: ['query'],
    properties: {
      query: { type: 'string', minLength: 1, maxLength: 4000 },
      session_id: {
        type: 'string',
        pattern: '^[A-Za-z0-9._:@-]{1,200}$',
        description: 'Continue a session; a new one is created when absent',
      },
      user_id: { type: 'string', minLength: 1, maxLength: 200, description: 'The end user, for per-user limits' },
    },
  },
  ChatResponse: {
    type: 'object',
    required: ['reply', 'confidence', 'handoff', 'intent', 'session_id', 'sources'],
    properties: {
      reply: { type: 'string' },
      confidence: { type: 'number', minimum: 0, maximum: 1 },
      handoff: { type: 'boolean', description: 'True when the conversation was handed to a human agent' },
      intent: { type: ['string', 'null'] },
      session_id: { type: 'string' },
      sources: { type: 'array', items: { type: 'string' }, description: 'FAQ and knowledge ids the answer used' },
      message_id: { type: 'string' },
    },
  },
  Session: {
    type: 'object',
    required: ['session_id', 'turns'],
    properties: {
      session_id: { type: 'string' },
      turns: {
        type: 'array',
        description: 'Oldest first',
        items: {
          type: 'object',
          required: ['user', 'replies', 'at'],
          properties: {
            user: { type: 'string' },
            at: { type: 'string', format: 'date-time' },
            replies: {
              type: 'array',
              items: {
                type: 'object',
                required: ['author', 'text', 'at'],
                properties: {
                  author: { type: 'string', enum: ['bot', 'agent'] },
                  text: { type: 'string' },
                  at: { type: 'string', format: 'date-time' },
                  agent_id: { type: 'string' },
                },
              },
            },
          },
        },
      },
    },
  },
  TokenRequest: {
    type: 'object',
    required: ['grant_type'],
    properties: {
      grant_type: { const: 'client_credentials' },
      client_id: { type: 'string', description: 'Required unless sent with HTTP Basic' },
      client_secret: { type: 'string', description: 'Required unless sent with HTTP Basic' },
      scope: { type: 'string', description: 'Space-separated subset of the granted scopes', examples: ['chat'] },
    },
  },
  TokenResponse: {
    type: 'object',
    required: ['access_token', 'token_type', 'expires_in', 'scope'],
    properties: {
      access_token: { type: 'string', description: 'HS256 JWT; send as Authorization: Bearer <token>' },
      token_type: { const: 'Bearer' },
      expires_in: { type: 'integer', description: 'Seconds' },
      scope: { type: 'string' },
    },
  },
  PairRequest: {
    type: 'object',
    required: ['client_id', 'secret'],
    properties: {
      client_id: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$' },
      secret: { type: 'string', minLength: 16, maxLength: 256, description: 'Later the client_secret' },
    },
  },
  Pairing: {
    type: 'object',
    required: ['code', 'status', 'client_id', 'expires_at'],
    properties: {
      code: { type: 'string', pattern: '^[2-9A-HJKMNP-Z]{8}$', description: 'Show this to the operator' },
      status: { type: 'string', enum: ['pending', 'approved', 'rejected', 'expired'] },
      client_id: { type: 'string' },
      expires_at: { type: 'string', format: 'date-time' },
      expires_in: { type: 'integer', description: 'Seconds left while pending' },
      token_endpoint: { type: 'string', description: 'Where to get tokens, once approved' },
    },
  },
};

/** The `components` object. */
export function components(): Record<string, Record<string, unknown>> {
  return {
    schemas,
    securitySchemes: {
      bearer: {
        type: 'http',
        scheme: 'bearer',
        description:
          'An API key from auth.apiKeys, a JWT from `clawbot token generate` or the token endpoint (HS256), ' +
          'or an RS256/ES256 JWT from the identity provider at auth.jwksUrl.',
      },
      oauth2: {
        type: 'oauth2',
        description: 'Client credentials of a paired client (POST /api/v1/pair, then `clawbot pairing approve`).',
        flows: {
          clientCredentials: {
            tokenUrl: '/api/v1/oauth/token',
            scopes: { chat: 'Talk to the bot', agent: 'Agent console API', admin: 'Everything' },
          },
        },
      },
    },
    responses: {
      BadRequest: errorResponse('request.invalid / request.invalid_json'),
      Unauthorized: errorResponse('auth.missing / auth.invalid'),
      Forbidden: errorResponse('auth.forbidden: missing scope, or the address is outside the allow-list'),
      NotFound: errorResponse('not_found'),
      TooManyRequests: errorResponse('rate_limited'),
      Unavailable: errorResponse('A dependency is down (memory.unavailable, auth.unavailable, ...)'),
    },
  };
}

export { ref };
