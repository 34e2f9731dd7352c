/** An onnxruntime wrapper for tests: records runs and releases, can hold runs at a gate, can pretend CUDA works. */
import type { InferenceSession } from 'onnxruntime-node';
import { identityModel } from '../../../../inference/runtime/synthetic-models.js';
import { nodeOrt } from '../../../../inference/runtime/session-factory.js';
import type { OrtApi } from '../../../../inference/runtime/session-factory.js';
import type { Tensorish } from '../../../../inference/runtime/types.js';
import type { Logger } from '../../../../core/logger.js';

export interface SpySession {
  id: number;
  providers: readonly string[];
  /** The batch dim of the first input of every run. */
  runs: number[];
  feeds: Record<string, Tensorish>[];
  released: boolean;
  /** When set, runs wait for it to resolve. */
  gate: Promise<void> | undefined;
}

export interface SpyOrt {
  ort: OrtApi;
  sessions: SpySession[];
  options: InferenceSession.SessionOptions[];
}

const PROBE = identityModel();
const isProbe = (source: string | Uint8Array): boolean =>
  source instanceof Uint8Array && source.length === PROBE.length && source.every((b, i) => b === PROBE[i]);

function providerNames(options: InferenceSession.SessionOptions): string[] {
  return (options.executionProviders ?? []).map((p) => (typeof p === 'string' ? p : p.name));
}

/**
 * `cuda`: 'real' passes CUDA options to onnxruntime (fails here without the CUDA build); 'works' pretends CUDA
 * loaded by creating a CPU session instead; 'probe-only' lets the probe model load on "CUDA" but fails every other.
 */
export function spyOrt(cuda: 'real' | 'works' | 'probe-only' = 'real'): SpyOrt {
  const sessions: SpySession[] = [];
  const options: InferenceSession.SessionOptions[] = [];
  const ort: OrtApi = {
    setLogLevel: (level) => nodeOrt.setLogLevel(level),
    cudaHint: () => 'test hint',
    createSession: async (source, opts) => {
      options.push(opts);
      const wantsCuda = providerNames(opts).includes('cuda');
      if (wantsCuda && cuda === 'probe-only' && !isProbe(source)) {
        throw new Error('no kernel for this model on CUDA');
      }
      const real = await nodeOrt.createSession(
        source,
        wantsCuda && cuda !== 'real' ? { ...opts, executionProviders: ['cpu'] } : opts,
      );
      const spy: SpySession = {
        id: sessions.length,
        providers: providerNames(opts),
        runs: [],
        feeds: [],
        released: false,
        gate: undefined,
      };
      sessions.push(spy);
      return new Proxy(real, {
        get(target, prop) {
          if (prop === 'run') {
            return async (feeds: Record<string, Tensorish>) => {
              const first = Object.values(feeds)[0];
              spy.runs.push(first?.dims[0] ?? 0);
              spy.feeds.push(feeds);
              if (spy.gate !== undefined) await spy.gate;
              return target.run(feeds as never);
            };
          }
          if (prop === 'release') {
            return async () => {
              spy.released = true;
              await target.release();
            };
          }
          const value: unknown = Reflect.get(target, prop, target);
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
      });
    },
  };
  return { ort, sessions, options };
}

/** A gate: `open()` lets held runs go on. */
export function gate(): { promise: Promise<void>; open(): void } {
  let open = (): void => undefined;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

export interface LogRecord {
  level: 'debug' | 'info' | 'warn' | 'error';
  msg: string | undefined;
  obj: Record<string, unknown>;
}

/** A logger that keeps what it is told. */
export function recordingLogger(records: LogRecord[] = []): Logger & { records: LogRecord[] } {
  const at =
    (level: LogRecord['level']) =>
    (objOrMsg: object | string, msg?: string): void => {
      if (typeof objOrMsg === 'string') records.push({ level, msg: objOrMsg, obj: {} });
      else records.push({ level, msg, obj: objOrMsg as Record<string, unknown> });
    };
  const logger = {
    records,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: () => logger,
  };
  return logger;
}
