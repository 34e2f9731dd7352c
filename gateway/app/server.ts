import express, { type Express } from 'express';
import type { Channel } from '../../core/ports/channel.js';
import { BotError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { jsonErrorHandler, sendError } from './http-errors.js';
import { webhookRoutes } from './routes/webhooks.js';
import type { RequestHandler, Router } from 'express';

export interface ServerOptions {
  readonly bodyLimit: number;
  readonly trustProxy: boolean | string | number;
  readonly log: Logger;
  readonly channels: readonly Channel[];
  /** API routers (health, chat, sessions, console, ...), mounted after the JSON body parser. */
  readonly apiRoutes: readonly Router[];
  /** Middleware before everything else (request ids, HTTP metrics). */
  readonly first?: readonly RequestHandler[];
}

/** Builds the Express app: channel endpoints first (raw bodies), then the JSON API, then JSON 404s and errors. */
export function createServer(options: ServerOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false); // API answers are not cacheable; hashing every body costs CPU
  app.set('trust proxy', options.trustProxy);
  for (const handler of options.first ?? []) app.use(handler);
  app.use(webhookRoutes(options.channels, options.log));
  app.use(
    '/api',
    express.json({ limit: options.bodyLimit, type: ['application/json', 'application/*+json'], strict: true }),
  );
  for (const router of options.apiRoutes) app.use(router);
  app.use((req, res) => {
    sendError(res, new BotError('not_found', `no route for ${req.method} ${req.path}`));
  });
  app.use(jsonErrorHandler(options.log));
  return app;
}
