/**
 * An in-process BERT (WordPiece) tokenizer built from a Hugging Face `tokenizer.json` (or a bare `vocab.txt`):
 * added/special tokens, BertNormalizer, BertPreTokenizer, WordPiece, `[CLS] ... [SEP]`, truncation.
 */
import { z } from 'zod';
import { BotError } from '../../core/errors.js';
import { normalizeBert, preTokenizeBert } from './normalizer.js';
import type { BertNormalizerConfig } from './normalizer.js';
import { wordPiece } from './wordpiece.js';
import type { WordPieceConfig } from './wordpiece.js';

/** One encoded text, ready for a BERT model. */
export interface Encoding {
  ids: number[];
  typeIds: number[];
  attentionMask: number[];
  tokens: string[];
}

export interface BertTokenizer {
  /** Longest encoding (special tokens included). */
  readonly maxLength: number;
  readonly vocabSize: number;
  encode(text: string, options?: { maxLength?: number }): Encoding;
  tokenToId(token: string): number | undefined;
}

const normalizerSchema = z.object({
  type: z.literal('BertNormalizer'),
  clean_text: z.boolean().default(true),
  handle_chinese_chars: z.boolean().default(true),
  strip_accents: z.boolean().nullable().optional(),
  lowercase: z.boolean().default(true),
});

const specialTokenSchema = z.object({ SpecialToken: z.object({ id: z.string(), type_id: z.number() }) });
const sequenceSchema = z.object({ Sequence: z.object({ id: z.string(), type_id: z.number() }) });

const tokenizerJsonSchema = z.object({
  truncation: z.object({ max_length: z.number().int().positive() }).nullable().optional(),
  added_tokens: z
    .array(z.object({ id: z.number().int(), content: z.string(), special: z.boolean().optional() }))
    .default([]),
  normalizer: normalizerSchema.nullable().optional(),
  pre_tokenizer: z
    .object({ type: z.literal('BertPreTokenizer') })
    .nullable()
    .optional(),
  post_processor: z
    .union([
      z.object({
        type: z.literal('TemplateProcessing'),
        single: z.array(z.union([specialTokenSchema, sequenceSchema])),
        special_tokens: z.record(
          z.string(),
          z.object({ ids: z.array(z.number().int()), tokens: z.array(z.string()).optional() }),
        ),
      }),
      z.object({
        type: z.literal('BertProcessing'),
        cls: z.tuple([z.string(), z.number().int()]),
        sep: z.tuple([z.string(), z.number().int()]),
      }),
    ])
    .nullable()
    .optional(),
  model: z.object({
    type: z.literal('WordPiece'),
    unk_token: z.string().default('[UNK]'),
    continuing_subword_prefix: z.string().default('##'),
    max_input_chars_per_word: z.number().int().positive().default(100),
    vocab: z.record(z.string(), z.number().int()),
  }),
});

type TemplatePiece = { special: string; typeId: number } | { sequence: true; typeId: number };

