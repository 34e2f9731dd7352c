/** The bound on requests queued or computing, shared by every model's batcher (back-pressure). */

/** A shared bound on requests queued or computing (across every batcher that shares it). */
export interface Admission {
  tryAcquire(): boolean;
  release(): void;
  inUse(): number;
}

/** An admission counter allowing at most `limit` requests at once. */
export function createAdmission(limit: number): Admission {
  let used = 0;
  return {
    tryAcquire: () => {
      if (used >= limit) return false;
      used++;
      return true;
    },
    release: () => {
      used = Math.max(0, used - 1);
    },
    inUse: () => used,
  };
}
