/**
 * Cases where any graph answer is wrong: entities held out of the graph (asked against a graph without them),
 * other models of known products ("claw phone 16"), attributes held out of the graph, aspects the graph does not
 * hold, the bot's own FAQ questions and intent examples (also right after a product question), and general
 * out-of-scope questions.
 */
import { FAQ_INTENT_PREFIX } from '../../core/engine/decide.js';
import type { ConversationContext } from '../../core/engine/context.js';
import type { KnowledgeGraph } from '../../core/engine/types.js';
import { fnv1a } from '../../core/math/hash.js';
import { GENERIC_OUT_OF_SCOPE } from '../retrieval/out-of-scope.js';
import type { CaseBuilder } from './case-types.js';
import { fill, otherModel, withoutAttributes, withoutEntities } from './graph-parts.js';
import { remembered } from './positive-cases.js';
import * as T from './templates.js';

const NONE: ConversationContext = { entityHistory: [] };

/** Attributes a held-out entity is asked about: a variant answered by its product is wrong only where they differ. */
function heldOutKeys(b: CaseBuilder, id: string): string[] {
  if (!b.variants.has(id)) return b.keysOf(id);
  const own = b.bot.graph.entities.find((e) => e.id === id)?.attributes ?? {};
  const product = b.index.productOf(id);
  return Object.keys(own).filter(
    (key) => JSON.stringify(own[key]) !== JSON.stringify(b.index.valueOf(product, key)?.value),
  );
}

function heldOutEntities(b: CaseBuilder, graphs: Map<string, KnowledgeGraph>): void {
  const { random, index, folds } = b;
  // A product with its variants, or one variant, or one other entity.
  const groups = [
    ...b.products.map((p) => [p.id, ...index.variantsOf(p.id).map((v) => v.id)]),
    ...[...b.variants].map((v) => [v]),
  ];
  for (let f = 0; f < folds; f++) {
    const ids = new Set(groups.filter((g) => fnv1a(`entity:${g.join(',')}`) % folds === f).flat());
    if (ids.size === 0) continue;
    const key = `entities:${f}`;
    graphs.set(key, withoutEntities(b.bot.graph, ids));
    for (const id of b.capped([...ids], Math.ceil(b.capped(b.bot.graph.entities).length / folds) + 1)) {
      for (const attribute of random.sample(heldOutKeys(b, id), 2)) b.named(id, attribute, key, 'held-out-entity');
      if (b.variants.has(id)) continue;
      const name = b.nameOf(id);
      b.add({
        text: fill(b.template(T.OVERVIEW, name), { e: name }),
        context: NONE,
        category: 'held-out-entity',
        graph: key,
      });
    }
  }
}

function heldOutAttributes(b: CaseBuilder, graphs: Map<string, KnowledgeGraph>): void {
  const { random, index, folds } = b;
  for (let f = 0; f < folds; f++) {
    const keys = index.attributeKeys.filter((key) => fnv1a(`attribute:${key}`) % folds === f);
    if (keys.length === 0) continue;
    const graph = `attributes:${f}`;
    graphs.set(graph, withoutAttributes(b.bot.graph, new Set(keys)));
    for (const key of keys) {
      const holders = b.bot.graph.entities.filter((e) => index.findValue(e.id, key) !== undefined);
      for (const e of random.sample(holders, 3)) b.named(e.id, key, graph, 'held-out-attribute');
      const products = holders.filter((e) => !b.variants.has(e.id));
      if (products.length === 0) continue;
      const word = b.wordOf(key);
      b.add({
        text: fill(b.template(T.ATTRIBUTE_FOLLOW_UP, word), { a: word }),
        context: remembered(random.pick(products).id, undefined, random.int(3)),
        category: 'held-out-attribute',
        graph,
      });
    }
  }
}

/** Adds the negative cases, and the graphs they are asked against to `graphs`. */
export function addNegativeCases(b: CaseBuilder, ownTexts: number, graphs: Map<string, KnowledgeGraph>): void {
  const { random, index, products } = b;
  heldOutEntities(b, graphs);
  heldOutAttributes(b, graphs);
  for (const e of b.capped(products)) {
    for (const name of random.sample(b.namesOf(e.id), 2)) {
      const keys = b.keysOf(e.id);
      if (keys.length === 0) continue;
      const word = b.wordOf(random.pick(keys));
      const other = otherModel(name, T.MODEL_SUFFIXES, random);
      b.add({ text: fill(b.template(T.NAMED, word), { e: other, a: word }), context: NONE, category: 'other-model' });
    }
  }
  // Aspects the graph does not hold (those it links to an attribute are known to this bot).
  for (const aspect of [...T.UNKNOWN_ASPECTS.zh, ...T.UNKNOWN_ASPECTS.en]) {
    if (index.attributeCandidates(aspect).length > 0) continue;
    for (const e of random.sample(products, 2)) {
      b.add({
        text: fill(b.template(T.UNKNOWN, aspect), { e: b.nameOf(e.id), u: aspect }),
        context: NONE,
        category: 'unknown-aspect',
      });
    }
  }
  // The bot's own texts and general out-of-scope questions: alone, and right after a product question.
  const focus = (): ConversationContext => {
    if (products.length === 0) return NONE;
    const p = random.pick(products);
    return remembered(p.id, random.pick([undefined, ...b.keysOf(p.id)]), random.int(3));
  };
  const own = random.sample(
    [
      ...b.bot.intents
        .filter((i) => i.action !== 'kg')
        .flatMap((i) => i.examples.map((text) => ({ text, unit: i.id }))),
      ...b.bot.faq.flatMap((q) => q.questions.map((text) => ({ text, unit: `${FAQ_INTENT_PREFIX}${q.id}` }))),
    ],
    ownTexts,
  );
  for (const { text, unit } of own) {
    b.add({ text, unit, context: NONE, category: 'bot-text' });
    b.add({ text, unit, context: focus(), category: 'bot-text' });
  }
  for (const text of GENERIC_OUT_OF_SCOPE) {
    b.add({ text, context: NONE, category: 'out-of-scope' });
    b.add({ text, context: focus(), category: 'out-of-scope' });
  }
}
