/**
 * The dead-letter admin API (admin scope): `GET /api/v1/admin/deadletters` lists messages that failed every
 * delivery attempt; `POST /api/v1/admin/deadletters/:id/retry` puts one back in the queue. Both are audited.
 * `clawbot deadletter list|retry` does the same directly on Redis.
 */
import { Router } from 'express';
import { textOf } from '../../core/envelope.js';
import { BotError } from '../../core/errors.js';
import type { AuditLog } from '../observability/audit.js';
import { principalSubject } from './rest-limits.js';
import type { DeadLetter, DeliveryQueue } from './delivery/types.js';

/** The JSON of a dead letter (snake_case, ISO times, the text but not the raw parts). */
export function deadLetterJson(letter: DeadLetter): Record<string, unknown> {
  return {
    id: letter.id,
    channel: letter.channel,
    conversation: letter.conversation.conversation,
    tenant: letter.conversation.tenant,
    text: textOf(letter.message.parts),
    author: letter.message.author.kind,
    attempts: letter.attempts,
    first_attempt_at: new Date(letter.firstAttemptAt).toISOString(),
    failed_at: new Date(letter.failedAt).toISOString(),
    error: letter.error,
  };
}

export interface DeadLetterRouteDeps {
  readonly delivery: DeliveryQueue;
  readonly audit: AuditLog;
  /** Checks an `admin`-scope credential and returns its principal; throws `auth.*` BotErrors. */
  readonly authenticateAdmin: (authorization: string | undefined, ip: string | undefined) => Promise<unknown>;
}

/** The router. */
export function deadLetterRoutes(deps: DeadLetterRouteDeps): Router {
  const router = Router();
  router.get('/api/v1/admin/deadletters', async (req, res) => {
    await deps.authenticateAdmin(req.headers.authorization, req.ip);
    const raw = Number(req.query['limit'] ?? 100);
    const limit = Number.isInteger(raw) && raw >= 1 && raw <= 1000 ? raw : 100;
    const letters = await deps.delivery.deadLetters(limit);
    res.json({
      queue: deps.delivery.kind,
      pending: await deps.delivery.pending(),
      dead_letters: letters.map(deadLetterJson),
    });
  });
  router.post('/api/v1/admin/deadletters/:id/retry', async (req, res) => {
    const principal = await deps.authenticateAdmin(req.headers.authorization, req.ip);
    const id = req.params.id;
    if (!/^[\w:-]{1,128}$/.test(id)) throw new BotError('request.invalid', 'invalid dead letter id');
    const retried = await deps.delivery.retryDeadLetter(id);
    const subject = principalSubject(principal);
    deps.audit.record({
      action: 'deadletter.retry',
      actor: { kind: 'admin', ...(subject === undefined ? {} : { id: subject }) },
      target: id,
      outcome: retried ? 'ok' : 'failed',
      ip: req.ip,
    });
    if (!retried) throw new BotError('not_found', `no dead letter ${id}`);
    res.status(202).json({ id, status: 'queued' });
  });
  return router;
}
