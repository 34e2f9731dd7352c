/** Lookups over the knowledge graph: entity and attribute linking, variants, values. */
import { createPhraseMatcher, type PhraseMatch } from './phrases.js';
import type { AttributeDefinition, AttributeValue, GraphEntity, KnowledgeGraph } from './types.js';

/** The predicate that makes an entity a variant (colour, size...) of a product. */
export const VARIANT_OF = 'variant_of';

export interface GraphIndex {
  entity(id: string): GraphEntity | undefined;
  attribute(key: string): AttributeDefinition | undefined;
  /** The longest entity name or alias in the text; variants are only found by their full names. */
  linkEntity(text: string): PhraseMatch<string> | undefined;
  /** The attribute whose label or synonym occurs in the text (longest match). */
  linkAttribute(text: string): PhraseMatch<string> | undefined;
  /** A variant of `productId` named in the text by its name or alias (e.g. 黑色, black). */
  linkVariant(text: string, productId: string): PhraseMatch<string> | undefined;
  /** The product a variant belongs to, or the entity itself. */
  productOf(id: string): string;
  /** An attribute value of an entity, falling back to its product's; with the entity that holds it. */
  valueOf(id: string, key: string): { readonly entityId: string; readonly value: AttributeValue } | undefined;
}

/** Indexes a knowledge graph (names, aliases, synonyms compiled once). */
export function createGraphIndex(graph: KnowledgeGraph): GraphIndex {
  const entities = new Map(graph.entities.map((e) => [e.id, e]));
  const parent = new Map<string, string>();
  const variants = new Map<string, GraphEntity[]>();
  for (const [subject, predicate, object] of graph.relations) {
    const child = entities.get(subject);
    if (predicate !== VARIANT_OF || child === undefined || !entities.has(object)) continue;
    parent.set(subject, object);
    variants.set(object, [...(variants.get(object) ?? []), child]);
  }
  const names = (e: GraphEntity): string[] => [...new Set([e.name.zh, e.name.en])];
  const entityMatcher = createPhraseMatcher(
    graph.entities.flatMap((e) =>
      [...names(e), ...(parent.has(e.id) ? [] : e.aliases)].map((phrase) => ({ phrase, value: e.id })),
    ),
  );
  const attributeMatcher = createPhraseMatcher(
    Object.entries(graph.attributes).flatMap(([key, a]) =>
      [a.label.zh, a.label.en, ...a.synonyms].map((phrase) => ({ phrase, value: key })),
    ),
  );
  const variantMatchers = new Map(
    [...variants].map(([product, list]) => [
      product,
      createPhraseMatcher(list.flatMap((v) => [...names(v), ...v.aliases].map((phrase) => ({ phrase, value: v.id })))),
    ]),
  );
  const productOf = (id: string): string => parent.get(id) ?? id;
  return {
    entity: (id) => entities.get(id),
    attribute: (key) => graph.attributes[key],
    linkEntity: (text) => entityMatcher.longest(text),
    linkAttribute: (text) => attributeMatcher.longest(text),
    linkVariant: (text, productId) => variantMatchers.get(productOf(productId))?.longest(text),
    productOf,
    valueOf: (id, key) => {
      const seen = new Set<string>();
      for (let cur: string | undefined = id; cur !== undefined && !seen.has(cur); cur = parent.get(cur)) {
        seen.add(cur);
        const value = entities.get(cur)?.attributes[key];
        if (value !== undefined) return { entityId: cur, value };
      }
      return undefined;
    },
  };
}
