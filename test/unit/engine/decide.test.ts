import assert from 'node:assert/strict';
import {
  decideTurn,
  type AttributeQuestion,
  type BestAnswer,
  type DecisionInput,
  type FaqEntry,
  type IntentDefinition,
  type KgEvidence,
  type KgQuestion,
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

const named: KgEvidence = {
  entityFrom: 'text',
  entityTypos: 0,
  unknownSuffix: false,
  entityTurnsAgo: 0,
  variant: false,
  attributeFrom: 'synonym',
  attributeTypos: 0,
  attributeTurnsAgo: 0,
};

function question(over: Partial<AttributeQuestion> = {}): KgQuestion {
  return {
    kind: 'attribute',
    entityId: 'p',
    attribute: 'price',
    found: { entityId: 'p', value: 1 },
    entityScore: 0.95,
    attributeScore: 0.95,
    confidence: 0.95,
    explicit: true,
    elliptical: false,
    evidence: named,
    ...over,
  };
}

const best = (id: string, confidence: number, intent?: IntentDefinition | FaqEntry): BestAnswer => ({
  id,
  confidence,
  target:
    intent === undefined ? undefined : 'action' in intent ? { kind: 'intent', intent } : { kind: 'faq', faq: intent },
});

function input(over: Partial<DecisionInput>): DecisionInput {
  return {
    best: best('returns', 0.9, returns),
    kg: {},
    askedForHuman: false,
    asksHowTo: false,
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
      assert.equal(decideTurn(input({ best: best('returns', confidence, returns) })).kind, kind, `${confidence}`);
    }
    assert.deepEqual(decideTurn(input({ best: best('returns', 0.3, returns) })), {
      kind: 'handoff',
      reason: 'low_confidence',
      intent: 'returns',
      confidence: 0.3,
    });
    assert.deepEqual(decideTurn(input({ best: undefined })), {
      kind: 'handoff',
      reason: 'low_confidence',
      intent: undefined,
      confidence: 0,
    });
  });

  it('hands off on a request for a person and on a confident handoff intent', () => {
    assert.deepEqual(decideTurn(input({ askedForHuman: true })), {
      kind: 'handoff',
      reason: 'user_request',
      intent: 'human',
      confidence: 1,
    });
    const d = decideTurn(input({ best: best('human', 0.9, complaint) }));
    assert.equal(d.kind === 'handoff' && d.reason, 'user_request');
  });

  it('answers FAQ entries', () => {
    const d = decideTurn(input({ best: best('faq:refund-time', 0.85, refund) }));
    assert.equal(d.kind, 'faq');
  });

  it('prefers an explicit graph question over any answer, unless a confident procedure is asked for', () => {
    const q = question();
    assert.equal(decideTurn(input({ kg: { question: q } })).kind, 'kg');
    assert.equal(decideTurn(input({ kg: { question: q }, asksHowTo: true })).kind, 'intent');
    assert.equal(
      decideTurn(input({ kg: { question: q }, asksHowTo: true, best: best('returns', 0.5, returns) })).kind,
      'kg',
    );
  });

  it('weighs a graph question against a confident answer by their calibrated confidences', () => {
    const followUp = question({ explicit: false, confidence: 0.85 });
    assert.equal(decideTurn(input({ kg: { question: followUp } })).kind, 'intent', 'the surer answer wins');
    const surer = question({ explicit: false, confidence: 0.95 });
    assert.equal(decideTurn(input({ kg: { question: surer } })).kind, 'kg');
    assert.equal(decideTurn(input({ kg: { question: followUp }, best: best('returns', 0.4, returns) })).kind, 'kg');
    assert.equal(decideTurn(input({ kg: { question: followUp }, best: best('product', 0.9, product) })).kind, 'kg');
    // The ranker's held-out probability, not its confidence adjusted for live traffic, is what is weighed.
    const faq = { ...best('faq:refund-time', 0.97, refund), heldOut: 0.9 };
    assert.equal(decideTurn(input({ kg: { question: question() }, best: faq })).kind, 'kg');
    assert.equal(decideTurn(input({ kg: { question: question() }, best: { ...faq, heldOut: 0.97 } })).kind, 'faq');
  });

  it('uses a graph follow-up from memory only when the ranker does not lean elsewhere', () => {
    const followUp = question({ explicit: false });
    const leaning = best('returns', 0.6, returns);
    assert.equal(decideTurn(input({ kg: { question: followUp }, best: leaning })).kind, 'handoff');
    const elliptical = question({ explicit: false, elliptical: true });
    assert.equal(decideTurn(input({ kg: { question: elliptical }, best: leaning })).kind, 'kg');
  });

  it('hands off a graph answer whose link confidence is below its threshold', () => {
    const weak = question({ confidence: 0.7 });
    assert.deepEqual(decideTurn(input({ kg: { question: weak }, best: undefined })), {
      kind: 'handoff',
      reason: 'low_confidence',
      intent: 'kg:price',
      confidence: 0.7,
    });
    const perIntent = (id: string): number => (id === 'kg:price' ? 0.99 : 0.8);
    const alone = { kg: { question: question() }, best: undefined };
    assert.equal(decideTurn(input({ ...alone, thresholdFor: perIntent })).kind, 'handoff');
    assert.equal(decideTurn(input({ kg: { question: weak } })).kind, 'intent', 'a confident answer is surer');
  });

  it('answers a catalogue intent with no product in sight only when very sure', () => {
    assert.equal(decideTurn(input({ best: best('product', 0.9, product) })).kind, 'handoff');
    assert.equal(decideTurn(input({ best: best('product', 0.96, product) })).kind, 'intent');
    assert.equal(decideTurn(input({ best: best('product', 0.9, product), catalogueThreshold: 0.85 })).kind, 'intent');
  });

  it('describes an entity named without an attribute', () => {
    const overview: KgQuestion = {
      kind: 'overview',
      entityId: 'p',
      confidence: 0.98,
      explicit: true,
      evidence: { ...named, attributeFrom: 'none' },
    };
    const d = decideTurn(input({ kg: { question: overview }, best: best('product', 0.6, product) }));
    assert.equal(d.kind, 'kg');
    assert.equal(decideTurn(input({ kg: { question: overview } })).kind, 'kg', 'surer than the answer');
    assert.equal(decideTurn(input({ kg: { question: { ...overview, confidence: 0.85 } } })).kind, 'intent');
  });
});
