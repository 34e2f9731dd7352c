/** What the batcher tells an `onBatch` observer about one computed batch (pure). */
import type { BatchObservation } from './batcher-types.js';

/** The observation of a batch of queued items that started computing at `startedAt` and ended at `endedAt`. */
export function observeBatch(
  items: readonly { readonly rows: number; readonly enqueuedAt: number }[],
  startedAt: number,
  endedAt: number,
): BatchObservation {
  let rows = 0;
  const queueWaitMs: number[] = [];
  for (const item of items) {
    rows += item.rows;
    queueWaitMs.push(startedAt - item.enqueuedAt);
  }
  return { requests: items.length, rows, queueWaitMs, computeMs: endedAt - startedAt };
}
