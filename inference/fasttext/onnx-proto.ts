/**
 * A minimal protobuf writer for the ONNX messages the exporter needs (ModelProto, GraphProto, NodeProto,
 * TensorProto, ValueInfoProto, AttributeProto). Field numbers follow onnx/onnx.proto.
 */

/** ONNX TensorProto.DataType values used here. */
export const OnnxDataType = { FLOAT: 1, INT32: 6, INT64: 7, BOOL: 9 } as const;
export type OnnxDataTypeCode = (typeof OnnxDataType)[keyof typeof OnnxDataType];

/** Length-delimited protobuf message builder. */
class Writer {
  private readonly chunks: Uint8Array[] = [];
  private length = 0;

  private push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.length += bytes.length;
  }

  private varint(value: bigint): void {
    let v = BigInt.asUintN(64, value);
    const out: number[] = [];
    while (v >= 0x80n) {
      out.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    out.push(Number(v));
    this.push(Uint8Array.from(out));
  }

  private tag(field: number, wire: number): void {
    this.varint(BigInt((field << 3) | wire));
  }

  int(field: number, value: number | bigint): this {
    this.tag(field, 0);
    this.varint(BigInt(value));
    return this;
  }

  float(field: number, value: number): this {
    this.tag(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.push(b);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, 2);
    this.varint(BigInt(value.length));
    this.push(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  message(field: number, build: (w: Writer) => void): this {
    const w = new Writer();
    build(w);
    return this.bytes(field, w.finish());
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

/** A constant tensor (initializer). */
export interface OnnxTensor {
  readonly name: string;
  readonly type: OnnxDataTypeCode;
  readonly dims: readonly number[];
  readonly data: Float32Array | Int32Array | BigInt64Array;
}

/** An attribute of a node: int, float, ints or a tensor. */
export type OnnxAttribute =
  | { readonly name: string; readonly int: number }
  | { readonly name: string; readonly float: number }
  | { readonly name: string; readonly ints: readonly number[] };

export interface OnnxNode {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly name?: string;
  readonly attributes?: readonly OnnxAttribute[];
}

/** A graph input/output: element type and shape (string = symbolic dimension). */
export interface OnnxValueInfo {
  readonly name: string;
  readonly type: OnnxDataTypeCode;
  readonly shape: readonly (number | string)[];
}

export interface OnnxModelSpec {
  readonly graphName: string;
  readonly producer: string;
  readonly opset: number;
  readonly irVersion: number;
  readonly docString?: string;
  readonly metadata?: Readonly<Record<string, string>>;
  readonly nodes: readonly OnnxNode[];
  readonly initializers: readonly OnnxTensor[];
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
}

function writeTensor(w: Writer, t: OnnxTensor): void {
  for (const d of t.dims) w.int(1, d);
  w.int(2, t.type);
  w.string(8, t.name);
  const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  // raw_data is little-endian; typed arrays on every platform Node supports are little-endian.
  w.bytes(9, bytes);
}

function writeValueInfo(w: Writer, v: OnnxValueInfo): void {
  w.string(1, v.name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, v.type);
      tensor.message(2, (shape) => {
        for (const d of v.shape) shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
      });
    }),
  );
}

function writeAttribute(w: Writer, a: OnnxAttribute): void {
  w.string(1, a.name);
  if ('int' in a) w.int(3, a.int).int(20, 2);
  else if ('float' in a) w.float(2, a.float).int(20, 1);
  else {
    for (const i of a.ints) w.int(8, i);
    w.int(20, 7);
  }
}

function writeNode(w: Writer, n: OnnxNode, index: number): void {
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name ?? `${n.op}_${index}`);
  w.string(4, n.op);
  for (const a of n.attributes ?? []) w.message(5, (aw) => writeAttribute(aw, a));
}

/** Serialises a model to ONNX protobuf bytes. */
export function encodeOnnxModel(spec: OnnxModelSpec): Uint8Array {
  const m = new Writer();
  m.int(1, spec.irVersion);
  m.string(2, spec.producer);
  m.message(7, (g) => {
    spec.nodes.forEach((n, i) => g.message(1, (nw) => writeNode(nw, n, i)));
    g.string(2, spec.graphName);
    for (const t of spec.initializers) g.message(5, (tw) => writeTensor(tw, t));
    if (spec.docString !== undefined) g.string(10, spec.docString);
    for (const v of spec.inputs) g.message(11, (vw) => writeValueInfo(vw, v));
    for (const v of spec.outputs) g.message(12, (vw) => writeValueInfo(vw, v));
  });
  m.message(8, (o) => o.string(1, '').int(2, spec.opset));
  for (const [key, value] of Object.entries(spec.metadata ?? {})) {
    m.message(14, (p) => p.string(1, key).string(2, value));
  }
  return m.finish();
}
