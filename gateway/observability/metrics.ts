/**
 * The gateway's Prometheus metrics: one registry per gateway (no global state), every family with a fixed, small set
 * of label names, plus the `Metrics` port that channels, the inference runtime and others report through.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CounterName, HistogramName, MetricLabels, Metrics } from '../../core/ports/metrics.js';

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const STORE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];
const WAIT_BUCKETS = [5, 15, 30, 60, 120, 300, 600, 1800, 3600];

/** Every family the gateway exports (names without the `clawbot_` prefix where noted in docs/operations.md). */
export interface MetricFamilies {
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  readonly inbound: Counter<'channel'>;
  readonly duplicates: Counter<'channel'>;
  readonly repliesSent: Counter<'channel'>;
  readonly repliesFailed: Counter<'channel'>;
  readonly passiveDeadlineMissed: Counter<'channel'>;
  readonly tokenRefreshes: Counter<'channel' | 'outcome'>;
  readonly turns: Counter<'channel' | 'status'>;
  readonly turnDuration: Histogram<'channel'>;
  readonly turnsInFlight: Gauge;
  readonly turnsRefused: Counter<'reason'>;
  readonly throttled: Counter<'scope' | 'channel'>;
  readonly handoffsOpened: Counter<'reason'>;
  readonly handoffQueueLength: Gauge;
  readonly handoffWait: Histogram;
  readonly satisfaction: Histogram;
  readonly inferenceBatchSize: Histogram<'model'>;
  readonly inferenceQueueWait: Histogram<'model'>;
  readonly inferenceBatchDuration: Histogram<'model'>;
  readonly qaCacheHitRatio: Gauge;
  readonly qaCacheLookups: Gauge<'result'>;
  readonly memoryDuration: Histogram<'op' | 'outcome'>;
  readonly deliveries: Counter<'channel' | 'outcome'>;
  readonly deliveryPending: Gauge;
  readonly deadLetters: Gauge;
  readonly gpuUtilization: Gauge<'gpu'>;
  readonly gpuMemoryUsed: Gauge<'gpu'>;
  readonly gpuMemoryTotal: Gauge<'gpu'>;
}

/** A gateway's metrics: the registry, its families and the port for other modules. */
export interface GatewayMetrics {
  readonly registry: Registry;
  readonly families: MetricFamilies;
  /** The core `Metrics` port (channels, inference runtime). */
  readonly port: Metrics;
  /** Registers a callback run before each scrape (gauges read from their sources). Errors are swallowed. */
  onScrape(refresh: () => Promise<void> | void): void;
  /** Runs the scrape callbacks (what `render` does first; a worker of `--workers N` sends JSON instead of text). */
  refresh(): Promise<void>;
  /** The exposition text (`text/plain; version=0.0.4`), after `refresh`. */
  render(): Promise<string>;
  readonly contentType: string;
}

export interface GatewayMetricsOptions {
  /** Family name prefix (default `clawbot_`). */
  readonly prefix?: string;
  /** Node process metrics (CPU, memory, event loop, GC; default true). */
  readonly processMetrics?: boolean;
  /** Labels on every series (e.g. `{ worker: "2" }` with several workers). */
  readonly defaultLabels?: Readonly<Record<string, string>>;
}

