import assert from 'node:assert/strict';
import { trainingExamples } from '../../../core/engine/index.js';
import { isBotError } from '../../../core/errors.js';
import {
  createLexicalClassifier,
  DEFAULT_CALIBRATION,
  type LexicalClassifier,
  type LexicalExample,
} from '../../../inference/lexical/index.js';
import { DEMO_BOT_DIR, loadBotFolder } from '../../../knowledge/bot-folder/index.js';

/** Close paraphrases of the demo intents that are NOT in the training data. */
const PARAPHRASES: readonly (readonly [string, string])[] = [
  ['退货怎么办啊', 'returns'],
  ['how can I return an item', 'returns'],
  ['what is your return policy', 'returns'],
  ['where is my order?', 'order_status'],
  ['where is my package', 'order_status'],
  ['查一下我的订单状态', 'order_status'],
  ['帮我查查物流', 'order_status'],
  ['能用支付宝付款吗', 'payment'],
  ['what payment methods are accepted', 'payment'],
  ['包邮么', 'shipping'],
  ['how long does shipping usually take', 'shipping'],
  ['客服几点上班啊', 'hours'],
  ['what are your business hours', 'hours'],
  ['怎么开发票呢', 'invoice'],
  ['how do I get an invoice', 'invoice'],
  ['I forgot my password again', 'account'],
  ['优惠券怎么使用', 'coupon'],
  ['你好啊', 'greeting'],
  ['thank you very much', 'thanks'],
  ['拜拜啦', 'goodbye'],
  ['退款多久能到账', 'faq:refund-time'],
  ['how can I cancel my order', 'faq:cancel-order'],
  ['积分怎么使用', 'faq:points'],
];

const OUT_OF_SCOPE: readonly string[] = [
  "what's the weather on Mars",
  '帮我写一首诗',
  'asdkjh qwezxc',
  'qwpeoriu zxmcnv lkjh',
  '今天天气怎么样',
  'how do I bake bread',
  '推荐一部好看的电影',
  'what is the capital of France',
  '量子力学是什么',
];

/** A fixed permutation (no randomness): every 7th, then the rest, reversed in blocks. */
function permute<T>(items: readonly T[]): T[] {
  const out = items.filter((_, i) => i % 7 === 3);
  const rest = items.filter((_, i) => i % 7 !== 3).reverse();
  return [...rest.slice(0, 50), ...out, ...rest.slice(50)];
}

