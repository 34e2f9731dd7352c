/** The vocabulary of the handoff state machine: who acts, the events, and what a transition returns. */
import type { HandoffTicket, TimeoutFallback } from '../core/ports/handoff.js';
import type { AgentRole } from './agents/types.js';
import type { Notice } from './notices.js';

/** An agent as the machine sees it. */
export interface AgentRef {
  readonly id: string;
  readonly name: string;
  readonly role: AgentRole;
}

/** Who caused an event. */
export type Actor =
  ({ readonly kind: 'agent' } & AgentRef) | { readonly kind: 'customer' } | { readonly kind: 'system' };

export type TicketEvent =
  /** An agent takes a queued ticket (claim), or is given it (round robin, supervisor). */
  | { readonly type: 'assign'; readonly agent: AgentRef; readonly actor: Actor }
  /** An agent wrote to the customer: assigned -> human on the first reply. */
  | { readonly type: 'agent_message'; readonly actor: Actor }
  /** The customer wrote while the ticket is open. */
  | { readonly type: 'customer_message' }
  | {
      readonly type: 'transfer';
      readonly actor: Actor;
      readonly to: { readonly agent: AgentRef } | { readonly group: string };
    }
  /** The assignee gives the ticket back to the queue. */
  | { readonly type: 'release'; readonly actor: Actor }
  | { readonly type: 'resolve'; readonly actor: Actor }
  /** Back to the bot: by an agent, a supervisor, or the customer ("/end"). */
  | { readonly type: 'return_to_bot'; readonly actor: Actor }
  /** No agent answered in time (the sweeper). */
  | { readonly type: 'timeout'; readonly fallback: TimeoutFallback }
  /** An agent approves (or edits) the bot's draft: it is sent and the bot carries on. */
  | { readonly type: 'approve_draft'; readonly actor: Actor; readonly text: string }
  /** The post-resolve survey answer. */
  | { readonly type: 'rate'; readonly score: number }
  /** What the customer left after the `callback` fallback. */
  | { readonly type: 'callback_message'; readonly text: string };

export type TicketEventType = TicketEvent['type'];

/** What a transition needs besides the ticket and the event. */
export interface TransitionContext {
  readonly now: number;
  /** How long a queued or assigned ticket may wait for an agent's reply. */
  readonly timeoutMs: number;
  /** Send the 1-5 survey after resolve (default true). */
  readonly survey?: boolean;
}

export type TransitionResult =
  | {
      readonly ok: true;
      readonly ticket: HandoffTicket;
      /** What the customer is told, in order. */
      readonly notices: readonly Notice[];
      /** False when the event changed nothing worth storing. */
      readonly changed: boolean;
    }
  | {
      readonly ok: false;
      readonly code: 'handoff.invalid_transition' | 'handoff.already_claimed' | 'auth.forbidden';
      readonly message: string;
    };
