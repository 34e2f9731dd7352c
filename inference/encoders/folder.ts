/**
 * Reads a pretrained encoder folder: `model.onnx` (or `onnx/model.onnx`), `tokenizer.json` (or `vocab.txt`),
 * optional `tokenizer_config.json`, `config.json` and sentence-transformers' `1_Pooling/config.json`.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BotError, describeError } from '../../core/errors.js';
import type { Pooling } from './pooling.js';
import { bertTokenizerFromVocab, parseBertTokenizer } from './tokenizer.js';
import type { BertTokenizer } from './tokenizer.js';

export interface EncoderFolder {
  modelPath: string;
  tokenizer: BertTokenizer;
  /** From `1_Pooling/config.json` when present. */
  pooling: Pooling | undefined;
  /** `hidden_size` from `config.json` when present. */
  hiddenSize: number | undefined;
}

async function readJson(path: string): Promise<Record<string, unknown> | undefined> {
  if (!existsSync(path)) return undefined;
  try {
    const value: unknown = JSON.parse(await readFile(path, 'utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch (error) {
    throw new BotError('inference.model_invalid', `${path} is not valid JSON: ${describeError(error)}`, {
      cause: error,
    });
  }
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** The pooling a sentence-transformers `1_Pooling/config.json` asks for. */
export function poolingFromConfig(config: Record<string, unknown> | undefined): Pooling | undefined {
  if (config === undefined) return undefined;
  if (config.pooling_mode_cls_token === true) return 'cls';
  if (config.pooling_mode_mean_tokens === true) return 'mean';
  return undefined;
}

/** Loads the folder's tokenizer and settings; `inference.model_invalid` when something needed is missing. */
export async function readEncoderFolder(
  dir: string,
  options: { modelFile?: string; maxLength?: number } = {},
): Promise<EncoderFolder> {
  const candidates = options.modelFile !== undefined ? [options.modelFile] : ['model.onnx', 'onnx/model.onnx'];
  const modelPath = candidates.map((f) => join(dir, f)).find((p) => existsSync(p));
  if (modelPath === undefined) {
    throw new BotError('inference.model_invalid', `no ${candidates.join(' or ')} in encoder folder ${dir}`);
  }
  const tokenizerConfig = await readJson(join(dir, 'tokenizer_config.json'));
  const modelConfig = await readJson(join(dir, 'config.json'));
  const positions = num(modelConfig?.max_position_embeddings);
  const modelMaxLength = Math.min(num(tokenizerConfig?.model_max_length) ?? 512, positions ?? Infinity);
  const limits = {
    ...(options.maxLength === undefined ? {} : { maxLength: options.maxLength }),
    modelMaxLength,
  };
  let tokenizer: BertTokenizer;
  const tokenizerJson = await readJson(join(dir, 'tokenizer.json'));
  if (tokenizerJson !== undefined) {
    tokenizer = parseBertTokenizer(tokenizerJson, limits);
  } else if (existsSync(join(dir, 'vocab.txt'))) {
    tokenizer = bertTokenizerFromVocab(await readFile(join(dir, 'vocab.txt'), 'utf8'), {
      lowercase: tokenizerConfig?.do_lower_case !== false,
      maxLength: options.maxLength ?? modelMaxLength,
    });
  } else {
    throw new BotError('inference.model_invalid', `no tokenizer.json or vocab.txt in encoder folder ${dir}`);
  }
  return {
    modelPath,
    tokenizer,
    pooling: poolingFromConfig(await readJson(join(dir, '1_Pooling', 'config.json'))),
    hiddenSize: num(modelConfig?.hidden_size),
  };
}

/** The sha256 (hex) of a file, streamed. */
export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}
