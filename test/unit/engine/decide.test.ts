import assert from 'node:assert/strict';
import {
  decideTurn,
  type DecisionInput,
  type FaqEntry,
  type IntentDefinition,
  type KgQuery,
} from '../../../core/engine/index.js';

const returns: IntentDefinition = {
  id: 'returns',
  examples: ['退货'],
  action: 'faq',
  answer: { zh: '可以退', en: 'yes' },
};
const product: IntentDefinition = { id: 'product', examples: ['price'], action: 'kg' };
const complaint: IntentDefinition = { id: 'human', examples: ['投诉'], action: 'handoff' };
const refund: FaqEntry = { id: 'refund-time', questions: ['多久'], answer: { zh: '3 天', en: '3 days' }, tags: [] };

function query(explicit: boolean, confidence = 0.95): KgQuery {
  return {
    entityId: 'p',
    attribute: 'price',
    valueEntityId: 'p',
    value: 1,
    entityScore: confidence,
    attributeScore: confidence,
    confidence,
    explicit,
  };
}

function input(over: Partial<DecisionInput>): DecisionInput {
  return {
    intent: 'returns',
    confidence: 0.9,
    target: { kind: 'intent', intent: returns },
    kg: {},
    askedForHuman: false,
    thresholdFor: () => 0.8,
    followUpYield: 0.5,
    ...over,
  };
}

describe('decideTurn', () => {
  it('answers at the threshold and hands off just below it', () => {
    const table: [number, string][] = [
      [0.79, 'handoff'],
      [0.7999, 'handoff'],
      [0.8, 'intent'],
      [0.81, 'intent'],
    ];
    for (const [confidence, kind] of table) {
      assert.equal(decideTurn(input({ confidence })).kind, kind, `confidence ${confidence}`);
    }
    const low = decideTurn(input({ confidence: 0.3 }));
    assert.deepEqual(low, { kind: 'handoff', reason: 'low_confidence', intent: 'returns', confidence: 0.3 });
  });

  it('uses the per-intent threshold', () => {
    const thresholdFor = (intent: string): number => (intent === 'returns' ? 0.95 : 0.8);
    assert.equal(decideTurn(input({ confidence: 0.9, thresholdFor })).kind, 'handoff');
  });

  it('hands off on an explicit request even when an answer is sure', () => {
    const d = decideTurn(input({ confidence: 1, askedForHuman: true, kg: { query: query(true) } }));
    assert.deepEqual(d, { kind: 'handoff', reason: 'user_request', intent: 'human', confidence: 1 });
  });

  it('hands off a confident handoff intent as a user request', () => {
    const d = decideTurn(input({ intent: 'human', target: { kind: 'intent', intent: complaint } }));
    assert.equal(d.kind === 'handoff' && d.reason, 'user_request');
  });

  it('answers FAQ pseudo-intents', () => {
    const d = decideTurn(input({ intent: 'faq:refund-time', target: { kind: 'faq', faq: refund } }));
    assert.deepEqual(d, { kind: 'faq', faq: refund, confidence: 0.9 });
  });

  it('prefers an explicit attribute question over any intent', () => {
    const d = decideTurn(input({ confidence: 0.99, kg: { query: query(true) } }));
    assert.equal(d.kind, 'kg');
  });

  it('lets a confident other intent win over a follow-up from memory', () => {
    assert.equal(decideTurn(input({ confidence: 0.9, kg: { query: query(false) } })).kind, 'intent');
  });

  it('answers a follow-up when the classifier is unsure or leans to products', () => {
    assert.equal(decideTurn(input({ confidence: 0.3, kg: { query: query(false) } })).kind, 'kg');
    const productTarget = { kind: 'intent', intent: product } as const;
    assert.equal(
      decideTurn(input({ intent: 'product', target: productTarget, confidence: 0.7, kg: { query: query(false) } }))
        .kind,
      'kg',
    );
  });

  it('hands off a follow-up when another intent is fairly likely but not sure', () => {
    const d = decideTurn(input({ confidence: 0.6, kg: { query: query(false) } }));
    assert.equal(d.kind === 'handoff' && d.reason, 'low_confidence');
  });

  it('hands off a graph answer whose link confidence is below its threshold', () => {
    const d = decideTurn(input({ confidence: 0.1, kg: { query: query(false, 0.7) } }));
    assert.deepEqual(d, { kind: 'handoff', reason: 'low_confidence', intent: 'kg:price', confidence: 0.7 });
  });

  it('summarises the product in focus for a product intent without an attribute, else asks which', () => {
    const productTarget = { kind: 'intent', intent: product } as const;
    const withFocus = decideTurn(
      input({ intent: 'product', target: productTarget, kg: { focus: 'p', mentioned: 'p' } }),
    );
    assert.deepEqual(withFocus, { kind: 'summary', intent: product, entityId: 'p', confidence: 0.9 });
    const without = decideTurn(input({ intent: 'product', target: productTarget, kg: {} }));
    assert.deepEqual(without, { kind: 'intent', intent: product, confidence: 0.9 });
  });

  it('hands off when nothing matched', () => {
    const d = decideTurn(input({ intent: undefined, target: undefined, confidence: 0 }));
    assert.deepEqual(d, { kind: 'handoff', reason: 'low_confidence', intent: undefined, confidence: 0 });
  });
});
