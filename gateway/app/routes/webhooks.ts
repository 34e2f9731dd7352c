import express, { Router, type Request } from 'express';
import type { Channel, WebhookRequest } from '../../../core/ports/channel.js';
import { describeError } from '../../../core/errors.js';
import type { Logger } from '../../../core/logger.js';

/** The only Express -> WebhookRequest translation (grammY's FrameworkAdapter idea). */
export function toWebhookRequest(req: Request): WebhookRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.query)) {
    if (typeof value === 'string') query[name] = value;
  }
  const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  return {
    method: req.method,
    path: req.path,
    query,
    headers,
    rawBody,
    ...(req.ip === undefined ? {} : { remoteAddress: req.ip }),
  };
}

/**
 * Mounts every channel: SDK receivers (Slack's Bolt) as plain handlers before any body parser,
 * webhook channels behind a raw-body parser with the channel's own limit, so signatures are checked
 * over the exact bytes.
 */
export function webhookRoutes(channels: readonly Channel[], log: Logger): Router {
  const router = Router();
  for (const channel of channels) {
    if (channel.httpHandler !== undefined) {
      const handler = channel.httpHandler;
      router.use(handler.path, (req, res, next) => handler.handle(req, res, next));
    }
    if (channel.webhook !== undefined) {
      const webhook = channel.webhook;
      router.all(webhook.path, express.raw({ type: () => true, limit: webhook.bodyLimit }), async (req, res) => {
        try {
          const out = await webhook.handle(toWebhookRequest(req));
          res.status(out.status);
          for (const [name, value] of Object.entries(out.headers ?? {})) res.setHeader(name, value);
          res.send(out.body);
        } catch (error: unknown) {
          log.error({ channel: channel.id, err: describeError(error) }, 'webhook handler failed');
          throw error;
        }
      });
    }
  }
  return router;
}
