/**
 * Exports a trained model as a standard ONNX graph (opset 17):
 *   ids int64 [batch, n] (bucket ids, padded), weights float [batch, n] (0 = padding)
 *   -> Gather(row_of) -> Gather(embeddings) -> weighted ReduceSum / ReduceSum(weights)   (EmbeddingBag, mean)
 *   -> Gemm -> logits [batch, C]
 *   plus embedding [batch, D] (L2-normalised bag), coverage [batch, 1] (weight share of seen features) and,
 *   when a memory of training embeddings is given, nearest_sim / nearest_index [batch, 1] (cosine kNN, k = 1).
 */

import { encodeOnnxModel, ONNX_DATA_TYPE } from '../onnx/index.js';
import type { OnnxNode, OnnxTensor, OnnxValueInfo } from '../onnx/index.js';
import type { FastTextModel } from './model.js';

/** Input and output names of the exported graph. */
export const ONNX_IO = Object.freeze({
  ids: 'ids',
  weights: 'weights',
  logits: 'logits',
  embedding: 'embedding',
  coverage: 'coverage',
  nearestSim: 'nearest_sim',
  nearestIndex: 'nearest_index',
});

export const ONNX_OPSET = 17;

export interface ExportOptions {
  /** L2-normalised embeddings of the training examples [N, D] for the nearest-example outputs. */
  readonly memory?: Float32Array;
  readonly metadata?: Readonly<Record<string, string>>;
}

const f32 = (name: string, dims: number[], data: Float32Array): OnnxTensor => ({
  name,
  type: 'float32',
  dims,
  data,
});
const i64 = (name: string, values: number[]): OnnxTensor => ({
  name,
  type: 'int64',
  dims: [values.length],
  data: BigInt64Array.from(values, (v) => BigInt(v)),
});

/** Builds the ONNX bytes of `model`. */
export function exportOnnx(model: FastTextModel, options: ExportOptions = {}): Uint8Array {
  const D = model.dim;
  const C = model.labels.length;
  const rows = model.embeddings.length / D;
  const initializers: OnnxTensor[] = [
    { name: 'row_of', type: 'int32', dims: [model.rowOf.length], data: model.rowOf },
    f32('embeddings', [rows, D], model.embeddings),
    f32('out_w', [C, D], model.output.weight),
    f32('out_b', [C], model.output.bias),
    i64('axis1', [1]),
    i64('axis2', [2]),
    f32('tiny', [], Float32Array.of(1e-12)),
    { name: 'zero_i32', type: 'int32', dims: [], data: Int32Array.of(0) },
  ];
  const n = (op: string, inputs: string[], outputs: string[], attributes?: OnnxNode['attributes']): OnnxNode =>
    attributes === undefined ? { op, inputs, outputs } : { op, inputs, outputs, attributes };
  const io = ONNX_IO;
  const nodes: OnnxNode[] = [
    n('Gather', ['row_of', io.ids], ['rows'], { axis: { i: 0 } }),
    n('Gather', ['embeddings', 'rows'], ['bag'], { axis: { i: 0 } }),
    n('Unsqueeze', [io.weights, 'axis2'], ['w3']),
    n('Mul', ['bag', 'w3'], ['wbag']),
    n('ReduceSum', ['wbag', 'axis1'], ['bag_sum'], { keepdims: { i: 0 } }),
    n('ReduceSum', [io.weights, 'axis1'], ['w_sum'], { keepdims: { i: 1 } }),
    n('Max', ['w_sum', 'tiny'], ['w_den']),
    n('Div', ['bag_sum', 'w_den'], ['mean']),
    n('Gemm', ['mean', 'out_w', 'out_b'], [io.logits], { transB: { i: 1 } }),
    n('Mul', ['mean', 'mean'], ['mean_sq']),
    n('ReduceSum', ['mean_sq', 'axis1'], ['norm_sq'], { keepdims: { i: 1 } }),
    n('Sqrt', ['norm_sq'], ['norm']),
    n('Max', ['norm', 'tiny'], ['norm_den']),
    n('Div', ['mean', 'norm_den'], [io.embedding]),
    n('Greater', ['rows', 'zero_i32'], ['seen_b']),
    n('Cast', ['seen_b'], ['seen_f'], { to: { i: ONNX_DATA_TYPE.float32 } }),
    n('Mul', ['seen_f', io.weights], ['seen_w']),
    n('ReduceSum', ['seen_w', 'axis1'], ['seen_sum'], { keepdims: { i: 1 } }),
    n('Div', ['seen_sum', 'w_den'], [io.coverage]),
  ];
  const outputs: OnnxValueInfo[] = [
    { name: io.logits, type: 'float32', shape: ['batch', C] },
    { name: io.embedding, type: 'float32', shape: ['batch', D] },
    { name: io.coverage, type: 'float32', shape: ['batch', 1] },
  ];
  if (options.memory !== undefined && options.memory.length > 0) {
    const N = options.memory.length / D;
    initializers.push(f32('memory', [N, D], options.memory));
    nodes.push(
      n('Gemm', [io.embedding, 'memory'], ['sims'], { transB: { i: 1 } }),
      n('ReduceMax', ['sims'], [io.nearestSim], { axes: { ints: [1] }, keepdims: { i: 1 } }),
      n('ArgMax', ['sims'], [io.nearestIndex], { axis: { i: 1 }, keepdims: { i: 1 } }),
    );
    outputs.push(
      { name: io.nearestSim, type: 'float32', shape: ['batch', 1] },
      { name: io.nearestIndex, type: 'int64', shape: ['batch', 1] },
    );
  }
  return encodeOnnxModel({
    name: 'clawbot_fasttext',
    producer: 'clawbot',
    opset: ONNX_OPSET,
    irVersion: 8,
    docString: 'fastText-style intent classifier: hashed n-gram embedding bag -> linear softmax',
    ...(options.metadata === undefined ? {} : { metadata: options.metadata }),
    nodes,
    initializers,
    inputs: [
      { name: io.ids, type: 'int64', shape: ['batch', 'n'] },
      { name: io.weights, type: 'float32', shape: ['batch', 'n'] },
    ],
    outputs,
  });
}
