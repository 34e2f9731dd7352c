/**
 * One loaded session with its reference count, so a hot reload can retire it and release it once the batches
 * computing on it are done. Also the onnxruntime <-> Tensorish conversions and metadata-derived helpers.
 */
import { Tensor } from 'onnxruntime-node';
import type { InferenceSession } from 'onnxruntime-node';
import { BotError, describeError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { allocate, elementCount } from './tensors.js';
import type { LoadedModel, Tensorish } from './types.js';

/** An output axis whose size follows an input axis (same symbolic dim name), so padding can be cropped back. */
export interface AxisLink {
  output: string;
  outputAxis: number;
  input: string;
  inputAxis: number;
}

export interface SessionHandle {
  readonly session: InferenceSession;
  readonly info: LoadedModel;
  readonly padValues: Readonly<Record<string, number>>;
  readonly links: readonly AxisLink[];
  refs: number;
  retired: boolean;
  released: boolean;
}

function symbolicShape(meta: InferenceSession.ValueMetadata | undefined): readonly (number | string)[] {
  return meta !== undefined && meta.isTensor ? meta.shape : [];
}

/** Links every output axis >= 1 named like an input axis >= 1. */
export function axisLinks(session: InferenceSession): AxisLink[] {
  const links: AxisLink[] = [];
  for (const out of session.outputMetadata) {
    const outShape = symbolicShape(out);
    outShape.forEach((dim, outputAxis) => {
      if (outputAxis === 0 || typeof dim !== 'string') return;
      for (const input of session.inputMetadata) {
        const inputAxis = symbolicShape(input).findIndex((d, j) => j > 0 && d === dim);
        if (inputAxis > 0) {
          links.push({ output: out.name, outputAxis, input: input.name, inputAxis });
          return;
        }
      }
    });
  }
  return links;
}

/** Zero-filled batch-1 feeds from the input metadata (symbolic dims = 1), or undefined when a type is unsupported. */
export function autoWarmupFeeds(session: InferenceSession): Record<string, Tensorish> | undefined {
  const feeds: Record<string, Tensorish> = {};
  for (const meta of session.inputMetadata) {
    if (!meta.isTensor) return undefined;
    const type = meta.type;
    if (type !== 'float32' && type !== 'int64' && type !== 'int32') return undefined;
    const dims = meta.shape.map((d) => (typeof d === 'number' ? d : 1));
    feeds[meta.name] = { type, dims, data: allocate(type, elementCount(dims)) };
  }
  return feeds;
}

/** Tensorish -> onnxruntime Tensor (no copy). */
export function toOrt(t: Tensorish): Tensor {
  return new Tensor(t.type, t.data, t.dims);
}

/** onnxruntime output -> Tensorish; narrow integer and bool outputs become int32, float64 becomes float32. */
export function fromOrt(name: string, value: unknown): Tensorish {
  if (!(value instanceof Tensor)) throw new BotError('inference.model_invalid', `output ${name} is not a tensor`);
  const dims = [...value.dims];
  const data: unknown = value.data;
  if (data instanceof Float32Array) return { type: 'float32', dims, data };
  if (data instanceof BigInt64Array) return { type: 'int64', dims, data };
  if (data instanceof Int32Array) return { type: 'int32', dims, data };
  if (data instanceof Float64Array) return { type: 'float32', dims, data: Float32Array.from(data) };
  if (
    data instanceof Uint8Array ||
    data instanceof Int8Array ||
    data instanceof Int16Array ||
    data instanceof Uint16Array
  ) {
    return { type: 'int32', dims, data: Int32Array.from(data) };
  }
  throw new BotError('inference.model_invalid', `output ${name} has unsupported type ${value.type}`);
}

/** Runs a session on Tensorish feeds and converts every output. */
export async function runSession(
  session: InferenceSession,
  feeds: Readonly<Record<string, Tensorish>>,
): Promise<Record<string, Tensorish>> {
  const ortFeeds: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = toOrt(t);
  const out = await session.run(ortFeeds);
  const result: Record<string, Tensorish> = {};
  for (const name of session.outputNames) result[name] = fromOrt(name, out[name]);
  return result;
}

/** Takes a reference on a handle for the duration of a run. */
export function acquire(handle: SessionHandle): SessionHandle {
  handle.refs++;
  return handle;
}

/** Gives back a reference; releases the session if it was retired and this was the last. */
export function releaseRef(handle: SessionHandle, log: Logger): void {
  handle.refs--;
  if (handle.retired && handle.refs <= 0) void releaseSession(handle, log);
}

/** Marks a handle retired (replaced or unloaded); releases at once when idle. */
export function retire(handle: SessionHandle, log: Logger): void {
  handle.retired = true;
  if (handle.refs <= 0) void releaseSession(handle, log);
}

async function releaseSession(handle: SessionHandle, log: Logger): Promise<void> {
  if (handle.released) return;
  handle.released = true;
  try {
    await handle.session.release();
    log.debug({ model: handle.info.name }, 'released onnx session');
  } catch (error) {
    log.warn({ model: handle.info.name, reason: describeError(error) }, 'releasing onnx session failed');
  }
}
