/**
 * Memoises whole answers in an {@link AnswerCache}, keyed by the normalised question plus the values of exactly
 * the memory-context fields the answer read. Two entries per question:
 * - `NS:d:QUESTION` → the context fields the latest computation read (e.g. `["entity","attribute"]`, or `[]`);
 * - `NS:a:QUESTION:VALUES` → the answer, for those fields' values.
 * The engine is deterministic, so an answer computed with the same values of the fields it read is the same answer;
 * a question that read no context ("退货怎么办") hits for every conversation.
 */
import { createHash } from 'node:crypto';
import type { DialogueResult } from '../ports/dialogue.js';
import { CONTEXT_FIELDS, contextValue, type ContextField, type ConversationContext } from './context.js';
import type { AnswerCache } from './types.js';

export interface AnswerMemo {
  get(
    question: string,
    context: ConversationContext,
    compute: () => Promise<{ result: DialogueResult; reads: readonly ContextField[] }>,
  ): Promise<DialogueResult>;
}

function digest(text: string): string {
  return text.length <= 64 ? text : createHash('sha1').update(text).digest('base64url');
}

function parseReads(raw: string | undefined): ContextField[] | undefined {
  if (raw === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(raw);
    if (!Array.isArray(value)) return undefined;
    return value.filter((f): f is ContextField => (CONTEXT_FIELDS as readonly unknown[]).includes(f));
  } catch {
    return undefined;
  }
}

/** Wraps a cache (or nothing: every call computes). */
export function createAnswerMemo(options: { cache?: AnswerCache; namespace: string }): AnswerMemo {
  const { cache, namespace } = options;
  if (cache === undefined) return { get: async (_q, _c, compute) => (await compute()).result };
  const depsKey = (question: string): string => `${namespace}:d:${digest(question)}`;
  const answerKey = (question: string, context: ConversationContext, reads: readonly ContextField[]): string =>
    `${namespace}:a:${digest(question)}:${digest(reads.map((f) => `${f}=${contextValue(context, f)}`).join('&'))}`;
  return {
    get: async (question, context, compute) => {
      const reads = parseReads(await cache.get(depsKey(question)));
      if (reads !== undefined) {
        const hit = await cache.get(answerKey(question, context, reads));
        if (hit !== undefined) {
          try {
            const parsed = JSON.parse(hit) as DialogueResult;
            cache.recordLookup?.(true);
            return parsed;
          } catch {
            // A damaged entry is recomputed below.
          }
        }
      }
      cache.recordLookup?.(false);
      const computed = await compute();
      await cache.set(depsKey(question), JSON.stringify(computed.reads));
      await cache.set(answerKey(question, context, computed.reads), JSON.stringify(computed.result));
      return computed.result;
    },
  };
}
