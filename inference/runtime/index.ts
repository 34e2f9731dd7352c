/** ONNX Runtime session manager: provider selection, dynamic micro-batching, deadlines, hot reload. */
export type {
  Device,
  GpuMemory,
  LoadOptions,
  LoadedModel,
  OnnxRuntime,
  OrtLogLevel,
  RunOptions,
  RuntimeOptions,
  Tensorish,
} from './types.js';
export { createOnnxRuntime } from './runtime.js';
export type { RuntimeDeps } from './runtime.js';
