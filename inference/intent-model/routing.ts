/** Pure routing decisions for a candidate model: canary share by a stable hash of the conversation key. */

import { fnv1a } from '../../core/math/hash.js';

/** How a newly trained or swapped-in model is rolled out. */
export type RolloutMode = 'replace' | 'shadow' | 'canary';

/** Position of `key` in [0, 1), stable for a key across processes. */
export function canaryPoint(key: string): number {
  // Mix the FNV hash once more so that keys differing only in the last character spread out.
  let h = fnv1a(key);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

/** Whether the conversation `key` is served by the canary taking `share` (0..1) of traffic. */
export function inCanary(key: string, share: number): boolean {
  return canaryPoint(key) < share;
}
