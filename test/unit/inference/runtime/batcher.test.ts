import assert from 'node:assert/strict';
import { ManualClock } from '../../../../core/clock.js';
import { BotError } from '../../../../core/errors.js';
import { createAdmission, createBatcher } from '../../../../inference/runtime/batcher.js';
import type { Batcher } from '../../../../inference/runtime/batcher.js';

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

interface Harness {
  clock: ManualClock;
  batcher: Batcher<number, number>;
  calls: number[][];
  /** Resolves the oldest pending execute call. */
  finish(): void;
  fail(error: Error): void;
}

/** A batcher whose execute (x -> x * 10) completes only when the test says so. */
function harness(opts: { maxBatchSize?: number; maxWaitMs?: number; limit?: number } = {}): Harness {
  const clock = new ManualClock();
  const calls: number[][] = [];
  const pending: { resolve(): void; reject(e: Error): void }[] = [];
  const batcher = createBatcher<number, number>(
    { maxBatchSize: opts.maxBatchSize ?? 4, maxWaitMs: opts.maxWaitMs ?? 10, name: 'test' },
    {
      clock,
      admission: createAdmission(opts.limit ?? 100),
      execute: (payloads) => {
        calls.push([...payloads]);
        return new Promise((resolve, reject) => {
          pending.push({ resolve: () => resolve(payloads.map((p) => p * 10)), reject });
        });
      },
    },
  );
  return {
    clock,
    batcher,
    calls,
    finish: () => pending.shift()?.resolve(),
    fail: (e) => pending.shift()?.reject(e),
  };
}

function isCode(code: string) {
  return (error: unknown): boolean => error instanceof BotError && error.code === code;
}

