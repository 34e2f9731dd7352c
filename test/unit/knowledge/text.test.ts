import assert from 'node:assert/strict';
import {
  createBigramSegmenter,
  createJiebaSegmenter,
  createTokenizer,
  stemWord,
} from '../../../knowledge/text/index.js';

describe('knowledge text', () => {
  it('stems English inflections to shared stems', () => {
    assert.equal(stemWord('shipped'), stemWord('shipping'));
    assert.equal(stemWord('ships'), stemWord('ship'));
    assert.equal(stemWord('colours'), stemWord('colors'));
    assert.equal(stemWord('arrived'), stemWord('arrive'));
    assert.equal(stemWord('batteries'), 'battery');
    assert.equal(stemWord('is'), 'is');
    assert.equal(stemWord('15'), '15');
  });

  it('cuts Chinese with jieba when it loads, and into bigrams otherwise', () => {
    const jieba = createJiebaSegmenter();
    if (jieba !== undefined) assert.ok(jieba.cut('退款多久到账').includes('退款'));
    assert.deepEqual(createBigramSegmenter().cut('退款到账'), ['退款', '款到', '到账']);
    assert.deepEqual(createBigramSegmenter().cut('退'), ['退']);
  });

  it('tokenises mixed text: words, stems, numbers and Chinese bigrams, without stopwords', () => {
    const t = createTokenizer({ segmenter: createBigramSegmenter() });
    const tokens = t.tokens('Where is my PACKAGE? 爪机15的价格');
    assert.ok(tokens.includes(stemWord('package')));
    assert.ok(tokens.includes('15'));
    assert.ok(tokens.includes('价格'));
    assert.ok(tokens.includes('~价格'));
    assert.ok(!tokens.includes('is') && !tokens.includes('my'));
    assert.equal(t.name, 'bigram');
    const plain = createTokenizer({ segmenter: createBigramSegmenter(), bigrams: false }).tokens('价格');
    assert.deepEqual(plain, ['价格']);
  });
});
