/**
 * The audit log: one structured line per agent or admin action, `{"audit": true, "action": …, "actor": …}`, through
 * the gateway logger (so secrets are redacted and PII masked like every other line). Sources: handoff events
 * (claim, reply, resolve, transfer, …), the agent login/logout endpoints, pairing decisions and admin API calls.
 */
import type { Logger } from '../../core/logger.js';
import type { HandoffEvent, HandoffEvents } from '../../core/ports/handoff.js';

/** Who did it. */
export interface AuditActor {
  readonly kind: 'agent' | 'admin' | 'system' | 'operator' | 'client';
  /** Agent username, credential subject, `cli`, …; never a secret. */
  readonly id?: string;
}

export interface AuditEntry {
  /** e.g. `agent.login`, `handoff.claim`, `pairing.approve`, `deadletter.retry`. */
  readonly action: string;
  readonly actor: AuditActor;
  /** What it was done to (ticket id, pairing code, dead letter id). */
  readonly target?: string;
  readonly outcome?: 'ok' | 'denied' | 'failed';
  readonly [field: string]: unknown;
}

/** Writes audit lines. */
export interface AuditLog {
  record(entry: AuditEntry): void;
}

/** An audit log writing through `log` at info level with `audit: true`. */
export function createAuditLog(deps: { readonly log: Logger }): AuditLog {
  const log = deps.log.child({ audit: true });
  return {
    record(entry) {
      log.info({ outcome: 'ok', ...entry }, `audit: ${entry.action}`);
    },
  };
}

/** Handoff ticket changes that are someone's action, and the audit action each becomes. */
const TICKET_ACTIONS: Readonly<Record<string, string>> = {
  assign: 'handoff.claim',
  agent_message: 'handoff.reply',
  transfer: 'handoff.transfer',
  release: 'handoff.release',
  resolve: 'handoff.resolve',
  return_to_bot: 'handoff.return_to_bot',
  approve_draft: 'handoff.approve_draft',
};

/** The audit entry of a handoff event, when it is an agent's (or supervisor's) action. Pure. */
export function auditOfHandoffEvent(event: HandoffEvent): AuditEntry | undefined {
  if (event.type === 'transcript' && event.entry.role === 'agent') {
    return {
      action: 'handoff.reply',
      actor: { kind: 'agent', ...(event.entry.agentId === undefined ? {} : { id: event.entry.agentId }) },
      target: event.ticketId,
    };
  }
  if (event.type !== 'ticket') return undefined;
  const action = TICKET_ACTIONS[event.change];
  if (action === undefined || action === 'handoff.reply') return undefined; // replies come from the transcript
  const t = event.ticket;
  const agent = t.agentId;
  return {
    action,
    actor: agent === undefined ? { kind: 'system' } : { kind: 'agent', id: agent },
    target: t.id,
    status: t.status,
    ...(t.group === undefined ? {} : { group: t.group }),
  };
}

/** Audits the agent actions of this process (events from other replicas are audited there). Returns an unsubscribe. */
export function auditHandoff(events: HandoffEvents, audit: AuditLog): () => void {
  return events.subscribe((event, local) => {
    if (!local) return;
    const entry = auditOfHandoffEvent(event);
    if (entry !== undefined) audit.record(entry);
  });
}
