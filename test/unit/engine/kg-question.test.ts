import assert from 'node:assert/strict';
import {
  conversationContext,
  createGraphIndex,
  LINK_SCORES,
  resolveKgQuestion,
  trackContext,
  type ConversationContext,
  type KnowledgeGraph,
} from '../../../core/engine/index.js';
import type { MemoryTurn } from '../../../core/ports/memory.js';

const graph: KnowledgeGraph = {
  attributes: {
    price: { label: { zh: '价格', en: 'price' }, synonyms: ['多少钱', 'how much', 'cost'] },
    stock: { label: { zh: '库存', en: 'stock' }, synonyms: ['有货', 'in stock'] },
    warranty: { label: { zh: '保修', en: 'warranty' }, synonyms: ['保修'] },
    weight: { label: { zh: '重量', en: 'weight' }, synonyms: ['多重', 'heavy'] },
    data: { label: { zh: '流量', en: 'data' }, synonyms: ['流量', 'data'] },
    coverage: { label: { zh: '保修范围', en: 'coverage' }, synonyms: ['保修范围', 'cover', 'covers'] },
  },
  entities: [
    {
      id: 'phone',
      type: 'product',
      name: { zh: '爪机15', en: 'Claw Phone 15' },
      aliases: ['爪机', 'claw phone'],
      attributes: { price: '¥5999', warranty: '2y', stock: 'yes', weight: '172 g' },
    },
    {
      id: 'phone-black',
      type: 'variant',
      name: { zh: '爪机15 黑色', en: 'Claw Phone 15 (black)' },
      aliases: ['黑色', 'black'],
      attributes: { price: '¥5999', stock: '120' },
    },
    {
      id: 'watch',
      type: 'product',
      name: { zh: '爪表', en: 'Claw Watch' },
      aliases: ['claw watch'],
      attributes: { price: '¥1299', weight: '38 g' },
    },
    {
      id: 'booster',
      type: 'addon',
      name: { zh: '流量加油包', en: 'Data Booster' },
      aliases: [],
      attributes: { data: '5 GB' },
    },
    {
      id: 'care',
      type: 'policy',
      name: { zh: '整机保修', en: 'Device Care' },
      aliases: [],
      attributes: { coverage: 'faults' },
    },
  ],
  relations: [
    ['phone-black', 'variant_of', 'phone'],
    ['phone', 'warranty_policy', 'care'],
  ],
};
const index = createGraphIndex(graph, new Set(['price', 'please']));
const none: ConversationContext = { entityHistory: [] };
const turn = (at: number, meta: Record<string, string>): MemoryTurn => ({
  id: `t${at}`,
  user: 'x',
  replies: [],
  at,
  meta,
});

