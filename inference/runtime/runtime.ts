/**
 * The ONNX Runtime session manager: one batcher per model, sessions on the decided provider, hot reload with
 * reference-counted retirement of the old session, a shared bound on queued requests.
 */
import { stat } from 'node:fs/promises';
import { systemClock } from '../../core/clock.js';
import type { Clock } from '../../core/clock.js';
import { BotError, describeError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { Metrics } from '../../core/ports/metrics.js';
import { createAdmission, createBatcher } from './batcher.js';
import type { Batcher, SubmitOptions } from './batcher.js';
import type { BatchObservation } from './batcher-types.js';
import { nodeExecFile, queryGpuMemory } from './gpu-memory.js';
import type { ExecFileFn } from './gpu-memory.js';
import { createSession, nodeOrt, selectProvider } from './session-factory.js';
import type { OrtApi } from './session-factory.js';
import { acquire, autoWarmupFeeds, axisLinks, releaseRef, retire, runSession } from './session-handle.js';
import type { AxisLink, SessionHandle } from './session-handle.js';
import { assertTensor, concatRows, cropTo, scratchAllocator, splitRows } from './tensors.js';
import type { Allocator } from './tensors.js';
import type { LoadOptions, LoadedModel, OnnxRuntime, RunOptions, RuntimeOptions, Tensorish } from './types.js';

type Feeds = Record<string, Tensorish>;
/** Submit options of the common case (one row, no deadline, no signal), shared to spare an allocation per request. */
const ONE_ROW: SubmitOptions = Object.freeze({ rows: 1 });
interface ModelEntry {
  current: SessionHandle;
  batcher: Batcher<Feeds, Feeds>;
  /** Input buffers reused batch after batch (the batcher computes one batch at a time per model). */
  scratch: (input: string) => Allocator;
}

export interface RuntimeDeps {
  log: Logger;
  clock?: Clock;
  /** onnxruntime-node by default; tests inject fakes to exercise provider fallback. */
  ort?: OrtApi;
  /** Runs nvidia-smi for GPU memory figures. */
  execFile?: ExecFileFn;
  /** Batch size, queue wait and batch time per model (`inference.*` histograms); not reported when absent. */
  metrics?: Metrics;
}

/** Reports one model's batches to the Metrics port. */
function batchReporter(metrics: Metrics, model: string): (batch: BatchObservation) => void {
  const labels = { model };
  return (batch) => {
    metrics.observe('inference.batch_size', batch.requests, labels);
    for (const ms of batch.queueWaitMs) metrics.observe('inference.queue_wait_seconds', ms / 1000, labels);
    metrics.observe('inference.batch_seconds', batch.computeMs / 1000, labels);
  };
}

/** Checks the feeds of one request against the model's inputs and gives its row count. */
function requestRows(model: string, inputNames: readonly string[], feeds: Feeds): number {
  let rows: number | undefined;
  for (const name of inputNames) {
    const t = feeds[name];
    if (t === undefined) throw new BotError('request.invalid', `model ${model} needs input ${name}`);
    assertTensor(name, t);
    const r = t.dims[0] ?? 0;
    if (rows !== undefined && r !== rows) {
      throw new BotError('request.invalid', `inputs of one request must have the same batch dim (${rows} vs ${r})`);
    }
    rows = r;
  }
  if (Object.keys(feeds).length !== inputNames.length) {
    const extra = Object.keys(feeds).filter((k) => !inputNames.includes(k));
    throw new BotError('request.invalid', `model ${model} has no input ${extra.join(', ')}`);
  }
  if (rows === undefined || rows < 1) throw new BotError('request.invalid', `model ${model}: a request needs rows`);
  return rows;
}

/** Crops a request's slice of an output back along the axes that were padded for the batch. */
function cropLinked(part: Tensorish, request: Feeds, links: readonly AxisLink[]): Tensorish {
  let dims = part.dims;
  for (const link of links) {
    const own = request[link.input]?.dims[link.inputAxis];
    if (own !== undefined && own < (dims[link.outputAxis] ?? 0)) {
      dims = dims.map((d, axis) => (axis === link.outputAxis ? own : d));
    }
  }
  return cropTo(part, dims);
}

/** Computes one coalesced batch on `handle` and splits the outputs back per request. */
async function computeBatch(
  handle: SessionHandle,
  requests: readonly Feeds[],
  rowCounts: readonly number[],
  scratch: (input: string) => Allocator,
): Promise<Feeds[]> {
  const { session } = handle;
  if (requests.length === 1) {
    const only = requests[0] as Feeds;
    requestRows(handle.info.name, session.inputNames, only);
    return [await runSession(session, only)];
  }
  const feeds: Feeds = {};
  for (const name of session.inputNames) {
    const parts = requests.map((r) => r[name]);
    if (parts.some((p) => p === undefined)) throw new BotError('request.invalid', `a request lacks input ${name}`);
    feeds[name] = concatRows(parts as Tensorish[], handle.padValues[name] ?? 0, scratch(name));
  }
  const outputs = await runSession(session, feeds);
  const results: Feeds[] = [];
  for (const name of session.outputNames) {
    const parts = splitRows(outputs[name] as Tensorish, rowCounts);
    const links = handle.links.filter((l) => l.output === name);
    for (let i = 0; i < parts.length; i++) {
      let part = parts[i] as Tensorish;
      if (links.length > 0) part = cropLinked(part, requests[i] as Feeds, links);
      const result = results[i];
      if (result === undefined) results.push({ [name]: part });
      else result[name] = part;
    }
  }
  return results;
}

/** Creates the runtime: decides the execution provider (probing CUDA unless `device` is `cpu`). */
export async function createOnnxRuntime(options: RuntimeOptions, deps: RuntimeDeps): Promise<OnnxRuntime> {
  const log = deps.log.child({ component: 'onnx-runtime' });
  const clock = deps.clock ?? systemClock;
  const ort = deps.ort ?? nodeOrt;
  const exec = deps.execFile ?? nodeExecFile;
  for (const key of ['maxBatchSize', 'maxConcurrentRequests'] as const) {
    if (!Number.isInteger(options[key]) || options[key] < 1) {
      throw new BotError('config.invalid', `inference.${key} must be a positive integer`);
    }
  }
  if (!(options.maxWaitMs >= 0)) throw new BotError('config.invalid', 'inference.maxWaitMs must be >= 0');
  if (options.ortLogLevel !== undefined) ort.setLogLevel(options.ortLogLevel);
  const decision = await selectProvider(options.device, { ort, log });
  const admission = createAdmission(options.maxConcurrentRequests);
  const models = new Map<string, ModelEntry>();
  let closed = false;

  function entryOf(name: string): ModelEntry {
    const entry = models.get(name);
    if (entry === undefined) throw new BotError('inference.unavailable', `model ${name} is not loaded`);
    return entry;
  }

  function newBatcher(name: string, entry: () => ModelEntry): Batcher<Feeds, Feeds> {
    return createBatcher<Feeds, Feeds>(
      { maxBatchSize: options.maxBatchSize, maxWaitMs: options.maxWaitMs, name },
      {
        clock,
        admission,
        ...(deps.metrics === undefined ? {} : { onBatch: batchReporter(deps.metrics, name) }),
        execute: async (requests, rows) => {
          const handle = acquire(entry().current);
          try {
            return await computeBatch(handle, requests, rows, entry().scratch);
          } catch (error) {
            if (error instanceof BotError) throw error;
            throw new BotError('inference.unavailable', `model ${name} failed: ${describeError(error)}`, {
              cause: error,
            });
          } finally {
            releaseRef(handle, log);
          }
        },
      },
    );
  }

  async function load(name: string, source: string | Uint8Array, opts: LoadOptions = {}): Promise<LoadedModel> {
    if (closed) throw new BotError('inference.unavailable', 'the inference runtime is closed');
    const started = clock.now();
    const sizeBytes = typeof source === 'string' ? (await stat(source)).size : source.byteLength;
    const { session, provider } = await createSession(
      name,
      source,
      {
        device: options.device,
        provider: decision.provider,
        ...(options.intraOpNumThreads === undefined ? {} : { intraOpNumThreads: options.intraOpNumThreads }),
      },
      { ort, log },
    );
    const warmup = opts.warmup ?? autoWarmupFeeds(session);
    if (warmup !== undefined) {
      try {
        await runSession(session, warmup);
      } catch (error) {
        if (opts.warmup !== undefined) {
          await session.release();
          throw new BotError('inference.model_invalid', `warm-up of model ${name} failed: ${describeError(error)}`, {
            cause: error,
          });
        }
        log.warn({ model: name, reason: describeError(error) }, 'automatic warm-up failed; serving without it');
      }
    }
    const info: LoadedModel = {
      name,
      provider,
      loadMs: clock.now() - started,
      sizeBytes,
      inputNames: [...session.inputNames],
      outputNames: [...session.outputNames],
    };
    const handle: SessionHandle = {
      session,
      info,
      padValues: { ...opts.padValues },
      links: axisLinks(session),
      refs: 0,
      retired: false,
      released: false,
    };
    const existing = models.get(name);
    if (closed) {
      retire(handle, log);
      throw new BotError('inference.unavailable', 'the inference runtime is closed');
    }
    if (existing !== undefined) {
      const old = existing.current;
      existing.current = handle;
      retire(old, log);
      log.info({ model: name, provider, loadMs: info.loadMs, sizeBytes }, 'model reloaded');
    } else {
      const entry: ModelEntry = {
        current: handle,
        batcher: undefined as unknown as Batcher<Feeds, Feeds>,
        scratch: scratchAllocator(),
      };
      entry.batcher = newBatcher(name, () => entry);
      models.set(name, entry);
      log.info({ model: name, provider, loadMs: info.loadMs, sizeBytes }, 'model loaded');
    }
    return info;
  }

  function run(name: string, feeds: Feeds, opts?: RunOptions): Promise<Feeds> {
    let entry: ModelEntry;
    let rows: number;
    try {
      entry = entryOf(name);
      rows = requestRows(name, entry.current.session.inputNames, feeds);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(describeError(error)));
    }
    if (rows === 1 && opts?.deadlineMs === undefined && opts?.signal === undefined) {
      return entry.batcher.submit(feeds, ONE_ROW);
    }
    const submitOptions: SubmitOptions = { rows };
    if (opts?.deadlineMs !== undefined) submitOptions.deadlineAt = clock.now() + opts.deadlineMs;
    if (opts?.signal !== undefined) submitOptions.signal = opts.signal;
    return entry.batcher.submit(feeds, submitOptions);
  }

  async function runBatch(name: string, feeds: Feeds): Promise<Feeds> {
    const handle = acquire(entryOf(name).current);
    try {
      return await runSession(handle.session, feeds);
    } finally {
      releaseRef(handle, log);
    }
  }

  async function unload(name: string): Promise<void> {
    const entry = models.get(name);
    if (entry === undefined) return;
    models.delete(name);
    await entry.batcher.close(new BotError('inference.unavailable', `model ${name} was unloaded`));
    retire(entry.current, log);
    log.info({ model: name }, 'model unloaded');
  }

  return {
    load,
    run,
    runBatch,
    unload,
    models: () => [...models.values()].map((e) => e.current.info),
    providers: () => (decision.provider === 'cuda' ? ['cuda', 'cpu'] : ['cpu']),
    gpuMemory: async () =>
      [...models.values()].some((e) => e.current.info.provider === 'cuda') ? queryGpuMemory(exec) : undefined,
    close: async () => {
      closed = true;
      await Promise.all([...models.keys()].map((name) => unload(name)));
    },
  };
}
