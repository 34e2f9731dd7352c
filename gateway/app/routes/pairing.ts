import { Router, type Response } from 'express';
import { BotError, isBotError } from '../../../core/errors.js';
import type { Clock } from '../../../core/clock.js';
import type { PairingService, PairingView } from '../../auth/index.js';

/** The JSON of a pairing request (snake_case, ISO times; never the secret or its hash). */
export function pairingJson(view: PairingView, now: number): Record<string, unknown> {
  return {
    code: view.code,
    status: view.status,
    client_id: view.clientId,
    expires_at: new Date(view.expiresAt).toISOString(),
    ...(view.status === 'pending' ? { expires_in: Math.max(0, Math.ceil((view.expiresAt - now) / 1000)) } : {}),
    ...(view.status === 'approved' ? { token_endpoint: '/api/v1/oauth/token' } : {}),
  };
}

function setRetryAfter(res: Response, error: unknown): void {
  if (isBotError(error) && error.code === 'pairing.too_many_pending') {
    const seconds = error.details?.['retryAfterSeconds'];
    if (typeof seconds === 'number') res.set('Retry-After', String(seconds));
  }
}

/**
 * `POST /api/v1/pair` (`{"client_id", "secret"}` -> 202 `{"code", "status": "pending", ...}`) and
 * `GET /api/v1/pair/:code` (poll the status). Public: an operator's approval is what grants access.
 */
export function pairingRoutes(deps: { pairing: PairingService; clock: Clock }): Router {
  const router = Router();
  router.post('/api/v1/pair', async (req, res) => {
    const body: unknown = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new BotError('request.invalid', 'send a JSON object {"client_id": "...", "secret": "..."}');
    }
    const { client_id: clientId, secret } = body as Record<string, unknown>;
    try {
      const view = await deps.pairing.request({
        clientId: clientId as string,
        secret: secret as string,
        remoteAddress: req.ip,
      });
      res.status(202).json(pairingJson(view, deps.clock.now()));
    } catch (error) {
      setRetryAfter(res, error);
      throw error;
    }
  });
  router.get('/api/v1/pair/:code', async (req, res) => {
    const view = await deps.pairing.status(req.params.code);
    res.json(pairingJson(view, deps.clock.now()));
  });
  return router;
}
