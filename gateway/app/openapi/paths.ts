/** The gateway's own paths: health, chat and sessions, the token endpoint, pairing, this document. */
import { errorResponse, ref, responseRef } from './schemas.js';
import type { JsonObject, PathItem } from './types.js';

const json = (schema: JsonObject, description: string): JsonObject => ({
  description,
  content: { 'application/json': { schema } },
});

const bearer = (scope: string): JsonObject[] => [{ bearer: [] }, { oauth2: [scope] }];

const guarded = {
  '400': responseRef('BadRequest'),
  '401': responseRef('Unauthorized'),
  '403': responseRef('Forbidden'),
  '429': responseRef('TooManyRequests'),
  '503': responseRef('Unavailable'),
};

const oauthError = (description: string): JsonObject => json(ref('OAuthError'), description);

/** Paths served by every gateway, keyed by OpenAPI path. */
export function corePaths(): Record<string, PathItem> {
  return {
    '/api/v1/health': {
      get: {
        operationId: 'health',
        tags: ['status'],
        summary: 'Liveness',
        security: [],
        responses: { '200': json(ref('Health'), 'The process is up') },
      },
    },
    '/api/v1/ready': {
      get: {
        operationId: 'ready',
        tags: ['status'],
        summary: 'Readiness of every configured dependency and channel',
        security: [],
        responses: {
          '200': json(ref('Readiness'), 'Ready'),
          '503': json(ref('Readiness'), 'Not ready; `checks` says which dependency failed'),
        },
      },
    },
    '/api/v1/chat': {
      post: {
        operationId: 'chat',
        tags: ['chat'],
        summary: 'Send a message to the bot (the REST channel) and get its reply',
        security: bearer('chat'),
        requestBody: { required: true, content: { 'application/json': { schema: ref('ChatRequest') } } },
        responses: { '200': json(ref('ChatResponse'), 'The reply'), ...guarded },
      },
    },
    '/api/v1/sessions/{id}': {
      get: {
        operationId: 'getSession',
        tags: ['chat'],
        summary: 'The remembered turns of a session, oldest first',
        description:
          'Channel conversations are sessions too: `{channel}:{tenant}:{conversation}`, URL-encoded ' +
          '(e.g. `wechat_official:wx2c27...:oyORnu...`).',
        security: bearer('chat'),
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { '200': json(ref('Session'), 'The session'), '404': responseRef('NotFound'), ...guarded },
      },
    },
    '/api/v1/sessions/{id}/events': {
      get: {
        operationId: 'sessionEvents',
        tags: ['chat'],
        summary: 'Server-sent events of a session: agent replies and handoff status, outside any request',
        description:
          'A `text/event-stream`. Events: `handoff` (`{"status", "ticket_id"?, "agent_name"?}`, first on connect) ' +
          'and `message` (`{"author", "text", "at", "agent_id"?, "agent_name"?}`); `: ping` comments keep it open. ' +
          'Each event has an `id`. The typed client reads it with `events(sessionId)`.',
        security: bearer('chat'),
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: {
          '200': { description: 'The event stream', content: { 'text/event-stream': { schema: { type: 'string' } } } },
          ...guarded,
        },
      },
    },
    '/api/v1/oauth/token': {
      post: {
        operationId: 'token',
        tags: ['access'],
        summary: 'OAuth2 client-credentials grant (RFC 6749 §4.4) for paired clients',
        description:
          'Client authentication with HTTP Basic (`client_secret_basic`) or `client_id` + `client_secret` in the ' +
          'body (`client_secret_post`), not both. Errors follow RFC 6749 §5.2 (`{"error", "error_description"}`), ' +
          'not the `{"error": {"code", "message"}}` shape of the other routes; `invalid_client` answers 401 with ' +
          '`WWW-Authenticate: Basic`. Responses carry `Cache-Control: no-store`.',
        security: [],
        requestBody: {
          required: true,
          content: {
            'application/x-www-form-urlencoded': { schema: ref('TokenRequest') },
            'application/json': { schema: ref('TokenRequest') },
          },
        },
        responses: {
          '200': json(ref('TokenResponse'), 'An access token'),
          '400': oauthError('invalid_request, unsupported_grant_type, invalid_scope, unauthorized_client'),
          '401': oauthError('invalid_client: unknown client, wrong secret, or pairing not approved'),
          '503': oauthError('temporarily_unavailable: the client store is down'),
        },
      },
    },
    '/api/v1/pair': {
      post: {
        operationId: 'pair',
        tags: ['access'],
        summary: 'Ask to pair a new API client; an operator approves the code with `clawbot pairing approve CODE`',
        description:
          'Codes are 8 characters without look-alikes and expire after an hour. Asking again with the same ' +
          'client_id and secret while pending returns the same code. At most 3 requests wait at once.',
        security: [],
        requestBody: { required: true, content: { 'application/json': { schema: ref('PairRequest') } } },
        responses: {
          '202': json(ref('Pairing'), 'Pending approval'),
          '400': responseRef('BadRequest'),
          '409': errorResponse('pairing.conflict: the client is already paired or waiting with another secret'),
          '429': {
            ...errorResponse('pairing.too_many_pending: too many requests wait for approval'),
            headers: { 'Retry-After': { schema: { type: 'integer' }, description: 'Seconds until one expires' } },
          },
        },
      },
    },
    '/api/v1/pair/{code}': {
      get: {
        operationId: 'pairingStatus',
        tags: ['access'],
        summary: 'Poll a pairing code: pending, approved, rejected or expired',
        security: [],
        parameters: [{ name: 'code', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { '200': json(ref('Pairing'), 'The pairing request'), '404': responseRef('NotFound') },
      },
    },
    '/api/v1/openapi.json': {
      get: {
        operationId: 'openapi',
        tags: ['status'],
        summary: 'This document',
        security: [],
        responses: { '200': json({ type: 'object' }, 'OpenAPI 3.1 document') },
      },
    },
  };
}
