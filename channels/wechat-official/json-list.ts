/** A JSON array stored in KeyValue; anything else (absent, not JSON, not an array) reads as empty. Pure. */
export function parseJsonList<T>(raw: string | undefined): T[] {
  if (raw === undefined) return [];
  try {
    const list = JSON.parse(raw) as unknown;
    return Array.isArray(list) ? (list as T[]) : [];
  } catch {
    return [];
  }
}
