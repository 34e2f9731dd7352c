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

/** What a finished turn sent and understood, as recorded for the retries of its message. */
export interface RecordedTurn {
  readonly replies: readonly OutboundMessage[];
  readonly understanding?: Understanding;
}

/**
 * The `TurnContext.state` key under which a pipeline stage puts the `RecordedTurn` of the original turn when the
 * event is a retry of a message whose turn has finished (the gateway's turn leases record it across replicas).
 */
export const ORIGINAL_TURN = 'originalTurn';

/** How a dispatched event ended. */
export interface TurnOutcome {
  /** `duplicate`: a platform retry of a message already taken; `failed`: the error boundary answered. */
  readonly status: 'handled' | 'duplicate' | 'failed' | 'ignored';
  readonly turnId: string;
  readonly replies: readonly OutboundMessage[];
  readonly understanding?: Understanding;
  /**
   * Only on a `duplicate` whose original turn has finished and was recorded: what it sent. A channel whose
   * original delivery may have been lost with its replica (WeChat) delivers it from here; absent while the original
   * turn still runs, or when nothing was recorded.
   */
  readonly original?: RecordedTurn;
}
