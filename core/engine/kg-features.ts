/**
 * The features a knowledge-graph answer's calibrated confidence is computed from (pure): how the entity and the
 * attribute were linked (typos, model suffixes, memory and its age, question phrases, guesses), how much of the
 * message the links explain, the question's shape, and what the intent classifier made of the message.
 */
import type { IntentPrediction } from '../ports/inference.js';
import { meaningfulLength, unexplainedLength } from './cues.js';
import type { GraphIndex } from './graph.js';
import type { KgQuestion } from './kg-question.js';
import { chineseNumeralsToDigits } from './numerals.js';
import { normalizeForPhrases } from './phrases.js';

/** Names of the features, in vector order. */
export const KG_FEATURE_NAMES = [
  /** Words of the entity names matched with a typo (0, 0.5 for one, 1 for two or more). */
  'entityTypos',
  /** An unknown model word or number follows the name ("claw phone 15 pro"). */
  'unknownSuffix',
  /** The entity is remembered, not named. */
  'entityRemembered',
  /** The entity is "the other one" of the conversation. */
  'entityOther',
  /** A variant name narrowed the product ("那黑色的呢"). */
  'variant',
  /** The text names a variant (黑色, white) the product, which has variants, does not have. */
  'unknownVariant',
  /** Turns since what was remembered (entity or attribute), over 4. */
  'memoryAge',
  /** The attribute is named only by a question phrase ("how much", "多少"). */
  'attributeQuestionPhrase',
  /** The attribute is guessed from a characteristic character ("爪板什么价"). */
  'attributeGuessed',
  /** The attribute is implied by a comparative ("哪个便宜"). */
  'attributeImplied',
  /** The attribute is remembered, not named. */
  'attributeRemembered',
  /** Words of the attribute synonym matched with a typo. */
  'attributeTypos',
  /** An overview: no attribute at all. */
  'overview',
  /** Share of the message's characters the links, follow-up filler and courtesy explain. */
  'coverage',
  /** Unexplained characters, over 6, capped at 1. */
  'unexplained',
  /** The value is one relation away (the product's warranty policy). */
  'hop',
  /** A comparison of several entities. */
  'compare',
  /** The classifier's best confidence in something other than a product (`kg`) intent: an FAQ entry, an intent. */
  'intentOther',
] as const;

export interface KgFeatureInput {
  readonly text: string;
  readonly question: KgQuestion;
  readonly graph: GraphIndex;
  /** The intent classifier's prediction for the text, when there is one. */
  readonly prediction: IntentPrediction | undefined;
  /** Whether a classifier id stands for a product (`kg`) intent. */
  readonly isProductIntent: (id: string) => boolean;
}

/**
 * The share of a text the graph's names and attribute words (plus `alsoExplained` characters), follow-up filler
 * and question-shaping words explain, and how many characters are left unexplained.
 */
export function kgCoverage(
  text: string,
  graph: GraphIndex,
  alsoExplained = 0,
): { coverage: number; unexplained: number } {
  const total = meaningfulLength(chineseNumeralsToDigits(normalizeForPhrases(text)));
  const unexplained = Math.max(0, unexplainedLength(graph.residue(text)) - alsoExplained);
  return { coverage: total === 0 ? 0 : Math.max(0, 1 - unexplained / total), unexplained };
}

/** The feature vector of a question ({@link KG_FEATURE_NAMES} order). */
export function kgFeatures(input: KgFeatureInput): number[] {
  const { question } = input;
  const e = question.evidence;
  // A guessed attribute's characteristic character ("爪板什么价": 价) is explained by the guess.
  const { coverage, unexplained } = kgCoverage(input.text, input.graph, e.attributeFrom === 'guess' ? 1 : 0);
  const rememberedEntity = e.entityFrom === 'text' ? 0 : e.entityTurnsAgo + 1;
  const rememberedAttribute = e.attributeFrom === 'memory' ? e.attributeTurnsAgo + 1 : 0;
  const age = Math.max(rememberedEntity, rememberedAttribute);
  const hop =
    question.kind === 'attribute'
      ? question.found.via !== undefined
      : question.kind === 'compare' && question.found.some((f) => f.via !== undefined);
  const entityId = question.kind === 'compare' ? undefined : question.entityId;
  const unknownVariant =
    entityId !== undefined &&
    !e.variant &&
    input.graph.variantsOf(input.graph.productOf(entityId)).length > 0 &&
    input.graph.mentionsVariant(input.text);
  let other = 0;
  for (const s of input.prediction?.ranking ?? [])
    if (!input.isProductIntent(s.intent)) other = Math.max(other, s.confidence);
  return [
    Math.min(e.entityTypos, 2) / 2,
    e.unknownSuffix ? 1 : 0,
    e.entityFrom === 'memory' ? 1 : 0,
    e.entityFrom === 'other' ? 1 : 0,
    e.variant ? 1 : 0,
    unknownVariant ? 1 : 0,
    age === 0 ? 0 : Math.min(age - 1, 4) / 4,
    e.attributeFrom === 'question' ? 1 : 0,
    e.attributeFrom === 'guess' ? 1 : 0,
    e.attributeFrom === 'implied' ? 1 : 0,
    e.attributeFrom === 'memory' ? 1 : 0,
    Math.min(e.attributeTypos, 2) / 2,
    question.kind === 'overview' ? 1 : 0,
    coverage,
    Math.min(unexplained, 6) / 6,
    hop ? 1 : 0,
    question.kind === 'compare' ? 1 : 0,
    other,
  ];
}
