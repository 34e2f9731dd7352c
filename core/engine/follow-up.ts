/** Resolves product attribute questions, including follow-ups that lean on the memory window (pure). */
import type { ConversationContext, Remembered } from './context.js';
import type { GraphIndex } from './graph.js';
import type { AttributeValue } from './types.js';

/** Link scores: named in this message, a variant of the remembered product, or only remembered. */
export const LINK_SCORES = Object.freeze({
  explicit: 0.98,
  variantOfRemembered: 0.94,
  remembered: 0.92,
  /** Subtracted per turn of distance for remembered links. */
  decayPerTurn: 0.04,
});

/** A fully resolved attribute question. */
export interface KgQuery {
  /** The entity asked about (a product or one of its variants). */
  readonly entityId: string;
  readonly attribute: string;
  /** The entity the value was found on (the variant's product when the variant has none of its own). */
  readonly valueEntityId: string;
  readonly value: AttributeValue;
  readonly entityScore: number;
  readonly attributeScore: number;
  /** Fused link confidence: the geometric mean of the entity and attribute scores. */
  readonly confidence: number;
  /** Entity and attribute are both named in this message (no memory needed). */
  readonly explicit: boolean;
}

export interface KgResolution {
  /** The entity this message names (product, or a variant of the product in focus), for the next turn's memory. */
  readonly mentioned?: string;
  /** The product or variant in focus: named here or remembered. */
  readonly focus?: string;
  readonly query?: KgQuery;
}

function remembered(r: Remembered, base: number): number {
  return Math.max(0, base - LINK_SCORES.decayPerTurn * r.turnsAgo);
}

/**
 * Resolves an attribute question: the entity is named in the text or remembered (a variant alias such as
 * "黑色"/"black" narrows a remembered product to its variant), the attribute is named in the text, or remembered
 * when the text names only an entity ("what about Claw Buds?", "那黑色的呢？"). At least one of them must be in
 * the text: memory alone never makes a question.
 */
export function resolveKgQuery(text: string, graph: GraphIndex, context: ConversationContext): KgResolution {
  const named = graph.linkEntity(text)?.value;
  const rememberedEntity =
    context.entity !== undefined && graph.entity(context.entity.value) !== undefined ? context.entity : undefined;
  const base = named ?? rememberedEntity?.value;
  const variant = base === undefined ? undefined : graph.linkVariant(text, base)?.value;
  const entityId = variant ?? base;
  const mentioned = variant ?? named;
  const focus = entityId === undefined ? {} : { focus: entityId };
  const mention = mentioned === undefined ? {} : { mentioned };
  if (entityId === undefined) return {};

  let entityScore: number = LINK_SCORES.explicit;
  if (named === undefined && rememberedEntity !== undefined) {
    entityScore = remembered(
      rememberedEntity,
      variant === undefined ? LINK_SCORES.remembered : LINK_SCORES.variantOfRemembered,
    );
  }

  const namedAttribute = graph.linkAttribute(text)?.value;
  let attribute = namedAttribute;
  let attributeScore: number = LINK_SCORES.explicit;
  if (attribute === undefined && mentioned !== undefined && context.attribute !== undefined) {
    attribute = context.attribute.value;
    attributeScore = remembered(context.attribute, LINK_SCORES.remembered);
  }
  if (attribute === undefined || (mentioned === undefined && namedAttribute === undefined))
    return { ...mention, ...focus };
  const found = graph.valueOf(entityId, attribute);
  if (found === undefined) return { ...mention, ...focus };
  return {
    ...mention,
    ...focus,
    query: {
      entityId,
      attribute,
      valueEntityId: found.entityId,
      value: found.value,
      entityScore,
      attributeScore,
      confidence: Math.sqrt(entityScore * attributeScore),
      explicit: named !== undefined && namedAttribute !== undefined,
    },
  };
}
