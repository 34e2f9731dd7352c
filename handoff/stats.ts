/** The supervisor dashboard's figures (pure). */
import type { HandoffReason, HandoffTicket } from '../core/ports/handoff.js';

export interface DashboardStats {
  /** Tickets waiting in the queue now. */
  readonly queueLength: number;
  readonly assigned: number;
  readonly human: number;
  readonly onlineAgents: number;
  /** How long the longest-waiting queued customer has waited. */
  readonly longestWaitMs: number;
  /** Open -> first agent reply, averaged over tickets answered in the window. */
  readonly averageFirstResponseMs: number | undefined;
  /** Open -> assignment, averaged over tickets assigned in the window. */
  readonly averageWaitMs: number | undefined;
  /** Handoffs in the window by reason. */
  readonly handoffsByReason: Readonly<Record<HandoffReason, number>>;
  /** Handoffs per bot turn in the window, by reason (0..1). */
  readonly handoffRateByReason: Readonly<Record<HandoffReason, number>>;
  readonly turns: number;
  readonly outcomes: { readonly resolved: number; readonly returnedToBot: number; readonly timedOut: number };
  readonly satisfaction: {
    readonly count: number;
    readonly average: number | undefined;
    /** Counts of 1..5 (index 0 = score 1). */
    readonly distribution: readonly number[];
  };
  readonly windowMs: number;
}

const REASONS: readonly HandoffReason[] = ['low_confidence', 'user_request', 'repeated_low_confidence', 'draft_review'];

const mean = (values: readonly number[]): number | undefined =>
  values.length === 0 ? undefined : values.reduce((a, b) => a + b, 0) / values.length;

/** Figures over the open tickets and those opened or closed within `windowMs` before `now`. */
export function dashboardStats(input: {
  readonly tickets: readonly HandoffTicket[];
  readonly turns: number;
  readonly onlineAgents: number;
  readonly now: number;
  readonly windowMs: number;
}): DashboardStats {
  const since = input.now - input.windowMs;
  const byId = new Map(input.tickets.map((t) => [t.id, t]));
  const tickets = [...byId.values()];
  const queued = tickets.filter((t) => t.status === 'queued');
  const recent = tickets.filter((t) => t.createdAt >= since);
  const byReason = Object.fromEntries(REASONS.map((r) => [r, 0])) as Record<HandoffReason, number>;
  for (const t of recent) byReason[t.reason] += 1;
  const rate = Object.fromEntries(REASONS.map((r) => [r, input.turns > 0 ? byReason[r] / input.turns : 0])) as Record<
    HandoffReason,
    number
  >;
  const answered = tickets.filter((t) => t.sla.firstResponseAt !== undefined && t.sla.firstResponseAt >= since);
  const assigned = tickets.filter((t) => t.sla.assignedAt !== undefined && t.sla.assignedAt >= since);
  const closedRecently = tickets.filter((t) => t.sla.closedAt !== undefined && t.sla.closedAt >= since);
  const rated = closedRecently.filter((t) => t.satisfaction !== undefined);
  const distribution = [1, 2, 3, 4, 5].map((score) => rated.filter((t) => t.satisfaction === score).length);
  return {
    queueLength: queued.length,
    assigned: tickets.filter((t) => t.status === 'assigned').length,
    human: tickets.filter((t) => t.status === 'human').length,
    onlineAgents: input.onlineAgents,
    longestWaitMs: Math.max(0, ...queued.map((t) => input.now - (t.sla.waitingSince ?? t.sla.openedAt))),
    averageFirstResponseMs: mean(answered.map((t) => (t.sla.firstResponseAt ?? 0) - t.sla.openedAt)),
    averageWaitMs: mean(assigned.map((t) => (t.sla.assignedAt ?? 0) - t.sla.openedAt)),
    handoffsByReason: byReason,
    handoffRateByReason: rate,
    turns: input.turns,
    outcomes: {
      resolved: closedRecently.filter((t) => t.status === 'resolved').length,
      returnedToBot: closedRecently.filter((t) => t.status === 'returned_to_bot').length,
      timedOut: closedRecently.filter((t) => t.status === 'timed_out').length,
    },
    satisfaction: {
      count: rated.length,
      average: mean(rated.map((t) => t.satisfaction ?? 0)),
      distribution,
    },
    windowMs: input.windowMs,
  };
}
