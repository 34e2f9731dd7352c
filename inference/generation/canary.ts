/** Sticky canary assignment: a conversation key always lands on the same side (pure). */

/** FNV-1a 32-bit hash of a string's UTF-16 code units. */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Whether `conversationKey` belongs to the canary `share` (0..1) of traffic. */
export function inCanary(conversationKey: string, share: number): boolean {
  if (share <= 0) return false;
  if (share >= 1) return true;
  // Mix the hash once more so similar keys (conv-1, conv-2) spread evenly.
  let h = fnv1a32(conversationKey);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d) >>> 0;
  h ^= h >>> 15;
  return (h >>> 0) / 0x1_0000_0000 < share;
}