describe('graph index', () => {
  it('links names and aliases, longest first, ignoring case, width and spacing', () => {
    assert.equal(index.linkEntity('ＣＬＡＷ ＰＨＯＮＥ 15 多少钱')?.entityId, 'phone');
    assert.equal(index.linkEntity('clawphone15 price')?.entityId, 'phone');
    assert.equal(index.linkEntity('爪机十五多少钱')?.entityId, 'phone', 'Chinese numerals');
    assert.equal(index.linkEntity('黑色的多少钱'), undefined, 'variant aliases only within their product');
    assert.deepEqual(
      index.linkEntities('爪机15和爪表').map((m) => m.entityId),
      ['phone', 'watch'],
    );
  });

  it('tolerates one typo in long Latin words, never in numbers', () => {
    assert.equal(index.linkEntity('claw phnoe 15 price')?.score, 0.9);
    assert.equal(index.linkEntity('claw wacth')?.entityId, 'watch');
    assert.equal(index.linkEntity('claw watch')?.score, 1);
    assert.equal(index.linkEntity('claw phone 16')?.score, 0.5, 'a number right after the name is another model');
    assert.equal(index.linkEntity('wacth'), undefined, 'a single word needs six letters to be matched with a typo');
  });

  it('lowers the score of a name followed by an unknown model word', () => {
    assert.equal(index.linkEntity('claw phone 15 pro price')?.score, 0.5);
    assert.equal(index.linkEntity('爪机16多少钱')?.score, 0.5);
    assert.equal(index.linkEntity('claw phone 15 price')?.score, 1);
  });

  it('reports typos, unknown model words and how an attribute was named', () => {
    const typo = index.linkEntity('claw phnoe 15 price');
    assert.equal(typo?.typos, 1);
    assert.equal(typo?.unknownSuffix, false);
    assert.equal(index.linkEntity('claw phone 15 pro price')?.unknownSuffix, true);
    assert.equal(index.linkAttribute('claw watch cost')?.cue, 'synonym');
    assert.equal(index.linkAttribute('how much is the claw watch')?.cue, 'question');
  });

  it('gives attribute offsets and the residue in the text as written, after names are blanked out', () => {
    // Blanking the name must not shift the attribute (a re-normalised copy would collapse the blank).
    assert.deepEqual(
      index.linkAttributes('爪机15现在多少钱').map((m) => [m.key, m.start, m.length]),
      [['price', 6, 3]],
    );
    assert.equal(index.residue('爪机15现在多少钱').trim(), '现在');
    assert.equal(index.residue('claw watch cost').trim(), '');
  });

  it('links attributes outside entity names and prefers named attributes over question phrases', () => {
    assert.equal(index.linkAttribute('流量加油包多少钱')?.key, 'price');
    assert.equal(index.linkAttribute('how much data')?.key, 'data');
    assert.equal(index.linkAttribute('how much is it')?.key, 'price');
  });

  it('guesses an attribute from a characteristic Chinese character when no synonym occurs', () => {
    const g = createGraphIndex({
      ...graph,
      attributes: {
        ...graph.attributes,
        price: { label: { zh: '价格', en: 'price' }, synonyms: ['价钱', '售价', '多少钱'] },
      },
    });
    assert.deepEqual(g.guessAttribute('爪表什么价'), {
      key: 'price',
      start: 4,
      length: 1,
      score: 0.85,
      typos: 0,
      cue: 'guess',
    });
    assert.equal(g.guessAttribute('爪表怎么样'), undefined);
    const q = resolveKgQuestion('爪表什么价', g, none).question;
    assert.ok(q?.kind === 'attribute' && q.attribute === 'price' && q.attributeScore === 0.85);
  });

  it('finds values on the entity, its product, or one relation away', () => {
    assert.deepEqual(index.findValue('phone-black', 'warranty'), { entityId: 'phone', value: '2y' });
    assert.deepEqual(index.findValue('phone', 'coverage'), {
      entityId: 'care',
      value: 'faults',
      via: ['phone', 'warranty_policy', 'care'],
    });
    assert.equal(index.findValue('watch', 'coverage'), undefined);
  });
});

describe('conversationContext', () => {
  it('takes each field from the latest turn that has it and keeps entities newest first', () => {
    const ctx = conversationContext(
      [
        turn(1, { entity: 'watch', attribute: 'price', lang: 'en' }),
        turn(2, { entity: 'phone', attribute: 'stock' }),
        turn(3, { intent: 'returns' }),
      ],
      10,
      1000,
    );
    assert.deepEqual(ctx.entity, { value: 'phone', turnsAgo: 1 });
    assert.deepEqual(ctx.attribute, { value: 'stock', turnsAgo: 1 });
    assert.equal(ctx.lang, 'en');
    assert.deepEqual(
      ctx.entityHistory.map((r) => r.value),
      ['phone', 'watch'],
    );
  });

  it('ignores turns older than the window and remembers the last comparison', () => {
    const ctx = conversationContext(
      [turn(1, { entity: 'watch' }), turn(500, { entities: 'phone,watch', kind: 'compare', entity: 'phone' })],
      1000,
      600,
    );
    assert.deepEqual(ctx.compared, { values: ['phone', 'watch'], turnsAgo: 0 });
    assert.deepEqual(
      ctx.entityHistory.map((r) => r.value),
      ['phone', 'watch'],
    );
    assert.deepEqual(conversationContext([turn(1, { entity: 'watch' })], 1000, 600).entityHistory, []);
  });

  it('records which fields an answer read', () => {
    const t = trackContext({ entityHistory: [], entity: { value: 'phone', turnsAgo: 0 } });
    assert.equal(t.context.entity?.value, 'phone');
    void t.context.attribute;
    assert.deepEqual(t.reads(), ['entity', 'attribute']);
  });
});

