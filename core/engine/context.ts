/** What earlier turns said that a follow-up may refer to (pure). */
import type { MemoryTurn } from '../ports/memory.js';
import type { Language } from './types.js';

/** Keys of `DialogueResult.meta` / `MemoryTurn.meta` written by this engine. */
export const META = Object.freeze({
  intent: 'intent',
  entity: 'entity',
  attribute: 'attribute',
  lang: 'lang',
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
  for (let i = history.length - 1, turnsAgo = 0; i >= 0; i--, turnsAgo++) {
    const turn = history[i];
    if (turn === undefined || now - turn.at > maxAgeMs) break;
    const meta = turn.meta ?? {};
    const e = meta[META.entity];
    const a = meta[META.attribute];
    const l = meta[META.lang];
    if (entity === undefined && e !== undefined && e !== '') entity = { value: e, turnsAgo };
    if (attribute === undefined && a !== undefined && a !== '') attribute = { value: a, turnsAgo };
    if (lang === undefined && (l === 'zh' || l === 'en')) lang = l;
  }
  return {
    ...(entity === undefined ? {} : { entity }),
    ...(attribute === undefined ? {} : { attribute }),
    ...(lang === undefined ? {} : { lang }),
  };
}
