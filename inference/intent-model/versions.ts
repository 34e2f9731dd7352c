/** Loaded model versions with in-flight counting, so a replaced version is unloaded only once it is idle. */

import type { Logger } from '../../core/logger.js';
import { readArtifactOnnx } from '../fasttext/artifact.js';
import type { ModelMeta } from '../fasttext/artifact.js';
import type { LoadedModel, OnnxRuntime } from '../runtime/index.js';
import { createPredictor } from './predictor.js';
import type { Predictor } from './predictor.js';

/** One model version loaded in the runtime under its own name. */
export interface ModelVersion {
  readonly predictor: Predictor;
  readonly loaded: LoadedModel;
  readonly dir: string;
  /** Requests currently using this version. */
  inflight: number;
  /** Replaced: unload as soon as `inflight` reaches 0. */
  retired: boolean;
}

/** Reads a model folder (sha256-checked) and loads it in the runtime under `<prefix>@<hash12>`. */
export async function loadVersion(
  runtime: OnnxRuntime,
  prefix: string,
  dir: string,
  meta: ModelMeta,
  serial: number,
): Promise<ModelVersion> {
  const bytes = await readArtifactOnnx(dir, meta);
  const modelName = `${prefix}@${meta.contentHash.slice(0, 12)}#${serial}`;
  const loaded = await runtime.load(modelName, bytes);
  return { predictor: createPredictor({ runtime, modelName, meta }), loaded, dir, inflight: 0, retired: false };
}

/** Runs `fn` on `version`, counting it in flight; unloads a retired version when the last request ends. */
export async function withVersion<T>(
  runtime: OnnxRuntime,
  version: ModelVersion,
  log: Logger,
  fn: (v: ModelVersion) => Promise<T>,
): Promise<T> {
  version.inflight++;
  try {
    return await fn(version);
  } finally {
    version.inflight--;
    // Not awaited: the last request on a replaced version should not wait for its unload.
    if (version.retired && version.inflight === 0) void unloadQuietly(runtime, version, log);
  }
}

/** Marks a version replaced; unloads it now when idle. */
export async function retireVersion(runtime: OnnxRuntime, version: ModelVersion, log: Logger): Promise<void> {
  version.retired = true;
  if (version.inflight === 0) await unloadQuietly(runtime, version, log);
}

async function unloadQuietly(runtime: OnnxRuntime, version: ModelVersion, log: Logger): Promise<void> {
  try {
    await runtime.unload(version.predictor.modelName);
    log.info({ model: version.predictor.modelName }, 'previous intent model unloaded');
  } catch (error) {
    log.warn({ model: version.predictor.modelName, err: error }, 'unloading a previous intent model failed');
  }
}
