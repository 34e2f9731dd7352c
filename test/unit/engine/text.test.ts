import assert from 'node:assert/strict';
import {
  createPhraseMatcher,
  detectLanguage,
  fillTemplate,
  formatValue,
  trainingExamples,
  type BotDefinition,
} from '../../../core/engine/index.js';

describe('engine text helpers', () => {
  it('detects the language of a message, with hints for texts without letters', () => {
    const both = ['zh', 'en'] as const;
    assert.equal(detectLanguage('where is my order', [], both, 'zh'), 'en');
    assert.equal(detectLanguage('Claw Phone 15 多少钱', [], both, 'en'), 'zh');
    assert.equal(detectLanguage('👍', ['en-GB'], both, 'zh'), 'en');
    assert.equal(detectLanguage('123', [undefined, 'zh'], both, 'en'), 'zh');
    assert.equal(detectLanguage('?', [], both, 'en'), 'en');
    assert.equal(detectLanguage('你好', [], ['en'], 'en'), 'en', 'only supported languages');
  });

  it('matches the longest phrase with Latin word boundaries', () => {
    const m = createPhraseMatcher([
      { phrase: 'claw', value: 'a' },
      { phrase: 'Claw Phone', value: 'b' },
      { phrase: '爪机', value: 'c' },
    ]);
    assert.equal(m.longest('the claw phone please')?.value, 'b');
    assert.equal(m.longest('clawphone')?.value, 'b');
    assert.equal(m.longest('clawing'), undefined);
    assert.equal(m.longest('爪机15')?.value, 'c');
    assert.deepEqual(
      m.all('claw phone').map((x) => x.value),
      ['b', 'a'],
    );
  });

  it('formats attribute values per language', () => {
    const colours = [
      { zh: '黑色', en: 'black' },
      { zh: '白色', en: 'white' },
    ];
    assert.equal(formatValue(colours, 'en'), 'black and white');
    assert.equal(formatValue(colours, 'zh'), '黑色和白色');
    assert.equal(formatValue(true, 'zh'), '是');
    assert.equal(formatValue(12, 'en'), '12');
    assert.equal(fillTemplate('{entity}: {value} {other}', { entity: 'A', value: 'B' }), 'A: B {other}');
  });

  it('builds training examples from intents and FAQ questions', () => {
    const bot = {
      intents: [{ id: 'hi', examples: ['hello', '你好'], action: 'smalltalk' }],
      faq: [{ id: 'refund', questions: ['refund time?'], answer: { zh: 'x', en: 'x' }, tags: [] }],
    } as unknown as BotDefinition;
    assert.deepEqual(trainingExamples(bot), [
      { text: 'hello', intent: 'hi' },
      { text: '你好', intent: 'hi' },
      { text: 'refund time?', intent: 'faq:refund' },
    ]);
  });
});
