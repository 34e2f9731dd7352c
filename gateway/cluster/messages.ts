/** IPC messages between the primary and the workers of `clawbot gateway --workers N` (pure type guards). */

/** A worker asks for the metrics of every worker (a scrape reached it). */
export interface MetricsRequest {
  readonly type: 'clawbot:metrics:request';
  readonly id: number;
}
/** The primary asks each worker for its registry. */
export interface MetricsCollect {
  readonly type: 'clawbot:metrics:collect';
  readonly id: number;
}
/** A worker's registry as JSON. */
export interface MetricsJson {
  readonly type: 'clawbot:metrics:json';
  readonly id: number;
  readonly metrics: readonly object[];
}
/** The aggregated exposition text, back to the worker that asked. */
export interface MetricsResponse {
  readonly type: 'clawbot:metrics:response';
  readonly id: number;
  readonly text?: string;
  readonly error?: string;
}

export type ClusterMessage = MetricsRequest | MetricsCollect | MetricsJson | MetricsResponse;

/** True when `value` is one of this module's messages of `type`. */
export function isMessage<T extends ClusterMessage['type']>(
  value: unknown,
  type: T,
): value is Extract<ClusterMessage, { type: T }> {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { type?: unknown }).type === type &&
    typeof (value as { id?: unknown }).id === 'number'
  );
}
