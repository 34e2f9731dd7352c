import assert from 'node:assert/strict';
import fc from 'fast-check';
import { BotError } from '../../../../core/errors.js';
import {
  assertTensor,
  concatRows,
  cropTo,
  padTo,
  scratchAllocator,
  splitRows,
} from '../../../../inference/runtime/tensors.js';
import type { Tensorish } from '../../../../inference/runtime/types.js';

const f32 = (dims: number[], values: number[]): Tensorish => ({
  type: 'float32',
  dims,
  data: Float32Array.from(values),
});
const i64 = (dims: number[], values: number[]): Tensorish => ({
  type: 'int64',
  dims,
  data: BigInt64Array.from(values.map((v) => BigInt(v))),
});
const plain = (t: Tensorish): { dims: number[]; values: number[] } => ({
  dims: [...t.dims],
  values: Array.from(t.data as ArrayLike<number | bigint>, Number),
});

describe('inference/runtime tensors', () => {
  it('concatenates same-shape rows along dim 0', () => {
    const out = concatRows([f32([1, 2], [1, 2]), f32([2, 2], [3, 4, 5, 6])]);
    assert.deepEqual(plain(out), { dims: [3, 2], values: [1, 2, 3, 4, 5, 6] });
  });

  it('pads a variable 2nd dim with the pad value (int64)', () => {
    const out = concatRows([i64([1, 2], [7, 8]), i64([1, 4], [1, 2, 3, 4]), i64([1, 1], [9])], -1);
    assert.deepEqual(plain(out), { dims: [3, 4], values: [7, 8, -1, -1, 1, 2, 3, 4, 9, -1, -1, -1] });
  });

  it('pads rank-3 rows on the middle axis, keeping the inner axis contiguous', () => {
    const a = f32([1, 1, 2], [1, 2]);
    const b = f32([1, 2, 2], [3, 4, 5, 6]);
    assert.deepEqual(plain(concatRows([a, b])), { dims: [2, 2, 2], values: [1, 2, 0, 0, 3, 4, 5, 6] });
  });

  it('reuses scratch memory across batches without leaking stale values into padding', () => {
    const scratch = scratchAllocator()('ids');
    const full = concatRows([i64([1, 3], [1, 2, 3]), i64([1, 3], [4, 5, 6])], 0, scratch);
    assert.deepEqual(plain(full).values, [1, 2, 3, 4, 5, 6]);
    const padded = concatRows([i64([1, 1], [7]), i64([1, 2], [8, 9])], 0, scratch);
    assert.deepEqual(plain(padded), { dims: [2, 2], values: [7, 0, 8, 9] });
    assert.equal(padded.data.buffer, full.data.buffer, 'same memory reused');
  });

  it('returns a single part untouched', () => {
    const t = f32([1, 3], [1, 2, 3]);
    assert.equal(concatRows([t]), t);
  });

  it('refuses to batch different types or ranks', () => {
    assert.throws(() => concatRows([f32([1, 1], [1]), i64([1, 1], [1])]), BotError);
    assert.throws(() => concatRows([f32([1, 1], [1]), f32([1, 1, 1], [1])]), BotError);
  });

  it('splits rows back per request and crops padding away', () => {
    const batched = f32([3, 2, 2], [1, 2, 0, 0, 3, 4, 5, 6, 7, 8, 9, 10]);
    const [a, b] = splitRows(batched, [1, 2]);
    assert.deepEqual(plain(cropTo(a!, [1, 1, 2])), { dims: [1, 1, 2], values: [1, 2] });
    assert.deepEqual(plain(b!), { dims: [2, 2, 2], values: [3, 4, 5, 6, 7, 8, 9, 10] });
  });

  it('rejects a split whose row counts do not add up to the batch', () => {
    assert.throws(
      () => splitRows(f32([2, 1], [1, 2]), [1, 2]),
      (e: unknown) => e instanceof BotError,
    );
  });

  it('pads a single tensor to a larger shape', () => {
    assert.deepEqual(plain(padTo(i64([1, 2], [5, 6]), [1, 3], 0)), { dims: [1, 3], values: [5, 6, 0] });
  });

  it('checks that data matches type and dims', () => {
    assert.throws(() => assertTensor('x', f32([1, 3], [1, 2])), /2 values for dims \[1, 3\]/);
    assert.throws(() => assertTensor('x', { type: 'int64', dims: [1], data: new Float32Array(1) }), /does not match/);
    assert.throws(() => assertTensor('x', { type: 'float32', dims: [], data: new Float32Array(1) }), /batch dim/);
    assertTensor('x', f32([2, 1], [1, 2]));
  });

  it('concat -> split -> crop gives every request back exactly (property)', () => {
    const rowOf = (hidden: number): fc.Arbitrary<Tensorish> =>
      fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 5 })).chain(([rows, seq]) =>
        fc
          .array(fc.integer({ min: -1000, max: 1000 }), {
            minLength: rows * seq * hidden,
            maxLength: rows * seq * hidden,
          })
          .map((values) => f32([rows, seq, hidden], values)),
      );
    const batches = fc
      .integer({ min: 1, max: 3 })
      .chain((hidden) => fc.array(rowOf(hidden), { minLength: 1, maxLength: 6 }));
    fc.assert(
      fc.property(batches, (parts) => {
        const batched = concatRows(parts, 0);
        const back = splitRows(
          batched,
          parts.map((p) => p.dims[0]!),
        ).map((t, i) => cropTo(t, parts[i]!.dims));
        assert.deepEqual(back.map(plain), parts.map(plain));
      }),
    );
  });
});