interface TokenizerParts {
  wordPiece: WordPieceConfig;
  normalizer: BertNormalizerConfig | undefined;
  added: ReadonlyMap<string, number>;
  /** The single-sequence template: special tokens around the sequence. */
  template: readonly TemplatePiece[];
  maxLength: number;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function buildTokenizer(parts: TokenizerParts): BertTokenizer {
  const { vocab } = parts.wordPiece;
  const idOf = (token: string): number => {
    const id = vocab.get(token) ?? parts.added.get(token) ?? vocab.get(parts.wordPiece.unkToken);
    if (id === undefined) throw new BotError('inference.model_invalid', `tokenizer has no id for ${token}`);
    return id;
  };
  const addedPattern =
    parts.added.size === 0
      ? undefined
      : new RegExp(
          `(${[...parts.added.keys()]
            .sort((a, b) => b.length - a.length)
            .map(escapeRegExp)
            .join('|')})`,
        );
  const specialsInTemplate = parts.template.filter((p) => 'special' in p).length;

  function tokenize(text: string): string[] {
    const segments = addedPattern === undefined ? [text] : text.split(addedPattern);
    const tokens: string[] = [];
    segments.forEach((segment, i) => {
      // With a capturing split, odd segments are the added tokens themselves.
      if (addedPattern !== undefined && i % 2 === 1) {
        tokens.push(segment);
        return;
      }
      const normalized = parts.normalizer === undefined ? segment : normalizeBert(segment, parts.normalizer);
      for (const word of preTokenizeBert(normalized)) tokens.push(...wordPiece(word, parts.wordPiece));
    });
    return tokens;
  }

  return {
    maxLength: parts.maxLength,
    vocabSize: vocab.size,
    tokenToId: (token) => vocab.get(token) ?? parts.added.get(token),
    encode: (text, options = {}) => {
      const maxLength = options.maxLength ?? parts.maxLength;
      const body = tokenize(text).slice(0, Math.max(0, maxLength - specialsInTemplate));
      const tokens: string[] = [];
      const typeIds: number[] = [];
      for (const piece of parts.template) {
        const add = 'special' in piece ? [piece.special] : body;
        for (const t of add) {
          tokens.push(t);
          typeIds.push(piece.typeId);
        }
      }
      return { tokens, ids: tokens.map(idOf), typeIds, attentionMask: tokens.map(() => 1) };
    },
  };
}

function templateOf(post: z.infer<typeof tokenizerJsonSchema>['post_processor']): TemplatePiece[] {
  if (post === null || post === undefined) return [{ sequence: true, typeId: 0 }];
  if (post.type === 'BertProcessing') {
    return [
      { special: post.cls[0], typeId: 0 },
      { sequence: true, typeId: 0 },
      { special: post.sep[0], typeId: 0 },
    ];
  }
  return post.single.map((p) =>
    'SpecialToken' in p
      ? {
          special: post.special_tokens[p.SpecialToken.id]?.tokens?.[0] ?? p.SpecialToken.id,
          typeId: p.SpecialToken.type_id,
        }
      : { sequence: true as const, typeId: p.Sequence.type_id },
  );
}

/**
 * Builds a tokenizer from a parsed `tokenizer.json`. Only the BERT family (WordPiece model, BertNormalizer,
 * BertPreTokenizer) is supported; anything else gives `inference.model_invalid`.
 * Max length: `options.maxLength`, else the file's truncation, else `modelMaxLength`, else 512.
 */
export function parseBertTokenizer(
  json: unknown,
  options: { maxLength?: number; modelMaxLength?: number } = {},
): BertTokenizer {
  const parsed = tokenizerJsonSchema.safeParse(json);
  if (!parsed.success) {
    throw new BotError(
      'inference.model_invalid',
      `tokenizer.json is not a BERT WordPiece tokenizer this framework supports: ${parsed.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.')}: ${i.message}`)
        .join('; ')}`,
    );
  }
  const t = parsed.data;
  const fallbackMax =
    options.modelMaxLength !== undefined && options.modelMaxLength > 0 && options.modelMaxLength < 100_000
      ? options.modelMaxLength
      : 512;
  return buildTokenizer({
    wordPiece: {
      vocab: new Map(Object.entries(t.model.vocab)),
      unkToken: t.model.unk_token,
      continuingSubwordPrefix: t.model.continuing_subword_prefix,
      maxInputCharsPerWord: t.model.max_input_chars_per_word,
    },
    normalizer:
      t.normalizer === null || t.normalizer === undefined
        ? undefined
        : {
            cleanText: t.normalizer.clean_text,
            handleChineseChars: t.normalizer.handle_chinese_chars,
            stripAccents: t.normalizer.strip_accents ?? undefined,
            lowercase: t.normalizer.lowercase,
          },
    added: new Map(t.added_tokens.map((a) => [a.content, a.id])),
    template: templateOf(t.post_processor),
    maxLength: options.maxLength ?? t.truncation?.max_length ?? fallbackMax,
  });
}

/** Builds a standard BERT tokenizer from a `vocab.txt` (one token per line, id = line number). */
export function bertTokenizerFromVocab(
  vocabText: string,
  options: { lowercase: boolean; maxLength?: number },
): BertTokenizer {
  const vocab = new Map<string, number>();
  vocabText.split(/\r?\n/).forEach((line, i) => {
    if (line !== '' && !vocab.has(line)) vocab.set(line, i);
  });
  const specials = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'].filter((s) => vocab.has(s));
  return buildTokenizer({
    wordPiece: { vocab, unkToken: '[UNK]', continuingSubwordPrefix: '##', maxInputCharsPerWord: 100 },
    normalizer: { cleanText: true, handleChineseChars: true, stripAccents: undefined, lowercase: options.lowercase },
    added: new Map(specials.map((s) => [s, vocab.get(s) ?? 0])),
    template: [
      { special: '[CLS]', typeId: 0 },
      { sequence: true, typeId: 0 },
      { special: '[SEP]', typeId: 0 },
    ],
    maxLength: options.maxLength ?? 512,
  });
}
