/**
 * Resolves knowledge-graph questions (pure): attribute questions (with one hop), comparisons and overviews,
 * including follow-ups that lean on the memory window ("那黑色的呢?", "how much is it?", "and the other one?").
 */
import type { ConversationContext, Remembered } from './context.js';
import {
  asksForOther,
  asksOverview,
  asksToCompare,
  comparisonDirection,
  impliedAttribute,
  onlyFiller,
  type Direction,
} from './cues.js';
import type { EntityMention, FoundValue, GraphIndex } from './graph.js';
import type { AttributeSource, EntitySource, KgEvidence } from './kg-evidence.js';

/** Link scores of entities and attributes that come from memory rather than the message. */
export const LINK_SCORES = Object.freeze({
  /** Cap of any link score: a named entity and attribute are still not certainty. */
  explicit: 0.98,
  variantOfRemembered: 0.94,
  remembered: 0.92,
  other: 0.9,
  /** Subtracted per turn of distance for remembered links. */
  decayPerTurn: 0.04,
});

interface Linked {
  readonly entityScore: number;
  readonly attributeScore: number;
  /** Fused link confidence: the geometric mean of the entity and attribute scores (capped). */
  readonly confidence: number;
  /** Every entity and the attribute are named in this message (no memory needed). */
  readonly explicit: boolean;
  /**
   * The message is nothing but the names it links and follow-up filler ("那黑色的呢?", "how much is it?"):
   * a follow-up for sure, which outranks other answers.
   */
  readonly elliptical: boolean;
  readonly evidence: KgEvidence;
}

/** An attribute of one entity. */
export interface AttributeQuestion extends Linked {
  readonly kind: 'attribute';
  readonly entityId: string;
  readonly attribute: string;
  readonly found: FoundValue;
}

/** The same attribute of several entities, and which end wins. */
export interface CompareQuestion extends Linked {
  readonly kind: 'compare';
  readonly entityIds: readonly string[];
  readonly attribute: string;
  readonly found: readonly FoundValue[];
  readonly direction: Direction | undefined;
}

/** An entity named without an attribute: describe it. */
export interface OverviewQuestion {
  readonly kind: 'overview';
  readonly entityId: string;
  readonly confidence: number;
  readonly explicit: boolean;
  readonly evidence: KgEvidence;
}

export type KgQuestion = AttributeQuestion | CompareQuestion | OverviewQuestion;

export interface KgResolution {
  /** The entity this message names (product, or a variant of the product in focus), for the next turn's memory. */
  readonly mentioned?: string;
  /** The product or variant in focus: named here or remembered. */
  readonly focus?: string;
  readonly question?: KgQuestion;
}

function decayed(r: Remembered, base: number): number {
  return Math.max(0, base - LINK_SCORES.decayPerTurn * r.turnsAgo);
}

function fuse(entityScore: number, attributeScore: number): number {
  return Math.min(LINK_SCORES.explicit, Math.sqrt(entityScore * attributeScore));
}

function attributeWords(graph: GraphIndex): { key: string; words: string[] }[] {
  return graph.attributeKeys.map((key) => {
    const a = graph.attribute(key);
    return { key, words: a === undefined ? [] : [a.label.zh, a.label.en, ...a.synonyms] };
  });
}

function resolveComparison(
  text: string,
  graph: GraphIndex,
  context: ConversationContext,
  named: readonly EntityMention[],
): CompareQuestion | undefined {
  let ids = named.map((n) => n.entityId);
  let entityScore = Math.min(...named.map((n) => n.score), 1);
  let entityFrom: EntitySource = 'text';
  let entityTurnsAgo = 0;
  const direction = comparisonDirection(text);
  if (ids.length < 2) {
    // "那哪个更轻?" right after a comparison: the same entities.
    const compared = context.compared;
    if (ids.length > 0 || compared === undefined || direction === undefined) return undefined;
    ids = [...compared.values];
    entityScore = decayed({ value: '', turnsAgo: compared.turnsAgo }, LINK_SCORES.remembered);
    entityFrom = 'memory';
    entityTurnsAgo = compared.turnsAgo;
  }
  const linked = graph.linkAttribute(text);
  let attribute = linked?.key ?? impliedAttribute(text, attributeWords(graph));
  let attributeScore = linked?.score ?? LINK_SCORES.explicit;
  let attributeFrom: AttributeSource = linked?.cue ?? 'implied';
  let attributeTurnsAgo = 0;
  if (attribute === undefined && context.attribute !== undefined) {
    attribute = context.attribute.value;
    attributeScore = decayed(context.attribute, LINK_SCORES.remembered);
    attributeFrom = 'memory';
    attributeTurnsAgo = context.attribute.turnsAgo;
  }
  if (attribute === undefined) return undefined;
  const key = attribute;
  const found = ids.map((id) => graph.findValue(id, key));
  if (found.some((f) => f === undefined)) return undefined;
  return {
    kind: 'compare',
    entityIds: ids,
    attribute,
    found: found as FoundValue[],
    direction,
    entityScore,
    attributeScore,
    confidence: fuse(entityScore, attributeScore),
    explicit: named.length >= 2 && (linked !== undefined || context.attribute === undefined || attributeScore >= 0.98),
    elliptical: false,
    evidence: {
      entityFrom,
      entityTypos: named.reduce((sum, n) => sum + n.typos, 0),
      unknownSuffix: named.some((n) => n.unknownSuffix),
      entityTurnsAgo,
      variant: false,
      attributeFrom,
      attributeTypos: linked?.typos ?? 0,
      attributeTurnsAgo,
    },
  };
}

