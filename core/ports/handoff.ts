import type { ConversationRef } from '../envelope.js';
import type { MemoryTurn } from './memory.js';

/** Why a conversation went to a human. */
export type HandoffReason = 'low_confidence' | 'user_request' | 'repeated_low_confidence' | 'agent_pickup';

export type TicketStatus = 'queued' | 'assigned' | 'human' | 'resolved' | 'returned_to_bot' | 'timed_out';

export interface HandoffTicket {
  readonly id: string;
  readonly conversation: ConversationRef;
  readonly conversationKey: string;
  readonly reason: HandoffReason;
  readonly status: TicketStatus;
  readonly confidence?: number;
  readonly intent?: string;
  /** The memory window at the moment of handoff. */
  readonly history: readonly MemoryTurn[];
  readonly agentId?: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/**
 * The queue of conversations waiting for or held by human agents.
 * In-process and Redis implementations pass one contract suite.
 */
export interface HandoffQueue {
  open(input: {
    conversation: ConversationRef;
    reason: HandoffReason;
    confidence?: number;
    intent?: string;
    history: readonly MemoryTurn[];
  }): Promise<{ ticket: HandoffTicket; position: number }>;
  /** The open ticket (queued, assigned or human) of a conversation, if any. */
  active(conversationKey: string): Promise<HandoffTicket | undefined>;
  /** Atomically gives a queued ticket to an agent; `handoff.already_claimed` when someone else has it. */
  claim(ticketId: string, agentId: string): Promise<HandoffTicket>;
  /** Closes a ticket. */
  close(ticketId: string, outcome: 'resolved' | 'returned_to_bot' | 'timed_out'): Promise<HandoffTicket>;
  list(filter?: { status?: TicketStatus }): Promise<HandoffTicket[]>;
}
