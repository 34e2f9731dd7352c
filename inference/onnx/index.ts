/** The hand-written ONNX ModelProto encoder shared by the fastText export and the runtime's generated models. */
export { encodeOnnxModel, ONNX_DATA_TYPE } from './model-proto.js';
export type { OnnxAttribute, OnnxElementType, OnnxGraph, OnnxNode, OnnxTensor, OnnxValueInfo } from './model-proto.js';
