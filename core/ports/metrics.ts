/**
 * Counters and timings that modules report without knowing the metrics backend. The gateway maps each name to a
 * Prometheus family (gateway/observability); everything else depends only on this port, so prom-client stays in
 * the gateway. Label values must come from small fixed sets (channel ids, outcomes, model names), never user data.
 */

/** Events counted by channels and other modules. */
export type CounterName =
  /** An access-token refresh against a platform (labels: `channel`, `outcome` = ok | failed). */
  | 'channel.token_refresh'
  /** A WeChat push whose passive-reply budget passed before its turn finished (labels: `channel`). */
  | 'channel.passive_deadline_missed';

/** Values observed into histograms. */
export type HistogramName =
  /** Requests coalesced into one inference batch (labels: `model`). */
  | 'inference.batch_size'
  /** Seconds a request waited in the inference queue before its batch started (labels: `model`). */
  | 'inference.queue_wait_seconds'
  /** Seconds one inference batch computed (labels: `model`). */
  | 'inference.batch_seconds';

/** Label values of one observation (bounded sets only). */
export type MetricLabels = Readonly<Record<string, string>>;

/** Where modules report what they count and time. */
export interface Metrics {
  /** Adds `value` (default 1) to a counter. */
  increment(name: CounterName, labels?: MetricLabels, value?: number): void;
  /** Records one observation of a histogram. */
  observe(name: HistogramName, value: number, labels?: MetricLabels): void;
}

/**
 * Settles as `work` does and counts it under `name` with an `outcome` label, `ok` or `failed` (a platform call such
 * as a token refresh). Nothing is counted without `metrics`.
 */
export async function countOutcome<T>(
  metrics: Metrics | undefined,
  name: CounterName,
  labels: MetricLabels,
  work: Promise<T>,
): Promise<T> {
  try {
    const result = await work;
    metrics?.increment(name, { ...labels, outcome: 'ok' });
    return result;
  } catch (error: unknown) {
    metrics?.increment(name, { ...labels, outcome: 'failed' });
    throw error;
  }
}
