/**
 * A minimal ONNX ModelProto encoder (protobuf wire format written by hand): enough for the fastText export and for
 * the small generated graphs of the runtime probe, tests and benchmarks. Field numbers follow onnx/onnx.proto.
 */
import { ProtoWriter } from './protobuf-writer.js';

/** Tensor element types the encoder writes (the runtime's `Tensorish['type']`). */
export type OnnxElementType = 'float32' | 'int32' | 'int64';

/** ONNX TensorProto.DataType codes (also the value of a Cast node's `to` attribute). */
export const ONNX_DATA_TYPE: Readonly<Record<OnnxElementType, number>> = Object.freeze({
  float32: 1,
  int32: 6,
  int64: 7,
});

/** A named constant tensor (initializer or tensor attribute). */
export interface OnnxTensor {
  readonly name: string;
  readonly type: OnnxElementType;
  readonly dims: readonly number[];
  readonly data: Float32Array | Int32Array | BigInt64Array;
}

/** A graph input or output; string dims are symbolic (e.g. `'batch'`). */
export interface OnnxValueInfo {
  readonly name: string;
  readonly type: OnnxElementType;
  readonly shape: readonly (number | string)[];
}

export type OnnxAttribute =
  | { readonly i: number }
  | { readonly f: number }
  | { readonly s: string }
  | { readonly ints: readonly number[] }
  | { readonly floats: readonly number[] }
  | { readonly t: OnnxTensor };

/** A node; attributes are written in the record's insertion order. */
export interface OnnxNode {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  /** Default `${op}_${index}`. */
  readonly name?: string;
  readonly domain?: string;
  readonly attributes?: Readonly<Record<string, OnnxAttribute>>;
}

export interface OnnxGraph {
  readonly name: string;
  readonly nodes: readonly OnnxNode[];
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
  readonly initializers?: readonly OnnxTensor[];
  /** Default opset 17. */
  readonly opset?: number;
  /** Default IR version 8. */
  readonly irVersion?: number;
  /** Default `clawbot`. */
  readonly producer?: string;
  readonly docString?: string;
  /** ModelProto.metadata_props, in insertion order. */
  readonly metadata?: Readonly<Record<string, string>>;
}

function littleEndianBytes(t: OnnxTensor): Uint8Array {
  // raw_data is little-endian; typed arrays are little-endian on every platform Node and onnxruntime-node ship for.
  return new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
}

function writeTensor(w: ProtoWriter, t: OnnxTensor): void {
  for (const d of t.dims) w.int(1, d);
  w.int(2, ONNX_DATA_TYPE[t.type]);
  w.string(8, t.name);
  w.bytes(9, littleEndianBytes(t));
}

function writeValueInfo(w: ProtoWriter, v: OnnxValueInfo): void {
  w.string(1, v.name);
  w.message(2, (type) =>
    type.message(1, (tensorType) => {
      tensorType.int(1, ONNX_DATA_TYPE[v.type]);
      tensorType.message(2, (shape) => {
        for (const d of v.shape) {
          shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
        }
      });
    }),
  );
}

function writeAttribute(w: ProtoWriter, name: string, a: OnnxAttribute): void {
  w.string(1, name);
  if ('i' in a) w.int(3, a.i).int(20, 2);
  else if ('f' in a) w.float(2, a.f).int(20, 1);
  else if ('s' in a) w.string(4, a.s).int(20, 3);
  else if ('ints' in a) {
    for (const i of a.ints) w.int(8, i);
    w.int(20, 7);
  } else if ('floats' in a) {
    for (const f of a.floats) w.float(7, f);
    w.int(20, 6);
  } else {
    w.message(5, (t) => writeTensor(t, a.t)).int(20, 4);
  }
}

function writeNode(w: ProtoWriter, n: OnnxNode, index: number): void {
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name ?? `${n.op}_${index}`);
  w.string(4, n.op);
  for (const [name, a] of Object.entries(n.attributes ?? {})) w.message(5, (aw) => writeAttribute(aw, name, a));
  if (n.domain !== undefined) w.string(7, n.domain);
}

/** Encodes a graph as ONNX ModelProto bytes. */
export function encodeOnnxModel(graph: OnnxGraph): Uint8Array {
  const w = new ProtoWriter();
  w.int(1, graph.irVersion ?? 8);
  w.string(2, graph.producer ?? 'clawbot');
  w.message(7, (g) => {
    graph.nodes.forEach((n, i) => g.message(1, (nw) => writeNode(nw, n, i)));
    g.string(2, graph.name);
    for (const t of graph.initializers ?? []) g.message(5, (tw) => writeTensor(tw, t));
    if (graph.docString !== undefined) g.string(10, graph.docString);
    for (const v of graph.inputs) g.message(11, (vw) => writeValueInfo(vw, v));
    for (const v of graph.outputs) g.message(12, (vw) => writeValueInfo(vw, v));
  });
  w.message(8, (o) => o.string(1, '').int(2, graph.opset ?? 17));
  for (const [key, value] of Object.entries(graph.metadata ?? {})) {
    w.message(14, (p) => p.string(1, key).string(2, value));
  }
  return w.finish();
}