describe('resolveKgQuestion', () => {
  const remembered = (meta: Record<string, string>[]): ConversationContext =>
    conversationContext(
      meta.map((m, i) => turn(i + 1, m)),
      100,
      1000,
    );

  it('resolves an explicit question', () => {
    const r = resolveKgQuestion('爪机15多少钱', index, none);
    assert.equal(r.question?.kind, 'attribute');
    assert.ok(
      r.question?.kind === 'attribute' && r.question.explicit && r.question.confidence === LINK_SCORES.explicit,
    );
    assert.equal(r.mentioned, 'phone');
  });

  it('takes the product from memory for "how much is it?" and narrows to a variant for "那黑色的呢?"', () => {
    const ctx = remembered([{ entity: 'phone', attribute: 'stock' }]);
    const it = resolveKgQuestion('how much is it?', index, ctx).question;
    assert.ok(it?.kind === 'attribute' && it.entityId === 'phone' && it.attribute === 'price' && !it.explicit);
    assert.ok(it.kind === 'attribute' && it.elliptical);
    const black = resolveKgQuestion('那黑色的呢？', index, ctx).question;
    assert.ok(black?.kind === 'attribute' && black.entityId === 'phone-black' && black.attribute === 'stock');
    assert.equal(black.kind === 'attribute' && black.entityScore, LINK_SCORES.variantOfRemembered);
  });

  it('moves the remembered attribute to a newly named product, and finds "the other one"', () => {
    const ctx = remembered([{ entity: 'watch' }, { entity: 'phone', attribute: 'weight' }]);
    const watch = resolveKgQuestion('and the claw watch?', index, ctx).question;
    assert.ok(watch?.kind === 'attribute' && watch.entityId === 'watch' && watch.attribute === 'weight');
    const other = resolveKgQuestion('and the other one?', index, ctx).question;
    assert.ok(other?.kind === 'attribute' && other.entityId === 'watch' && other.elliptical);
  });

  it('compares named products on a named or implied attribute, and again after the comparison', () => {
    const q = resolveKgQuestion('爪机15和爪表哪个便宜', index, none).question;
    assert.ok(q?.kind === 'compare' && q.attribute === 'price' && q.direction === 'lower' && q.explicit);
    const ctx = remembered([{ entity: 'phone', entities: 'phone,watch', kind: 'compare', attribute: 'price' }]);
    const again = resolveKgQuestion('那哪个更轻', index, ctx).question;
    assert.ok(again?.kind === 'compare' && again.attribute === 'weight' && again.direction === 'lower');
  });

  it('describes a named entity without attribute; never makes a question from memory alone', () => {
    assert.equal(resolveKgQuestion('tell me about the claw watch', index, none).question?.kind, 'overview');
    const ctx = remembered([{ entity: 'phone', attribute: 'price' }]);
    assert.equal(resolveKgQuestion('好的', index, ctx).question, undefined);
    assert.equal(resolveKgQuestion('爪表保修多久', index, none).question, undefined, 'no value');
  });

  it('decays remembered links with distance', () => {
    const near = resolveKgQuestion('how much is it', index, remembered([{ entity: 'phone' }])).question;
    const far = resolveKgQuestion('how much is it', index, remembered([{ entity: 'phone' }, {}, {}])).question;
    assert.ok(near !== undefined && far !== undefined && far.confidence < near.confidence);
  });

  it('reads memory only when the message needs it', () => {
    const t = trackContext(remembered([{ entity: 'phone', attribute: 'price' }]));
    resolveKgQuestion('退货怎么办', index, t.context);
    assert.deepEqual(t.reads(), []);
    resolveKgQuestion('how much is it?', index, t.context);
    assert.deepEqual(t.reads(), ['entity']);
  });
});
