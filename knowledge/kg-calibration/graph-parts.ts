/** Names and words of a bot's graph, graphs with parts held out, and text edits, for calibration cases (pure). */
import { VARIANT_OF } from '../../core/engine/graph.js';
import type { AttributeDefinition, GraphEntity, KnowledgeGraph } from '../../core/engine/types.js';
import type { Random } from './random.js';

function unique(texts: readonly string[]): string[] {
  return [...new Set(texts.map((t) => t.trim()).filter((t) => t !== ''))];
}

/** The names a customer may call an entity by: its names, and its aliases unless it is a variant. */
export function entityNames(entity: GraphEntity, isVariant: boolean): string[] {
  return unique([entity.name.zh, entity.name.en, ...(isVariant ? [] : entity.aliases)]);
}

/** The words a variant is told apart by within its product (黑色, black). */
export function variantWords(variant: GraphEntity): string[] {
  return unique(variant.aliases);
}

/** The words that ask for an attribute: its labels and synonyms. */
export function attributeWords(attribute: AttributeDefinition): string[] {
  return unique([attribute.label.zh, attribute.label.en, ...attribute.synonyms]);
}

/** The ids of variants (subjects of `variant_of`). */
export function variantIds(graph: KnowledgeGraph): Set<string> {
  return new Set(graph.relations.filter((r) => r[1] === VARIANT_OF).map((r) => r[0]));
}

/** The graph without some entities and every relation touching them. */
export function withoutEntities(graph: KnowledgeGraph, ids: ReadonlySet<string>): KnowledgeGraph {
  return {
    attributes: graph.attributes,
    entities: graph.entities.filter((e) => !ids.has(e.id)),
    relations: graph.relations.filter((r) => !ids.has(r[0]) && !ids.has(r[2])),
  };
}

/** The graph without some attributes (their definitions and every value). */
export function withoutAttributes(graph: KnowledgeGraph, keys: ReadonlySet<string>): KnowledgeGraph {
  return {
    attributes: Object.fromEntries(Object.entries(graph.attributes).filter(([k]) => !keys.has(k))),
    entities: graph.entities.map((e) => ({
      ...e,
      attributes: Object.fromEntries(Object.entries(e.attributes).filter(([k]) => !keys.has(k))),
    })),
    relations: graph.relations,
  };
}

/** The graph without some attribute words (synonyms by attribute; labels stay). */
export function withoutSynonyms(graph: KnowledgeGraph, held: ReadonlyMap<string, ReadonlySet<string>>): KnowledgeGraph {
  return {
    ...graph,
    attributes: Object.fromEntries(
      Object.entries(graph.attributes).map(([key, a]) => [
        key,
        { ...a, synonyms: a.synonyms.filter((w) => held.get(key)?.has(w) !== true) },
      ]),
    ),
  };
}

/** Fills `{name}` placeholders. */
export function fill(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
}

/** Whether a text has Chinese characters (picks the templates' language). */
export function hasHan(text: string): boolean {
  return /\p{Script=Han}/u.test(text);
}

/**
 * The text with one typing slip (two letters swapped, one dropped, doubled or replaced) in one of its Latin words
 * of six letters or more; undefined when it has none. Such words are within the linker's typo tolerance.
 */
export function withTypo(text: string, random: Random): string | undefined {
  const words = [...text.matchAll(/[A-Za-z]{6,}/g)];
  if (words.length === 0) return undefined;
  const m = random.pick(words);
  const w = m[0];
  const i = 1 + random.int(w.length - 2);
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  let typo: string;
  switch (random.int(4)) {
    case 0:
      typo = `${w.slice(0, i)}${w[i + 1] ?? ''}${w[i] ?? ''}${w.slice(i + 2)}`;
      break;
    case 1:
      typo = `${w.slice(0, i)}${w.slice(i + 1)}`;
      break;
    case 2:
      typo = `${w.slice(0, i)}${w[i] ?? ''}${w.slice(i)}`;
      break;
    default:
      typo = `${w.slice(0, i)}${random.pick([...letters])}${w.slice(i + 1)}`;
  }
  if (typo.toLowerCase() === w.toLowerCase()) return undefined;
  return `${text.slice(0, m.index)}${typo}${text.slice(m.index + w.length)}`;
}

/** Another model of a named product: its number moved on ("claw phone 16", "爪机16"), else a model word added. */
export function otherModel(name: string, suffixes: readonly string[], random: Random): string {
  const numbers = [...name.matchAll(/\d+/g)];
  const last = numbers.at(-1);
  if (last !== undefined && random.next() < 0.5) {
    const next = String(Number(last[0]) + 1 + random.int(3));
    return `${name.slice(0, last.index)}${next}${name.slice(last.index + last[0].length)}`;
  }
  return `${name} ${random.pick(suffixes)}`;
}
