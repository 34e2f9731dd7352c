/** The turn decision: which answer to give, or whether to hand off (pure; no I/O, no clock). */
import { decideHandoff } from '../handoff-policy.js';
import type { KgResolution, KgQuery } from './follow-up.js';
import type { FaqEntry, IntentDefinition } from './types.js';

/** Prefix of FAQ pseudo-intents (`faq:ID`). */
export const FAQ_INTENT_PREFIX = 'faq:';
/** Prefix of knowledge-graph answers' intent (`kg:ATTRIBUTE`). */
export const KG_INTENT_PREFIX = 'kg:';
/** Intent reported when the customer explicitly asks for a person. */
export const HUMAN_REQUEST_INTENT = 'human';

/** What a classified intent id stands for in the bot. */
export type IntentTarget =
  { readonly kind: 'intent'; readonly intent: IntentDefinition } | { readonly kind: 'faq'; readonly faq: FaqEntry };

export type TurnDecision =
  | { readonly kind: 'intent'; readonly intent: IntentDefinition; readonly confidence: number }
  | { readonly kind: 'faq'; readonly faq: FaqEntry; readonly confidence: number }
  | { readonly kind: 'kg'; readonly query: KgQuery }
  /** A product intent won and a product is in focus, but no attribute was asked: describe the product. */
  | {
      readonly kind: 'summary';
      readonly intent: IntentDefinition;
      readonly entityId: string;
      readonly confidence: number;
    }
  | {
      readonly kind: 'handoff';
      readonly reason: 'user_request' | 'low_confidence';
      readonly intent: string | undefined;
      readonly confidence: number;
    };

export interface DecisionInput {
  /** The classifier's best intent and calibrated confidence. */
  readonly intent: string | undefined;
  readonly confidence: number;
  /** What `intent` stands for (undefined when unknown to the bot). */
  readonly target: IntentTarget | undefined;
  readonly kg: KgResolution;
  /** The customer asked for a person (core's `asksForHuman`). */
  readonly askedForHuman: boolean;
  readonly thresholdFor: (intent: string) => number;
  /**
   * A follow-up resolved from memory yields to a different intent the classifier is at least this sure of
   * ("how much is shipping?" after a product question is about shipping, not the product).
   */
  readonly followUpYield: number;
}

function kgDecision(query: KgQuery, thresholdFor: (intent: string) => number): TurnDecision {
  const intent = `${KG_INTENT_PREFIX}${query.attribute}`;
  const handoff = decideHandoff({
    confidence: query.confidence,
    threshold: thresholdFor(intent),
    userAskedForHuman: false,
  });
  return handoff.action === 'answer'
    ? { kind: 'kg', query }
    : {
        kind: 'handoff',
        reason: handoff.reason === 'user_request' ? 'user_request' : 'low_confidence',
        intent,
        confidence: query.confidence,
      };
}

/**
 * Decides a turn, in order:
 * 1. an explicit request for a person → handoff (`user_request`);
 * 2. an attribute question naming both product and attribute → the graph answer;
 * 3. a confident non-product intent → its answer (a `handoff` intent hands off as `user_request`);
 * 4. a follow-up resolved from memory → the graph answer, unless the classifier leans elsewhere;
 * 5. a confident product intent → a product summary when a product is in focus, else the intent's answer;
 * 6. otherwise → handoff (`low_confidence`): never a guess.
 */
export function decideTurn(input: DecisionInput): TurnDecision {
  if (input.askedForHuman) {
    return { kind: 'handoff', reason: 'user_request', intent: HUMAN_REQUEST_INTENT, confidence: 1 };
  }
  const { query } = input.kg;
  if (query?.explicit === true) return kgDecision(query, input.thresholdFor);

  const target = input.target;
  const confident = input.intent !== undefined && input.confidence >= input.thresholdFor(input.intent);
  const isProduct = target?.kind === 'intent' && target.intent.action === 'kg';
  if (target !== undefined && confident && !isProduct) {
    if (target.kind === 'faq') return { kind: 'faq', faq: target.faq, confidence: input.confidence };
    if (target.intent.action === 'handoff') {
      return { kind: 'handoff', reason: 'user_request', intent: target.intent.id, confidence: input.confidence };
    }
    return { kind: 'intent', intent: target.intent, confidence: input.confidence };
  }
  if (query !== undefined && (isProduct || input.confidence < input.followUpYield)) {
    return kgDecision(query, input.thresholdFor);
  }
  if (target?.kind === 'intent' && isProduct && confident) {
    return input.kg.focus !== undefined
      ? { kind: 'summary', intent: target.intent, entityId: input.kg.focus, confidence: input.confidence }
      : { kind: 'intent', intent: target.intent, confidence: input.confidence };
  }
  return { kind: 'handoff', reason: 'low_confidence', intent: input.intent, confidence: input.confidence };
}
