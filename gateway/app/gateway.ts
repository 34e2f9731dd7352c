import type { Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { Express } from 'express';
import type { Clock } from '../../core/clock.js';
import { createDispatcher, type Dispatch } from '../../core/dispatcher.js';
import type { InboundEvent, OutboundMessage, SendReceipt } from '../../core/envelope.js';
import { BotError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { Channel, ChannelHost } from '../../core/ports/channel.js';
import { createApology } from '../../core/engine/index.js';
import { createRestChannel, type RestChannel } from '../../channels/rest/index.js';
import { createAuthenticator, createClientAccess } from '../auth/index.js';
import type { AppConfig } from '../config/index.js';
import { createConfiguredChannels } from './channels.js';
import { loadEngine, type LoadedEngine } from './engine.js';
import { createIntentModelProvider, type IntentModelProvider } from './intent-model.js';
import { createPipeline } from './pipeline.js';
import { chatRoutes } from './routes/chat.js';
import { healthRoutes, type ReadinessCheck } from './routes/health.js';
import { oauthRoutes } from './routes/oauth.js';
import { openapiRoutes } from './routes/openapi.js';
import { pairingRoutes } from './routes/pairing.js';
import { createServer } from './server.js';
import { createStores, type Stores } from './stores.js';
import { createHandoff, type HandoffWiring } from './handoff.js';
import {
  createFlowControl,
  createInstances,
  createTurnLease,
  deadLetterRoutes,
  LeasedOutboundLedger,
  type FlowControl,
} from '../flow/index.js';
import {
  createObservability,
  OPERATIONS_API_DOCUMENT,
  type Observability,
  type ObservabilityDeps,
} from '../observability/index.js';
import { AGENT_API_DOCUMENT } from './openapi/index.js';

export interface GatewayDeps {
  readonly log: Logger;
  readonly clock: Clock;
  readonly version: string;
  /** API keys added at start-up (e.g. the development key), on top of `auth.apiKeys`. */
  readonly extraApiKeys?: readonly string[];
  /** Worker labels, cross-worker metrics and a fake nvidia-smi (tests). */
  readonly observability?: Omit<ObservabilityDeps, 'log'>;
}

/** A composed gateway: the Express app plus everything it owns, ready to listen. */
export interface Gateway {
  readonly app: Express;
  readonly dispatch: Dispatch;
  /** Sends a message through the channel of its conversation (agent replies, proactive messages). */
  send(message: OutboundMessage): Promise<SendReceipt>;
  readonly channels: readonly Channel[];
  readonly rest: RestChannel;
  readonly stores: Stores;
  readonly loaded: LoadedEngine;
  /** The ONNX Runtime and trained intent model when `inference.intentModel` is `trained`. */
  readonly intentModel: IntentModelProvider | undefined;
  /** Human handoff: the service, the agent desk and the agent directory. */
  readonly handoff: HandoffWiring;
  readiness(): Promise<Record<string, ReadinessCheck>>;
  /** Metrics, audit log and request ids. */
  readonly observability: Observability;
  /** Rate limits, the concurrent-turn gate and the outbound delivery queue. */
  readonly flow: FlowControl;
  listen(port: number, host: string): Promise<Server>;
  /** Stops channels, closes the HTTP server (finishing in-flight requests) and the stores. */
  close(): Promise<void>;
}

/** Waits for `work`, at most `ms`. */
async function bounded(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

/** The composition root: builds stores, engine, channels, pipeline and HTTP routes from validated config. */
export async function buildGateway(config: AppConfig, deps: GatewayDeps): Promise<Gateway> {
  const { log, clock } = deps;
  const observability = createObservability(config, { log, ...deps.observability });
  const rawStores = createStores(config, { clock, log });
  const stores: Stores = { ...rawStores, memory: observability.instrumentMemory(rawStores.memory) };
  const intentModel: IntentModelProvider | undefined =
    config.inference.intentModel === 'trained' ? await createIntentModelProvider(config, { log, clock }) : undefined;
  const loaded = await loadEngine(config, {
    clock,
    log,
    kv: stores.kv,
    ...(intentModel === undefined ? {} : { classifierFor: (bot) => intentModel.classifierFor(bot) }),
  });
  // Replicas sharing Redis know which of them are alive: a reply claimed by a replica that died is answered again.
  const instances = stores.kind === 'redis' ? createInstances({}, { kv: stores.kv, log }) : undefined;
  await instances?.start();
  // Turns survive a replica's death (the pipeline's stages); channels ask whether a turn runs on a live replica.
  const turnLease = stores.kind === 'redis' ? createTurnLease({}, { kv: stores.kv, locks: stores.locks }) : undefined;
  const rest = createRestChannel({ clock });
  const channels: Channel[] = [
    rest,
    ...createConfiguredChannels(config, {
      kv: stores.kv,
      locks: stores.locks,
      clock,
      log,
      metrics: observability.metrics.port,
      ...(instances === undefined
        ? {}
        : { ledger: new LeasedOutboundLedger(stores.kv, stores.locks, instances), liveness: instances }),
      ...(turnLease === undefined ? {} : { leases: turnLease }),
    }),
  ];
  const byId = new Map(channels.map((c) => [c.id, c]));

  // Turn replies go straight to the channel (WeChat passive replies must stay in their request); everything else
  // (agent replies, notices, proactive messages) goes through the delivery queue with retries and dead letters.
  const channelSend = observability.instrumentSend((message: OutboundMessage, signal?: AbortSignal) => {
    const channel = byId.get(message.conversation.channel);
    if (channel === undefined) {
      return Promise.reject(new BotError('not_found', `no channel "${message.conversation.channel}" is configured`));
    }
    return channel.send(message, signal);
  });
  const flow = createFlowControl(config, {
    clock,
    log,
    redis: stores.redis,
    send: (message) => channelSend(message),
    families: observability.metrics.families,
    fallbackLanguage: () => loaded.bot.languages[0] ?? 'zh',
  });
  const send = (message: OutboundMessage): Promise<SendReceipt> => flow.delivery.send(message);
  const handoff = createHandoff(config, {
    stores,
    channels,
    send,
    bot: loaded.bot,
    clock,
    log,
    cwd: process.cwd(),
  });
  const pipeline = createPipeline({
    kv: stores.kv,
    locks: stores.locks,
    memory: stores.memory,
    engine: loaded.engine,
    handoffGate: handoff.gate,
    apology: createApology(loaded.bot),
    throttle: flow.throttle,
    passOnStoreFailures: true,
    ...(turnLease === undefined ? {} : { turnLease }),
  });
  const dispatch = observability.instrumentDispatch(
    flow.gate.wrap(
      createDispatcher({
        pipeline,
        clock,
        log,
        sendFor: (_event: InboundEvent) => channelSend,
        turnTimeoutMs: config.inference.timeout * 1000,
      }),
    ),
  );
  const stopWatching = observability.watch({
    handoff: { events: handoff.service.deps.events, queue: handoff.service.deps.queue },
    qaCache: loaded.cache,
    turnsInFlight: () => flow.gate.inFlight,
    delivery: flow.delivery,
  });
  const host: ChannelHost = { dispatch, log };
  for (const channel of channels) await channel.start(host);
  await handoff.start();

  const auth = createAuthenticator(
    {
      ...config.auth,
      apiKeys: [
        ...config.auth.apiKeys,
        ...(deps.extraApiKeys ?? []).map((key) => ({
          key,
          scopes: ['chat' as const, 'agent' as const, 'admin' as const],
          allowIps: [],
        })),
      ],
    },
    { clock },
  );
  const access = createClientAccess(config, { clock, cwd: process.cwd(), redis: stores.redis });
  const startedAt = clock.now();
  let closing = false;
  const readiness = async (): Promise<Record<string, ReadinessCheck>> => {
    const checks: Record<string, ReadinessCheck> = {
      model: loaded.engine.ready()
        ? { ok: true, detail: loaded.classifierName }
        : { ok: false, detail: 'model not loaded' },
    };
    if (closing) checks['gateway'] = { ok: false, detail: 'shutting down' };
    if (stores.kind === 'redis') checks['redis'] = await stores.ping();
    checks['handoff'] = await handoff.service.deps.queue.get('readiness-probe').then(
      () => ({ ok: true, detail: stores.kind }),
      (error: unknown) => ({ ok: false, detail: error instanceof Error ? error.message : String(error) }),
    );
    checks['delivery'] = await flow.delivery.health();
    for (const channel of channels) {
      if (channel.health !== undefined) checks[`channel:${channel.id}`] = await channel.health();
    }
    return checks;
  };
  const authenticateAdmin = (header: string | undefined, ip: string | undefined) =>
    auth.authenticate(header, 'admin', { ip });
  const app = createServer({
    bodyLimit: config.gateway.bodyLimit,
    trustProxy: config.gateway.trustProxy,
    log,
    channels,
    first: [
      observability.httpMiddleware(channels.flatMap((c) => (c.httpHandler === undefined ? [] : [c.httpHandler.path]))),
    ],
    apiRoutes: [
      observability.auditRouter,
      healthRoutes({ version: deps.version, startedAt, clock, readiness }),
      chatRoutes({
        dispatch,
        memory: stores.memory,
        authenticate: (header, scope, ip) => auth.authenticate(header, scope, { ip }),
        clock,
        tenant: 'default',
        admit: flow.restAdmission,
      }),
      oauthRoutes({ endpoint: access.tokenEndpoint, bodyLimit: config.gateway.bodyLimit, log }),
      pairingRoutes({ pairing: access.pairing, clock }),
      openapiRoutes({
        version: deps.version,
        channels,
        log,
        extraDocuments: [AGENT_API_DOCUMENT, OPERATIONS_API_DOCUMENT],
      }),
      ...(config.metrics.enabled ? [observability.metricsRouter(authenticateAdmin)] : []),
      deadLetterRoutes({ delivery: flow.delivery, audit: observability.audit, authenticateAdmin }),
      ...handoff.routes({ rest, authenticate: (header, ip) => auth.authenticate(header, 'chat', { ip }) }),
    ],
  });

  let server: Server | undefined;
  return {
    app,
    dispatch,
    send,
    channels,
    rest,
    stores,
    loaded,
    intentModel,
    handoff,
    readiness,
    observability,
    flow,
    listen: (port, hostname) =>
      new Promise<Server>((resolve, reject) => {
        const tls = config.gateway.tls;
        const done = (error?: Error) => {
          // backlog: a burst of 1000+ connects must not overflow 511
          if (error !== undefined) reject(error);
          else resolve(s);
        };
        const s: Server =
          tls === undefined
            ? app.listen(port, hostname, 4096, done)
            : createHttpsServer(
                { cert: readFileSync(tls.cert), key: readFileSync(tls.key), minVersion: tls.minVersion },
                app,
              ).listen(port, hostname, 4096, done);
        s.once('error', reject);
        s.keepAliveTimeout = 65_000;
        s.headersTimeout = 66_000;
        s.requestTimeout = 30_000; // a client that stalls mid-body cannot hold a socket (or shutdown) for long
        server = s;
      }),
    close: async () => {
      closing = true; // readiness fails at once, so the load balancer stops sending new traffic
      for (const channel of channels)
        await channel
          .stop()
          .catch((e: unknown) => log.warn({ err: String(e), channel: channel.id }, 'channel stop failed'));
      await handoff.close(); // ends console and session event streams, which would hold the server open
      if (server !== undefined) {
        const s = server;
        await new Promise<void>((resolve) => {
          s.keepAliveTimeout = 1; // keep-alive sockets of in-flight requests close once answered, not after 65 s
          s.close(() => resolve());
          s.closeIdleConnections();
        });
      }
      // Turns started by channels (not by an HTTP request) may still run: let them finish, then refuse new ones.
      await bounded(flow.gate.drained(), config.gateway.shutdownTimeoutMs);
      flow.gate.close();
      await flow.delivery.close(config.gateway.shutdownTimeoutMs); // flushes retries due in process
      stopWatching();
      await instances?.stop();
      loaded.close();
      await intentModel?.close();
      await stores.memory.close();
      await stores.kv.close();
      await access.close();
      await stores.close();
    },
  };
}
