/** A small BERT tokenizer.json and encoder folder written at test time (no downloaded files). */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tinyBertModel } from '../../../../inference/runtime/synthetic-models.js';

export const SMALL_VOCAB = [
  '[PAD]',
  '[UNK]',
  '[CLS]',
  '[SEP]',
  '[MASK]',
  'hello',
  'world',
  ',',
  '!',
  '?',
  'un',
  '##aff',
  '##able',
  'cafe',
  'my',
  'card',
  '我',
  '想',
  '退',
  '货',
  '，',
  'a',
  '##b',
  'refund',
  '##s',
];

/** A tokenizer.json in the shape Hugging Face writes for BERT models. */
export function smallTokenizerJson(options: { lowercase?: boolean; maxLength?: number } = {}): object {
  const special = (content: string) => ({
    id: SMALL_VOCAB.indexOf(content),
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  return {
    version: '1.0',
    truncation:
      options.maxLength === undefined
        ? null
        : { direction: 'Right', max_length: options.maxLength, strategy: 'LongestFirst', stride: 0 },
    padding: null,
    added_tokens: ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'].map(special),
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: null,
      lowercase: options.lowercase ?? true,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
      ],
      pair: [],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(SMALL_VOCAB.map((t, i) => [t, i])),
    },
  };
}

export const HIDDEN = 8;

/** A temp folder with model.onnx (tiny BERT) and tokenizer.json; returns its path. */
export function writeEncoderFolder(extra: { pooling?: 'cls' | 'mean'; tokenizer?: object | null } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'clawbot-encoder-'));
  writeFileSync(join(dir, 'model.onnx'), tinyBertModel({ vocabSize: SMALL_VOCAB.length, hidden: HIDDEN }));
  if (extra.tokenizer !== null) {
    writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(extra.tokenizer ?? smallTokenizerJson()));
  }
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ hidden_size: HIDDEN, max_position_embeddings: 512 }));
  if (extra.pooling !== undefined) {
    mkdirSync(join(dir, '1_Pooling'));
    writeFileSync(
      join(dir, '1_Pooling', 'config.json'),
      JSON.stringify({
        word_embedding_dimension: HIDDEN,
        pooling_mode_cls_token: extra.pooling === 'cls',
        pooling_mode_mean_tokens: extra.pooling === 'mean',
      }),
    );
  }
  return dir;
}
