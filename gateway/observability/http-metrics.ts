/**
 * The first Express middleware: gives every request an id (X-Request-Id, echoed on the response, kept in
 * `req.observability` and put on the request's log lines through the request context), and on finish counts it and
 * records its latency by route pattern (`/api/v1/sessions/:id`, never the raw URL, so label sets stay bounded).
 */
import type { RequestHandler, Request } from 'express';
import type { MetricFamilies } from './metrics.js';
import { acceptRequestId, REQUEST_ID_HEADER } from './request-id.js';
import type { RequestContext } from './request-context.js';

/** What the middleware adds to each request. */
export interface RequestObservability {
  /** The request id (also in the X-Request-Id response header). */
  requestId: string;
}

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by the observability middleware. */
    observability?: RequestObservability;
  }
}

/** Methods kept as label values; anything else is `OTHER`. */
const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

/**
 * The route label of a finished request: the matched Express route pattern (with its router's mount path), else the
 * mount path of a channel handler it started with, else `unmatched`. Pure.
 */
export function routeLabel(input: {
  readonly routePath: string | undefined;
  readonly baseUrl: string;
  readonly path: string;
  readonly mounts: readonly string[];
}): string {
  if (input.routePath !== undefined) return `${input.baseUrl}${input.routePath}` || '/';
  for (const mount of input.mounts) if (input.path === mount || input.path.startsWith(`${mount}/`)) return mount;
  return 'unmatched';
}

function routeOf(req: Request, mounts: readonly string[]): string {
  const route = req.route as { path?: unknown } | undefined;
  const routePath = typeof route?.path === 'string' ? route.path : undefined;
  return routeLabel({ routePath, baseUrl: req.baseUrl, path: req.originalUrl.split('?')[0] ?? '', mounts });
}

/** Creates the middleware. `mounts`: paths of channel handlers mounted without a route pattern (Slack's Bolt). */
export function observeRequests(deps: {
  readonly families: MetricFamilies;
  readonly mounts: readonly string[];
  /** When given, the rest of the request runs with its id in context (log lines get `requestId`). */
  readonly context?: RequestContext | undefined;
}): RequestHandler {
  const { httpRequests, httpDuration } = deps.families;
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const requestId = acceptRequestId(req.headers[REQUEST_ID_HEADER]);
    res.setHeader('X-Request-Id', requestId);
    req.observability = { requestId };
    res.once('finish', () => {
      const labels = {
        method: METHODS.has(req.method) ? req.method : 'OTHER',
        route: routeOf(req, deps.mounts),
        status: String(res.statusCode),
      };
      httpRequests.inc(labels);
      httpDuration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    });
    if (deps.context === undefined) next();
    else deps.context.run(requestId, next);
  };
}
