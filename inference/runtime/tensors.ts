/**
 * Pure tensor helpers for batching: pad rows to a common shape, concatenate along dim 0, split back and crop.
 * Row-major layout throughout; no onnxruntime types.
 */
import { BotError } from '../../core/errors.js';
import type { Tensorish } from './types.js';

export type TensorType = Tensorish['type'];
type TensorData = Tensorish['data'];

/** Number of elements of a shape. */
export function elementCount(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

/** Elements per row (the product of every dim after the batch dim). */
export function rowSizeOf(dims: readonly number[]): number {
  let n = 1;
  for (let i = 1; i < dims.length; i++) n *= dims[i] ?? 0;
  return n;
}

/** A zero-filled typed array of the tensor type. */
export function allocate(type: TensorType, length: number): TensorData {
  switch (type) {
    case 'float32':
      return new Float32Array(length);
    case 'int64':
      return new BigInt64Array(length);
    case 'int32':
      return new Int32Array(length);
  }
}

/** Checks that `data` has the type and length its dims promise; throws `request.invalid` otherwise. */
export function assertTensor(name: string, t: Tensorish): void {
  const ok =
    (t.type === 'float32' && t.data instanceof Float32Array) ||
    (t.type === 'int64' && t.data instanceof BigInt64Array) ||
    (t.type === 'int32' && t.data instanceof Int32Array);
  if (!ok) throw new BotError('request.invalid', `tensor ${name}: data does not match type ${t.type}`);
  let count = 1;
  for (const d of t.dims) {
    if (!Number.isInteger(d) || d < 0) count = NaN;
    count *= d;
  }
  if (t.dims.length === 0 || Number.isNaN(count)) {
    throw new BotError('request.invalid', `tensor ${name}: dims must be non-negative integers with a batch dim`);
  }
  if (count !== t.data.length) {
    throw new BotError('request.invalid', `tensor ${name}: ${t.data.length} values for dims [${t.dims.join(', ')}]`);
  }
}

function fillWith(data: TensorData, value: number): void {
  if (data instanceof BigInt64Array) data.fill(BigInt(value));
  else data.fill(value);
}

function fill(data: TensorData, value: number): void {
  if (value !== 0) fillWith(data, value);
}

/** Gives a typed array of `length` elements; `allocate` gives fresh zeroed ones, a scratch pool may reuse memory. */
export type Allocator = (type: TensorType, length: number) => TensorData;

/**
 * A reusing allocator: one growing buffer per key (e.g. per input name), handed out as a view. Safe only when the
 * previous view is no longer in use, such as batches that compute one at a time.
 */
export function scratchAllocator(): (key: string) => Allocator {
  const buffers = new Map<string, TensorData>();
  return (key) => (type, length) => {
    const id = `${key}:${type}`;
    let buffer = buffers.get(id);
    if (buffer === undefined || buffer.length < length) {
      buffer = allocate(type, Math.max(length, (buffer?.length ?? 0) * 2));
      buffers.set(id, buffer);
    }
    return buffer.subarray(0, length);
  };
}

function strides(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length).fill(1);
  for (let i = dims.length - 2; i >= 0; i--) s[i] = (s[i + 1] ?? 1) * (dims[i + 1] ?? 1);
  return s;
}

/**
 * Copies the box `[0, shape)` of `src` (laid out as `srcDims`) into `dst` (laid out as `dstDims`) starting at
 * element offset `dstOffset`. `shape` must fit in both.
 */
function copyBox(
  src: TensorData,
  srcDims: readonly number[],
  dst: TensorData,
  dstDims: readonly number[],
  shape: readonly number[],
  dstOffset: number,
): void {
  const rank = shape.length;
  const ss = strides(srcDims);
  const ds = strides(dstDims);
  const inner = shape[rank - 1] ?? 1;
  const outer = elementCount(shape.slice(0, rank - 1));
  const index = new Array<number>(Math.max(rank - 1, 0)).fill(0);
  for (let o = 0; o < outer; o++) {
    let si = 0;
    let di = dstOffset;
    for (let a = 0; a < rank - 1; a++) {
      si += (index[a] ?? 0) * (ss[a] ?? 0);
      di += (index[a] ?? 0) * (ds[a] ?? 0);
    }
    // Same concrete typed-array class on both sides (checked by callers), so `set` is safe.
    (dst as Float32Array).set((src as Float32Array).subarray(si, si + inner), di);
    for (let a = rank - 2; a >= 0; a--) {
      index[a] = (index[a] ?? 0) + 1;
      if ((index[a] ?? 0) < (shape[a] ?? 0)) break;
      index[a] = 0;
    }
  }
}

