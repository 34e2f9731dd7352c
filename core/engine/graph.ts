/** Lookups over the knowledge graph: entity and attribute linking (typo-tolerant), variants, values, one hop. */
import { chineseNumeralsToDigits } from './numerals.js';
import { createPhraseMatcher, normalizeForPhrases, type PhraseMatch } from './phrases.js';
import type { AttributeDefinition, AttributeValue, GraphEntity, GraphRelation, KnowledgeGraph } from './types.js';

/** The predicate that makes an entity a variant (colour, size...) of a product. */
export const VARIANT_OF = 'variant_of';

/** Link scores of a name found in a message. */
export const MENTION_SCORES = Object.freeze({
  exact: 1,
  /** Per word matched with a typo. */
  typo: 0.9,
  /** Multiplier when an unknown model word or number follows the name ("claw phone 15 pro", "爪机16"). */
  unknownSuffix: 0.5,
});

/** An entity named in a message. */
export interface EntityMention {
  readonly entityId: string;
  readonly start: number;
  readonly length: number;
  /** 1 for an exact name, lower for typos or an unknown model suffix. */
  readonly score: number;
  /** Words of the name matched with a typo. */
  readonly typos: number;
  /** An unknown model word or number follows the name ("claw phone 15 pro"). */
  readonly unknownSuffix: boolean;
}

/** How an attribute was found: a synonym naming it, only a question phrase ("how much"), or a guessed character. */
export type AttributeCue = 'synonym' | 'question' | 'guess';

/** An attribute asked for in a message. */
export interface AttributeMention {
  readonly key: string;
  readonly start: number;
  readonly length: number;
  readonly score: number;
  /** Words of the synonym matched with a typo. */
  readonly typos: number;
  readonly cue: AttributeCue;
}

/** Where a value was found: on the entity, its product, or one relation away. */
export interface FoundValue {
  readonly entityId: string;
  readonly value: AttributeValue;
  /** The relation followed to reach `entityId` (one hop), when the value is not the entity's own. */
  readonly via?: GraphRelation;
}

export interface GraphIndex {
  entity(id: string): GraphEntity | undefined;
  attribute(key: string): AttributeDefinition | undefined;
  readonly attributeKeys: readonly string[];
  /** Non-overlapping entity names and aliases in the text (longest first, typo-tolerant), in text order. */
  linkEntities(text: string): EntityMention[];
  /** The best entity mention (longest, then highest score). */
  linkEntity(text: string): EntityMention | undefined;
  /** Attributes whose label or synonym occurs in the text outside entity names, non-overlapping, in text order. */
  linkAttributes(text: string): AttributeMention[];
  /**
   * The attribute asked for: of several, the ones not named by a question phrase ("how much", "多少") win
   * ("how much data" asks for data), then the last one ("what does the warranty cover" asks what it covers).
   */
  linkAttribute(text: string): AttributeMention | undefined;
  /** The attributes that may be the one asked for, in text order (question phrases only when nothing else). */
  attributeCandidates(text: string): AttributeMention[];
  /**
   * When no synonym occurs: the attribute whose characteristic Chinese character is in what is left of the text
   * ("爪板什么价": 价, found in 价格, 价钱, 售价), if exactly one attribute has one there; scored lower.
   */
  guessAttribute(text: string): AttributeMention | undefined;
  /** A variant of `productId` named in the text by its name or alias (e.g. 黑色, black). */
  linkVariant(text: string, productId: string): PhraseMatch<string> | undefined;
  /** Whether any variant name or alias (of any product) occurs in the text ("黑色的呢?"). */
  mentionsVariant(text: string): boolean;
  /** The product a variant belongs to, or the entity itself. */
  productOf(id: string): string;
  variantsOf(productId: string): readonly GraphEntity[];
  /** An attribute value of an entity, falling back to its product's; with the entity that holds it. */
  valueOf(id: string, key: string): FoundValue | undefined;
  /** {@link valueOf}, else the value on an entity one relation away (product → its warranty policy). */
  findValue(id: string, key: string): FoundValue | undefined;
  /** The normalised text with every entity, variant and attribute mention blanked out. */
  residue(text: string): string;
  /** Relations (other than `variant_of`) with `id` (or its product) as subject. */
  relationsOf(id: string): readonly GraphRelation[];
}

const WORD_AFTER = /^\s*([a-z0-9]+|\p{Script=Han})/u;