describe('lexical classifier', () => {
  let examples: LexicalExample[];
  let classifier: LexicalClassifier;

  before(async () => {
    examples = trainingExamples(await loadBotFolder(DEMO_BOT_DIR));
    classifier = createLexicalClassifier(examples);
  });

  it('classifies close zh and en paraphrases of the demo intents with confidence ≥ 0.8', () => {
    const wrong = PARAPHRASES.flatMap(([text, intent]) => {
      const p = classifier.classifySync(text);
      return p.intent === intent && p.confidence >= 0.8 ? [] : [`${text} → ${p.intent} ${p.confidence.toFixed(3)}`];
    });
    assert.deepEqual(wrong, []);
  });

  it('gives out-of-scope text and gibberish a confidence < 0.8', () => {
    const confident = OUT_OF_SCOPE.flatMap((text) => {
      const p = classifier.classifySync(text);
      return p.confidence < 0.8 ? [] : [`${text} → ${p.intent} ${p.confidence.toFixed(3)}`];
    });
    assert.deepEqual(confident, []);
  });

  it('answers no intent for text without any known feature', async () => {
    const p = await classifier.classify('👍👍');
    assert.equal(p.intent, undefined);
    assert.equal(p.confidence, 0);
    assert.deepEqual(p.ranking, []);
  });

  it('ranks intents best first with confidences in [0, 1] and names the nearest example', () => {
    const p = classifier.classifySync('怎么退款呢');
    assert.equal(p.intent, 'returns');
    assert.equal(p.nearestExample, '怎么退款');
    assert.ok(p.ranking.length > 1 && p.ranking.length <= 5);
    assert.equal(p.ranking[0]?.confidence, p.confidence);
    for (let i = 0; i < p.ranking.length; i++) {
      const c = p.ranking[i]!.confidence;
      assert.ok(c >= 0 && c <= 1, `confidence ${c}`);
      if (i > 0) assert.ok(c <= p.ranking[i - 1]!.confidence);
    }
  });

  it('is deterministic and independent of example order', () => {
    const again = createLexicalClassifier(examples);
    const shuffled = createLexicalClassifier(permute(examples));
    assert.deepEqual(again.diagnostics, classifier.diagnostics);
    assert.deepEqual(shuffled.diagnostics, classifier.diagnostics);
    for (const text of [...PARAPHRASES.map(([t]) => t), ...OUT_OF_SCOPE]) {
      const p = classifier.classifySync(text);
      assert.deepEqual(again.classifySync(text), p);
      assert.deepEqual(shuffled.classifySync(text), p);
    }
  });

  it('drops duplicate examples and ignores empty ones', () => {
    const doubled = createLexicalClassifier([...examples, ...examples, { text: ' ！', intent: 'returns' }]);
    assert.deepEqual(doubled.diagnostics, classifier.diagnostics);
  });

  it('fits a monotone calibration on leave-one-out (sanity figures on the demo intents)', function () {
    const d = classifier.diagnostics;
    // Reported by the test run: leave-one-out accuracy and what a 0.8 threshold does.
    console.log(
      `      demo: ${d.examples} examples, ${d.intents} intents (incl. faq:*); leave-one-out accuracy ` +
        `${(d.leaveOneOutAccuracy * 100).toFixed(1)}%; at 0.8: answered ${(d.atThreshold.answered * 100).toFixed(1)}% ` +
        `of held-out examples with ${(d.atThreshold.precision * 100).toFixed(1)}% precision, ` +
        `out-of-scope stand-ins answered ${(d.atThreshold.outOfScopeAnswered * 100).toFixed(1)}%`,
    );
    assert.ok(d.leaveOneOutAccuracy > 0.6, `leave-one-out accuracy ${d.leaveOneOutAccuracy}`);
    assert.ok(d.atThreshold.precision > 0.95, `precision at 0.8: ${d.atThreshold.precision}`);
    assert.ok(d.atThreshold.outOfScopeAnswered < 0.05);
    assert.ok(d.calibration.similarity >= 0 && d.calibration.margin > 0);
    assert.notDeepEqual(d.calibration, DEFAULT_CALIBRATION);
  });

  it('uses the default calibration when there is too little data to fit, or a given one', () => {
    const tiny = createLexicalClassifier([
      { text: 'refund', intent: 'a' },
      { text: 'hello', intent: 'b' },
    ]);
    assert.deepEqual(tiny.diagnostics.calibration, DEFAULT_CALIBRATION);
    assert.equal(tiny.classifySync('refund').intent, 'a');
    const fixed = { bias: 0, similarity: 1, margin: 0 };
    assert.deepEqual(createLexicalClassifier(examples, { calibration: fixed }).diagnostics.calibration, fixed);
  });

  it('rejects an empty training set with inference.model_invalid', () => {
    assert.throws(
      () => createLexicalClassifier([{ text: '  ', intent: 'x' }]),
      (e: unknown) => isBotError(e) && e.code === 'inference.model_invalid',
    );
  });

  it('rejects when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await assert.rejects(classifier.classify('你好', { signal: controller.signal }), /stop/);
  });

  it('is ready and named', () => {
    assert.equal(classifier.ready(), true);
    assert.equal(classifier.name, 'lexical');
    assert.equal(createLexicalClassifier(examples.slice(0, 20), { name: 'x' }).name, 'x');
  });
});
