import type { InboundMessage, MessagePart } from '../envelope.js';
import type { MemoryTurn } from './memory.js';
import type { Understanding } from '../turn.js';

export interface DialogueRequest {
  readonly message: InboundMessage;
  /** The memory window before this turn, oldest first. */
  readonly history: readonly MemoryTurn[];
  readonly signal?: AbortSignal;
}

export interface DialogueResult {
  /** What to send; empty when nothing should be sent. */
  readonly reply: readonly MessagePart[];
  readonly understanding: Understanding;
  /** Facts to remember with this turn for follow-ups (intent, entity, topic...). */
  readonly meta?: Readonly<Record<string, string>>;
  readonly suggestions?: readonly string[];
  /**
   * For a low-confidence handoff: what the bot would have answered below its threshold (its best guess), so an
   * agent can approve or edit it, and its sources serve as evidence in the handoff packet.
   */
  readonly draft?: DialogueDraft;
}

/** A best-guess answer that was not sent. */
export interface DialogueDraft {
  readonly reply: readonly MessagePart[];
  readonly understanding: Understanding;
}

/** Decides what the bot says to a message. */
export interface DialogueEngine {
  respond(request: DialogueRequest): Promise<DialogueResult>;
  /** Readiness: models loaded. */
  ready(): boolean;
}
