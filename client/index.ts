/**
 * `clawbot/client`: a typed client for the Clawbot REST API (chat, sessions, server-sent events, pairing,
 * OAuth2 client credentials), on `fetch` alone. Shipped as TypeScript: run it with tsx, or compile it with your
 * own build. Guide: docs/client.md.
 */
export { createClawbotClient } from './client.js';
export type {
  CallOptions,
  ClawbotClient,
  ClawbotClientOptions,
  ClientCredentials,
  FetchLike,
  WaitOptions,
} from './client.js';
export { ClawbotApiError, ClawbotPairingError, apiErrorFrom } from './errors.js';
export { parseServerSentEvents, type ServerSentEvent } from './sse.js';
export type * from './types.js';