function sameShape(a: readonly number[], b: readonly number[], from = 0): boolean {
  if (a.length !== b.length) return false;
  for (let i = from; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The element-wise maximum of the non-batch dims of `parts`, with the summed batch dim in front. */
export function batchShape(parts: readonly Tensorish[]): number[] {
  const first = parts[0];
  if (first === undefined) throw new BotError('internal', 'batchShape of no tensors');
  const dims = [...first.dims];
  dims[0] = 0;
  for (const p of parts) {
    if (p.dims.length !== dims.length) {
      throw new BotError('request.invalid', `cannot batch tensors of rank ${first.dims.length} and ${p.dims.length}`);
    }
    if (p.type !== first.type) throw new BotError('request.invalid', `cannot batch ${first.type} with ${p.type}`);
    dims[0] = (dims[0] ?? 0) + (p.dims[0] ?? 0);
    for (let a = 1; a < dims.length; a++) dims[a] = Math.max(dims[a] ?? 0, p.dims[a] ?? 0);
  }
  return dims;
}

/**
 * Concatenates tensors along dim 0, padding every other dim to the largest among them with `padValue`.
 * A single part comes back as is. `alloc` decides where the result lives (fresh memory by default).
 */
export function concatRows(parts: readonly Tensorish[], padValue = 0, alloc: Allocator = allocate): Tensorish {
  const first = parts[0];
  if (first === undefined) throw new BotError('internal', 'concatRows of no tensors');
  if (parts.length === 1) return first;
  const dims = batchShape(parts);
  const data = alloc(first.type, elementCount(dims));
  const padded = parts.some((p) => !sameShape(p.dims, dims, 1));
  if (padded && (padValue !== 0 || alloc !== allocate)) fillWith(data, padValue);
  const rowSize = rowSizeOf(dims);
  let offset = 0;
  for (const p of parts) {
    const rows = p.dims[0] ?? 0;
    if (sameShape(p.dims, dims, 1)) (data as Float32Array).set(p.data as Float32Array, offset);
    else copyBox(p.data, p.dims, data, dims, p.dims, offset);
    offset += rows * rowSize;
  }
  return { type: first.type, dims, data };
}

/** Rows `[start, start + count)` of a tensor, as a view when possible (no copy). */
export function sliceRows(t: Tensorish, start: number, count: number): Tensorish {
  const rowSize = rowSizeOf(t.dims);
  const data = t.data.subarray(start * rowSize, (start + count) * rowSize);
  return { type: t.type, dims: [count, ...t.dims.slice(1)], data };
}

/** Splits a batched tensor back into consecutive groups of `rowCounts` rows. */
export function splitRows(t: Tensorish, rowCounts: readonly number[]): Tensorish[] {
  const total = rowCounts.reduce((a, b) => a + b, 0);
  if (total !== t.dims[0]) {
    throw new BotError('inference.model_invalid', `output batch dim ${t.dims[0]} does not match ${total} input rows`);
  }
  const rest = t.dims.slice(1);
  const rowSize = rowSizeOf(t.dims);
  const out: Tensorish[] = [];
  // Parts with the same row count share one (read-only) dims array.
  const dimsByCount = new Map<number, readonly number[]>();
  let start = 0;
  for (const count of rowCounts) {
    const data = t.data.subarray(start * rowSize, (start + count) * rowSize);
    let dims = dimsByCount.get(count);
    if (dims === undefined) {
      dims = [count, ...rest];
      dimsByCount.set(count, dims);
    }
    out.push({ type: t.type, dims, data });
    start += count;
  }
  return out;
}

/** Crops a tensor to `dims` (each no larger than the tensor's); returns it unchanged when already that shape. */
export function cropTo(t: Tensorish, dims: readonly number[]): Tensorish {
  if (sameShape(t.dims, dims)) return t;
  if (dims.length !== t.dims.length || dims.some((d, i) => d > (t.dims[i] ?? 0))) {
    throw new BotError('internal', `cannot crop [${t.dims.join(', ')}] to [${dims.join(', ')}]`);
  }
  const data = allocate(t.type, elementCount(dims));
  copyBox(t.data, t.dims, data, dims, dims, 0);
  return { type: t.type, dims: [...dims], data };
}

/** Pads a tensor's non-batch dims up to `dims` with `padValue`. */
export function padTo(t: Tensorish, dims: readonly number[], padValue = 0): Tensorish {
  if (sameShape(t.dims, dims)) return t;
  if (dims.length !== t.dims.length || dims.some((d, i) => d < (t.dims[i] ?? 0))) {
    throw new BotError('internal', `cannot pad [${t.dims.join(', ')}] to [${dims.join(', ')}]`);
  }
  const data = allocate(t.type, elementCount(dims));
  fill(data, padValue);
  copyBox(t.data, t.dims, data, dims, t.dims, 0);
  return { type: t.type, dims: [...dims], data };
}
