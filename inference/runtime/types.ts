/**
 * The contract of the ONNX Runtime session manager. The intent-model and encoder code program against these types only.
 */

/** A plain tensor: what callers hand to the runtime and what it hands back (no onnxruntime types leak out). */
export type Tensorish = {
  type: 'float32' | 'int64' | 'int32';
  dims: readonly number[];
  data: Float32Array | BigInt64Array | Int32Array;
};

/** Where models run. `auto` tries the CUDA execution provider and falls back to the CPU with the reason logged. */
export type Device = 'auto' | 'cuda' | 'cpu';

/** onnxruntime's own (process-wide) native log level; applied before the first session is created. */
export type OrtLogLevel = 'verbose' | 'info' | 'warning' | 'error' | 'fatal';

export interface RuntimeOptions {
  device: Device;
  /** Most rows coalesced into one `session.run` (default 16). */
  maxBatchSize: number;
  /** Longest time the oldest queued request waits for others to join its batch (default 2 ms). */
  maxWaitMs: number;
  /** Requests queued or computing across all models before `run` answers `inference.overloaded` (default 256). */
  maxConcurrentRequests: number;
  intraOpNumThreads?: number;
  /** Optional: onnxruntime's native log level (process-wide). Left as onnxruntime's default when absent. */
  ortLogLevel?: OrtLogLevel;
}

export interface LoadedModel {
  name: string;
  provider: 'cuda' | 'cpu';
  loadMs: number;
  sizeBytes: number;
  inputNames: readonly string[];
  outputNames: readonly string[];
}

/** Options of `OnnxRuntime.load`. */
export interface LoadOptions {
  /**
   * Feeds for the warm-up run done before the model takes traffic. When absent, the runtime warms up with zero-filled
   * batch-1 inputs built from the model's input metadata (symbolic dims set to 1); a failing automatic warm-up is logged,
   * a failing explicit one rejects the load with `inference.model_invalid`.
   */
  warmup?: Record<string, Tensorish>;
  /** Per-input padding value used when batching rows of different lengths (default 0). */
  padValues?: Record<string, number>;
}

/** Options of `OnnxRuntime.run`. */
export interface RunOptions {
  /** Milliseconds from now after which the request is dropped, not computed (`inference.deadline_exceeded`). */
  deadlineMs?: number;
  signal?: AbortSignal;
}

/** GPU memory as reported by nvidia-smi (only when a model runs on CUDA). */
export interface GpuMemory {
  usedMiB: number;
  totalMiB: number;
}

export interface OnnxRuntime {
  /** Loads (or replaces, hot: in-flight requests finish on the old session) a model from a file path or bytes. */
  load(name: string, source: string | Uint8Array, opts?: LoadOptions): Promise<LoadedModel>;
  /**
   * One request = one row (batch dim 1 inputs); coalesced with concurrent requests up to maxBatchSize/maxWaitMs;
   * rows are padded/concatenated along dim 0 by the runtime (inputs with a variable 2nd dim are padded with
   * `padValue` per input, default 0). deadlineMs: expired requests are dropped, not computed
   * (BotError 'inference.deadline_exceeded'); bounded queue -> BotError 'inference.overloaded'.
   * A request may also carry k > 1 rows (dims[0] = k): they stay together in one batch and come back together.
   * Outputs whose axis shares a symbolic dimension name with a padded input axis are trimmed back to the request's length.
   */
  run(name: string, feeds: Record<string, Tensorish>, opts?: RunOptions): Promise<Record<string, Tensorish>>;
  /** Bare, unbatched session.run passthrough (for benchmarks comparing overhead). */
  runBatch(name: string, feeds: Record<string, Tensorish>): Promise<Record<string, Tensorish>>;
  models(): readonly LoadedModel[];
  /** Execution providers in use: `['cuda', 'cpu']` when CUDA is usable, else `['cpu']`. */
  providers(): readonly string[];
  /** Best effort GPU memory via nvidia-smi; undefined unless a model runs on CUDA or nvidia-smi fails. */
  gpuMemory(): Promise<GpuMemory | undefined>;
  unload(name: string): Promise<void>;
  close(): Promise<void>;
}
