/** Rules shared by the queue implementations (pure). */
import { BotError } from '../../core/errors.js';
import type { HandoffTicket, TicketFilter, TicketStatus } from '../../core/ports/handoff.js';
import { isOpenStatus } from '../../core/ports/handoff.js';

export const HOUR_MS = 60 * 60 * 1000;

/** Refuses malformed compare-and-set writes (a programming error, not a race). */
export function validateUpdate(prev: HandoffTicket, next: HandoffTicket): void {
  if (prev.id !== next.id || prev.conversationKey !== next.conversationKey) {
    throw new BotError('internal', 'a ticket update must keep the ticket id and conversation');
  }
  if (next.version !== prev.version + 1) {
    throw new BotError('internal', `a ticket update must increment the version (${prev.version} -> ${next.version})`);
  }
}

/** The statuses a filter asks for, or undefined for all. */
export function statusesOf(filter: TicketFilter): ReadonlySet<TicketStatus> | undefined {
  if (filter.status === undefined) return undefined;
  return new Set(typeof filter.status === 'string' ? [filter.status] : filter.status);
}

/** Whether a ticket passes a filter. */
export function matchesFilter(
  t: HandoffTicket,
  filter: TicketFilter,
  statuses: ReadonlySet<TicketStatus> | undefined,
): boolean {
  if (statuses !== undefined && !statuses.has(t.status)) return false;
  if (filter.agentId !== undefined && t.agentId !== filter.agentId) return false;
  if (filter.closedSince !== undefined && !isOpenStatus(t.status) && (t.sla.closedAt ?? 0) < filter.closedSince) {
    return false;
  }
  return true;
}
