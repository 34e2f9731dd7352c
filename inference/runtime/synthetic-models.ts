/**
 * Small generated ONNX models with deterministic weights: the execution-provider probe, and models for tests,
 * benchmarks and smoke checks of the runtime (no downloaded weights anywhere). Built with the hand-written ModelProto
 * encoder of inference/onnx.
 */
import { createPrng } from '../../core/math/prng.js';
import { encodeOnnxModel } from '../onnx/index.js';
import type { OnnxNode, OnnxTensor } from '../onnx/index.js';

/** Deterministic pseudo-random floats in [-scale, scale) (mulberry32). */
export function seededFloats(length: number, seed: number, scale = 1): Float32Array {
  const out = new Float32Array(length);
  const prng = createPrng(seed);
  for (let i = 0; i < length; i++) out[i] = (prng.next() * 2 - 1) * scale;
  return out;
}

const f32 = (name: string, dims: number[], data: Float32Array): OnnxTensor => ({ name, type: 'float32', dims, data });
const i64 = (name: string, values: readonly number[], dims: number[] = [values.length]): OnnxTensor => ({
  name,
  type: 'int64',
  dims,
  data: BigInt64Array.from(values.map((v) => BigInt(v))),
});

/**
 * A BERT-shaped encoder: inputs `input_ids`, `attention_mask`, `token_type_ids` (int64 [batch, seq]), output
 * `last_hidden_state` (float32 [batch, seq, hidden]). Word + type + position embeddings, a masked mean over the
 * sequence added back to every token (so tokens see each other, but padding does not), then tanh(x W).
 */
export function tinyBertModel(options: {
  vocabSize: number;
  hidden: number;
  maxPositions?: number;
  seed?: number;
}): Uint8Array {
  const { vocabSize, hidden } = options;
  const maxPositions = options.maxPositions ?? 512;
  const seed = options.seed ?? 7;
  const nodes: OnnxNode[] = [
    { op: 'Gather', inputs: ['word_embeddings', 'input_ids'], outputs: ['we'], attributes: { axis: { i: 0 } } },
    { op: 'Gather', inputs: ['type_embeddings', 'token_type_ids'], outputs: ['te'], attributes: { axis: { i: 0 } } },
    { op: 'Shape', inputs: ['input_ids'], outputs: ['ids_shape'] },
    { op: 'Gather', inputs: ['ids_shape', 'one'], outputs: ['seq_len'], attributes: { axis: { i: 0 } } },
    { op: 'Range', inputs: ['zero', 'seq_len', 'one'], outputs: ['positions'] },
    { op: 'Gather', inputs: ['position_embeddings', 'positions'], outputs: ['pe'], attributes: { axis: { i: 0 } } },
    { op: 'Add', inputs: ['we', 'te'], outputs: ['wte'] },
    { op: 'Add', inputs: ['wte', 'pe'], outputs: ['h0'] },
    { op: 'Cast', inputs: ['attention_mask'], outputs: ['mask_f'], attributes: { to: { i: 1 } } },
    { op: 'Unsqueeze', inputs: ['mask_f', 'axis_last'], outputs: ['mask3'] },
    { op: 'Mul', inputs: ['h0', 'mask3'], outputs: ['h0_masked'] },
    { op: 'ReduceSum', inputs: ['h0_masked', 'axis_seq'], outputs: ['ctx_sum'], attributes: { keepdims: { i: 1 } } },
    { op: 'ReduceSum', inputs: ['mask3', 'axis_seq'], outputs: ['count'], attributes: { keepdims: { i: 1 } } },
    { op: 'Max', inputs: ['count', 'eps'], outputs: ['count_safe'] },
    { op: 'Div', inputs: ['ctx_sum', 'count_safe'], outputs: ['ctx'] },
    { op: 'Add', inputs: ['h0', 'ctx'], outputs: ['h1'] },
    { op: 'MatMul', inputs: ['h1', 'dense'], outputs: ['h2'] },
    { op: 'Tanh', inputs: ['h2'], outputs: ['last_hidden_state'] },
  ];
  return encodeOnnxModel({
    name: 'tiny_bert',
    nodes,
    initializers: [
      f32('word_embeddings', [vocabSize, hidden], seededFloats(vocabSize * hidden, seed, 0.5)),
      f32('type_embeddings', [2, hidden], seededFloats(2 * hidden, seed + 1, 0.1)),
      f32('position_embeddings', [maxPositions, hidden], seededFloats(maxPositions * hidden, seed + 2, 0.1)),
      f32('dense', [hidden, hidden], seededFloats(hidden * hidden, seed + 3, 1 / Math.sqrt(hidden))),
      f32('eps', [], Float32Array.of(1e-9)),
      i64('zero', [0], []),
      i64('one', [1], []),
      i64('axis_last', [-1]),
      i64('axis_seq', [1]),
    ],
    inputs: ['input_ids', 'attention_mask', 'token_type_ids'].map((name) => ({
      name,
      type: 'int64' as const,
      shape: ['batch', 'sequence'],
    })),
    outputs: [{ name: 'last_hidden_state', type: 'float32', shape: ['batch', 'sequence', hidden] }],
  });
}

