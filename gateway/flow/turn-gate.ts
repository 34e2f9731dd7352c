/**
 * The global cap on turns running at once in this process. Past the cap a turn is refused with `overloaded`
 * (503 + Retry-After on REST; channels do not acknowledge it, so the platform delivers it again). The gate also
 * tells graceful shutdown when the turns in flight have finished.
 */
import { BotError } from '../../core/errors.js';
import type { Dispatch } from '../../core/dispatcher.js';

export interface TurnGate {
  /** Turns running now. */
  readonly inFlight: number;
  readonly max: number;
  /** The dispatch with the cap applied. */
  wrap(dispatch: Dispatch): Dispatch;
  /** Refuses every new turn from now on (shutting down). */
  close(): void;
  /** Resolves once no turn is running (immediately when none is). */
  drained(): Promise<void>;
}

export interface TurnGateOptions {
  readonly maxConcurrentTurns: number;
  /** Retry-After for refused turns (default 1 s). */
  readonly retryAfterSeconds?: number;
  /** Told about every refused turn (metrics). */
  readonly onRefused?: (reason: 'overloaded' | 'closed') => void;
}

/** Creates the gate. */
export function createTurnGate(options: TurnGateOptions): TurnGate {
  let inFlight = 0;
  let closed = false;
  let waiters: (() => void)[] = [];
  const retryAfter = options.retryAfterSeconds ?? 1;
  const release = (): void => {
    inFlight -= 1;
    if (inFlight === 0 && waiters.length > 0) {
      const wake = waiters;
      waiters = [];
      for (const w of wake) w();
    }
  };
  return {
    get inFlight() {
      return inFlight;
    },
    max: options.maxConcurrentTurns,
    wrap: (dispatch) => async (event) => {
      if (closed) {
        options.onRefused?.('closed');
        throw new BotError('overloaded', 'the gateway is shutting down; retry on another replica', {
          details: { retryAfterSeconds: retryAfter },
        });
      }
      if (inFlight >= options.maxConcurrentTurns) {
        options.onRefused?.('overloaded');
        throw new BotError(
          'overloaded',
          `too many conversations at once (${options.maxConcurrentTurns} turns running); retry in ${retryAfter} s`,
          { details: { retryAfterSeconds: retryAfter } },
        );
      }
      inFlight += 1;
      try {
        return await dispatch(event);
      } finally {
        release();
      }
    },
    close() {
      closed = true;
    },
    drained: () => (inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))),
  };
}
