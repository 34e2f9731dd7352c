import type { Clock } from '../core/clock.js';
import type { ConversationMemory, MemoryOptions, MemoryTurn, TurnReply } from '../core/ports/memory.js';
import { fromSync } from './from-sync.js';
import { normalizeReply, normalizeTurn } from './turn-codec.js';
import { requirePositiveInteger, resolveMemoryOptions } from './validate.js';

/** Default bound on conversations held by one in-process memory. */
export const DEFAULT_MAX_CONVERSATIONS = 100_000;

/** Options of {@link createInProcessMemory}: the memory window plus a bound on conversations held. */
export interface InProcessMemoryOptions extends Partial<MemoryOptions> {
  /** Conversations kept at most; the least recently written is dropped first (default 100 000). */
  readonly maxConversations?: number;
}

interface Entry {
  turns: MemoryTurn[];
  expiresAt: number;
}

/**
 * Conversation memory in a `Map`, for one process (default; tests; single-replica deployments).
 *
 * - keeps the last `turns` turns per conversation, oldest first, trimmed on append;
 * - idle TTL `ttlMs`, refreshed by `appendTurn` and by a successful `addReply`, checked on read with the injected clock;
 * - Map order is write order, so the head is both the least recently written and the first to expire:
 *   expired heads are swept on every write and, past `maxConversations`, the head is evicted.
 *
 * @example
 * const memory = createInProcessMemory({ turns: 5, ttlMs: 30 * 60_000 }, { clock: systemClock });
 */
export function createInProcessMemory(options: InProcessMemoryOptions, deps: { clock: Clock }): ConversationMemory {
  const { turns: window, ttlMs } = resolveMemoryOptions(options);
  const maxConversations = options.maxConversations ?? DEFAULT_MAX_CONVERSATIONS;
  requirePositiveInteger('memory maxConversations', maxConversations);
  const { clock } = deps;
  const entries = new Map<string, Entry>();

  const live = (key: string): Entry | undefined => {
    const entry = entries.get(key);
    if (entry === undefined) return undefined;
    if (clock.now() >= entry.expiresAt) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };

  /** Re-inserts `key` at the tail with a fresh TTL, then sweeps expired heads and enforces the bound. */
  const touch = (key: string, entry: Entry): void => {
    const now = clock.now();
    entry.expiresAt = now + ttlMs;
    entries.delete(key);
    entries.set(key, entry);
    for (const [headKey, head] of entries) {
      if (entries.size > maxConversations || now >= head.expiresAt) entries.delete(headKey);
      else break;
    }
  };

  return {
    recent(key) {
      return fromSync(() => live(key)?.turns.map(normalizeTurn) ?? []);
    },

    appendTurn(key, turn) {
      return fromSync(() => {
        const stored = normalizeTurn(turn);
        const entry = live(key) ?? { turns: [], expiresAt: 0 };
        // Insert in arrival order (after turns that arrived at the same time or earlier), then trim the oldest.
        let at = entry.turns.length;
        while (at > 0 && (entry.turns[at - 1]?.at ?? 0) > stored.at) at -= 1;
        entry.turns.splice(at, 0, stored);
        if (entry.turns.length > window) entry.turns.splice(0, entry.turns.length - window);
        touch(key, entry);
      });
    },

    addReply(key, turnId, reply: TurnReply) {
      return fromSync(() => {
        const entry = live(key);
        if (entry === undefined) return;
        const stored = normalizeReply(reply);
        for (let i = entry.turns.length - 1; i >= 0; i--) {
          const turn = entry.turns[i];
          if (turn?.id !== turnId) continue;
          entry.turns[i] = { ...turn, replies: [...turn.replies, stored] };
          touch(key, entry);
          return;
        }
      });
    },

    clear(key) {
      entries.delete(key);
      return Promise.resolve();
    },

    close() {
      entries.clear();
      return Promise.resolve();
    },
  };
}
