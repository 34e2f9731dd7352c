import { Router } from 'express';
import type { Channel } from '../../../core/ports/channel.js';
import type { Logger } from '../../../core/logger.js';
import {
  AGENT_API_DOCUMENT,
  buildOpenApiDocument,
  loadOpenApiDocuments,
  type ChannelEndpoint,
} from '../openapi/index.js';

/** The channel endpoints the server mounts, for the document. */
export function channelEndpoints(channels: readonly Channel[]): ChannelEndpoint[] {
  return channels.flatMap((c) => {
    const path = c.webhook?.path ?? c.httpHandler?.path;
    return path === undefined ? [] : [{ channel: c.id, path }];
  });
}

/**
 * `GET /api/v1/openapi.json`: the OpenAPI 3.1 document, built once at start-up (public, no credentials).
 * `extraDocuments` defaults to docs/agent-api.openapi.json when that file exists.
 */
export function openapiRoutes(deps: {
  version: string;
  channels: readonly Channel[];
  log: Logger;
  extraDocuments?: readonly string[];
}): Router {
  const document = buildOpenApiDocument({
    version: deps.version,
    channels: channelEndpoints(deps.channels),
    extra: loadOpenApiDocuments(deps.extraDocuments ?? [AGENT_API_DOCUMENT], deps.log),
  });
  const router = Router();
  router.get('/api/v1/openapi.json', (_req, res) => {
    res.json(document);
  });
  return router;
}
