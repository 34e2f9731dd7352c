import { BotError, describeError } from '../core/errors.js';

/** The error to reject with when `signal` aborted: its reason when that is an Error, else a `turn.aborted` wrapping it. */
export function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  return new BotError('turn.aborted', `aborted: ${describeError(reason)}`, { cause: reason });
}
