/** Small helpers shared by the contract suites. */
import assert from 'node:assert/strict';
import { isBotError, type ErrorCode } from '../../core/errors.js';

/** The outcome of a promise, captured at once so a rejection is never reported as unhandled. */
export type Settled<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

/** Starts observing `promise` now; await the result later. */
export function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ ok: true, value }) as const,
    (error: unknown) => ({ ok: false, error }) as const,
  );
}

/** Lets queued promise callbacks and immediates run (no wall-clock waiting). */
export async function flush(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Asserts a settled result is a BotError with `code`. */
export function assertBotError(result: Settled<unknown>, code: ErrorCode): void {
  assert.equal(result.ok, false, `expected a rejection with ${code}`);
  if (result.ok) return;
  assert.ok(isBotError(result.error), `expected a BotError, got ${String(result.error)}`);
  assert.equal(result.error.code, code);
}

/** Asserts a settled result is fulfilled and returns its value. */
export function fulfilled<T>(result: Settled<T>): T {
  if (!result.ok) assert.fail(`expected fulfilment, got rejection: ${String(result.error)}`);
  return result.value;
}
