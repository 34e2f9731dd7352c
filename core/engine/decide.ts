/** The turn decision: which answer to give, or whether to hand off (pure; no I/O, no clock). */
import { decideHandoff } from '../handoff-policy.js';
import type { KgQuestion, KgResolution } from './kg-question.js';
import type { FaqEntry, IntentDefinition } from './types.js';

/** Prefix of FAQ pseudo-intents (`faq:ID`). */
export const FAQ_INTENT_PREFIX = 'faq:';
/** Prefix of knowledge-graph answers' intent (`kg:ATTRIBUTE`). */
export const KG_INTENT_PREFIX = 'kg:';
/** Intent reported when the customer explicitly asks for a person. */
export const HUMAN_REQUEST_INTENT = 'human';
/** Intent reported for product overviews from the graph. */
export const KG_OVERVIEW_INTENT = 'kg:overview';

/** What a classified intent id stands for in the bot. */
export type IntentTarget =
  { readonly kind: 'intent'; readonly intent: IntentDefinition } | { readonly kind: 'faq'; readonly faq: FaqEntry };

export type TurnDecision =
  | { readonly kind: 'intent'; readonly intent: IntentDefinition; readonly confidence: number }
  | { readonly kind: 'faq'; readonly faq: FaqEntry; readonly confidence: number }
  | { readonly kind: 'kg'; readonly question: KgQuestion }
  | {
      readonly kind: 'handoff';
      readonly reason: 'user_request' | 'low_confidence';
      readonly intent: string | undefined;
      readonly confidence: number;
    };

/** The best-ranked answer of the message and what it stands for. */
export interface BestAnswer {
  readonly id: string;
  readonly confidence: number;
  /** Weighed against a graph answer's confidence when both match (the ranker's held-out fit; default `confidence`). */
  readonly heldOut?: number;
  readonly target: IntentTarget | undefined;
}

export interface DecisionInput {
  readonly best: BestAnswer | undefined;
  readonly kg: KgResolution;
  /** The customer asked for a person (core's `asksForHuman`). */
  readonly askedForHuman: boolean;
  /** The message asks how to do something ("怎么申请保修"): a confident procedure beats a graph fact. */
  readonly asksHowTo: boolean;
  readonly thresholdFor: (intent: string) => number;
  /**
   * A follow-up resolved from memory yields to a different answer the ranker is at least this sure of
   * ("how much is shipping?" after a product question is about shipping, not the product).
   */
  readonly followUpYield: number;
  /**
   * A product (`kg`) intent answered with no product in sight (the catalogue / a clarifying question) needs at least
   * this confidence: such intents share generic words ("tell me", "how much") with out-of-scope questions.
   */
  readonly catalogueThreshold?: number;
}

/** The intent id a graph answer is reported (and thresholded) under. */
export function kgIntent(question: KgQuestion): string {
  return question.kind === 'overview' ? KG_OVERVIEW_INTENT : `${KG_INTENT_PREFIX}${question.attribute}`;
}

function kgDecision(question: KgQuestion, thresholdFor: (intent: string) => number): TurnDecision {
  const intent = kgIntent(question);
  const handoff = decideHandoff({
    confidence: question.confidence,
    threshold: thresholdFor(intent),
    userAskedForHuman: false,
  });
  return handoff.action === 'answer'
    ? { kind: 'kg', question }
    : { kind: 'handoff', reason: 'low_confidence', intent, confidence: question.confidence };
}

function answerDecision(best: BestAnswer, target: IntentTarget): TurnDecision {
  if (target.kind === 'faq') return { kind: 'faq', faq: target.faq, confidence: best.confidence };
  if (target.intent.action === 'handoff') {
    return { kind: 'handoff', reason: 'user_request', intent: target.intent.id, confidence: best.confidence };
  }
  return { kind: 'intent', intent: target.intent, confidence: best.confidence };
}

/**
 * Decides a turn, in order:
 * 1. an explicit request for a person → handoff (`user_request`);
 * 2. a graph question and a confident non-product answer (intent or FAQ) compete on their calibrated confidences:
 *    the surer one wins, and a procedure wins when the message asks how to do something ("怎么申请保修");
 * 3. a graph question naming its entities and attribute, or an elliptical follow-up ("那黑色的呢?") → the graph
 *    answer (handed off below its threshold);
 * 4. a confident non-product answer → it (a `handoff` intent hands off as `user_request`);
 * 5. a graph follow-up resolved from memory, or an overview of a named entity → the graph answer, unless the
 *    ranker leans elsewhere (`followUpYield`);
 * 6. a confident product intent (no entity known) → its answer (the catalogue / a clarifying question);
 * 7. otherwise → handoff (`low_confidence`): never a guess.
 */
export function decideTurn(input: DecisionInput): TurnDecision {
  if (input.askedForHuman) {
    return { kind: 'handoff', reason: 'user_request', intent: HUMAN_REQUEST_INTENT, confidence: 1 };
  }
  const { best } = input;
  const question = input.kg.question;
  const target = best?.target;
  const confident = best !== undefined && best.confidence >= input.thresholdFor(best.id);
  const isProduct = target?.kind === 'intent' && target.intent.action === 'kg';
  const other = confident && target !== undefined && !isProduct ? { best, target } : undefined;

  if (other !== undefined && question !== undefined) {
    const weight = other.best.heldOut ?? other.best.confidence;
    if (input.asksHowTo || weight > question.confidence) return answerDecision(other.best, other.target);
    return kgDecision(question, input.thresholdFor);
  }
  if (question !== undefined && question.kind !== 'overview' && (question.explicit || question.elliptical)) {
    return kgDecision(question, input.thresholdFor);
  }
  if (other !== undefined) return answerDecision(other.best, other.target);
  if (question !== undefined && (isProduct || best === undefined || best.confidence < input.followUpYield)) {
    return kgDecision(question, input.thresholdFor);
  }
  const catalogue =
    best !== undefined && best.confidence >= Math.max(input.catalogueThreshold ?? 0.95, input.thresholdFor(best.id));
  if (best !== undefined && target !== undefined && catalogue && isProduct) return answerDecision(best, target);
  return {
    kind: 'handoff',
    reason: 'low_confidence',
    intent: best?.id,
    confidence: best?.confidence ?? 0,
  };
}
