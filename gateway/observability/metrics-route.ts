/**
 * `GET /metrics` in the Prometheus text format. Not public by default: the scraper presents an `admin` credential
 * (`Authorization: Bearer …`), or scrapes from an address in `metrics.allowIps`, or `metrics.public: true` opens it
 * (for a scrape port that only the monitoring network reaches).
 */
import { Router } from 'express';
import { createIpAllowList } from '../auth/index.js';

export interface MetricsRouteOptions {
  readonly public: boolean;
  readonly allowIps: readonly string[];
  readonly path?: string;
}

export interface MetricsRouteDeps {
  /** Checks an `admin`-scope credential; throws `auth.*` BotErrors. */
  readonly authenticateAdmin: (authorization: string | undefined, ip: string | undefined) => Promise<unknown>;
  /** The exposition text and its content type. */
  readonly render: () => Promise<{ readonly text: string; readonly contentType: string }>;
}

/** The metrics router. */
export function metricsRoutes(options: MetricsRouteOptions, deps: MetricsRouteDeps): Router {
  const allowed = createIpAllowList(options.allowIps);
  const router = Router();
  router.get(options.path ?? '/metrics', async (req, res) => {
    const open = options.public || (options.allowIps.length > 0 && allowed(req.ip));
    if (!open) await deps.authenticateAdmin(req.headers.authorization, req.ip);
    const { text, contentType } = await deps.render();
    res.set('Content-Type', contentType);
    res.set('Cache-Control', 'no-store');
    res.send(text);
  });
  return router;
}
