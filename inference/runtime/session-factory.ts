/**
 * Execution-provider selection and session creation. `auto` probes CUDA once with a one-node model and falls back to
 * the CPU with the reason logged; `cuda` fails clearly when the CUDA provider cannot be used.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { InferenceSession, env } from 'onnxruntime-node';
import { BotError, describeError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { identityModel } from './synthetic-models.js';
import type { Device, OrtLogLevel } from './types.js';

export type Provider = 'cuda' | 'cpu';

/** The part of onnxruntime-node the runtime uses; injected so provider selection can be tested with fakes. */
export interface OrtApi {
  createSession(source: string | Uint8Array, options: InferenceSession.SessionOptions): Promise<InferenceSession>;
  setLogLevel(level: OrtLogLevel): void;
  /** Why the CUDA provider is likely missing (e.g. its shared library is absent), or undefined when unknown. */
  cudaHint(): string | undefined;
}

/** How GPU users get the CUDA binaries (the default install, see .npmrc, skips them). */
export const CUDA_INSTALL_HINT =
  'install the CUDA 12 build of onnxruntime-node: ONNXRUNTIME_NODE_INSTALL=cuda12 npm install onnxruntime-node ' +
  '(or npm rebuild onnxruntime-node), with CUDA 12 and cuDNN 9 libraries on the library path';

function bindingDir(): string | undefined {
  try {
    const pkg = createRequire(import.meta.url).resolve('onnxruntime-node/package.json');
    return join(dirname(pkg), 'bin', 'napi-v6', process.platform, process.arch);
  } catch {
    return undefined;
  }
}

/** The real onnxruntime-node. */
export const nodeOrt: OrtApi = Object.freeze({
  createSession: (source: string | Uint8Array, options: InferenceSession.SessionOptions) =>
    typeof source === 'string' ? InferenceSession.create(source, options) : InferenceSession.create(source, options),
  setLogLevel: (level: OrtLogLevel) => {
    env.logLevel = level;
  },
  cudaHint: () => {
    const dir = bindingDir();
    if (dir === undefined || process.platform !== 'linux') return undefined;
    const lib = join(dir, 'libonnxruntime_providers_cuda.so');
    return existsSync(lib) ? undefined : `${lib} is not installed`;
  },
});

export interface ProviderDecision {
  provider: Provider;
  /** Why CUDA is not used, when it was asked for (auto) but is unavailable. */
  fallbackReason?: string;
}

/** Session options for a provider. */
export function sessionOptions(provider: Provider, intraOpNumThreads?: number): InferenceSession.SessionOptions {
  return {
    executionProviders: provider === 'cuda' ? ['cuda', 'cpu'] : ['cpu'],
    graphOptimizationLevel: 'all',
    ...(intraOpNumThreads === undefined ? {} : { intraOpNumThreads }),
  };
}

/** Why CUDA failed, with the install hint. */
export function cudaFailureReason(error: unknown, ort: OrtApi): string {
  const hint = ort.cudaHint();
  return `${describeError(error)}${hint === undefined ? '' : ` (${hint})`}; ${CUDA_INSTALL_HINT}`;
}

/**
 * Decides the provider for `device`: `cpu` as asked; `auto` and `cuda` probe CUDA with a one-node model.
 * `auto` falls back to the CPU (reason logged at warn); `cuda` throws `inference.unavailable`.
 */
export async function selectProvider(device: Device, deps: { ort: OrtApi; log: Logger }): Promise<ProviderDecision> {
  if (device === 'cpu') return { provider: 'cpu' };
  try {
    const probe = await deps.ort.createSession(identityModel(), sessionOptions('cuda'));
    await probe.release();
    return { provider: 'cuda' };
  } catch (error) {
    const reason = cudaFailureReason(error, deps.ort);
    if (device === 'cuda') {
      throw new BotError(
        'inference.unavailable',
        `inference.device is "cuda" but the CUDA execution provider cannot be used: ${reason}. ` +
          'Set inference.device to "auto" or "cpu" to run on the CPU.',
        { cause: error },
      );
    }
    deps.log.warn({ device, fallback: 'cpu', reason }, 'CUDA execution provider unavailable; running on the CPU');
    return { provider: 'cpu', fallbackReason: reason };
  }
}

/**
 * Creates a session on the decided provider. When CUDA was decided but this model cannot be placed there, `auto`
 * falls back to the CPU for this model (reason logged) and `cuda` throws `inference.unavailable`.
 * A model onnxruntime rejects gives `inference.model_invalid`.
 */
export async function createSession(
  name: string,
  source: string | Uint8Array,
  settings: { device: Device; provider: Provider; intraOpNumThreads?: number },
  deps: { ort: OrtApi; log: Logger },
): Promise<{ session: InferenceSession; provider: Provider }> {
  if (settings.provider === 'cuda') {
    try {
      const session = await deps.ort.createSession(source, sessionOptions('cuda', settings.intraOpNumThreads));
      return { session, provider: 'cuda' };
    } catch (error) {
      if (settings.device === 'cuda') {
        throw new BotError('inference.unavailable', `model ${name} cannot run on CUDA: ${describeError(error)}`, {
          cause: error,
        });
      }
      deps.log.warn({ model: name, reason: describeError(error) }, 'model cannot run on CUDA; loading it on the CPU');
    }
  }
  try {
    const session = await deps.ort.createSession(source, sessionOptions('cpu', settings.intraOpNumThreads));
    return { session, provider: 'cpu' };
  } catch (error) {
    throw new BotError('inference.model_invalid', `cannot load model ${name}: ${describeError(error)}`, {
      cause: error,
    });
  }
}
