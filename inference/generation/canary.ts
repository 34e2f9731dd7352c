/** Sticky canary assignment: a conversation key always lands on the same side (pure). */

import { fnv1a } from '../../core/math/hash.js';

/** Whether `conversationKey` belongs to the canary `share` (0..1) of traffic. */
export function inCanary(conversationKey: string, share: number): boolean {
  if (share <= 0) return false;
  if (share >= 1) return true;
  // Mix the hash once more so similar keys (conv-1, conv-2) spread evenly.
  let h = fnv1a(conversationKey);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d) >>> 0;
  h ^= h >>> 15;
  return (h >>> 0) / 0x1_0000_0000 < share;
}
