/** The in-process handoff queue: Maps in one object, for a single gateway process. */
import type { Clock } from '../../core/clock.js';
import type {
  AgentPresence,
  HandoffQueue,
  HandoffTicket,
  QueueWriteResult,
  TicketFilter,
  TranscriptEntry,
} from '../../core/ports/handoff.js';
import { isOpenStatus } from '../../core/ports/handoff.js';
import { HOUR_MS, matchesFilter, statusesOf, validateUpdate } from './queue-rules.js';

export interface InProcessQueueOptions {
  /** How long closed tickets (and their transcripts) are kept (default 7 days). */
  readonly retentionMs?: number;
}

/** Creates an in-process queue. Every method runs to completion before another starts, so each write is atomic. */
export function createInProcessHandoffQueue(options: InProcessQueueOptions, deps: { clock: Clock }): HandoffQueue {
  const retentionMs = options.retentionMs ?? 7 * 24 * HOUR_MS;
  const tickets = new Map<string, HandoffTicket>();
  const transcripts = new Map<string, TranscriptEntry[]>();
  const active = new Map<string, string>();
  const presence = new Map<string, { presence: AgentPresence; until: number }>();
  const turns = new Map<number, number>();
  let cursor = 0;
  let prunedAt = Number.NEGATIVE_INFINITY;

  /** Drops closed tickets past retention (at most once a minute). */
  const prune = (): void => {
    const now = deps.clock.now();
    if (now - prunedAt < 60_000) return;
    prunedAt = now;
    const cutoff = now - retentionMs;
    for (const [id, t] of tickets) {
      if (!isOpenStatus(t.status) && (t.sla.closedAt ?? t.updatedAt) < cutoff) {
        tickets.delete(id);
        transcripts.delete(id);
      }
    }
    for (const hour of turns.keys()) if (hour * HOUR_MS < cutoff) turns.delete(hour);
  };
  const byCreation = (a: HandoffTicket, b: HandoffTicket): number =>
    a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1);
  const agentLoad = (agentId: string): number =>
    [...tickets.values()].filter((t) => t.agentId === agentId && isOpenStatus(t.status)).length;

  return {
    create(ticket) {
      const existingId = active.get(ticket.conversationKey);
      const existing = existingId === undefined ? undefined : tickets.get(existingId);
      if (existing !== undefined && isOpenStatus(existing.status)) {
        return Promise.resolve({ created: false, ticket: existing });
      }
      tickets.set(ticket.id, ticket);
      active.set(ticket.conversationKey, ticket.id);
      return Promise.resolve({ created: true, ticket });
    },
    get(id) {
      prune();
      return Promise.resolve(tickets.get(id));
    },
    active(key) {
      const id = active.get(key);
      const t = id === undefined ? undefined : tickets.get(id);
      return Promise.resolve(t !== undefined && isOpenStatus(t.status) ? t : undefined);
    },
    update(prev, next, opts = {}): Promise<QueueWriteResult> {
      try {
        validateUpdate(prev, next);
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
      const current = tickets.get(prev.id);
      if (current?.version !== prev.version) return Promise.resolve('conflict');
      const newAgent = next.agentId;
      const landsOnAgent =
        newAgent !== undefined &&
        isOpenStatus(next.status) &&
        (current.agentId !== newAgent || !isOpenStatus(current.status));
      if (landsOnAgent && opts.maxLoad !== undefined && agentLoad(newAgent) >= opts.maxLoad) {
        return Promise.resolve('capacity');
      }
      tickets.set(next.id, next);
      if (isOpenStatus(next.status)) active.set(next.conversationKey, next.id);
      else if (active.get(next.conversationKey) === next.id) active.delete(next.conversationKey);
      prune();
      return Promise.resolve('ok');
    },
    position(id) {
      const t = tickets.get(id);
      if (t?.status !== 'queued') return Promise.resolve(undefined);
      const queued = [...tickets.values()].filter((q) => q.status === 'queued').sort(byCreation);
      return Promise.resolve(queued.findIndex((q) => q.id === id) + 1);
    },
    list(filter: TicketFilter = {}) {
      prune();
      const statuses = statusesOf(filter);
      const all = [...tickets.values()].filter((t) => matchesFilter(t, filter, statuses));
      const open = all.filter((t) => isOpenStatus(t.status)).sort(byCreation);
      const closed = all
        .filter((t) => !isOpenStatus(t.status))
        .sort((a, b) => (b.sla.closedAt ?? 0) - (a.sla.closedAt ?? 0));
      const out = [...open, ...closed];
      return Promise.resolve(filter.limit === undefined ? out : out.slice(0, filter.limit));
    },
    load(agentId) {
      return Promise.resolve(agentLoad(agentId));
    },
    appendTranscript(ticketId, entry) {
      const list = transcripts.get(ticketId) ?? [];
      list.push(entry);
      transcripts.set(ticketId, list);
      return Promise.resolve();
    },
    transcript(ticketId) {
      prune();
      return Promise.resolve([...(transcripts.get(ticketId) ?? [])]);
    },
    setPresence(p, ttlMs) {
      presence.set(p.agentId, { presence: p, until: p.at + ttlMs });
      return Promise.resolve();
    },
    presence() {
      const now = deps.clock.now();
      return Promise.resolve(
        [...presence.values()]
          .filter((p) => p.until > now)
          .map((p) => p.presence)
          .sort((a, b) => (a.agentId < b.agentId ? -1 : 1)),
      );
    },
    nextCursor() {
      cursor += 1;
      return Promise.resolve(cursor);
    },
    countTurn(at) {
      const hour = Math.floor(at / HOUR_MS);
      turns.set(hour, (turns.get(hour) ?? 0) + 1);
      return Promise.resolve();
    },
    turnsSince(since) {
      const from = Math.floor(since / HOUR_MS);
      let total = 0;
      for (const [hour, n] of turns) if (hour >= from) total += n;
      return Promise.resolve(total);
    },
    close() {
      return Promise.resolve();
    },
  };
}
