/**
 * A pretrained BERT-family sentence encoder served through the ONNX runtime (batched with concurrent callers):
 * in-process tokenisation, mean or CLS pooling, L2 normalisation, optional sha256 pinning of the weights.
 */
import { basename } from 'node:path';
import { BotError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { Embedder } from '../../core/ports/inference.js';
import type { LoadedModel, OnnxRuntime, Tensorish } from '../runtime/index.js';
import { readEncoderFolder, sha256File } from './folder.js';
import { l2Normalize, poolTokens } from './pooling.js';
import type { Pooling } from './pooling.js';
import type { BertTokenizer, Encoding } from './tokenizer.js';

export interface PretrainedEncoderOptions {
  /** Folder with model.onnx (or onnx/model.onnx) and tokenizer.json (or vocab.txt). */
  dir: string;
  /** Embedder name (default: the folder's name); the runtime model is `encoder:<name>`. */
  name?: string;
  /** Model file inside `dir` (default model.onnx, then onnx/model.onnx). */
  modelFile?: string;
  /** Default: the folder's 1_Pooling/config.json, else `mean`. bge models use `cls`. */
  pooling?: Pooling;
  /** L2-normalise the pooled vectors (default true). */
  normalize?: boolean;
  /** Token limit, special tokens included (default: the tokenizer's truncation or model max length). */
  maxLength?: number;
  /** Expected sha256 (hex) of the model file; a mismatch refuses to load (`inference.model_invalid`). */
  sha256?: string;
  /** Prepended to every text (e.g. `query: ` for e5 models). */
  prefix?: string;
  /**
   * Texts of one `embed` call in the runtime's queue at once (default 32): enough to fill batches, few enough to stay
   * under the runtime's maxConcurrentRequests when thousands of texts are embedded (e.g. indexing a knowledge base).
   */
  maxInFlight?: number;
}

export interface PretrainedEncoder extends Embedder {
  readonly pooling: Pooling;
  readonly maxLength: number;
  readonly model: LoadedModel;
  readonly tokenizer: BertTokenizer;
}

const KNOWN_INPUTS = ['input_ids', 'attention_mask', 'token_type_ids'] as const;
const OUTPUT_PREFERENCE = ['last_hidden_state', 'token_embeddings', 'sentence_embedding'];

function int64(values: readonly number[]): Tensorish {
  return { type: 'int64', dims: [1, values.length], data: BigInt64Array.from(values, (v) => BigInt(v)) };
}

function feedsOf(encoding: Encoding, inputNames: readonly string[]): Record<string, Tensorish> {
  const all: Record<(typeof KNOWN_INPUTS)[number], Tensorish> = {
    input_ids: int64(encoding.ids),
    attention_mask: int64(encoding.attentionMask),
    token_type_ids: int64(encoding.typeIds),
  };
  const feeds: Record<string, Tensorish> = {};
  for (const name of inputNames) feeds[name] = all[name as (typeof KNOWN_INPUTS)[number]];
  return feeds;
}

/** Turns one request's output into a pooled sentence vector. */
function sentenceVector(output: Tensorish, encoding: Encoding, pooling: Pooling): Float32Array {
  if (!(output.data instanceof Float32Array)) {
    throw new BotError('inference.model_invalid', `encoder output is ${output.type}, expected float32`);
  }
  if (output.dims.length === 2) return output.data.slice(0, output.dims[1]);
  if (output.dims.length !== 3) {
    throw new BotError('inference.model_invalid', `encoder output has dims [${output.dims.join(', ')}]`);
  }
  return poolTokens(output.data, output.dims[1] ?? 0, output.dims[2] ?? 0, encoding.attentionMask, pooling);
}

/** Loads a pretrained encoder folder into the runtime and gives an `Embedder`. */
export async function createPretrainedEncoder(
  options: PretrainedEncoderOptions,
  deps: { runtime: OnnxRuntime; log: Logger },
): Promise<PretrainedEncoder> {
  const name = options.name ?? basename(options.dir);
  const folder = await readEncoderFolder(options.dir, {
    ...(options.modelFile === undefined ? {} : { modelFile: options.modelFile }),
    ...(options.maxLength === undefined ? {} : { maxLength: options.maxLength }),
  });
  if (options.sha256 !== undefined) {
    const actual = await sha256File(folder.modelPath);
    if (actual !== options.sha256.toLowerCase()) {
      throw new BotError(
        'inference.model_invalid',
        `sha256 of ${folder.modelPath} is ${actual}, but the configuration pins ${options.sha256}; refusing to load it`,
        { details: { expected: options.sha256, actual } },
      );
    }
  }
  const { tokenizer } = folder;
  const pooling = options.pooling ?? folder.pooling ?? 'mean';
  const normalize = options.normalize ?? true;
  const prefix = options.prefix ?? '';
  const maxInFlight = Math.max(1, options.maxInFlight ?? 32);
  const modelName = `encoder:${name}`;
  // onnxruntime warms up with zero inputs at load; the dimension probe below is the realistic warm-up.
  const model = await deps.runtime.load(modelName, folder.modelPath);
  const unknown = model.inputNames.filter((n) => !(KNOWN_INPUTS as readonly string[]).includes(n));
  if (unknown.length > 0) {
    await deps.runtime.unload(modelName);
    throw new BotError(
      'inference.model_invalid',
      `encoder ${name} has inputs this encoder cannot feed: ${unknown.join(', ')}`,
    );
  }
  const outputName = OUTPUT_PREFERENCE.find((o) => model.outputNames.includes(o)) ?? model.outputNames[0];
  if (outputName === undefined) throw new BotError('inference.model_invalid', `encoder ${name} has no outputs`);
  const inputNames = model.inputNames;

  async function embedOne(text: string, signal: AbortSignal | undefined): Promise<Float32Array> {
    const encoding = tokenizer.encode(prefix + text);
    const out = await deps.runtime.run(
      modelName,
      feedsOf(encoding, inputNames),
      signal === undefined ? {} : { signal },
    );
    const output = out[outputName as string];
    if (output === undefined) throw new BotError('inference.model_invalid', `encoder ${name} gave no ${outputName}`);
    const vector = sentenceVector(output, encoding, pooling);
    return normalize ? l2Normalize(vector) : vector;
  }

  const probe = await embedOne('dimensions', undefined);
  const dimensions = probe.length;
  if (folder.hiddenSize !== undefined && folder.hiddenSize !== dimensions) {
    deps.log.warn(
      { encoder: name, hiddenSize: folder.hiddenSize, dimensions },
      'config.json hidden_size differs from the output width',
    );
  }
  deps.log.info(
    {
      encoder: name,
      dimensions,
      pooling,
      maxLength: tokenizer.maxLength,
      provider: model.provider,
      loadMs: model.loadMs,
    },
    'pretrained encoder ready',
  );
  return {
    name,
    dimensions,
    pooling,
    maxLength: tokenizer.maxLength,
    model,
    tokenizer,
    embed: async (texts, embedOptions = {}) => {
      const out = new Array<Float32Array>(texts.length);
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < texts.length) {
          const i = next++;
          out[i] = await embedOne(texts[i] as string, embedOptions.signal);
        }
      };
      await Promise.all(Array.from({ length: Math.min(maxInFlight, texts.length) }, worker));
      return out;
    },
  };
}
