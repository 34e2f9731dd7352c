import { Router } from 'express';
import type { Clock } from '../../../core/clock.js';

export interface ReadinessCheck {
  readonly ok: boolean;
  readonly detail?: string;
}

export type Readiness = () => Promise<Record<string, ReadinessCheck>>;

/** `GET /api/v1/health` (liveness) and `GET /api/v1/ready` (readiness of every dependency). */
export function healthRoutes(deps: { version: string; startedAt: number; clock: Clock; readiness: Readiness }): Router {
  const router = Router();
  router.get('/api/v1/health', (_req, res) => {
    res.json({ status: 'ok', version: deps.version, uptime: Math.round((deps.clock.now() - deps.startedAt) / 1000) });
  });
  router.get('/api/v1/ready', async (_req, res) => {
    const checks = await deps.readiness();
    const ready = Object.values(checks).every((c) => c.ok);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks });
  });
  return router;
}