/**
 * A fastText-style classifier: `ids` (int64 [batch, tokens]) and `mask` (float32 [batch, tokens]) -> masked mean of
 * rows of a [buckets, dim] embedding table -> linear layer -> `probs` (float32 [batch, classes]) via softmax.
 */
export function embeddingBagModel(options: {
  buckets: number;
  dim: number;
  classes: number;
  seed?: number;
}): Uint8Array {
  const { buckets, dim, classes } = options;
  const seed = options.seed ?? 11;
  return encodeOnnxModel({
    name: 'embedding_bag',
    nodes: [
      { op: 'Gather', inputs: ['table', 'ids'], outputs: ['rows'], attributes: { axis: { i: 0 } } },
      { op: 'Unsqueeze', inputs: ['mask', 'axis_last'], outputs: ['mask3'] },
      { op: 'Mul', inputs: ['rows', 'mask3'], outputs: ['masked'] },
      { op: 'ReduceSum', inputs: ['masked', 'axis_tokens'], outputs: ['sum'], attributes: { keepdims: { i: 0 } } },
      { op: 'ReduceSum', inputs: ['mask', 'axis_tokens'], outputs: ['count'], attributes: { keepdims: { i: 1 } } },
      { op: 'Max', inputs: ['count', 'eps'], outputs: ['count_safe'] },
      { op: 'Div', inputs: ['sum', 'count_safe'], outputs: ['bag'] },
      { op: 'Gemm', inputs: ['bag', 'weight', 'bias'], outputs: ['logits'] },
      { op: 'Softmax', inputs: ['logits'], outputs: ['probs'], attributes: { axis: { i: -1 } } },
    ],
    initializers: [
      f32('table', [buckets, dim], seededFloats(buckets * dim, seed, 0.1)),
      f32('weight', [dim, classes], seededFloats(dim * classes, seed + 1, 1 / Math.sqrt(dim))),
      f32('bias', [classes], seededFloats(classes, seed + 2, 0.01)),
      f32('eps', [], Float32Array.of(1e-9)),
      i64('axis_last', [-1]),
      i64('axis_tokens', [1]),
    ],
    inputs: [
      { name: 'ids', type: 'int64', shape: ['batch', 'tokens'] },
      { name: 'mask', type: 'float32', shape: ['batch', 'tokens'] },
    ],
    outputs: [{ name: 'probs', type: 'float32', shape: ['batch', classes] }],
  });
}

/** `y = x * scale + bias` on float32 [batch, width] (default 2 and 1): the simplest row-wise model. */
export function affineModel(width: number, options: { scale?: number; bias?: number } = {}): Uint8Array {
  return encodeOnnxModel({
    name: 'affine',
    nodes: [
      { op: 'Mul', inputs: ['x', 'two'], outputs: ['x2'] },
      { op: 'Add', inputs: ['x2', 'one'], outputs: ['y'] },
    ],
    initializers: [
      f32('two', [], Float32Array.of(options.scale ?? 2)),
      f32('one', [], Float32Array.of(options.bias ?? 1)),
    ],
    inputs: [{ name: 'x', type: 'float32', shape: ['batch', width] }],
    outputs: [{ name: 'y', type: 'float32', shape: ['batch', width] }],
  });
}

/** A one-node Identity model (float32 [batch, n]): used to probe execution providers. */
export function identityModel(): Uint8Array {
  return encodeOnnxModel({
    name: 'probe',
    nodes: [{ op: 'Identity', inputs: ['x'], outputs: ['y'] }],
    inputs: [{ name: 'x', type: 'float32', shape: ['batch', 4] }],
    outputs: [{ name: 'y', type: 'float32', shape: ['batch', 4] }],
  });
}
