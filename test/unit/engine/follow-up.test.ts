import assert from 'node:assert/strict';
import {
  conversationContext,
  createGraphIndex,
  LINK_SCORES,
  resolveKgQuery,
  type KnowledgeGraph,
} from '../../../core/engine/index.js';
import type { MemoryTurn } from '../../../core/ports/memory.js';

const graph: KnowledgeGraph = {
  attributes: {
    price: { label: { zh: '价格', en: 'price' }, synonyms: ['多少钱', 'how much', 'cost'] },
    stock: { label: { zh: '库存', en: 'stock' }, synonyms: ['有货', 'in stock'] },
    warranty: { label: { zh: '保修', en: 'warranty' }, synonyms: ['保修'] },
  },
  entities: [
    {
      id: 'phone',
      type: 'product',
      name: { zh: '爪机15', en: 'Claw Phone 15' },
      aliases: ['爪机', 'claw phone'],
      attributes: { price: 5999, warranty: '2y', stock: 'yes' },
    },
    {
      id: 'phone-black',
      type: 'variant',
      name: { zh: '爪机15 黑色', en: 'Claw Phone 15 (black)' },
      aliases: ['黑色', 'black'],
      attributes: { price: 5999, stock: '120' },
    },
    {
      id: 'buds',
      type: 'product',
      name: { zh: '爪耳机', en: 'Claw Buds' },
      aliases: ['buds'],
      attributes: { price: 899 },
    },
  ],
  relations: [['phone-black', 'variant_of', 'phone']],
};
const index = createGraphIndex(graph);

function turn(at: number, meta: Record<string, string>): MemoryTurn {
  return { id: `t${at}`, user: 'x', replies: [], at, meta };
}

describe('graph index', () => {
  it('links entities by the longest name or alias, ignoring case, width and spacing', () => {
    assert.equal(index.linkEntity('ＣＬＡＷ ＰＨＯＮＥ 15 多少钱')?.value, 'phone');
    assert.equal(index.linkEntity('clawphone15?')?.value, 'phone');
    assert.equal(index.linkEntity('爪机15多少钱')?.phrase, '爪机15');
    assert.equal(index.linkEntity('my earbuds')?.value, undefined, 'Latin aliases need word boundaries');
  });

  it('only links a variant alias within its product', () => {
    assert.equal(index.linkEntity('black one'), undefined);
    assert.equal(index.linkVariant('what about the black one', 'phone')?.value, 'phone-black');
    assert.equal(index.linkVariant('what about the black one', 'phone-black')?.value, 'phone-black');
    assert.equal(index.linkVariant('black', 'buds'), undefined);
    assert.equal(index.linkEntity('爪机15 黑色 多少钱')?.value, 'phone-black', 'full variant names link');
  });

  it('links attributes by synonyms and labels and falls back to the product for values', () => {
    assert.equal(index.linkAttribute('How much?')?.value, 'price');
    assert.equal(index.linkAttribute('保修多久')?.value, 'warranty');
    assert.deepEqual(index.valueOf('phone-black', 'warranty'), { entityId: 'phone', value: '2y' });
    assert.deepEqual(index.valueOf('phone-black', 'stock'), { entityId: 'phone-black', value: '120' });
    assert.equal(index.valueOf('buds', 'warranty'), undefined);
    assert.equal(index.productOf('phone-black'), 'phone');
  });
});

describe('conversationContext', () => {
  it('takes each field from the latest turn that has it', () => {
    const history = [
      turn(1000, { entity: 'buds', attribute: 'stock', lang: 'en' }),
      turn(2000, { entity: 'phone', lang: 'zh' }),
      turn(3000, { intent: 'returns' }),
    ];
    assert.deepEqual(conversationContext(history, 4000, 60_000), {
      entity: { value: 'phone', turnsAgo: 1 },
      attribute: { value: 'stock', turnsAgo: 2 },
      lang: 'zh',
    });
  });

  it('ignores turns older than the window', () => {
    assert.deepEqual(conversationContext([turn(1000, { entity: 'phone' })], 100_000, 60_000), {});
  });
});

describe('resolveKgQuery', () => {
  it('resolves an explicit question', () => {
    const r = resolveKgQuery('爪机15多少钱', index, {});
    assert.equal(r.mentioned, 'phone');
    assert.deepEqual(r.query && { ...r.query, value: r.query.value }, {
      entityId: 'phone',
      attribute: 'price',
      valueEntityId: 'phone',
      value: 5999,
      entityScore: LINK_SCORES.explicit,
      attributeScore: LINK_SCORES.explicit,
      confidence: LINK_SCORES.explicit,
      explicit: true,
    });
  });

  it('takes the product from memory for "how much is it?"', () => {
    const r = resolveKgQuery('how much is it?', index, { entity: { value: 'phone', turnsAgo: 0 } });
    assert.equal(r.query?.entityId, 'phone');
    assert.equal(r.query?.explicit, false);
    assert.ok(Math.abs((r.query?.confidence ?? 0) - Math.sqrt(LINK_SCORES.remembered * LINK_SCORES.explicit)) < 1e-12);
    assert.equal(r.mentioned, undefined);
  });

  it('narrows to a variant and keeps the remembered attribute for "那黑色的呢？"', () => {
    const r = resolveKgQuery('那黑色的呢？', index, {
      entity: { value: 'phone', turnsAgo: 0 },
      attribute: { value: 'stock', turnsAgo: 0 },
    });
    assert.equal(r.mentioned, 'phone-black');
    assert.equal(r.query?.entityId, 'phone-black');
    assert.equal(r.query?.attribute, 'stock');
    assert.equal(r.query?.value, '120');
  });

  it('moves the remembered attribute to a newly named product', () => {
    const r = resolveKgQuery('what about Claw Buds?', index, {
      entity: { value: 'phone', turnsAgo: 0 },
      attribute: { value: 'price', turnsAgo: 0 },
    });
    assert.equal(r.query?.entityId, 'buds');
    assert.equal(r.query?.value, 899);
  });

  it('decays remembered links with distance', () => {
    const near = resolveKgQuery('how much', index, { entity: { value: 'phone', turnsAgo: 0 } });
    const far = resolveKgQuery('how much', index, { entity: { value: 'phone', turnsAgo: 3 } });
    assert.ok((far.query?.confidence ?? 1) < (near.query?.confidence ?? 0));
  });

  it('never makes a question from memory alone, nor without a value', () => {
    const context = { entity: { value: 'phone', turnsAgo: 0 }, attribute: { value: 'price', turnsAgo: 0 } };
    assert.equal(resolveKgQuery('怎么退货', index, context).query, undefined);
    assert.equal(resolveKgQuery('buds 保修', index, {}).query, undefined);
    assert.equal(resolveKgQuery('多少钱', index, {}).query, undefined);
    assert.equal(resolveKgQuery('how much', index, { entity: { value: 'gone', turnsAgo: 0 } }).query, undefined);
  });
});
