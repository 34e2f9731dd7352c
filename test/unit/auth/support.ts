/** Shared assertions of the auth tests. */
import assert from 'node:assert/strict';
import { isBotError, type ErrorCode } from '../../../core/errors.js';

/** Asserts that `promise` rejects with a BotError of `code` (and, when given, a message matching `message`). */
export async function rejectsWithCode(promise: Promise<unknown>, code: ErrorCode, message?: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(isBotError(error), String(error));
    assert.equal(error.code, code, error.message);
    if (message !== undefined) assert.match(error.message, message);
    return true;
  });
}
