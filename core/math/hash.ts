/** 32-bit FNV-1a over UTF-16 code units (pure): stable across platforms and Node versions. Not cryptographic. */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** Continues an FNV-1a hash with the code units of `text`. */
export function fnv1aUpdate(hash: number, text: string): number {
  let h = hash;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return h >>> 0;
}

/** FNV-1a of `text` started from the standard offset basis. */
export function fnv1a(text: string): number {
  return fnv1aUpdate(FNV_OFFSET, text);
}
