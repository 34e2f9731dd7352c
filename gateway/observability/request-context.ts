/**
 * The request id of the HTTP request being served, wherever the code is (AsyncLocalStorage), so that every log line
 * written while serving it — the turn's lines included — carries `requestId` through a pino `mixin`.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestContext {
  /** Runs `fn` (and everything it starts) as part of request `requestId`. */
  run<T>(requestId: string, fn: () => T): T;
  /** The current request id, if any. */
  current(): string | undefined;
  /** A pino `mixin`: `{ requestId }` inside a request, `{}` outside. */
  mixin(): Record<string, unknown>;
}

/** Creates a request context (one per process: pass it to both the logger and the gateway). */
export function createRequestContext(): RequestContext {
  const storage = new AsyncLocalStorage<string>();
  return {
    run: (requestId, fn) => storage.run(requestId, fn),
    current: () => storage.getStore(),
    mixin: () => {
      const requestId = storage.getStore();
      return requestId === undefined ? {} : { requestId };
    },
  };
}
