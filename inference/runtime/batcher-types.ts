/** Types of the dynamic micro-batcher (see batcher.ts). */
import type { Clock } from '../../core/clock.js';
import type { BotError } from '../../core/errors.js';
import type { Admission } from './admission.js';

export interface BatcherOptions {
  maxBatchSize: number;
  maxWaitMs: number;
  /** Used in error messages. */
  name: string;
}

export interface BatcherDeps<P, R> {
  clock: Clock;
  admission: Admission;
  /** Computes one batch; must answer one result per payload, in order. `rows` are the payloads' row counts. */
  execute(payloads: readonly P[], rows: readonly number[]): Promise<readonly R[]>;
  /** Told about every batch once it has computed (metrics); not called when absent. */
  onBatch?(batch: BatchObservation): void;
}

/** One computed batch, for metrics. */
export interface BatchObservation {
  /** Requests in the batch. */
  requests: number;
  rows: number;
  /** Milliseconds each request waited in the queue before the batch started. */
  queueWaitMs: readonly number[];
  /** Milliseconds the batch computed. */
  computeMs: number;
}

export interface SubmitOptions {
  /** Rows this payload adds to a batch (default 1). */
  rows?: number;
  /** Epoch ms after which the payload is dropped instead of computed. */
  deadlineAt?: number;
  signal?: AbortSignal;
}

export interface BatcherStats {
  queued: number;
  computing: number;
  batches: number;
  rows: number;
  expired: number;
  aborted: number;
}

export interface Batcher<P, R> {
  submit(payload: P, options?: SubmitOptions): Promise<R>;
  stats(): BatcherStats;
  /** Resolves once nothing is queued or computing. */
  drain(): Promise<void>;
  /** Refuses new submissions with `error`; queued ones still compute unless `rejectQueued`. Resolves when drained. */
  close(error: BotError, options?: { rejectQueued?: boolean }): Promise<void>;
}
