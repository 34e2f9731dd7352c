/**
 * The agent console's server side: the agent REST API with login (cookie session + CSRF, or bearer token), the
 * console's live event stream, REST customers' event stream, and the static single-page console at /console.
 */
import type { Router } from 'express';
import type { Logger } from '../../core/logger.js';
import { addAgentEventsRoute, sessionEventsRoutes, type SessionEventsDeps } from './routes/live.js';
import { agentApiRoutes, type AgentApiDeps } from './routes/agent-api.js';
import { consoleStaticRoutes } from './routes/static.js';
import type { HandoffEvents } from '../../core/ports/handoff.js';
import type { SseRegistry } from './sse.js';

export { createConsoleSessions, SESSION_COOKIE, type ConsoleSessions, type SessionClaims } from './session.js';
export { createLoginLimiter, type LoginLimiter } from './login-limiter.js';
export { CONSOLE_STATIC_DIR } from './routes/static.js';
export { endStreams, type SseRegistry } from './sse.js';
export type { CannedReply } from './routes/agent-api.js';

export interface ConsoleRoutesDeps extends AgentApiDeps {
  readonly events: HandoffEvents;
  readonly log: Logger;
  /** How often a connected console refreshes its presence (below the presence TTL). */
  readonly heartbeatMs: number;
  readonly sessionEvents: Omit<SessionEventsDeps, 'events' | 'streams'>;
  /** Open event streams, ended by the gateway on shutdown. */
  readonly streams: SseRegistry;
  /** Serve the static console at /console (the API works without it). */
  readonly serveConsole: boolean;
}

/** The routers to mount after the JSON body parser. */
export function consoleRoutes(deps: ConsoleRoutesDeps): Router[] {
  const api = agentApiRoutes(deps);
  addAgentEventsRoute(api, deps);
  return [
    api,
    sessionEventsRoutes({ ...deps.sessionEvents, events: deps.events, streams: deps.streams }),
    ...(deps.serveConsole ? [consoleStaticRoutes()] : []),
  ];
}
