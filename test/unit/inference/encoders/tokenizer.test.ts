import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BotError } from '../../../../core/errors.js';
import { normalizeBert, preTokenizeBert } from '../../../../inference/encoders/normalizer.js';
import { bertTokenizerFromVocab, parseBertTokenizer } from '../../../../inference/encoders/tokenizer.js';
import { SMALL_VOCAB, smallTokenizerJson } from './fixtures.js';

const LOWER = { cleanText: true, handleChineseChars: true, stripAccents: undefined, lowercase: true };

describe('inference/encoders BERT tokenizer', () => {
  describe('normaliser and pre-tokeniser', () => {
    it('lowercases and strips accents (strip_accents null follows lowercase)', () => {
      assert.equal(normalizeBert('Café Déjà', LOWER), 'cafe deja');
      assert.equal(normalizeBert('Café', { ...LOWER, lowercase: false }), 'Café');
      assert.equal(normalizeBert('Café', { ...LOWER, lowercase: false, stripAccents: true }), 'Cafe');
    });

    it('spaces out CJK ideographs, maps whitespace to spaces and drops control characters', () => {
      assert.equal(normalizeBert('我想a', LOWER), ' 我  想 a');
      assert.equal(normalizeBert('a\tb\u3000c\u0000d\u200be\ufffd', LOWER), 'a b cde');
    });

    it('splits on whitespace and isolates punctuation, ASCII symbols included', () => {
      assert.deepEqual(preTokenizeBert("can't stop, won't $5!"), [
        'can',
        "'",
        't',
        'stop',
        ',',
        'won',
        "'",
        't',
        '$',
        '5',
        '!',
      ]);
      assert.deepEqual(preTokenizeBert(' 我  想 ，'), ['我', '想', '，']);
    });
  });

  describe('small tokenizer.json', () => {
    const tok = parseBertTokenizer(smallTokenizerJson());
    const ids = (tokens: string[]): number[] => tokens.map((t) => SMALL_VOCAB.indexOf(t));

    it('wraps with [CLS]/[SEP], uses ## pieces and masks every real token', () => {
      const e = tok.encode('Hello, unaffable WORLD!');
      assert.deepEqual(e.tokens, ['[CLS]', 'hello', ',', 'un', '##aff', '##able', 'world', '!', '[SEP]']);
      assert.deepEqual(e.ids, ids(e.tokens));
      assert.deepEqual(e.attentionMask, new Array(9).fill(1));
      assert.deepEqual(e.typeIds, new Array(9).fill(0));
    });

    it('maps a word with an unmatched rest to a single [UNK]', () => {
      assert.deepEqual(tok.encode('abz refunds').tokens, ['[CLS]', '[UNK]', 'refund', '##s', '[SEP]']);
      assert.deepEqual(tok.encode('ab').tokens, ['[CLS]', 'a', '##b', '[SEP]']);
    });

    it('tokenises Chinese per character and keeps literal special tokens', () => {
      assert.deepEqual(tok.encode('我想退货，[MASK]').tokens, [
        '[CLS]',
        '我',
        '想',
        '退',
        '货',
        '，',
        '[MASK]',
        '[SEP]',
      ]);
    });

    it('truncates to the max length, special tokens included', () => {
      const e = tok.encode('hello world hello world hello', { maxLength: 4 });
      assert.deepEqual(e.tokens, ['[CLS]', 'hello', 'world', '[SEP]']);
      const fromFile = parseBertTokenizer(smallTokenizerJson({ maxLength: 3 }));
      assert.equal(fromFile.maxLength, 3);
      assert.deepEqual(fromFile.encode('hello world').tokens, ['[CLS]', 'hello', '[SEP]']);
    });

    it('a word over max_input_chars_per_word is [UNK]', () => {
      assert.deepEqual(tok.encode('a'.repeat(101)).tokens, ['[CLS]', '[UNK]', '[SEP]']);
    });

    it('refuses tokenizers outside the BERT family', () => {
      const unigram = { ...smallTokenizerJson(), model: { type: 'Unigram', vocab: [['a', 0]] } };
      assert.throws(
        () => parseBertTokenizer(unigram),
        (e: unknown) => e instanceof BotError && e.code === 'inference.model_invalid',
      );
    });

    it('builds the same tokenizer from a vocab.txt', () => {
      const fromVocab = bertTokenizerFromVocab(SMALL_VOCAB.join('\n'), { lowercase: true });
      assert.deepEqual(fromVocab.encode('Hello, unaffable!').ids, tok.encode('Hello, unaffable!').ids);
    });
  });

  describe('real tokenizer files (../shared/models/tokenizers)', function () {
    const root = join(import.meta.dirname, '..', '..', '..', '..', '..', 'shared', 'models', 'tokenizers');
    // Expected ids were computed with the reference implementation (@huggingface/tokenizers 0.2.0, outside this repo)
    // and agree with hand look-ups of vocab.txt (id = line - 1): hello 7592, "," 1010, world 2088, "!" 999,
    // una 14477, ##ffa 20961, ##ble 3468; 退 6842, 货 6573, "，" 8024.
    const cases: Record<string, [string, number[]][]> = {
      'all-MiniLM-L6-v2': [
        ['Hello, world!', [101, 7592, 1010, 2088, 999, 102]],
        [
          "I can't log in to my account; what's wrong?",
          [101, 1045, 2064, 1005, 1056, 8833, 1999, 2000, 2026, 4070, 1025, 2054, 1005, 1055, 3308, 1029, 102],
        ],
        ['Café déjà vu — naïve résumé', [101, 7668, 2139, 3900, 24728, 1517, 15743, 13746, 102]],
        ['unaffable', [101, 14477, 20961, 3468, 102]],
        ['我想退货', [101, 1855, 100, 100, 100, 102]],
      ],
      'bge-small-zh-v1.5': [
        ['我想退货，怎么办？', [101, 2769, 2682, 6842, 6573, 8024, 2582, 720, 1215, 8043, 102]],
        ['请问iPhone 15 Pro Max多少钱？', [101, 6435, 7309, 100, 8115, 100, 100, 1914, 2208, 7178, 8043, 102]],
        [
          '退款多久到账？我已经等了3天了。',
          [101, 6842, 3621, 1914, 719, 1168, 6572, 8043, 2769, 2347, 5307, 5023, 749, 124, 1921, 749, 511, 102],
        ],
      ],
    };
    for (const [name, samples] of Object.entries(cases)) {
      it(`${name}: ids match the reference tokenizer`, function () {
        const file = join(root, name, 'tokenizer.json');
        if (!existsSync(file)) {
          console.log(`    (skipped: ${file} is absent)`);
          this.skip();
        }
        const tok = parseBertTokenizer(JSON.parse(readFileSync(file, 'utf8')));
        for (const [text, expected] of samples) assert.deepEqual(tok.encode(text).ids, expected, text);
      });
    }

    it("all-MiniLM-L6-v2: truncates at the file's 128 tokens", function () {
      const file = join(root, 'all-MiniLM-L6-v2', 'tokenizer.json');
      if (!existsSync(file)) {
        console.log(`    (skipped: ${file} is absent)`);
        this.skip();
      }
      const tok = parseBertTokenizer(JSON.parse(readFileSync(file, 'utf8')));
      const e = tok.encode('hello '.repeat(300));
      assert.equal(e.ids.length, 128);
      assert.equal(e.ids.at(-1), 102);
    });
  });
});
