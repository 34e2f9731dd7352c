/** What earlier turns said that a follow-up may refer to (pure), and a reader that records what was used. */
import type { MemoryTurn } from '../ports/memory.js';
import type { Language } from './types.js';

/** Keys of `DialogueResult.meta` / `MemoryTurn.meta` written by this engine. */
export const META = Object.freeze({
  intent: 'intent',
  /** The entity in focus after the turn. */
  entity: 'entity',
  attribute: 'attribute',
  lang: 'lang',
  /** Every entity the turn was about, comma-separated (two for a comparison). */
  entities: 'entities',
  /** `compare` for a comparison turn. */
  kind: 'kind',
});

export interface Remembered {
  readonly value: string;
  /** 0 for the latest turn, 1 for the one before... */
  readonly turnsAgo: number;
}

/** The most recent entity, attribute and language mentioned in the memory window. */
export interface ConversationContext {
  readonly entity?: Remembered;
  readonly attribute?: Remembered;
  readonly lang?: Language;
  /** Distinct entities the conversation was about, newest first ("the other one"). */
  readonly entityHistory: readonly Remembered[];
  /** The entities of the latest turn, when it compared several ("which one is lighter then?"). */
  readonly compared?: { readonly values: readonly string[]; readonly turnsAgo: number };
}

/**
 * Reads the memory window (oldest first) newest to oldest; each field comes from the latest turn that has it.
 * Turns older than `maxAgeMs` before `now` are ignored.
 */
export function conversationContext(
  history: readonly MemoryTurn[],
  now: number,
  maxAgeMs: number,
): ConversationContext {
  let entity: Remembered | undefined;
  let attribute: Remembered | undefined;
  let lang: Language | undefined;
  let compared: ConversationContext['compared'];
  const entityHistory: Remembered[] = [];
  const seen = new Set<string>();
  for (let i = history.length - 1, turnsAgo = 0; i >= 0; i--, turnsAgo++) {
    const turn = history[i];
    if (turn === undefined || now - turn.at > maxAgeMs) break;
    const meta = turn.meta ?? {};
    const e = meta[META.entity];
    const a = meta[META.attribute];
    const l = meta[META.lang];
    const all = (meta[META.entities] ?? '').split(',').filter((x) => x !== '');
    if (entity === undefined && e !== undefined && e !== '') entity = { value: e, turnsAgo };
    if (attribute === undefined && a !== undefined && a !== '') attribute = { value: a, turnsAgo };
    if (lang === undefined && (l === 'zh' || l === 'en')) lang = l;
    if (compared === undefined && turnsAgo === 0 && meta[META.kind] === 'compare' && all.length >= 2) {
      compared = { values: all, turnsAgo };
    }
    for (const id of [...(e === undefined || e === '' ? [] : [e]), ...all]) {
      if (seen.has(id)) continue;
      seen.add(id);
      entityHistory.push({ value: id, turnsAgo });
    }
  }
  return {
    entityHistory,
    ...(entity === undefined ? {} : { entity }),
    ...(attribute === undefined ? {} : { attribute }),
    ...(lang === undefined ? {} : { lang }),
    ...(compared === undefined ? {} : { compared }),
  };
}

/** Field names of {@link ConversationContext}. */
export const CONTEXT_FIELDS = ['entity', 'attribute', 'lang', 'entityHistory', 'compared'] as const;
export type ContextField = (typeof CONTEXT_FIELDS)[number];

/** The value of a context field as a stable string (part of cache keys). */
export function contextValue(context: ConversationContext, field: ContextField): string {
  return JSON.stringify(context[field] ?? null);
}

/**
 * Wraps a context so every field read is recorded: an answer computed from a tracked context depended on exactly
 * the fields in `reads()` (the engine is deterministic), which is what its cache key must hold.
 */
export function trackContext(context: ConversationContext): {
  readonly context: ConversationContext;
  reads(): ContextField[];
} {
  const used = new Set<ContextField>();
  const tracked = {} as Record<ContextField, unknown>;
  for (const field of CONTEXT_FIELDS) {
    Object.defineProperty(tracked, field, {
      enumerable: true,
      get: () => {
        used.add(field);
        return context[field];
      },
    });
  }
  return { context: tracked as unknown as ConversationContext, reads: () => CONTEXT_FIELDS.filter((f) => used.has(f)) };
}
