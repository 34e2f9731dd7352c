/**
 * The handoff state machine: bot -> queued -> assigned -> human -> resolved | returned_to_bot | timed_out.
 * Pure: given a ticket, an event and the time, it returns the next ticket and what the customer must be told.
 * Every code path (the gate, the console, the agent API, the sweeper) goes through `transition`, so the customer
 * is told on every transition whoever caused it. SLA clocks are carried over, never reset by a notice.
 */
import type { ConversationRef } from '../core/envelope.js';
import { conversationKey } from '../core/envelope.js';
import type { MemoryTurn } from '../core/ports/memory.js';
import type { ClosedBy, HandoffReason, HandoffTicket, TicketDraft } from '../core/ports/handoff.js';
import type { Notice } from './notices.js';
import type { Actor, TicketEvent, TransitionContext, TransitionResult } from './ticket-events.js';

export type {
  Actor,
  AgentRef,
  TicketEvent,
  TicketEventType,
  TransitionContext,
  TransitionResult,
} from './ticket-events.js';

export interface OpenTicketInput {
  readonly id: string;
  readonly conversation: ConversationRef;
  readonly reason: HandoffReason;
  readonly lang: string;
  readonly confidence?: number;
  readonly intent?: string;
  readonly sources?: readonly string[];
  readonly history: readonly MemoryTurn[];
  readonly group?: string;
  readonly draft?: TicketDraft;
}

