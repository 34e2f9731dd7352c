/** Generated knowledge-graph calibration cases: what they are and what generating them shares. */
import type { ConversationContext } from '../../core/engine/context.js';
import type { GraphIndex } from '../../core/engine/graph.js';
import type { BotDefinition, KnowledgeGraph } from '../../core/engine/types.js';
import type { Random } from './random.js';

/** What a right answer to a case is. */
export type KgTruth =
  | { readonly kind: 'attribute'; readonly entityId: string; readonly attribute: string }
  | { readonly kind: 'overview'; readonly entityId: string }
  | { readonly kind: 'compare'; readonly entityIds: readonly string[]; readonly attribute: string };

/** Kinds with a right answer (a held-out synonym's may or may not be found). */
export const POSITIVE_CATEGORIES = ['named', 'typo', 'follow-up', 'overview', 'compare', 'held-out-synonym'] as const;
export const NEGATIVE_CATEGORIES = [
  'held-out-entity',
  'other-model',
  'held-out-attribute',
  'unknown-aspect',
  'bot-text',
  'out-of-scope',
] as const;
export type KgCaseCategory = (typeof POSITIVE_CATEGORIES)[number] | (typeof NEGATIVE_CATEGORIES)[number];

/** One generated question. */
export interface KgCase {
  readonly text: string;
  readonly context: ConversationContext;
  /** The right answer; absent: any graph answer is wrong. */
  readonly truth?: KgTruth;
  readonly category: KgCaseCategory;
  /** Key of the graph it is asked against (`full`, or one with parts held out). */
  readonly graph: string;
  /** For the bot's own texts: the unit (`INTENT` or `faq:ID`) it belongs to. */
  readonly unit?: string;
}

export interface KgCaseSet {
  readonly cases: readonly KgCase[];
  /** Graphs by key; `full` is the bot's. */
  readonly graphs: ReadonlyMap<string, KnowledgeGraph>;
}

export interface KgCaseOptions {
  readonly seed?: number;
  /** Folds of held-out entities and of held-out attributes (default 5). */
  readonly folds?: number;
  /** Named questions per entity and attribute (default 3). */
  readonly perPair?: number;
  /** The bot's own texts asked, at most (default 150; each alone and after a product question). */
  readonly ownTexts?: number;
  /** Entity-attribute pairs asked about, at most (default 400, fewer above 300 entities: keeps loading fast). */
  readonly maxPairs?: number;
  /** Entities (or products) each other kind of case is generated for, at most (default 60, fewer above 300). */
  readonly maxEntities?: number;
}

/** What the generators share: the bot, its index, names and words, the random source and the case list. */
export interface CaseBuilder {
  readonly bot: BotDefinition;
  readonly index: GraphIndex;
  readonly random: Random;
  readonly folds: number;
  readonly variants: ReadonlySet<string>;
  /** At most `n` of the items, sampled when there are more (small graphs keep every item, in order). */
  capped<T>(items: readonly T[], n?: number): readonly T[];
  /** The entities asked about by name (all, or a sample of a large graph). */
  readonly asked: readonly BotDefinition['graph']['entities'][number][];
  /** Attribute pairs per entity, at most, for the named and follow-up cases. */
  readonly keysPerEntity: number;
  /** Entities that are not variants. */
  readonly products: readonly BotDefinition['graph']['entities'][number][];
  namesOf(id: string): readonly string[];
  /** One of the entity's names, at random. */
  nameOf(id: string): string;
  /** One of the attribute's words, at random. */
  wordOf(attribute: string): string;
  /** Attributes with a value for the entity (its own, its product's, or one hop away). */
  keysOf(id: string): string[];
  /** A template of the set in the word's language (now and then the other one: mixed questions). */
  template(set: { readonly zh: readonly string[]; readonly en: readonly string[] }, word: string): string;
  add(c: Omit<KgCase, 'graph'> & { graph?: string }): void;
  /** An attribute of a named entity: right in the full graph, else (held out) wrong. */
  named(id: string, attribute: string, graph?: string, category?: KgCaseCategory): void;
}
