/**
 * The five-turn memory pool port.
 * A turn is one inbound user message plus the replies it produced (bot or human agent).
 */

export interface TurnReply {
  readonly author: 'bot' | 'agent' | 'system';
  readonly text: string;
  /** Epoch ms. */
  readonly at: number;
  /** Agent id for agent replies. */
  readonly agentId?: string;
}

export interface MemoryTurn {
  /** The inbound message id that opened this turn. */
  readonly id: string;
  /** What the user said. */
  readonly user: string;
  readonly replies: readonly TurnReply[];
  /** Epoch ms when the user message arrived. */
  readonly at: number;
  /** What the engine understood, for follow-ups (intent, entities, topic). */
  readonly meta?: Readonly<Record<string, string>>;
}

/**
 * Per-conversation memory holding the last N turns with an idle TTL.
 * `key` is a conversation key (`{channel}:{tenant}:{conversation}`).
 * Implementations: in-process (default) and Redis; both pass `test/contract/memory.contract.ts`.
 */
export interface ConversationMemory {
  /** The kept turns, oldest first (at most the configured window). Empty when unknown or expired. */
  recent(key: string): Promise<MemoryTurn[]>;
  /** Appends a turn, trims to the window and refreshes the TTL, atomically. */
  appendTurn(key: string, turn: MemoryTurn): Promise<void>;
  /** Adds a reply to the turn with `turnId` (ignored when that turn was trimmed away). Refreshes the TTL. */
  addReply(key: string, turnId: string, reply: TurnReply): Promise<void>;
  /** Forgets a conversation. */
  clear(key: string): Promise<void>;
  /** Releases connections. */
  close(): Promise<void>;
}

export interface MemoryOptions {
  /** Turns kept per conversation (default 5). */
  readonly turns: number;
  /** Idle TTL in milliseconds (default 30 min). */
  readonly ttlMs: number;
}

export const DEFAULT_MEMORY_OPTIONS = { turns: 5, ttlMs: 30 * 60 * 1000 } as const satisfies MemoryOptions;
