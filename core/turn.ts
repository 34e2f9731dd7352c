import type { OutboundMessage } from './envelope.js';

/** What the dialogue engine understood of a turn and decided. */
export interface Understanding {
  readonly intent: string | undefined;
  /** Calibrated confidence in [0, 1]. */
  readonly confidence: number;
  /** True when the turn was (or should be) handed to a human. */
  readonly handoff: boolean;
  readonly handoffReason?: string;
  /** Knowledge the answer came from (FAQ ids, triple ids). */
  readonly sources: readonly string[];
}

/** How a dispatched event ended. */
export interface TurnOutcome {
  /** `duplicate`: a platform retry of a message already taken; `failed`: the error boundary answered. */
  readonly status: 'handled' | 'duplicate' | 'failed' | 'ignored';
  readonly turnId: string;
  readonly replies: readonly OutboundMessage[];
  readonly understanding?: Understanding;
}
