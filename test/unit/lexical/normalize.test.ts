import assert from 'node:assert/strict';
import {
  countFeatures,
  normalizeForMatching,
  segmentForMatching,
  tokenizeForMatching,
} from '../../../inference/lexical/index.js';

describe('lexical normalisation and features', () => {
  it('normalises width, case, apostrophes, punctuation and spaces', () => {
    assert.equal(normalizeForMatching('Ｗｈｅｒｅ’ｓ　MY  order？？'), 'wheres my order');
    assert.equal(normalizeForMatching('退货，怎么办！！'), '退货 怎么办');
    assert.equal(normalizeForMatching('  ¥5999 (claw-phone) '), '5999 claw phone');
  });

  it('splits CJK runs from Latin words and numbers', () => {
    assert.deepEqual(segmentForMatching(normalizeForMatching('爪机15多少钱 how much')), [
      { kind: 'cjk', text: '爪机' },
      { kind: 'word', text: '15' },
      { kind: 'cjk', text: '多少钱' },
      { kind: 'word', text: 'how' },
      { kind: 'word', text: 'much' },
    ]);
  });

  it('makes CJK 1–3-grams within a run', () => {
    assert.deepEqual(tokenizeForMatching('退货吗').sort(), ['吗', '货', '货吗', '退', '退货', '退货吗'].sort());
  });

  it('makes Latin 2–4-grams over words padded with boundary marks', () => {
    assert.deepEqual(tokenizeForMatching('Hi!').sort(), [' h', 'hi', 'i ', ' hi', 'hi ', ' hi '].sort());
    // The boundary marks keep "order" inside "border" apart from the word "order".
    assert.ok(tokenizeForMatching('order').includes(' ord'));
    assert.ok(!tokenizeForMatching('border').includes(' ord'));
  });

  it('full-width and half-width spellings give the same features', () => {
    assert.deepEqual(tokenizeForMatching('ＣＬＡＷ　ＰＨＯＮＥ　１５'), tokenizeForMatching('claw phone 15'));
  });

  it('counts repeated features (term frequency)', () => {
    assert.equal(countFeatures(tokenizeForMatching('哈哈哈')).get('哈'), 3);
  });

  it('gives no features for text without letters, digits or CJK', () => {
    assert.deepEqual(tokenizeForMatching('👍 ?! …'), []);
  });
});