/** Words that make a different model of a named product ("claw phone 15 pro", "爪机15 max"). */
const MODEL_SUFFIX = /^(\d+[a-z]*|pro|max|plus|mini|ultra|lite|se|air|neo|note|fold|flip|xl|xs|ii|iii|iv|gen\d*)$/;

/** Characters too common to say which attribute is meant. */
const COMMON_CHARS = new Set([...'多少么什几有吗的是不了么个哪怎样能可以要会还和呢吧啊呀这那它我你您大小长短高低好']);

/** Score of an attribute guessed from a characteristic character. */
export const GUESSED_ATTRIBUTE_SCORE = 0.85;

/** Attribute phrases that are question words rather than names of the attribute. */
const QUESTION_PHRASE = /(how|what|which|多少|几|多久|多大|多重|哪些|什么|怎么样)/i;

/** `f` remembering its last text and result: one question asks for the links of its text several times. */
function rememberLast<T>(f: (text: string) => T): (text: string) => T {
  let last: { readonly text: string; readonly value: T } | undefined;
  return (text) => {
    if (last?.text !== text) last = { text, value: f(text) };
    return last.value;
  };
}

/** Indexes a knowledge graph (names, aliases, synonyms compiled once). `knownWords`: words the bot uses anywhere. */
export function createGraphIndex(graph: KnowledgeGraph, knownWords: ReadonlySet<string> = new Set()): GraphIndex {
  const entities = new Map(graph.entities.map((e) => [e.id, e]));
  const parent = new Map<string, string>();
  const variants = new Map<string, GraphEntity[]>();
  const outgoing = new Map<string, GraphRelation[]>();
  for (const relation of graph.relations) {
    const [subject, predicate, object] = relation;
    const child = entities.get(subject);
    if (predicate === VARIANT_OF && child !== undefined && entities.has(object)) {
      parent.set(subject, object);
      variants.set(object, [...(variants.get(object) ?? []), child]);
    } else if (predicate !== VARIANT_OF) {
      outgoing.set(subject, [...(outgoing.get(subject) ?? []), relation]);
    }
  }
  const names = (e: GraphEntity): string[] => [...new Set([e.name.zh, e.name.en])];
  const entityNorm = (t: string): string => chineseNumeralsToDigits(t);
  const entityMatcher = createPhraseMatcher(
    graph.entities.flatMap((e) =>
      [...names(e), ...(parent.has(e.id) ? [] : e.aliases)].map((phrase) => ({ phrase, value: e.id })),
    ),
    { normalize: entityNorm, typos: true },
  );
  const attributeMatcher = createPhraseMatcher(
    Object.entries(graph.attributes).flatMap(([key, a]) =>
      [a.label.zh, a.label.en, ...a.synonyms].map((phrase) => ({ phrase, value: key })),
    ),
    { typos: true },
  );
  const variantMatchers = new Map(
    [...variants].map(([product, list]) => [
      product,
      createPhraseMatcher(list.flatMap((v) => [...names(v), ...v.aliases].map((phrase) => ({ phrase, value: v.id })))),
    ]),
  );
  const productOf = (id: string): string => parent.get(id) ?? id;
  // Characteristic characters: in two or more of an attribute's Chinese words, and in no other attribute's.
  const charOwners = new Map<string, Set<string>>();
  const charCounts = new Map<string, number>();
  for (const [key, a] of Object.entries(graph.attributes)) {
    for (const word of new Set([a.label.zh, ...a.synonyms])) {
      for (const c of new Set(word.match(/\p{Script=Han}/gu) ?? [])) {
        if (COMMON_CHARS.has(c)) continue;
        charOwners.set(c, (charOwners.get(c) ?? new Set()).add(key));
        charCounts.set(`${key}\u0000${c}`, (charCounts.get(`${key}\u0000${c}`) ?? 0) + 1);
      }
    }
  }
  const headChars = new Map<string, string>();
  for (const [c, owners] of charOwners) {
    const [key] = [...owners];
    if (owners.size === 1 && key !== undefined && (charCounts.get(`${key}\u0000${c}`) ?? 0) >= 2) headChars.set(c, key);
  }
  const typoScore = (typos: number): number => MENTION_SCORES.exact * MENTION_SCORES.typo ** typos;
  const nameMentions = rememberLast((text: string): readonly PhraseMatch<string>[] => entityMatcher.mentions(text));

  const linkEntities = (text: string): EntityMention[] => {
    const normalized = entityNorm(normalizeForPhrases(text));
    return nameMentions(text).map((m) => {
      const next = WORD_AFTER.exec(normalized.slice(m.start + m.length))?.[1];
      const unknownSuffix =
        next !== undefined && MODEL_SUFFIX.test(next) && (/^\d/.test(next) || !knownWords.has(next));
      const score = typoScore(m.typos) * (unknownSuffix ? MENTION_SCORES.unknownSuffix : 1);
      return { entityId: m.value, start: m.start, length: m.length, score, typos: m.typos, unknownSuffix };
    });
  };
  const linkAttributes = rememberLast((text: string): readonly AttributeMention[] => {
    // Attribute words inside an entity's name ("流量" in "流量加油包") are part of the name.
    let masked = entityNorm(normalizeForPhrases(text));
    for (const m of nameMentions(text)) {
      masked = `${masked.slice(0, m.start)}${' '.repeat(m.length)}${masked.slice(m.start + m.length)}`;
    }
    return attributeMatcher.mentionsIn(masked).map((m) => ({
      key: m.value,
      start: m.start,
      length: m.length,
      score: typoScore(m.typos),
      typos: m.typos,
      cue: QUESTION_PHRASE.test(m.phrase) ? ('question' as const) : ('synonym' as const),
    }));
  });
  const attributeCandidates = (text: string): AttributeMention[] => {
    const all = linkAttributes(text);
    const named = all.filter((m) => m.cue === 'synonym');
    return named.length > 0 ? named : [...all];
  };
  const linkAttribute = (text: string): AttributeMention | undefined => attributeCandidates(text).at(-1);
  const valueOf = (id: string, key: string): FoundValue | undefined => {
    const seen = new Set<string>();
    for (let cur: string | undefined = id; cur !== undefined && !seen.has(cur); cur = parent.get(cur)) {
      seen.add(cur);
      const value = entities.get(cur)?.attributes[key];
      if (value !== undefined) return { entityId: cur, value };
    }
    return undefined;
  };
  const relationsOf = (id: string): readonly GraphRelation[] => [
    ...(outgoing.get(id) ?? []),
    ...(parent.has(id) ? (outgoing.get(productOf(id)) ?? []) : []),
  ];
  const residue = rememberLast((text: string): string => {
    let masked = entityNorm(normalizeForPhrases(text));
    const blank = (start: number, length: number): void => {
      masked = `${masked.slice(0, start)}${' '.repeat(length)}${masked.slice(start + length)}`;
    };
    for (const m of nameMentions(text)) blank(m.start, m.length);
    // Attribute words are found outside names (as linked); variant words anywhere else.
    for (const m of linkAttributes(text)) blank(m.start, m.length);
    for (const matcher of variantMatchers.values())
      for (const m of matcher.mentionsIn(masked)) blank(m.start, m.length);
    return masked;
  });
  return {
    entity: (id) => entities.get(id),
    attribute: (key) => graph.attributes[key],
    attributeKeys: Object.keys(graph.attributes),
    linkEntities,
    linkEntity: (text) =>
      [...linkEntities(text)].sort((a, b) => b.length - a.length || b.score - a.score || a.start - b.start)[0],
    linkAttributes: (text) => [...linkAttributes(text)],
    linkAttribute,
    attributeCandidates,
    guessAttribute: (text) => {
      const rest = residue(text);
      const found = new Map<string, number>();
      for (const m of rest.matchAll(/\p{Script=Han}/gu)) {
        const key = headChars.get(m[0]);
        if (key !== undefined && !found.has(key)) found.set(key, m.index);
      }
      const only = found.size === 1 ? [...found][0] : undefined;
      if (only === undefined) return undefined;
      return { key: only[0], start: only[1], length: 1, score: GUESSED_ATTRIBUTE_SCORE, typos: 0, cue: 'guess' };
    },
    linkVariant: (text, productId) => variantMatchers.get(productOf(productId))?.longest(text),
    mentionsVariant: (text) => [...variantMatchers.values()].some((m) => m.longest(text) !== undefined),
    productOf,
    variantsOf: (productId) => variants.get(productId) ?? [],
    valueOf,
    relationsOf,
    residue,
    findValue: (id, key) => {
      const own = valueOf(id, key);
      if (own !== undefined) return own;
      for (const relation of relationsOf(id)) {
        const value = entities.get(relation[2])?.attributes[key];
        if (value !== undefined) return { entityId: relation[2], value, via: relation };
      }
      return undefined;
    },
  };
}
