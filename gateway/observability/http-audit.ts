/**
 * Audit of actions that are HTTP calls rather than handoff events: agent console login and logout, with the
 * outcome, so failed logins are visible. (Admin routes record their own entries.) Mounted after the body parsers.
 */
import type { RequestHandler, Request } from 'express';
import type { AuditLog } from './audit.js';

/** Path -> action of audited POSTs. */
const AUDITED: Readonly<Record<string, string>> = {
  '/api/v1/agent/login': 'agent.login',
  '/api/v1/agent/logout': 'agent.logout',
};

/** The audit action of a request, when it is audited. Pure. */
export function auditedAction(method: string, path: string): string | undefined {
  return method === 'POST' ? AUDITED[path] : undefined;
}

/** The outcome of an answered request by its status. Pure. */
export function outcomeOfStatus(status: number): 'ok' | 'denied' | 'failed' {
  if (status < 400) return 'ok';
  return status === 401 || status === 403 || status === 429 ? 'denied' : 'failed';
}

function usernameOf(req: Request): string | undefined {
  const body = req.body as { username?: unknown } | undefined;
  const name = typeof body === 'object' && body !== null ? body.username : undefined;
  return typeof name === 'string' ? name.slice(0, 64) : undefined;
}

/** The audit middleware. */
export function auditRequests(deps: { readonly audit: AuditLog }): RequestHandler {
  return (req, res, next) => {
    const action = auditedAction(req.method, req.path);
    if (action === undefined) return next();
    res.once('finish', () => {
      const username = usernameOf(req);
      deps.audit.record({
        action,
        actor: { kind: 'agent', ...(username === undefined ? {} : { id: username }) },
        target: req.path,
        outcome: outcomeOfStatus(res.statusCode),
        status: res.statusCode,
        ip: req.ip,
        requestId: req.observability?.requestId,
      });
    });
    next();
  };
}
