/** The exported artifact: model.onnx + featurizer.json (featurizer, labels, calibration, content hash). */

import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { BotError } from '../../core/errors.js';
import type { CalibrationParams } from './calibration.js';
import { exportOnnx, ONNX_IO, ONNX_OPSET } from './export-onnx.js';
import type { FeaturizerConfig } from './featurizer.js';
import type { ClassifierConfig, TrainedClassifier } from './train-classifier.js';

export const ONNX_FILE = 'model.onnx';
export const META_FILE = 'featurizer.json';
export const META_FORMAT = 'clawbot-fasttext';

/** Everything besides the weights that serving needs (the featurizer JSON). */
export interface ModelMeta {
  readonly format: typeof META_FORMAT;
  readonly version: 1;
  /** sha256 of the training examples + configuration this model was trained from. */
  readonly contentHash: string;
  readonly labels: readonly string[];
  readonly dim: number;
  readonly featurizer: FeaturizerConfig;
  readonly calibration: CalibrationParams;
  readonly calibrationSource: TrainedClassifier['calibrationSource'];
  readonly config: ClassifierConfig;
  /** Texts and class indices of the nearest-example memory rows (same order as the graph's memory). */
  readonly memory: { readonly texts: readonly string[]; readonly labels: readonly number[] };
  readonly onnx: {
    readonly file: string;
    readonly sha256: string;
    readonly bytes: number;
    readonly opset: number;
    readonly inputs: readonly string[];
    readonly outputs: readonly string[];
  };
}

/** An exported model in memory. */
export interface Artifact {
  readonly onnx: Uint8Array;
  readonly meta: ModelMeta;
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Exports a trained classifier to ONNX bytes + metadata. */
export function buildArtifact(trained: TrainedClassifier): Artifact {
  const onnx = exportOnnx(trained.model, {
    memory: trained.memory,
    metadata: { content_hash: trained.contentHash, labels: String(trained.model.labels.length) },
  });
  const outputs: string[] = [ONNX_IO.logits, ONNX_IO.embedding, ONNX_IO.coverage];
  if (trained.memory.length > 0) outputs.push(ONNX_IO.nearestSim, ONNX_IO.nearestIndex);
  const meta: ModelMeta = {
    format: META_FORMAT,
    version: 1,
    contentHash: trained.contentHash,
    labels: trained.model.labels,
    dim: trained.model.dim,
    featurizer: trained.model.featurizer,
    calibration: trained.calibration,
    calibrationSource: trained.calibrationSource,
    config: trained.config,
    memory: { texts: trained.memoryTexts, labels: trained.memoryLabels },
    onnx: {
      file: ONNX_FILE,
      sha256: sha256(onnx),
      bytes: onnx.length,
      opset: ONNX_OPSET,
      inputs: [ONNX_IO.ids, ONNX_IO.weights],
      outputs,
    },
  };
  return { onnx, meta };
}

async function writeAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

/** Writes model.onnx then featurizer.json (the JSON last, so a readable JSON means a complete model). */
export async function writeArtifact(dir: string, artifact: Artifact): Promise<{ onnxPath: string; metaPath: string }> {
  await mkdir(dir, { recursive: true });
  const onnxPath = join(dir, artifact.meta.onnx.file);
  const metaPath = join(dir, META_FILE);
  await writeAtomic(onnxPath, artifact.onnx);
  await writeAtomic(metaPath, `${JSON.stringify(artifact.meta)}\n`);
  return { onnxPath, metaPath };
}

/** Reads and checks a model folder's metadata; undefined when there is no model there. */
export async function readArtifactMeta(dir: string): Promise<ModelMeta | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, META_FILE), 'utf8');
  } catch {
    return undefined;
  }
  let meta: unknown;
  try {
    meta = JSON.parse(text);
  } catch (cause) {
    throw new BotError('inference.model_invalid', `${join(dir, META_FILE)} is not JSON; delete the folder to retrain`, {
      cause,
    });
  }
  const m = meta as Partial<ModelMeta>;
  if (m.format !== META_FORMAT || m.version !== 1 || !Array.isArray(m.labels) || m.onnx === undefined) {
    throw new BotError('inference.model_invalid', `${join(dir, META_FILE)} is not a clawbot fastText model`);
  }
  return meta as ModelMeta;
}

/** Reads the ONNX bytes of a model folder and checks them against the recorded sha256. */
export async function readArtifactOnnx(dir: string, meta: ModelMeta): Promise<Uint8Array> {
  const bytes = new Uint8Array(await readFile(join(dir, meta.onnx.file)));
  if (sha256(bytes) !== meta.onnx.sha256) {
    throw new BotError('inference.model_invalid', `${join(dir, meta.onnx.file)} does not match its sha256; retrain`);
  }
  return bytes;
}