describe('inference/runtime batcher', () => {
  it('flushes as soon as maxBatchSize rows are queued, and answers each payload its own result', async () => {
    const h = harness({ maxBatchSize: 4, maxWaitMs: 1000 });
    const results = [1, 2, 3, 4].map((x) => h.batcher.submit(x));
    assert.deepEqual(h.calls, [[1, 2, 3, 4]]);
    h.finish();
    assert.deepEqual(await Promise.all(results), [10, 20, 30, 40]);
  });

  it('flushes a partial batch once the oldest has waited maxWaitMs, not before', async () => {
    const h = harness({ maxBatchSize: 8, maxWaitMs: 10 });
    const a = h.batcher.submit(1);
    h.clock.advance(4);
    await settle();
    const b = h.batcher.submit(2);
    h.clock.advance(5);
    await settle();
    assert.equal(h.calls.length, 0);
    h.clock.advance(1);
    await settle();
    assert.deepEqual(h.calls, [[1, 2]]);
    h.finish();
    assert.deepEqual(await Promise.all([a, b]), [10, 20]);
  });

  it('counts multi-row payloads against maxBatchSize and keeps FIFO order across batches', async () => {
    const h = harness({ maxBatchSize: 4, maxWaitMs: 10 });
    const out = [h.batcher.submit(1, { rows: 3 }), h.batcher.submit(2, { rows: 2 }), h.batcher.submit(3, { rows: 2 })];
    // 3 + 2 > 4: the first batch holds the first payload alone once the wait is over.
    h.clock.advance(10);
    await settle();
    assert.deepEqual(h.calls, [[1]]);
    h.finish();
    await settle();
    // The others waited the whole first batch: they flush at once, together (2 + 2 = 4).
    assert.deepEqual(h.calls, [[1], [2, 3]]);
    h.finish();
    assert.deepEqual(await Promise.all(out), [10, 20, 30]);
  });

  it('computes one batch at a time: submissions during a batch form the next one', async () => {
    const h = harness({ maxBatchSize: 2, maxWaitMs: 10 });
    const first = [h.batcher.submit(1), h.batcher.submit(2)];
    const second = [h.batcher.submit(3), h.batcher.submit(4)];
    assert.deepEqual(h.calls, [[1, 2]]);
    assert.equal(h.batcher.stats().queued, 2);
    h.finish();
    await settle();
    assert.deepEqual(h.calls, [
      [1, 2],
      [3, 4],
    ]);
    h.finish();
    assert.deepEqual(await Promise.all([...first, ...second]), [10, 20, 30, 40]);
  });

  it('drops a request whose deadline passes while queued, without computing it', async () => {
    const h = harness({ maxBatchSize: 8, maxWaitMs: 10 });
    const late = h.batcher.submit(1, { deadlineAt: h.clock.now() + 5 });
    const onTime = h.batcher.submit(2, { deadlineAt: h.clock.now() + 50 });
    const lateOutcome = assert.rejects(late, isCode('inference.deadline_exceeded'));
    h.clock.advance(5);
    await settle();
    await lateOutcome;
    h.clock.advance(5);
    await settle();
    assert.deepEqual(h.calls, [[2]]);
    h.finish();
    assert.equal(await onTime, 20);
    assert.equal(h.batcher.stats().expired, 1);
  });

  it('drops expired requests found at flush time (deadline behind a long batch)', async () => {
    const h = harness({ maxBatchSize: 1, maxWaitMs: 0 });
    const first = h.batcher.submit(1);
    const second = h.batcher.submit(2, { deadlineAt: h.clock.now() + 3 });
    const third = h.batcher.submit(3);
    const secondOutcome = assert.rejects(second, isCode('inference.deadline_exceeded'));
    // Time passes while the first batch computes; the deadline timer of `second` has not run yet.
    h.clock.now = () => 1_700_000_000_010;
    h.finish();
    await settle();
    await secondOutcome;
    assert.deepEqual(h.calls, [[1], [3]]);
    h.finish();
    assert.deepEqual(await Promise.all([first, third]), [10, 30]);
  });

  it('rejects a request whose deadline already passed without queueing it', async () => {
    const h = harness();
    await assert.rejects(h.batcher.submit(1, { deadlineAt: h.clock.now() }), isCode('inference.deadline_exceeded'));
    h.clock.advance(100);
    await settle();
    assert.deepEqual(h.calls, []);
  });

  it('answers inference.overloaded past the admission limit and admits again once slots free up', async () => {
    const h = harness({ maxBatchSize: 2, maxWaitMs: 0, limit: 3 });
    const admitted = [h.batcher.submit(1), h.batcher.submit(2), h.batcher.submit(3)];
    await assert.rejects(h.batcher.submit(4), isCode('inference.overloaded'));
    h.finish();
    await settle();
    const again = h.batcher.submit(5);
    await settle();
    h.finish();
    await settle();
    h.finish();
    assert.deepEqual(await Promise.all([...admitted, again]), [10, 20, 30, 50]);
  });

  it('shares one admission bound between batchers', async () => {
    const clock = new ManualClock();
    const admission = createAdmission(1);
    const never = (): Promise<number[]> => new Promise(() => undefined);
    const a = createBatcher<number, number>(
      { maxBatchSize: 4, maxWaitMs: 5, name: 'a' },
      { clock, admission, execute: never },
    );
    const b = createBatcher<number, number>(
      { maxBatchSize: 4, maxWaitMs: 5, name: 'b' },
      { clock, admission, execute: never },
    );
    void a.submit(1);
    await assert.rejects(b.submit(1), isCode('inference.overloaded'));
  });

  it('removes an aborted queued request (never computed) and gives its slot back', async () => {
    const h = harness({ maxBatchSize: 8, maxWaitMs: 10, limit: 2 });
    const controller = new AbortController();
    const aborted = h.batcher.submit(1, { signal: controller.signal });
    const kept = h.batcher.submit(2);
    controller.abort(new Error('caller gave up'));
    await assert.rejects(aborted, /caller gave up/);
    const third = h.batcher.submit(3); // admitted: the aborted one's slot is free
    h.clock.advance(10);
    await settle();
    assert.deepEqual(h.calls, [[2, 3]]);
    h.finish();
    assert.deepEqual(await Promise.all([kept, third]), [20, 30]);
  });

  it('stops waiting for an aborted computing request while its batch completes for the others', async () => {
    const h = harness({ maxBatchSize: 2, maxWaitMs: 10 });
    const controller = new AbortController();
    const aborted = h.batcher.submit(1, { signal: controller.signal });
    const other = h.batcher.submit(2);
    assert.deepEqual(h.calls, [[1, 2]]);
    controller.abort();
    await assert.rejects(aborted, (e: unknown) => e instanceof Error && e.name === 'AbortError');
    h.finish();
    assert.equal(await other, 20);
  });

  it('rejects at once when the signal is already aborted', async () => {
    const h = harness();
    await assert.rejects(h.batcher.submit(1, { signal: AbortSignal.abort() }));
    assert.equal(h.batcher.stats().queued, 0);
  });

  it('rejects every request of a failed batch with the error and goes on with the next', async () => {
    const h = harness({ maxBatchSize: 2, maxWaitMs: 10 });
    const failed = [h.batcher.submit(1), h.batcher.submit(2)];
    const next = h.batcher.submit(3);
    h.fail(new Error('kernel exploded'));
    for (const f of failed) await assert.rejects(f, /kernel exploded/);
    h.clock.advance(10);
    await settle();
    assert.deepEqual(h.calls, [[1, 2], [3]]);
    h.finish();
    assert.equal(await next, 30);
  });

  it('close refuses new work, computes what was queued, and resolves when drained', async () => {
    const h = harness({ maxBatchSize: 8, maxWaitMs: 10 });
    const queued = h.batcher.submit(1);
    let closed = false;
    const closing = h.batcher.close(new BotError('inference.unavailable', 'unloaded')).then(() => {
      closed = true;
    });
    await assert.rejects(h.batcher.submit(2), isCode('inference.unavailable'));
    assert.deepEqual(h.calls, [[1]]);
    await settle();
    assert.equal(closed, false);
    h.finish();
    assert.equal(await queued, 10);
    await closing;
    assert.equal(closed, true);
  });
});
