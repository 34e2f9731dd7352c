/**
 * Labelled knowledge-graph questions generated from a bot's own data (deterministic for a seed): right answers
 * exist for the positive kinds (positive-cases.ts), any graph answer is wrong for the negative ones
 * (negative-cases.ts).
 */
import type { GraphIndex } from '../../core/engine/graph.js';
import type { BotDefinition, KnowledgeGraph } from '../../core/engine/types.js';
import type { CaseBuilder, KgCase, KgCaseCategory, KgCaseOptions, KgCaseSet } from './case-types.js';
import { attributeWords, entityNames, fill, hasHan, variantIds } from './graph-parts.js';
import { addNegativeCases } from './negative-cases.js';
import { addPositiveCases } from './positive-cases.js';
import { createRandom } from './random.js';
import * as T from './templates.js';

/** Graphs with more entities than this are asked proportionally fewer questions. */
export const LARGE_GRAPH = 300;

/** Generates the cases; `index` is the bot's full graph index. */
export function generateKgCases(bot: BotDefinition, index: GraphIndex, options: KgCaseOptions = {}): KgCaseSet {
  const random = createRandom(options.seed ?? 0x6b67);
  const { graph } = bot;
  const variants = variantIds(graph);
  const names = new Map(graph.entities.map((e) => [e.id, entityNames(e, variants.has(e.id))]));
  const words = new Map(Object.entries(graph.attributes).map(([key, a]) => [key, attributeWords(a)]));
  const keys = new Map<string, string[]>();
  const cases: KgCase[] = [];
  // Linking a question costs in proportion to the names in the graph: large graphs are asked fewer questions.
  const scale = Math.min(1, LARGE_GRAPH / Math.max(1, graph.entities.length));
  const maxEntities = options.maxEntities ?? Math.max(15, Math.round(60 * scale));
  const maxPairs = options.maxPairs ?? Math.max(60, Math.round(400 * scale));
  const capped = <T>(items: readonly T[], n = maxEntities): readonly T[] =>
    items.length <= n ? items : random.sample(items, n);
  const asked = capped(graph.entities, Math.max(maxEntities, Math.floor(maxPairs / 2)));
  const b: CaseBuilder = {
    capped,
    asked,
    keysPerEntity: Math.max(2, Math.floor(maxPairs / Math.max(1, asked.length))),
    bot,
    index,
    random,
    folds: Math.max(2, options.folds ?? 5),
    variants,
    products: graph.entities.filter((e) => !variants.has(e.id)),
    namesOf: (id) => names.get(id) ?? [id],
    nameOf: (id) => random.pick(names.get(id) ?? [id]),
    wordOf: (key) => random.pick(words.get(key) ?? [key]),
    keysOf: (id) => {
      let found = keys.get(id);
      if (found === undefined) {
        found = index.attributeKeys.filter((key) => index.findValue(id, key) !== undefined);
        keys.set(id, found);
      }
      return found;
    },
    template: (set, word) => random.pick(hasHan(word) !== random.next() < 0.15 ? set.zh : set.en),
    add: (c) => {
      if (c.text.trim() !== '') cases.push({ ...c, graph: c.graph ?? 'full' });
    },
    named: (id, key, graphKey = 'full', category: KgCaseCategory = 'named') => {
      const word = b.wordOf(key);
      const text = fill(b.template(T.NAMED, word), { e: b.nameOf(id), a: word });
      const truth = category === 'named' ? { truth: { kind: 'attribute' as const, entityId: id, attribute: key } } : {};
      b.add({ text, context: { entityHistory: [] }, category, graph: graphKey, ...truth });
    },
  };
  const graphs = new Map<string, KnowledgeGraph>([['full', graph]]);
  addPositiveCases(b, options.perPair ?? 3, graphs);
  addNegativeCases(b, options.ownTexts ?? Math.max(40, Math.round(150 * scale)), graphs);
  return { cases, graphs };
}