/** Creates a registry with every family. */
export function createGatewayMetrics(options: GatewayMetricsOptions = {}): GatewayMetrics {
  const p = options.prefix ?? 'clawbot_';
  const registry = new Registry();
  if (options.defaultLabels !== undefined) registry.setDefaultLabels({ ...options.defaultLabels });
  const registers = [registry];
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
    new Counter<L>({ name: p + name, help, labelNames, registers });
  // How a gauge combines across the workers of a host: per-process figures add up; figures read from a shared
  // source (Redis, the GPU) are the same in every worker, so one is taken.
  const gauge = <L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[] = [],
    aggregator: 'sum' | 'first' | 'average' = 'sum',
  ) => new Gauge<L>({ name: p + name, help, labelNames, registers, aggregator });
  const histogram = <L extends string>(name: string, help: string, buckets: number[], labelNames: readonly L[] = []) =>
    new Histogram<L>({ name: p + name, help, buckets, labelNames, registers });

  const families: MetricFamilies = {
    httpRequests: counter('http_requests_total', 'HTTP requests by route pattern and status', [
      'method',
      'route',
      'status',
    ]),
    httpDuration: histogram('http_request_duration_seconds', 'HTTP request latency by route pattern', LATENCY_BUCKETS, [
      'method',
      'route',
      'status',
    ]),
    inbound: counter('channel_inbound_messages_total', 'Inbound events taken from each channel', ['channel']),
    duplicates: counter('channel_duplicates_dropped_total', 'Platform retries dropped by dedupe', ['channel']),
    repliesSent: counter('channel_replies_sent_total', 'Outbound messages handed to a channel successfully', [
      'channel',
    ]),
    repliesFailed: counter('channel_replies_failed_total', 'Outbound messages a channel refused or failed', [
      'channel',
    ]),
    passiveDeadlineMissed: counter(
      'wechat_passive_reply_deadline_missed_total',
      'WeChat deliveries whose passive-reply budget passed before the turn finished',
      ['channel'],
    ),
    tokenRefreshes: counter('channel_token_refreshes_total', 'Platform access-token refreshes', ['channel', 'outcome']),
    turns: counter('turns_total', 'Turns by how they ended (handled, duplicate, failed, ignored, refused)', [
      'channel',
      'status',
    ]),
    turnDuration: histogram('turn_duration_seconds', 'Turn latency from dispatch to outcome', LATENCY_BUCKETS, [
      'channel',
    ]),
    turnsInFlight: gauge('turns_in_flight', 'Turns running now in this process'),
    turnsRefused: counter('turns_refused_total', 'Turns refused by the concurrency cap or shutdown', ['reason']),
    throttled: counter('rate_limited_total', 'Messages refused by a rate limit', ['scope', 'channel']),
    handoffsOpened: counter('handoffs_opened_total', 'Conversations handed to a person, by reason', ['reason']),
    handoffQueueLength: gauge('handoff_queue_length', 'Conversations waiting for an agent', [], 'first'),
    handoffWait: histogram(
      'handoff_wait_seconds',
      'Time from handoff to an agent taking the conversation',
      WAIT_BUCKETS,
    ),
    satisfaction: histogram('handoff_satisfaction_score', 'Post-resolve survey scores (1-5)', [1, 2, 3, 4, 5]),
    inferenceBatchSize: histogram(
      'inference_batch_size',
      'Requests per inference batch',
      [1, 2, 4, 8, 16, 32, 64, 128],
      ['model'],
    ),
    inferenceQueueWait: histogram(
      'inference_queue_wait_seconds',
      'Time a request waited for its batch',
      STORE_BUCKETS,
      ['model'],
    ),
    inferenceBatchDuration: histogram('inference_batch_duration_seconds', 'Compute time per batch', LATENCY_BUCKETS, [
      'model',
    ]),
    qaCacheHitRatio: gauge('qa_cache_hit_ratio', 'QA cache hits / lookups since start', [], 'average'),
    qaCacheLookups: gauge('qa_cache_lookups', 'QA cache lookups since start, by result', ['result']),
    memoryDuration: histogram('memory_store_duration_seconds', 'Conversation memory operations', STORE_BUCKETS, [
      'op',
      'outcome',
    ]),
    deliveries: counter('deliveries_total', 'Outbound deliveries (agent replies, notices) by outcome', [
      'channel',
      'outcome',
    ]),
    deliveryPending: gauge('delivery_queue_pending', 'Outbound messages waiting for a retry', [], 'first'),
    deadLetters: gauge(
      'delivery_dead_letters',
      'Outbound messages that failed every attempt (up to 1000 counted)',
      [],
      'first',
    ),
    gpuUtilization: gauge('gpu_utilization_ratio', 'GPU utilisation (0-1) from nvidia-smi', ['gpu'], 'first'),
    gpuMemoryUsed: gauge('gpu_memory_used_bytes', 'GPU memory in use from nvidia-smi', ['gpu'], 'first'),
    gpuMemoryTotal: gauge('gpu_memory_total_bytes', 'GPU memory from nvidia-smi', ['gpu'], 'first'),
  };
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry, prefix: p });

  const counters: Record<CounterName, (labels: MetricLabels, value: number) => void> = {
    'channel.token_refresh': (l, v) =>
      families.tokenRefreshes.inc({ channel: l['channel'] ?? 'unknown', outcome: l['outcome'] ?? 'ok' }, v),
    'channel.passive_deadline_missed': (l, v) =>
      families.passiveDeadlineMissed.inc({ channel: l['channel'] ?? 'wechat_official' }, v),
  };
  const histograms: Record<HistogramName, (labels: MetricLabels, value: number) => void> = {
    'inference.batch_size': (l, v) => families.inferenceBatchSize.observe({ model: l['model'] ?? 'unknown' }, v),
    'inference.queue_wait_seconds': (l, v) =>
      families.inferenceQueueWait.observe({ model: l['model'] ?? 'unknown' }, v),
    'inference.batch_seconds': (l, v) => families.inferenceBatchDuration.observe({ model: l['model'] ?? 'unknown' }, v),
  };
  const port: Metrics = {
    increment: (name, labels = {}, value = 1) => counters[name](labels, value),
    observe: (name, value, labels = {}) => histograms[name](labels, value),
  };

  const refreshers: (() => Promise<void> | void)[] = [];
  const refresh = async (): Promise<void> => {
    await Promise.all(refreshers.map(async (r) => r()).map((p) => p.catch(() => undefined)));
  };
  return {
    registry,
    families,
    port,
    onScrape: (r) => void refreshers.push(r),
    refresh,
    async render() {
      await refresh();
      return registry.metrics();
    },
    contentType: registry.contentType,
  };
}
