/**
 * Observability for one gateway, built from config: the metric families, the audit log, the HTTP middleware and
 * routes, and the decorators the composition root wraps its seams with.
 */
import { Router, type RequestHandler } from 'express';
import type { Dispatch } from '../../core/dispatcher.js';
import type { OutboundMessage, SendReceipt } from '../../core/envelope.js';
import type { Logger } from '../../core/logger.js';
import type { HandoffEvents, HandoffQueue } from '../../core/ports/handoff.js';
import type { ConversationMemory } from '../../core/ports/memory.js';
import type { AppConfig } from '../config/index.js';
import { auditHandoff, createAuditLog, type AuditLog } from './audit.js';
import { gpuRefresher, type GpuQuery } from './gpu.js';
import { auditRequests } from './http-audit.js';
import { observeRequests } from './http-metrics.js';
import { instrumentDispatch, instrumentMemory, instrumentSend, watchHandoffEvents } from './instrument.js';
import { createGatewayMetrics, type GatewayMetrics } from './metrics.js';
import { metricsRoutes } from './metrics-route.js';
import type { RequestContext } from './request-context.js';

/** Where scrape-time gauges read their figures. */
export interface ObservedSources {
  readonly handoff?: { readonly events: HandoffEvents; readonly queue: HandoffQueue };
  readonly qaCache?: { stats(): { hits: number; misses: number; hitRatio: number } };
  readonly turnsInFlight?: () => number;
  readonly delivery?: { pending(): Promise<number>; deadLetters(limit?: number): Promise<readonly unknown[]> };
}

export interface Observability {
  readonly metrics: GatewayMetrics;
  readonly audit: AuditLog;
  /** The first middleware of the app: request ids, HTTP rate and latency by route pattern. */
  httpMiddleware(mounts: readonly string[]): RequestHandler;
  /** Audit of agent login/logout (mount after the JSON parser). */
  readonly auditRouter: Router;
  /** `GET /metrics`, guarded per `metrics.*`. */
  metricsRouter(authenticateAdmin: (h: string | undefined, ip: string | undefined) => Promise<unknown>): Router;
  instrumentDispatch(dispatch: Dispatch): Dispatch;
  instrumentSend<A extends unknown[]>(
    send: (message: OutboundMessage, ...rest: A) => Promise<SendReceipt>,
  ): (message: OutboundMessage, ...rest: A) => Promise<SendReceipt>;
  instrumentMemory(memory: ConversationMemory): ConversationMemory;
  /** Starts reading the sources (events, scrape-time gauges). Returns a stop function. */
  watch(sources: ObservedSources): () => void;
}

export interface ObservabilityDeps {
  readonly log: Logger;
  /** nvidia-smi (tests inject a fake). */
  readonly gpuQuery?: GpuQuery;
  /** Labels on every series (e.g. the worker id). */
  readonly defaultLabels?: Readonly<Record<string, string>>;
  /**
   * Renders the metrics of every worker of this host (node:cluster); when absent, this process's registry.
   */
  readonly aggregate?: (local: GatewayMetrics) => Promise<{ text: string; contentType: string }>;
  /** The request context the root logger's mixin reads (request ids on every line of a request). */
  readonly requestContext?: RequestContext;
}

/** Builds the gateway's observability from config. */
export function createObservability(config: AppConfig, deps: ObservabilityDeps): Observability {
  const metrics = createGatewayMetrics(deps.defaultLabels === undefined ? {} : { defaultLabels: deps.defaultLabels });
  const f = metrics.families;
  const audit = createAuditLog({ log: deps.log });
  const gpuOn = config.metrics.gpu === 'on' || (config.metrics.gpu === 'auto' && config.inference.device === 'cuda');
  if (gpuOn) metrics.onScrape(gpuRefresher(f, deps.gpuQuery));
  return {
    metrics,
    audit,
    httpMiddleware: (mounts) => observeRequests({ families: f, mounts, context: deps.requestContext }),
    auditRouter: Router().use(auditRequests({ audit })),
    metricsRouter: (authenticateAdmin) =>
      metricsRoutes(
        { public: config.metrics.public, allowIps: config.metrics.allowIps },
        {
          authenticateAdmin,
          render: async () =>
            deps.aggregate === undefined
              ? { text: await metrics.render(), contentType: metrics.contentType }
              : deps.aggregate(metrics),
        },
      ),
    instrumentDispatch: (dispatch) => instrumentDispatch(dispatch, f),
    instrumentSend: (send) => instrumentSend(send, f),
    instrumentMemory: (memory) => instrumentMemory(memory, f),
    watch(sources) {
      const stops: (() => void)[] = [];
      const { handoff, qaCache, turnsInFlight, delivery } = sources;
      if (handoff !== undefined) {
        stops.push(watchHandoffEvents(handoff.events, f), auditHandoff(handoff.events, audit));
        metrics.onScrape(async () => f.handoffQueueLength.set((await handoff.queue.list({ status: 'queued' })).length));
      }
      if (qaCache !== undefined) {
        metrics.onScrape(() => {
          const s = qaCache.stats();
          f.qaCacheHitRatio.set(s.hitRatio);
          f.qaCacheLookups.set({ result: 'hit' }, s.hits);
          f.qaCacheLookups.set({ result: 'miss' }, s.misses);
        });
      }
      if (turnsInFlight !== undefined) metrics.onScrape(() => f.turnsInFlight.set(turnsInFlight()));
      if (delivery !== undefined) {
        metrics.onScrape(async () => {
          f.deliveryPending.set(await delivery.pending());
          f.deadLetters.set((await delivery.deadLetters(1000)).length);
        });
      }
      return () => {
        for (const stop of stops) stop();
      };
    },
  };
}
