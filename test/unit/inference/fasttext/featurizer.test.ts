import assert from 'node:assert/strict';

import { DEFAULT_FEATURIZER, featurize } from '../../../../inference/fasttext/featurizer.js';
import { fnv1a } from '../../../../core/math/hash.js';
import { normalizeText, segment } from '../../../../inference/fasttext/normalize.js';

describe('fasttext featurizer', () => {
  it('normalises NFKC full-width forms, case and apostrophes', () => {
    assert.equal(normalizeText('ＨＥＬＬＯ，Ｗｏｒｌｄ！'), 'hello world');
    assert.equal(normalizeText("What's  up?"), 'whats up');
    const a = featurize('ＨＥＬＬＯ　ｗｏｒｌｄ', DEFAULT_FEATURIZER);
    const b = featurize('hello world', DEFAULT_FEATURIZER);
    assert.deepEqual(a, b);
  });

  it('segments CJK runs apart from Latin words', () => {
    const segs = segment(normalizeText('我的iPhone坏了 help'));
    assert.deepEqual(
      segs.map((s) => [s.kind, s.chars.join('')]),
      [
        ['cjk', '我的'],
        ['word', 'iphone'],
        ['cjk', '坏了'],
        ['word', 'help'],
      ],
    );
  });

  it('gives CJK character 1-3 grams without a segmenter', () => {
    const cfg = { ...DEFAULT_FEATURIZER, charNgrams: [0, 0] as const, wordNgrams: 1 };
    // "天气好": 3 unigrams + 2 bigrams + 1 trigram = 6 distinct features.
    const f = featurize('天气好', cfg);
    assert.equal(f.ids.length, 6);
    assert.ok([...f.weights].every((w) => w === cfg.weights.cjk));
  });

  it('counts Latin word, bigram and boundary-marked char n-gram features', () => {
    const cfg = { ...DEFAULT_FEATURIZER, charNgrams: [2, 3] as const };
    // "<ab>": 2-grams <a ab b> (3), 3-grams <ab ab> (2); "<cd>" likewise; words 2; bigram 1 => 13 distinct.
    const f = featurize('ab cd', cfg);
    assert.equal(f.ids.length, 13);
    const total = [...f.weights].reduce((s, w) => s + w, 0);
    assert.equal(total, 2 * cfg.weights.word + cfg.weights.wordNgram + 10 * cfg.weights.char);
  });

  it('is deterministic, sorted, merged and bounded by the bucket count', () => {
    const cfg = { ...DEFAULT_FEATURIZER, buckets: 1000 };
    const f = featurize('the the the cat sat on the mat 今天 今天', cfg);
    assert.deepEqual(f, featurize('the the the cat sat on the mat 今天 今天', cfg));
    for (let i = 1; i < f.ids.length; i++) assert.ok((f.ids[i] as number) > (f.ids[i - 1] as number));
    assert.ok([...f.ids].every((id) => id >= 0 && id < 1000));
    assert.equal(fnv1a(''), 0x811c9dc5);
    assert.equal(fnv1a('a'), 0xe40c292c);
  });

  it('gives no features for empty or punctuation-only text', () => {
    assert.equal(featurize('', DEFAULT_FEATURIZER).ids.length, 0);
    assert.equal(featurize(' ?!。，', DEFAULT_FEATURIZER).ids.length, 0);
  });
});
