/**
 * Cases with a right graph answer: an attribute of a named entity (names and aliases × attribute words, Chinese
 * and English templates, some mixed, some with a typing slip), follow-ups resolved against a remembered entity,
 * attribute, variant or "the other one", overviews and comparisons.
 */
import type { ConversationContext } from '../../core/engine/context.js';
import type { KnowledgeGraph } from '../../core/engine/types.js';
import { fnv1a } from '../../core/math/hash.js';
import type { CaseBuilder } from './case-types.js';
import { fill, variantWords, withoutSynonyms, withTypo } from './graph-parts.js';
import * as T from './templates.js';

const NONE: ConversationContext = { entityHistory: [] };

/** A context remembering an entity (and an attribute) from `turnsAgo` turns back. */
export function remembered(entity: string, attribute: string | undefined, turnsAgo: number): ConversationContext {
  return {
    entity: { value: entity, turnsAgo },
    entityHistory: [{ value: entity, turnsAgo }],
    ...(attribute === undefined ? {} : { attribute: { value: attribute, turnsAgo } }),
  };
}

function followUps(b: CaseBuilder, id: string, key: string): void {
  const { random } = b;
  const truth = { kind: 'attribute' as const, entityId: id, attribute: key };
  const word = b.wordOf(key);
  b.add({
    text: fill(b.template(T.ATTRIBUTE_FOLLOW_UP, word), { a: word }),
    context: remembered(id, undefined, random.int(3)),
    truth,
    category: 'follow-up',
  });
  const before = random.pick(b.products);
  if (before.id === id) return;
  const name = b.nameOf(id);
  b.add({
    text: fill(b.template(T.ENTITY_FOLLOW_UP, name), { e: name }),
    context: remembered(before.id, key, random.int(2)),
    truth,
    category: 'follow-up',
  });
  if (b.index.findValue(before.id, key) === undefined) return;
  b.add({
    text: random.pick([...T.OTHER_FOLLOW_UP.zh, ...T.OTHER_FOLLOW_UP.en]),
    context: {
      entity: { value: before.id, turnsAgo: 0 },
      attribute: { value: key, turnsAgo: 0 },
      entityHistory: [
        { value: before.id, turnsAgo: 0 },
        { value: id, turnsAgo: 1 },
      ],
    },
    truth,
    category: 'follow-up',
  });
}

/**
 * Attribute words held out of the graph, in folds, asked of entities that have the attribute: "爪板价钱" with 价钱
 * unlisted may still reach the price (by 价格's characteristic character), or miss it.
 */
function heldOutSynonyms(b: CaseBuilder, graphs: Map<string, KnowledgeGraph>): void {
  const { random, index, folds } = b;
  for (let f = 0; f < folds; f++) {
    const held = new Map<string, Set<string>>();
    for (const [key, a] of Object.entries(b.bot.graph.attributes)) {
      const words = a.synonyms.filter(
        (w) => w !== a.label.zh && w !== a.label.en && fnv1a(`synonym:${key}:${w}`) % folds === f,
      );
      if (words.length > 0) held.set(key, new Set(words));
    }
    if (held.size === 0) continue;
    const graph = `synonyms:${f}`;
    graphs.set(graph, withoutSynonyms(b.bot.graph, held));
    for (const [key, words] of held) {
      const holders = b.bot.graph.entities.filter((e) => index.findValue(e.id, key) !== undefined);
      if (holders.length === 0) continue;
      for (const word of random.sample([...words], 2)) {
        const id = random.pick(holders).id;
        b.add({
          text: fill(b.template(T.NAMED, word), { e: b.nameOf(id), a: word }),
          context: NONE,
          truth: { kind: 'attribute', entityId: id, attribute: key },
          category: 'held-out-synonym',
          graph,
        });
      }
    }
  }
}

export function addPositiveCases(b: CaseBuilder, perPair: number, graphs: Map<string, KnowledgeGraph>): void {
  heldOutSynonyms(b, graphs);
  const { random, index } = b;
  for (const e of b.asked) {
    for (const key of b.capped(b.keysOf(e.id), b.keysPerEntity)) {
      for (let i = 0; i < perPair; i++) b.named(e.id, key);
      // A typing slip in the name or the attribute word.
      const word = b.wordOf(key);
      const name = b.nameOf(e.id);
      const slip = random.next() < 0.5;
      const slipped = withTypo(slip ? name : word, random);
      const truth = { kind: 'attribute' as const, entityId: e.id, attribute: key };
      if (slipped !== undefined) {
        const text = fill(b.template(T.NAMED, word), { e: slip ? slipped : name, a: slip ? word : slipped });
        b.add({ text, context: NONE, truth, category: 'typo' });
      }
      if (!b.variants.has(e.id)) followUps(b, e.id, key);
    }
    for (const v of index.variantsOf(e.id)) {
      const words = variantWords(v);
      const keys = b.keysOf(v.id);
      if (words.length === 0 || keys.length === 0) continue;
      const word = random.pick(words);
      const key = random.pick(keys);
      b.add({
        text: fill(b.template(T.VARIANT_FOLLOW_UP, word), { v: word }),
        context: remembered(e.id, key, random.int(2)),
        truth: { kind: 'attribute', entityId: v.id, attribute: key },
        category: 'follow-up',
      });
    }
    for (const name of random.sample(b.namesOf(e.id), b.bot.graph.entities.length > 60 ? 1 : 2)) {
      b.add({
        text: fill(b.template(T.OVERVIEW, name), { e: name }),
        context: NONE,
        truth: { kind: 'overview', entityId: e.id },
        category: 'overview',
      });
    }
  }
  // Comparisons: two entities of one type that both have a value for the attribute.
  for (const e of b.capped(b.products)) {
    for (const f of random.sample(
      b.products.filter((x) => x.type === e.type && x.id !== e.id),
      2,
    )) {
      const shared = b.keysOf(e.id).filter((key) => index.findValue(f.id, key) !== undefined);
      if (shared.length === 0) continue;
      const key = random.pick(shared);
      const word = b.wordOf(key);
      b.add({
        text: fill(b.template(T.COMPARE, word), { e: b.nameOf(e.id), f: b.nameOf(f.id), a: word }),
        context: NONE,
        truth: { kind: 'compare', entityIds: [e.id, f.id], attribute: key },
        category: 'compare',
      });
    }
  }
}
