/**
 * Dynamic micro-batching, independent of onnxruntime: concurrent submissions coalesce into one `execute` call of up
 * to `maxBatchSize` rows, or whatever is queued once the oldest has waited `maxWaitMs`. One batch computes at a time.
 * Expired (deadline) and aborted submissions leave the queue without being computed.
 */
import { BotError } from '../../core/errors.js';
import { observeBatch } from './batch-observation.js';
import type { Batcher, BatcherDeps, BatcherOptions, BatcherStats, SubmitOptions } from './batcher-types.js';

export { createAdmission } from './admission.js';
export type { Admission } from './admission.js';
export type { Batcher, BatcherDeps, BatcherOptions, BatcherStats, SubmitOptions } from './batcher-types.js';

interface Item<P, R> {
  payload: P;
  rows: number;
  enqueuedAt: number;
  deadlineAt: number | undefined;
  state: 'queued' | 'computing' | 'settled';
  resolve(value: R): void;
  reject(error: unknown): void;
  /** Removes the abort listener; only set when the request has a signal. */
  detach: (() => void) | undefined;
}

function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error
    ? reason
    : new BotError('turn.aborted', 'inference request aborted', { cause: reason });
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new BotError('internal', String(value), { cause: value });
}

/** Creates a batcher over `deps.execute`. */
export function createBatcher<P, R>(options: BatcherOptions, deps: BatcherDeps<P, R>): Batcher<P, R> {
  const { clock, admission } = deps;
  const maxBatchSize = Math.max(1, Math.floor(options.maxBatchSize));
  const maxWaitMs = Math.max(0, options.maxWaitMs);
  const queue: Item<P, R>[] = [];
  const stats: BatcherStats = { queued: 0, computing: 0, batches: 0, rows: 0, expired: 0, aborted: 0 };
  let running = false;
  // Timers are never cancelled (an AbortController costs ~50 us): a needless wake-up just re-evaluates the queue.
  let waitTimerPending = false;
  let waitCheckQueued = false;
  /** Rows of every queued item (kept up to date on every queue change). */
  let queuedRowCount = 0;
  let sweepDue: number | undefined;
  let closedWith: BotError | undefined;
  let drainWaiters: (() => void)[] = [];

  const deadlineError = (): BotError =>
    new BotError('inference.deadline_exceeded', `inference request for ${options.name} expired before it was computed`);

  function removeQueued(item: Item<P, R>): boolean {
    const i = queue.indexOf(item);
    if (i < 0) return false;
    queue.splice(i, 1);
    queuedRowCount -= item.rows;
    return true;
  }

  /** Rejects an item; `held` says whether it still holds an admission slot to give back now. */
  function fail(item: Item<P, R>, error: unknown, held: boolean): void {
    if (item.state === 'settled') return;
    item.state = 'settled';
    item.detach?.();
    if (held) admission.release();
    item.reject(error);
  }

  function succeed(item: Item<P, R>, value: R): void {
    if (item.state === 'settled') return;
    item.state = 'settled';
    item.detach?.();
    item.resolve(value);
  }

  function notifyDrained(): void {
    if (running || queue.length > 0) return;
    const waiters = drainWaiters;
    drainWaiters = [];
    for (const w of waiters) w();
  }

  function armWaitTimer(delayMs: number): void {
    if (waitTimerPending) return;
    waitTimerPending = true;
    void clock.sleep(delayMs).then(() => {
      waitTimerPending = false;
      schedule();
    });
  }

  /** Rejects every queued request whose deadline has passed. */
  function sweepExpired(): void {
    const now = clock.now();
    let removed = false;
    for (let i = queue.length - 1; i >= 0; i--) {
      const item = queue[i] as Item<P, R>;
      if (item.deadlineAt !== undefined && now >= item.deadlineAt) {
        queue.splice(i, 1);
        queuedRowCount -= item.rows;
        stats.expired++;
        fail(item, deadlineError(), true);
        removed = true;
      }
    }
    armSweep();
    if (removed) schedule();
  }

  /** Makes sure a sweep runs by the earliest queued deadline. */
  function armSweep(): void {
    let earliest: number | undefined;
    for (const item of queue) {
      if (item.deadlineAt !== undefined && (earliest === undefined || item.deadlineAt < earliest)) {
        earliest = item.deadlineAt;
      }
    }
    if (earliest === undefined || (sweepDue !== undefined && sweepDue <= earliest)) return;
    const due = earliest;
    sweepDue = due;
    void clock.sleep(Math.max(0, due - clock.now())).then(() => {
      if (sweepDue === due) sweepDue = undefined;
      sweepExpired();
    });
  }

  /** Flushes when a batch is full or its oldest request has waited long enough; `now` spares a clock read. */
  function schedule(now?: number): void {
    if (running) return;
    const oldest = queue[0];
    if (oldest === undefined) {
      notifyDrained();
      return;
    }
    if (queuedRowCount >= maxBatchSize || closedWith !== undefined) {
      flush();
      return;
    }
    const waited = (now ?? clock.now()) - oldest.enqueuedAt;
    if (waited >= maxWaitMs) flush();
    else if (!waitCheckQueued) {
      // Arm the wait timer only if the batch is still open after the current synchronous burst of submissions:
      // a burst that fills the batch then costs no timer at all.
      waitCheckQueued = true;
      queueMicrotask(() => {
        waitCheckQueued = false;
        const head = queue[0];
        if (!running && head !== undefined) armWaitTimer(Math.max(0, maxWaitMs - (clock.now() - head.enqueuedAt)));
      });
    }
  }

  function takeBatch(): Item<P, R>[] {
    const now = clock.now();
    const batch: Item<P, R>[] = [];
    let rows = 0;
    while (queue.length > 0) {
      const item = queue[0] as Item<P, R>;
      if (item.deadlineAt !== undefined && now >= item.deadlineAt) {
        queue.shift();
        queuedRowCount -= item.rows;
        stats.expired++;
        fail(item, deadlineError(), true);
        continue;
      }
      if (batch.length > 0 && rows + item.rows > maxBatchSize) break;
      queue.shift();
      queuedRowCount -= item.rows;
      batch.push(item);
      rows += item.rows;
    }
    return batch;
  }

  function flush(): void {
    const batch = takeBatch();
    if (batch.length === 0) {
      notifyDrained();
      return;
    }
    running = true;
    stats.batches++;
    for (const item of batch) {
      item.state = 'computing';
      stats.rows += item.rows;
    }
    stats.computing = batch.length;
    const startedAt = deps.onBatch === undefined ? 0 : clock.now();
    let work: Promise<readonly R[]>;
    try {
      work = deps.execute(
        batch.map((i) => i.payload),
        batch.map((i) => i.rows),
      );
    } catch (error) {
      work = Promise.reject(asError(error));
    }
    work
      .then(
        (results) => {
          if (results.length !== batch.length) {
            throw new BotError('internal', `batch of ${batch.length} answered ${results.length} results`);
          }
          batch.forEach((item, i) => succeed(item, results[i] as R));
        },
        (error: unknown) => {
          for (const item of batch) fail(item, error, false);
        },
      )
      .catch((error: unknown) => {
        for (const item of batch) fail(item, error, false);
      })
      .finally(() => {
        if (deps.onBatch !== undefined) deps.onBatch(observeBatch(batch, startedAt, clock.now()));
        for (let i = 0; i < batch.length; i++) admission.release();
        stats.computing = 0;
        running = false;
        schedule();
      });
  }

  function submit(payload: P, submitOptions: SubmitOptions = {}): Promise<R> {
    if (closedWith !== undefined) return Promise.reject(closedWith);
    const { signal, deadlineAt } = submitOptions;
    if (signal?.aborted === true) return Promise.reject(abortReason(signal));
    const now = clock.now();
    if (deadlineAt !== undefined && now >= deadlineAt) {
      stats.expired++;
      return Promise.reject(deadlineError());
    }
    if (!admission.tryAcquire()) {
      return Promise.reject(
        new BotError('inference.overloaded', `inference queue is full (${options.name}); retry later`, {
          details: { model: options.name, inUse: admission.inUse() },
        }),
      );
    }
    return new Promise<R>((resolve, reject) => {
      const item: Item<P, R> = {
        payload,
        rows: Math.max(1, submitOptions.rows ?? 1),
        enqueuedAt: now,
        deadlineAt,
        state: 'queued',
        resolve,
        reject,
        detach: undefined,
      };
      if (signal !== undefined) watch(item, signal);
      queue.push(item);
      queuedRowCount += item.rows;
      if (deadlineAt !== undefined) armSweep();
      schedule(now);
    });
  }

  /** Wires an item's abort signal (only for requests that have one). */
  function watch(item: Item<P, R>, signal: AbortSignal): void {
    function onAbort(): void {
      stats.aborted++;
      const reason = abortReason(signal);
      if (item.state === 'queued') {
        removeQueued(item);
        fail(item, reason, true);
        schedule();
      } else {
        // Computing: the batch goes on, this caller stops waiting; its slot is released when the batch ends.
        fail(item, reason, false);
      }
    }
    item.detach = function detach(): void {
      signal.removeEventListener('abort', onAbort);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  }

  return {
    submit,
    stats: () => ({ ...stats, queued: queue.length }),
    drain: () =>
      new Promise<void>((resolve) => {
        drainWaiters.push(resolve);
        notifyDrained();
      }),
    close: (error, closeOptions = {}) => {
      closedWith ??= error;
      if (closeOptions.rejectQueued === true) {
        queuedRowCount = 0;
        for (const item of queue.splice(0)) fail(item, error, true);
      }
      schedule();
      return new Promise<void>((resolve) => {
        drainWaiters.push(resolve);
        notifyDrained();
      });
    },
  };
}
