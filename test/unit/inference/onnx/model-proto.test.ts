import assert from 'node:assert/strict';

import * as ort from 'onnxruntime-node';

import { encodeOnnxModel, ONNX_DATA_TYPE } from '../../../../inference/onnx/index.js';
import { ProtoWriter } from '../../../../inference/onnx/protobuf-writer.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('ONNX ModelProto encoder', () => {
  it('writes the protobuf wire format (examples from the protobuf encoding guide)', () => {
    assert.equal(hex(new ProtoWriter().int(1, 150).finish()), '089601');
    assert.equal(hex(new ProtoWriter().int(1, -1).finish()), '08ffffffffffffffffff01');
    assert.equal(hex(new ProtoWriter().string(2, 'testing').finish()), '120774657374696e67');
    assert.equal(hex(new ProtoWriter().float(1, 1).finish()), '0d0000803f');
    assert.equal(hex(new ProtoWriter().message(3, (w) => w.int(1, 150)).finish()), '1a03089601');
  });

  it('encodes a graph onnxruntime loads and runs (int, ints and tensor attributes, doc string, metadata)', async () => {
    const bytes = encodeOnnxModel({
      name: 'check',
      docString: 'encoder check',
      metadata: { purpose: 'test' },
      nodes: [
        {
          op: 'Constant',
          inputs: [],
          outputs: ['w'],
          attributes: {
            value: { t: { name: 'w', type: 'float32', dims: [2, 3], data: Float32Array.of(1, 2, 3, 4, 5, 6) } },
          },
        },
        { op: 'Cast', inputs: ['ids'], outputs: ['x'], attributes: { to: { i: ONNX_DATA_TYPE.float32 } } },
        { op: 'Gemm', inputs: ['x', 'w'], outputs: ['y'], attributes: { transB: { i: 1 } } },
        { op: 'ReduceMax', inputs: ['y'], outputs: ['m'], attributes: { axes: { ints: [1] }, keepdims: { i: 0 } } },
      ],
      inputs: [{ name: 'ids', type: 'int64', shape: ['batch', 3] }],
      outputs: [
        { name: 'y', type: 'float32', shape: ['batch', 2] },
        { name: 'm', type: 'float32', shape: ['batch'] },
      ],
    });
    const session = await ort.InferenceSession.create(bytes);
    try {
      assert.deepEqual([...session.inputNames], ['ids']);
      assert.deepEqual([...session.outputNames], ['y', 'm']);
      const out = await session.run({ ids: new ort.Tensor('int64', BigInt64Array.of(1n, 0n, 2n), [1, 3]) });
      assert.deepEqual([...(out.y!.data as Float32Array)], [7, 16]);
      assert.deepEqual([...(out.m!.data as Float32Array)], [16]);
    } finally {
      await session.release();
    }
  });
});