/**
 * Resolves the knowledge-graph question of a message. The entity is named in the text, or is "the other one",
 * or is remembered (a variant alias such as "黑色"/"black" narrows a remembered product to its variant); the
 * attribute is named in the text, or remembered when the text names only an entity ("what about Claw Buds?").
 * At least one of them must be in the text: memory alone never makes a question.
 */
export function resolveKgQuestion(text: string, graph: GraphIndex, context: ConversationContext): KgResolution {
  // Memory is read only when the text gives a reason to (an answer's cache key holds what it read).
  const mentions = graph.linkEntities(text);
  const named: EntityMention[] = [];
  for (const m of mentions) if (!named.some((n) => n.entityId === m.entityId)) named.push(m);

  const comparing = asksToCompare(text) || comparisonDirection(text) !== undefined;
  if (comparing && (named.length >= 2 || (named.length === 0 && context.compared !== undefined))) {
    const comparison = resolveComparison(text, graph, context, named);
    if (comparison !== undefined) {
      return { mentioned: comparison.entityIds[0] ?? '', focus: comparison.entityIds[0] ?? '', question: comparison };
    }
  }

  const best = graph.linkEntity(text);
  const candidates = graph.attributeCandidates(text);
  let linked = candidates.at(-1);
  let base = best?.entityId;
  let entityScore = best?.score ?? 0;
  let fromText = base !== undefined;
  let entityFrom: EntitySource = 'text';
  let entityTurnsAgo = 0;
  if (base === undefined && asksForOther(text)) {
    const current = context.entity?.value;
    const other = context.entityHistory.find(
      (r) => current === undefined || graph.productOf(r.value) !== graph.productOf(current),
    );
    if (other !== undefined) {
      base = other.value;
      entityScore = decayed(other, LINK_SCORES.other);
      fromText = true;
      entityFrom = 'other';
      entityTurnsAgo = other.turnsAgo;
    }
  }
  let remembered: Remembered | undefined;
  if (base === undefined && (linked !== undefined || graph.mentionsVariant(text))) {
    remembered = context.entity;
    if (remembered !== undefined && graph.entity(remembered.value) !== undefined) {
      base = remembered.value;
      entityScore = decayed(remembered, LINK_SCORES.remembered);
      entityFrom = 'memory';
      entityTurnsAgo = remembered.turnsAgo;
    }
  }
  if (base === undefined) return {};
  const variant = graph.linkVariant(text, base)?.value;
  if (variant !== undefined && !fromText && remembered !== undefined) {
    entityScore = decayed(remembered, LINK_SCORES.variantOfRemembered);
  }
  const entityId = variant ?? base;
  const mentioned = variant ?? (fromText ? base : undefined);
  const out = { ...(mentioned === undefined ? {} : { mentioned }), focus: entityId };

  if (candidates.length > 1) {
    // "what does the Claw Buds warranty cover": naming one attribute to reach another one relation away
    // (its warranty policy's coverage) asks for the far one.
    linked = candidates.find((c) => graph.findValue(entityId, c.key)?.via !== undefined) ?? linked;
  }
  if (linked === undefined && best !== undefined) linked = graph.guessAttribute(text);
  let attribute = linked?.key;
  let attributeScore = linked?.score ?? 0;
  let attributeFrom: AttributeSource = linked?.cue ?? 'none';
  let attributeTurnsAgo = 0;
  if (attribute === undefined && mentioned !== undefined && context.attribute !== undefined) {
    attribute = context.attribute.value;
    attributeScore = decayed(context.attribute, LINK_SCORES.remembered);
    attributeFrom = 'memory';
    attributeTurnsAgo = context.attribute.turnsAgo;
  }
  const evidence: KgEvidence = {
    entityFrom,
    entityTypos: best?.typos ?? 0,
    unknownSuffix: best?.unknownSuffix ?? false,
    entityTurnsAgo,
    variant: variant !== undefined,
    attributeFrom,
    attributeTypos: linked?.typos ?? 0,
    attributeTurnsAgo,
  };
  if (attribute === undefined) {
    // An overview only when asked for one ("tell me about X", "X怎么样") or when the name is all there is:
    // "爪机15能分期吗" is about paying, not about the phone.
    if (mentioned === undefined || !(asksOverview(text) || onlyFiller(graph.residue(text)))) return out;
    return {
      ...out,
      question: {
        kind: 'overview',
        entityId,
        confidence: Math.min(LINK_SCORES.explicit, entityScore),
        explicit: best !== undefined,
        evidence,
      },
    };
  }
  if (mentioned === undefined && linked === undefined) return out;
  // A remembered variant asked for an attribute its product lists ("那黑色的呢?" then "有哪些颜色?"): the list
  // is the product's, not the one value of the variant.
  const asked =
    entityFrom === 'memory' && variant === undefined ? listedByProduct(graph, entityId, attribute) : undefined;
  const target = asked ?? entityId;
  const found = graph.findValue(target, attribute);
  if (found === undefined) return out;
  return {
    ...out,
    ...(asked === undefined ? {} : { focus: asked }),
    question: {
      kind: 'attribute',
      entityId: target,
      attribute,
      found,
      entityScore,
      attributeScore,
      confidence: fuse(entityScore, attributeScore),
      explicit: best !== undefined && linked !== undefined,
      elliptical: onlyFiller(graph.residue(text)),
      evidence,
    },
  };
}

/** The product of variant `id` when the product holds several values of `attribute` (else undefined). */
function listedByProduct(graph: GraphIndex, id: string, attribute: string): string | undefined {
  const product = graph.productOf(id);
  if (product === id) return undefined;
  const value = graph.findValue(product, attribute)?.value;
  return Array.isArray(value) && value.length > 1 ? product : undefined;
}
