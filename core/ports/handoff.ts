import type { ChannelId, ConversationRef } from '../envelope.js';
import type { MemoryTurn } from './memory.js';

/** Why a conversation went to a human. */
export type HandoffReason = 'low_confidence' | 'user_request' | 'repeated_low_confidence' | 'draft_review';

/**
 * Where a handoff stands. `bot` is the state of every conversation without an open ticket:
 * bot -> queued -> assigned -> human -> resolved | returned_to_bot | timed_out.
 */
export type TicketStatus = 'queued' | 'assigned' | 'human' | 'resolved' | 'returned_to_bot' | 'timed_out';

/** Statuses in which a human owns (or is about to own) the conversation and the bot stays silent. */
export const OPEN_TICKET_STATUSES: readonly TicketStatus[] = ['queued', 'assigned', 'human'];

/** True for queued, assigned and human. */
export function isOpenStatus(status: TicketStatus): boolean {
  return status === 'queued' || status === 'assigned' || status === 'human';
}

/** What happens when no agent answers within the timeout. */
export type TimeoutFallback = 'resume_bot' | 'callback';

/**
 * SLA clocks. They survive every notice and transfer: only a customer message (after an agent answered)
 * starts `waitingSince` again, and only the first agent reply sets `firstResponseAt`.
 */
export interface TicketSla {
  /** When the ticket was opened (the handoff moment). */
  readonly openedAt: number;
  /** Oldest customer message not yet answered by a person; undefined while an agent has the last word. */
  readonly waitingSince?: number;
  /** First time an agent was assigned. */
  readonly assignedAt?: number;
  /** First agent reply. */
  readonly firstResponseAt?: number;
  /** When the ticket closed (resolved, returned to bot, timed out). */
  readonly closedAt?: number;
}

/** A bot answer an agent must approve or edit before it is sent (the middle confidence band). */
export interface TicketDraft {
  readonly text: string;
  readonly confidence: number;
  readonly intent?: string;
  readonly sources: readonly string[];
  readonly createdAt: number;
}

/** Who closed a ticket. */
export type ClosedBy = 'agent' | 'customer' | 'timeout' | 'supervisor';