/** bot -> queued: the new ticket (version 1) and the queued notice. All SLA clocks start now. */
export function openTicket(
  input: OpenTicketInput,
  ctx: TransitionContext,
): { ticket: HandoffTicket; notices: readonly Notice[] } {
  const { now } = ctx;
  const ticket: HandoffTicket = {
    id: input.id,
    conversation: input.conversation,
    conversationKey: conversationKey(input.conversation),
    status: 'queued',
    reason: input.reason,
    lang: input.lang,
    ...(input.confidence === undefined ? {} : { confidence: input.confidence }),
    ...(input.intent === undefined ? {} : { intent: input.intent }),
    sources: input.sources ?? [],
    history: input.history,
    ...(input.group === undefined ? {} : { group: input.group }),
    sla: { openedAt: now, waitingSince: now },
    deadlineAt: now + ctx.timeoutMs,
    ...(input.draft === undefined ? {} : { draft: input.draft }),
    transfers: 0,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  return { ticket, notices: [{ kind: 'queued' }] };
}

const fail = (code: 'handoff.invalid_transition' | 'handoff.already_claimed' | 'auth.forbidden', message: string) =>
  ({ ok: false, code, message }) as const;

function isSupervisor(actor: Actor): boolean {
  return actor.kind === 'agent' && (actor.role === 'supervisor' || actor.role === 'admin');
}

/** The assignee, a supervisor/admin, or the system may act on an assigned ticket. */
function mayActOn(ticket: HandoffTicket, actor: Actor): boolean {
  if (actor.kind === 'system') return true;
  if (actor.kind === 'customer') return false;
  return actor.id === ticket.agentId || isSupervisor(actor);
}

function closedByOf(actor: Actor): ClosedBy {
  if (actor.kind === 'customer') return 'customer';
  if (actor.kind === 'system') return 'timeout';
  return isSupervisor(actor) ? 'supervisor' : 'agent';
}

/** Drops keys whose value is undefined (exactOptionalPropertyTypes: absent, never `undefined`). */
function withoutAgent(ticket: HandoffTicket): HandoffTicket {
  const { agentId: _a, agentName: _n, ...rest } = ticket;
  return rest;
}

function withoutDeadline(ticket: HandoffTicket): HandoffTicket {
  const { deadlineAt: _d, ...rest } = ticket;
  return rest;
}

function bump(ticket: HandoffTicket, now: number): HandoffTicket {
  return { ...ticket, version: ticket.version + 1, updatedAt: now };
}

function close(ticket: HandoffTicket, status: HandoffTicket['status'], by: ClosedBy, now: number): HandoffTicket {
  return withoutDeadline({ ...ticket, status, closedBy: by, sla: { ...ticket.sla, closedAt: now } });
}

const ok = (ticket: HandoffTicket, notices: readonly Notice[], changed = true): TransitionResult => ({
  ok: true,
  ticket,
  notices,
  changed,
});

/** Applies one event. Invalid or unauthorised events leave the ticket alone and say why. */
export function transition(ticket: HandoffTicket, event: TicketEvent, ctx: TransitionContext): TransitionResult {
  const { now } = ctx;
  const s = ticket.status;
  const open = s === 'queued' || s === 'assigned' || s === 'human';
  const next = (t: HandoffTicket): HandoffTicket => bump(t, now);
  switch (event.type) {
    case 'assign': {
      if (s === 'assigned' || s === 'human') {
        return ticket.agentId === event.agent.id
          ? fail('handoff.invalid_transition', `ticket ${ticket.id} is already yours`)
          : fail('handoff.already_claimed', `ticket ${ticket.id} was taken by ${ticket.agentName ?? ticket.agentId}`);
      }
      if (s !== 'queued') return fail('handoff.invalid_transition', `ticket ${ticket.id} is ${s}, not queued`);
      const { actor } = event;
      if (actor.kind === 'customer') return fail('auth.forbidden', 'customers cannot assign tickets');
      if (actor.kind === 'agent' && actor.id !== event.agent.id && !isSupervisor(actor)) {
        return fail('auth.forbidden', 'only supervisors may assign tickets to someone else');
      }
      return ok(
        next({
          ...ticket,
          status: 'assigned',
          agentId: event.agent.id,
          agentName: event.agent.name,
          sla: { ...ticket.sla, assignedAt: ticket.sla.assignedAt ?? now },
          deadlineAt: now + ctx.timeoutMs,
        }),
        [{ kind: 'agent_joined', agentName: event.agent.name }],
      );
    }
    case 'agent_message': {
      if (s !== 'assigned' && s !== 'human') {
        return fail('handoff.invalid_transition', `ticket ${ticket.id} is ${s}: claim it before replying`);
      }
      if (event.actor.kind !== 'agent' || event.actor.id !== ticket.agentId) {
        return fail(
          'auth.forbidden',
          `ticket ${ticket.id} belongs to ${ticket.agentName ?? ticket.agentId ?? 'nobody'}`,
        );
      }
      const { waitingSince: _w, ...sla } = ticket.sla;
      return ok(
        next(
          withoutDeadline({ ...ticket, status: 'human', sla: { ...sla, firstResponseAt: sla.firstResponseAt ?? now } }),
        ),
        [],
      );
    }
    case 'customer_message': {
      if (!open) return fail('handoff.invalid_transition', `ticket ${ticket.id} is ${s}`);
      if (ticket.sla.waitingSince !== undefined) return ok(ticket, [], false);
      return ok(next({ ...ticket, sla: { ...ticket.sla, waitingSince: now } }), [], true);
    }
    case 'transfer': {
      if (s !== 'assigned' && s !== 'human') {
        return fail('handoff.invalid_transition', `ticket ${ticket.id} is ${s}: only assigned tickets are transferred`);
      }
      if (!mayActOn(ticket, event.actor))
        return fail('auth.forbidden', 'only the assignee or a supervisor may transfer');
      const base = { ...ticket, transfers: ticket.transfers + 1, deadlineAt: now + ctx.timeoutMs };
      if ('agent' in event.to) {
        const to = event.to.agent;
        if (to.id === ticket.agentId)
          return fail('handoff.invalid_transition', `${to.name} already has ticket ${ticket.id}`);
        return ok(next({ ...base, status: 'assigned', agentId: to.id, agentName: to.name }), [
          { kind: 'transferred', agentName: to.name },
        ]);
      }
      return ok(next({ ...withoutAgent(base), status: 'queued', group: event.to.group }), [
        { kind: 'queued', requeued: true },
      ]);
    }
    case 'release': {
      if (s !== 'assigned' && s !== 'human') return fail('handoff.invalid_transition', `ticket ${ticket.id} is ${s}`);
      if (!mayActOn(ticket, event.actor))
        return fail('auth.forbidden', 'only the assignee or a supervisor may release');
      return ok(next({ ...withoutAgent(ticket), status: 'queued', deadlineAt: now + ctx.timeoutMs }), [
        { kind: 'queued', requeued: true },
      ]);
    }
    case 'resolve': {
      if (!open) return fail('handoff.invalid_transition', `ticket ${ticket.id} is already ${s}`);
      const allowed = s === 'queued' ? isSupervisor(event.actor) : mayActOn(ticket, event.actor);
      if (!allowed || event.actor.kind === 'customer') {
        return fail('auth.forbidden', 'only the assignee or a supervisor may resolve');
      }
      const notices: Notice[] = [{ kind: 'resolved' }];
      if (ctx.survey !== false) notices.push({ kind: 'survey' });
      return ok(next(close(ticket, 'resolved', closedByOf(event.actor), now)), notices);
    }
    case 'return_to_bot': {
      if (!open) return fail('handoff.invalid_transition', `ticket ${ticket.id} is already ${s}`);
      const { actor } = event;
      const allowed = actor.kind !== 'agent' || (s === 'queued' ? isSupervisor(actor) : mayActOn(ticket, actor));
      if (!allowed) return fail('auth.forbidden', 'only the assignee or a supervisor may return it to the bot');
      return ok(next(close(ticket, 'returned_to_bot', closedByOf(actor), now)), [
        { kind: actor.kind === 'customer' ? 'customer_ended' : 'returned_to_bot' },
      ]);
    }
    case 'timeout': {
      if (s !== 'queued' && s !== 'assigned') {
        return fail('handoff.invalid_transition', `ticket ${ticket.id} is ${s}: only waiting tickets time out`);
      }
      if (ticket.deadlineAt === undefined || ticket.deadlineAt > now) {
        return fail('handoff.invalid_transition', `ticket ${ticket.id} is not due yet`);
      }
      return ok(next({ ...close(ticket, 'timed_out', 'timeout', now), fallback: event.fallback }), [
        { kind: 'timed_out', fallback: event.fallback },
      ]);
    }
    case 'approve_draft': {
      if (ticket.draft === undefined) return fail('handoff.invalid_transition', `ticket ${ticket.id} has no draft`);
      if (s !== 'queued' && s !== 'assigned') return fail('handoff.invalid_transition', `ticket ${ticket.id} is ${s}`);
      const { actor } = event;
      if (actor.kind !== 'agent') return fail('auth.forbidden', 'only agents approve drafts');
      if (s === 'assigned' && !mayActOn(ticket, actor))
        return fail('auth.forbidden', 'the ticket is assigned to someone else');
      const text = event.text.trim();
      if (text === '') return fail('handoff.invalid_transition', 'the approved answer is empty');
      const { waitingSince: _w, ...sla } = ticket.sla;
      const answered: HandoffTicket = {
        ...ticket,
        agentId: actor.id,
        agentName: actor.name,
        sla: { ...sla, assignedAt: sla.assignedAt ?? now, firstResponseAt: sla.firstResponseAt ?? now },
      };
      return ok(next(close(answered, 'returned_to_bot', closedByOf(actor), now)), [
        { kind: 'answer', text, agentName: actor.name },
      ]);
    }
    case 'rate': {
      if (s !== 'resolved') return fail('handoff.invalid_transition', `ticket ${ticket.id} is ${s}, not resolved`);
      if (ticket.satisfaction !== undefined) return fail('handoff.invalid_transition', 'already rated');
      if (!Number.isInteger(event.score) || event.score < 1 || event.score > 5) {
        return fail('handoff.invalid_transition', 'scores are whole numbers from 1 to 5');
      }
      return ok(next({ ...ticket, satisfaction: event.score }), [{ kind: 'rated' }]);
    }
    case 'callback_message': {
      if (s !== 'timed_out' || ticket.fallback !== 'callback' || ticket.callbackMessage !== undefined) {
        return fail('handoff.invalid_transition', `ticket ${ticket.id} is not waiting for a callback message`);
      }
      return ok(next({ ...ticket, callbackMessage: event.text }), [{ kind: 'callback_received' }]);
    }
  }
}
