/** Content-hash cache of trained models on disk: `<modelDir>/fasttext-<hash16>/{model.onnx, featurizer.json}`. */

import { readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { Clock } from '../../core/clock.js';
import type { TrainingExample } from '../../core/engine/types.js';
import type { Logger } from '../../core/logger.js';
import { buildArtifact, readArtifactMeta, writeArtifact } from '../fasttext/artifact.js';
import type { ModelMeta } from '../fasttext/artifact.js';
import { trainingContentHash } from '../fasttext/content-hash.js';
import { resolveConfig, trainClassifier } from '../fasttext/train-classifier.js';
import type { JobProgress, TrainClassifierOptions } from '../fasttext/train-classifier.js';

export const VERSION_PREFIX = 'fasttext-';

export interface EnsureModelOptions {
  readonly modelDir: string;
  readonly examples: readonly TrainingExample[];
  /** Validation examples for calibration (intent `oos` = out of scope); part of the content hash. */
  readonly validation?: readonly TrainingExample[];
  readonly config?: TrainClassifierOptions['config'];
  /** Train even when an up-to-date model is cached. */
  readonly force?: boolean;
  /** Model versions kept in modelDir (the newest by modification time); default 3. */
  readonly keep?: number;
  readonly onProgress?: (p: JobProgress) => void;
  readonly signal?: AbortSignal;
}

/** A model folder ready to load. */
export interface StoredModel {
  readonly dir: string;
  readonly meta: ModelMeta;
  /** False when the cached model was up to date. */
  readonly trained: boolean;
  readonly trainMs: number;
}

/** The content hash the examples + configuration would produce (what "stale" is measured against). */
export function expectedContentHash(options: Pick<EnsureModelOptions, 'examples' | 'validation' | 'config'>): string {
  return trainingContentHash(options.examples, resolveConfig(options.config), options.validation ?? []);
}

/** Folder of the model version with `contentHash`. */
export function versionDir(modelDir: string, contentHash: string): string {
  return join(modelDir, `${VERSION_PREFIX}${contentHash.slice(0, 16)}`);
}

/** Returns the cached model when its content hash matches, else trains, exports and caches a new one. */
export async function ensureModel(
  options: EnsureModelOptions,
  deps: { log: Logger; clock: Clock },
): Promise<StoredModel> {
  const hash = expectedContentHash(options);
  const dir = versionDir(options.modelDir, hash);
  if (options.force !== true) {
    const meta = await readArtifactMeta(dir).catch(() => undefined);
    if (meta?.contentHash === hash) {
      deps.log.info({ dir, contentHash: hash.slice(0, 16) }, 'intent model up to date; using the cached one');
      return { dir, meta, trained: false, trainMs: 0 };
    }
  }
  deps.log.info({ dir, examples: options.examples.length }, 'training the intent model (missing or stale)');
  const started = deps.clock.now();
  const trained = await trainClassifier(options.examples, {
    ...(options.config === undefined ? {} : { config: options.config }),
    ...(options.validation === undefined ? {} : { validation: options.validation }),
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  const artifact = buildArtifact(trained);
  await writeArtifact(dir, artifact);
  const trainMs = deps.clock.now() - started;
  await writeFile(join(options.modelDir, 'current.json'), `${JSON.stringify({ contentHash: hash, dir })}\n`);
  deps.log.info(
    { dir, trainMs, onnxBytes: artifact.onnx.length, labels: artifact.meta.labels.length },
    'intent model trained',
  );
  await prune(options.modelDir, dir, options.keep ?? 3, deps.log);
  return { dir, meta: artifact.meta, trained: true, trainMs };
}

/** Removes the oldest model versions beyond `keep` (never `current`). */
async function prune(modelDir: string, current: string, keep: number, log: Logger): Promise<void> {
  const names = (await readdir(modelDir)).filter((n) => n.startsWith(VERSION_PREFIX));
  const dated = await Promise.all(
    names.map(async (n) => ({ dir: join(modelDir, n), mtime: (await stat(join(modelDir, n))).mtimeMs })),
  );
  const old = dated
    .filter((d) => d.dir !== current)
    .sort((a, b) => b.mtime - a.mtime)
    .slice(Math.max(0, keep - 1));
  for (const d of old) {
    await rm(d.dir, { recursive: true, force: true });
    log.debug({ dir: d.dir }, 'old intent model version removed');
  }
}