export interface HandoffTicket {
  readonly id: string;
  readonly conversation: ConversationRef;
  readonly conversationKey: string;
  readonly status: TicketStatus;
  readonly reason: HandoffReason;
  /** The customer's language ("zh", "en"): every notice is rendered in it. */
  readonly lang: string;
  /** Engine confidence and intent of the turn that escalated. */
  readonly confidence?: number;
  readonly intent?: string;
  /** Knowledge the bot retrieved for that turn (FAQ ids, graph triples), shown to the agent as evidence. */
  readonly sources: readonly string[];
  /** The memory window at the moment of handoff, oldest first. */
  readonly history: readonly MemoryTurn[];
  /** Group (skill queue) the ticket waits in; undefined = any agent. */
  readonly group?: string;
  readonly agentId?: string;
  readonly agentName?: string;
  readonly sla: TicketSla;
  /** While queued or assigned without an agent reply: when the no-agent fallback fires. */
  readonly deadlineAt?: number;
  readonly draft?: TicketDraft;
  readonly closedBy?: ClosedBy;
  /** The fallback taken on timeout. */
  readonly fallback?: TimeoutFallback;
  /** What the customer left for a callback (fallback `callback`). */
  readonly callbackMessage?: string;
  /** Satisfaction 1-5 from the post-resolve survey. */
  readonly satisfaction?: number;
  readonly transfers: number;
  /** Compare-and-set version: every stored change increments it by one. */
  readonly version: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** One line of the transcript since handoff. */
export interface TranscriptEntry {
  readonly role: 'customer' | 'agent' | 'bot' | 'system';
  readonly text: string;
  readonly at: number;
  readonly agentId?: string;
  readonly agentName?: string;
  readonly messageId?: string;
}

/** Whether an agent is reachable for assignment (console open, or set available). */
export interface AgentPresence {
  readonly agentId: string;
  readonly online: boolean;
  /** When this was reported (epoch ms). */
  readonly at: number;
}

/** Result of a compare-and-set write. */
export type QueueWriteResult = 'ok' | 'conflict' | 'capacity';

export interface TicketFilter {
  readonly status?: TicketStatus | readonly TicketStatus[];
  readonly agentId?: string;
  /** Closed tickets closed at or after this time (epoch ms). */
  readonly closedSince?: number;
  readonly limit?: number;
}

/**
 * Storage of handoff tickets with the indexes the queue needs (queued order, active ticket per conversation,
 * open tickets per agent). In-process and Redis implementations pass `test/contract/handoff-queue.contract.ts`.
 * Decisions (which transition, which agent) are made by the caller; the store makes each write atomic.
 */
export interface HandoffQueue {
  /** Stores a new open ticket, unless its conversation already has an open one: then that one is returned. */
  create(ticket: HandoffTicket): Promise<{ readonly created: boolean; readonly ticket: HandoffTicket }>;
  get(id: string): Promise<HandoffTicket | undefined>;
  /** The open ticket (queued, assigned or human) of a conversation key, if any. */
  active(conversationKey: string): Promise<HandoffTicket | undefined>;
  /**
   * Replaces `prev` by `next` atomically, only if the stored version is still `prev.version` (else `conflict`)
   * and `next.version === prev.version + 1`. When `next` newly lands on an agent and `maxLoad` is given, the write
   * is refused with `capacity` if that agent already holds `maxLoad` open tickets. So of two agents claiming one
   * ticket at once, exactly one write succeeds, on every replica.
   */
  update(prev: HandoffTicket, next: HandoffTicket, options?: { readonly maxLoad?: number }): Promise<QueueWriteResult>;
  /** 1-based place among queued tickets (oldest first); undefined when the ticket is not queued. */
  position(id: string): Promise<number | undefined>;
  /** Tickets, oldest first (closed ones by closing time, newest first). */
  list(filter?: TicketFilter): Promise<HandoffTicket[]>;
  /** Open tickets held by an agent. */
  load(agentId: string): Promise<number>;
  appendTranscript(ticketId: string, entry: TranscriptEntry): Promise<void>;
  transcript(ticketId: string): Promise<TranscriptEntry[]>;
  /** Reports presence; it lapses `ttlMs` after `at` unless reported again. */
  setPresence(presence: AgentPresence, ttlMs: number): Promise<void>;
  /** Presence reports that have not lapsed. */
  presence(): Promise<AgentPresence[]>;
  /** A shared, ever-increasing counter for round-robin assignment. */
  nextCursor(): Promise<number>;
  /** Counts one bot turn in the hour of `at` (the denominator of handoff rates). */
  countTurn(at: number): Promise<void>;
  /** Turns counted in the hours from `since` to now. */
  turnsSince(since: number): Promise<number>;
  close(): Promise<void>;
}

/** Live events for consoles, on every replica. */
export type HandoffEvent =
  | { readonly type: 'ticket'; readonly change: string; readonly ticket: HandoffTicket }
  | {
      readonly type: 'transcript';
      readonly ticketId: string;
      readonly conversationKey: string;
      readonly entry: TranscriptEntry;
    }
  | { readonly type: 'presence'; readonly presence: AgentPresence }
  | {
      /** A message delivered to a customer outside a request (agent reply, notice), for REST SSE streams. */
      readonly type: 'delivery';
      readonly conversationKey: string;
      readonly channel: ChannelId;
      readonly entry: TranscriptEntry;
    };

/** Publish/subscribe of handoff events: in-process, or across replicas through Redis pub/sub. */
export interface HandoffEvents {
  /** Delivers to every subscriber on every replica (local subscribers synchronously, before it resolves). */
  publish(event: HandoffEvent): Promise<void>;
  /**
   * Subscribes; `local` is true for events published by this process. Returns an unsubscribe.
   */
  subscribe(listener: (event: HandoffEvent, local: boolean) => void): () => void;
  /** Resolves once events from other replicas are being received. */
  ready(): Promise<void>;
  close(): Promise<void>;
}
