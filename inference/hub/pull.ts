/**
 * `pullModel`: downloads a model repository's files from a Hugging Face compatible hub (the public hub or a mirror)
 * into a local folder that `createPretrainedEncoder` can load, with resume and sha256 checks.
 */
import { join } from 'node:path';
import { systemClock } from '../../core/clock.js';
import type { Clock } from '../../core/clock.js';
import { BotError, isBotError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { silentLogger } from '../../core/logger.js';
import { downloadFile } from './download.js';
import type { DownloadProgress, DownloadResult, FetchFn } from './download.js';
import { DEFAULT_ENDPOINT, assertRepoFile, assertRepoId, resolveUrl } from './paths.js';

/** Model weights: at least one must exist (sentence-transformers and transformers.js layouts). */
export const MODEL_FILES = ['onnx/model.onnx', 'model.onnx'] as const;
/** Everything else an encoder folder may use; `tokenizer.json` is required unless a `vocab.txt` exists. */
export const ENCODER_FILES = [
  'tokenizer.json',
  'tokenizer_config.json',
  'config.json',
  'special_tokens_map.json',
  'vocab.txt',
  '1_Pooling/config.json',
] as const;

export interface PullModelOptions {
  /** Repository id, e.g. `BAAI/bge-small-zh-v1.5`. */
  id: string;
  /** Hub base URL (default https://huggingface.co); a mirror such as the value of HF_ENDPOINT. */
  endpoint?: string;
  revision?: string;
  /** Files to fetch, all required. Default: the encoder layout (one of MODEL_FILES + ENCODER_FILES, missing ones skipped). */
  files?: readonly string[];
  /** Destination folder (files keep their repository paths inside it). */
  dir: string;
  /** Pinned sha256 per file path; checked instead of the hub's hashes. */
  sha256?: Readonly<Record<string, string>>;
  /** Bearer token for gated models (never logged). */
  token?: string;
  /** Retries per file after a failure (default 3), each resuming where the last stopped. */
  retries?: number;
  fetch?: FetchFn;
  onProgress?: (p: DownloadProgress) => void;
  signal?: AbortSignal;
}

export interface PulledFile extends DownloadResult {
  file: string;
  path: string;
}

export interface PullResult {
  id: string;
  dir: string;
  files: PulledFile[];
  /** Optional files the repository does not have. */
  missing: string[];
}

/** Downloads a model; see `PullModelOptions`. */
export async function pullModel(
  options: PullModelOptions,
  deps: { log?: Logger; clock?: Clock } = {},
): Promise<PullResult> {
  assertRepoId(options.id);
  const log = deps.log ?? silentLogger;
  const clock = deps.clock ?? systemClock;
  const fetchFn = options.fetch ?? fetch;
  const endpoint = options.endpoint ?? DEFAULT_ENDPOINT;
  const revision = options.revision ?? 'main';
  const explicit = options.files !== undefined;
  const wanted = options.files ?? [...MODEL_FILES, ...ENCODER_FILES];
  wanted.forEach(assertRepoFile);
  const headers: Record<string, string> = { 'user-agent': 'clawbot-models-pull' };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;

  const files: PulledFile[] = [];
  const missing: string[] = [];
  for (const file of wanted) {
    if (!explicit && file === 'model.onnx' && files.some((f) => f.file === 'onnx/model.onnx')) continue;
    const path = join(options.dir, ...file.split('/'));
    const pinned = options.sha256?.[file];
    try {
      const result = await downloadFile(
        {
          file,
          url: resolveUrl(endpoint, options.id, revision, file),
          dest: path,
          headers,
          retries: options.retries ?? 3,
          ...(pinned === undefined ? {} : { sha256: pinned }),
          ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
          ...(options.signal === undefined ? {} : { signal: options.signal }),
        },
        { fetch: fetchFn, clock },
      );
      files.push({ file, path, ...result });
      log.info(
        {
          model: options.id,
          file,
          bytes: result.bytes,
          verified: result.verified,
          resumed: result.resumed,
          skipped: result.skipped,
        },
        result.skipped ? 'model file up to date' : 'model file downloaded',
      );
    } catch (error) {
      if (!explicit && isBotError(error) && error.code === 'not_found') {
        missing.push(file);
        continue;
      }
      throw error;
    }
  }
  if (!explicit) {
    if (!files.some((f) => (MODEL_FILES as readonly string[]).includes(f.file))) {
      throw new BotError('not_found', `${options.id} has no ${MODEL_FILES.join(' or ')} at ${revision} on ${endpoint}`);
    }
    if (!files.some((f) => f.file === 'tokenizer.json' || f.file === 'vocab.txt')) {
      throw new BotError('not_found', `${options.id} has no tokenizer.json or vocab.txt at ${revision} on ${endpoint}`);
    }
  }
  return { id: options.id, dir: options.dir, files, missing };
}
