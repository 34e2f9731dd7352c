import assert from 'node:assert/strict';
import {
  createDialogueEngine,
  createGraphIndex,
  KG_FEATURE_NAMES,
  kgCoverage,
  kgFeatures,
  resolveKgQuestion,
  unexplainedLength,
  type BotDefinition,
  type ConversationContext,
  type KgCalibrator,
  type KnowledgeGraph,
} from '../../../core/engine/index.js';
import type { IntentClassifier, IntentPrediction } from '../../../core/ports/inference.js';

const graph: KnowledgeGraph = {
  attributes: {
    price: { label: { zh: '价格', en: 'price' }, synonyms: ['多少钱', 'how much', 'cost'] },
    weight: { label: { zh: '重量', en: 'weight' }, synonyms: ['多重', 'heavy'] },
  },
  entities: [
    {
      id: 'phone',
      type: 'product',
      name: { zh: '爪机15', en: 'Claw Phone 15' },
      aliases: ['claw phone'],
      attributes: { price: '¥5999', weight: '172 g' },
    },
    {
      id: 'phone-black',
      type: 'variant',
      name: { zh: '爪机15 黑色', en: 'Claw Phone 15 (black)' },
      aliases: ['黑色', 'black'],
      attributes: { price: '¥5999' },
    },
    {
      id: 'watch',
      type: 'product',
      name: { zh: '爪表', en: 'Claw Watch' },
      aliases: [],
      attributes: { price: '¥1299' },
    },
    {
      id: 'watch-white',
      type: 'variant',
      name: { zh: '爪表 白色', en: 'Claw Watch (white)' },
      aliases: ['白色', 'white'],
      attributes: { price: '¥1399' },
    },
  ],
  relations: [
    ['phone-black', 'variant_of', 'phone'],
    ['watch-white', 'variant_of', 'watch'],
  ],
};
const index = createGraphIndex(graph);
const none: ConversationContext = { entityHistory: [] };
const feature = (x: readonly number[], name: (typeof KG_FEATURE_NAMES)[number]): number =>
  x[KG_FEATURE_NAMES.indexOf(name)] ?? NaN;
const prediction = (intent: string, confidence: number): IntentPrediction => ({
  intent,
  confidence,
  ranking: [{ intent, confidence }],
});

function featuresOf(text: string, context = none, predicted?: IntentPrediction): number[] {
  const question = resolveKgQuestion(text, index, context).question;
  assert.ok(question !== undefined, `no question in ${text}`);
  return kgFeatures({ text, question, graph: index, prediction: predicted, isProductIntent: (id) => id === 'product' });
}

describe('graph answer features', () => {
  it('counts what neither names, attribute words, follow-up filler nor question-shaping words explain', () => {
    assert.equal(unexplainedLength(index.residue('爪机15现在多少钱')), 0, 'courtesy and time words');
    assert.equal(unexplainedLength(index.residue('请问爪机15能分期吗')), 2, '分期');
    assert.equal(unexplainedLength(index.residue('waht is the claw phone price')), 0, 'a slip in a filler word');
    assert.equal(unexplainedLength(index.residue('how do I return my claw phone for the price')), 6, 'return');
    assert.deepEqual(kgCoverage('爪机15多少钱', index), { coverage: 1, unexplained: 0 });
    const partial = kgCoverage('爪机15为啥涨价', index);
    assert.ok(partial.coverage < 1 && partial.unexplained > 0);
  });

  it('has one value per feature name, all within [0, 1]', () => {
    const x = featuresOf('爪机15多少钱');
    assert.equal(x.length, KG_FEATURE_NAMES.length);
    assert.ok(x.every((v) => v >= 0 && v <= 1));
  });

  it('tells named links from remembered ones, typos and unknown model words', () => {
    const named = featuresOf('claw phone 15 how much');
    assert.equal(feature(named, 'entityRemembered'), 0);
    assert.equal(feature(named, 'attributeQuestionPhrase'), 1);
    const remembered = featuresOf('多重', {
      entity: { value: 'phone', turnsAgo: 2 },
      entityHistory: [{ value: 'phone', turnsAgo: 2 }],
    });
    assert.equal(feature(remembered, 'entityRemembered'), 1);
    assert.equal(feature(remembered, 'memoryAge'), 0.5);
    assert.equal(feature(featuresOf('claw phnoe 15 cost'), 'entityTypos'), 0.5);
    assert.equal(feature(featuresOf('claw phone 16 cost'), 'unknownSuffix'), 1);
  });

  it('flags a variant word the product does not have, and reads the classifier', () => {
    assert.equal(feature(featuresOf('爪机15 黑色多少钱'), 'variant'), 1);
    assert.equal(feature(featuresOf('爪机15 白色多少钱'), 'unknownVariant'), 1, 'white is a variant of the watch only');
    assert.equal(feature(featuresOf('爪机15多少钱'), 'unknownVariant'), 0);
    assert.equal(feature(featuresOf('爪机15多少钱', none, prediction('faq:shipping', 0.7)), 'intentOther'), 0.7);
    assert.equal(feature(featuresOf('爪机15多少钱', none, prediction('product', 0.9)), 'intentOther'), 0);
  });
});

describe('dialogue engine with a graph calibrator', () => {
  const bot: BotDefinition = {
    name: 't',
    languages: ['zh', 'en'],
    handoff: { threshold: 0.8, perIntent: {} },
    messages: {
      welcome: { zh: '你好', en: 'hi' },
      fallback: { zh: '?', en: '?' },
      handoff: { zh: '转人工', en: 'handing over' },
      apology: { zh: '抱歉', en: 'sorry' },
      unsupported: { zh: '不支持', en: 'unsupported' },
    },
    intents: [],
    faq: [],
    graph,
  };
  const classifier: IntentClassifier = {
    name: 'none',
    ready: () => true,
    classify: () => Promise.resolve({ intent: undefined, confidence: 0, ranking: [] }),
  };
  const ask = async (calibrator: KgCalibrator) => {
    const engine = createDialogueEngine({ bot, classifier, kgCalibrator: calibrator });
    const result = await engine.respond({
      message: {
        kind: 'message',
        id: 'm',
        receivedAt: 1,
        conversation: { channel: 't', tenant: 't', conversation: 'c' },
        sender: { id: 'u' },
        parts: [{ type: 'text', text: '爪机15多少钱' }],
        text: '爪机15多少钱',
        mentionsBot: true,
        raw: null,
      },
      history: [],
    });
    return result.understanding;
  };

  it('answers with the calibrated confidence, and hands off below the threshold', async () => {
    const seen: number[][] = [];
    const sure = await ask({ name: 'sure', confidence: (x) => (seen.push([...x]), 0.93) });
    assert.equal(sure.handoff, false);
    assert.equal(sure.confidence, 0.93);
    assert.equal(seen[0]?.length, KG_FEATURE_NAMES.length);
    const unsure = await ask({ name: 'unsure', confidence: () => 0.6 });
    assert.equal(unsure.handoff, true);
    assert.equal(unsure.confidence, 0.6);
  });
});
