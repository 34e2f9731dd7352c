/**
 * The worker side of `clawbot gateway --workers N`: answers the primary's requests for this worker's metrics and
 * gives `/metrics` the sum over every worker of the host (asked through the primary; this worker's own figures
 * when the primary does not answer in time).
 */
import type { GatewayMetrics } from '../observability/metrics.js';
import { isMessage, type ClusterMessage } from './messages.js';

/** What a worker needs of `process` (injected for tests). */
export interface WorkerProcess {
  send(message: ClusterMessage): unknown;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  off(event: 'message', listener: (message: unknown) => void): unknown;
}

/** Cross-worker metrics for one worker. */
export interface WorkerMetrics {
  /** The `aggregate` of ObservabilityDeps. */
  aggregate(local: GatewayMetrics): Promise<{ text: string; contentType: string }>;
  /** Starts answering the primary's collect requests with `metrics`. Returns a stop function. */
  serve(metrics: GatewayMetrics): () => void;
}

/** Creates the worker side (`proc` = process in a cluster worker). */
export function createWorkerMetrics(proc: WorkerProcess, options: { timeoutMs?: number } = {}): WorkerMetrics {
  const timeoutMs = options.timeoutMs ?? 5000;
  let next = 0;
  return {
    aggregate: async (local) => {
      const id = next++;
      const text = await new Promise<string | undefined>((resolve) => {
        const timer = setTimeout(() => finish(undefined), timeoutMs);
        const listener = (message: unknown): void => {
          if (isMessage(message, 'clawbot:metrics:response') && message.id === id) finish(message.text);
        };
        function finish(result: string | undefined): void {
          clearTimeout(timer);
          proc.off('message', listener);
          resolve(result);
        }
        proc.on('message', listener);
        proc.send({ type: 'clawbot:metrics:request', id });
      });
      return { text: text ?? (await local.render()), contentType: local.contentType };
    },
    serve(metrics) {
      const listener = (message: unknown): void => {
        if (!isMessage(message, 'clawbot:metrics:collect')) return;
        void metrics
          .refresh()
          .then(() => metrics.registry.getMetricsAsJSON())
          .then(
            (json) => proc.send({ type: 'clawbot:metrics:json', id: message.id, metrics: json }),
            () => proc.send({ type: 'clawbot:metrics:json', id: message.id, metrics: [] }),
          );
      };
      proc.on('message', listener);
      return () => proc.off('message', listener);
    },
  };
}
