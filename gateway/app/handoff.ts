/**
 * Wiring of human handoff into the gateway: queue, live events and agent accounts (Redis when configured,
 * else in-process and `handoff.agentsFile`), the service, the pipeline gate, the timeout sweeper and the console
 * routes. `clawbot agents` opens the same agent directory through `openAgentDirectory`.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import type { Router } from 'express';
import type { Clock } from '../../core/clock.js';
import type { TurnContext } from '../../core/context.js';
import type { ConversationRef, OutboundMessage, SendReceipt } from '../../core/envelope.js';
import { BotError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { Middleware } from '../../core/middleware.js';
import type { Channel } from '../../core/ports/channel.js';
import type { BotDefinition } from '../../core/engine/types.js';
import {
  createAgentDesk,
  createFileAgentDirectory,
  createHandoffService,
  createHandoffSweeper,
  createInProcessHandoffEvents,
  createInProcessHandoffQueue,
  createRedisAgentDirectory,
  createRedisHandoffEvents,
  createRedisHandoffQueue,
  DEFAULT_NOTICE_TEMPLATES,
  handoffGate,
  noticeTemplates,
  type AgentDesk,
  type AgentDirectory,
  type HandoffService,
  type NoticeTemplates,
} from '../../handoff/index.js';
import {
  consoleRoutes,
  createConsoleSessions,
  createLoginLimiter,
  endStreams,
  type SseRegistry,
} from '../../handoff/console/index.js';
import type { AppConfig } from '../config/index.js';
import type { RestChannel } from '../../channels/rest/index.js';
import { isValidSessionId, sessionKeyOf } from './rest-session-id.js';
import type { RedisClient } from './redis-client.js';
import type { Stores } from './stores.js';

/** The Redis namespace the handoff keys live under. */
export function handoffNamespace(config: AppConfig): string {
  return `${config.redis.keyPrefix}:default`;
}

/** Where agent accounts live: Redis when configured (pass its client), else the JSON file. */
export function openAgentDirectory(
  config: AppConfig,
  deps: { cwd: string; redis?: RedisClient | undefined },
): AgentDirectory {
  if (deps.redis !== undefined) {
    return createRedisAgentDirectory({ redis: deps.redis, namespace: handoffNamespace(config) });
  }
  return createFileAgentDirectory({ path: resolve(deps.cwd, config.handoff.agentsFile) });
}

export interface HandoffWiring {
  readonly gate: Middleware<TurnContext>;
  readonly service: HandoffService;
  readonly desk: AgentDesk;
  readonly agents: AgentDirectory;
  /** The console and agent API routers (mount after the JSON body parser). */
  routes(deps: {
    rest: RestChannel;
    authenticate: (h: string | undefined, ip: string | undefined) => Promise<unknown>;
  }): Router[];
  /** Starts the timeout sweeper. */
  start(): Promise<void>;
  /** Resolves once events from other replicas are received (Redis subscription made). */
  ready(): Promise<void>;
  /** Ends open event streams (before the HTTP server closes), stops the sweeper and the event bus. */
  close(): Promise<void>;
}

export interface HandoffWiringDeps {
  readonly stores: Stores;
  readonly channels: readonly Channel[];
  readonly send: (message: OutboundMessage) => Promise<SendReceipt>;
  readonly bot: BotDefinition;
  readonly clock: Clock;
  readonly log: Logger;
  readonly cwd: string;
}

async function sessionSecret(config: AppConfig, redis: RedisClient | undefined): Promise<Uint8Array> {
  const configured = config.handoff.sessionSecret;
  if (configured !== undefined) return new TextEncoder().encode(configured);
  const jwt = config.auth.jwtSecret;
  if (jwt !== undefined) return createHmac('sha256', jwt).update('clawbot console session').digest();
  if (redis !== undefined) {
    // Replicas must agree: the first one to start stores a random secret, the others read it.
    const key = `${handoffNamespace(config)}:handoff:session-secret`;
    await redis.set(key, randomBytes(48).toString('base64'), 'NX');
    const shared = await redis.get(key);
    if (shared !== null) return Buffer.from(shared, 'base64');
  }
  return randomBytes(32);
}

function templatesOf(config: AppConfig): NoticeTemplates {
  const unknown = Object.keys(config.handoff.messages).filter((k) => !(k in DEFAULT_NOTICE_TEMPLATES));
  if (unknown.length > 0) {
    throw new BotError(
      'config.invalid',
      `handoff.messages has unknown keys ${unknown.join(', ')}; use ${Object.keys(DEFAULT_NOTICE_TEMPLATES).join(', ')}`,
    );
  }
  return noticeTemplates(config.handoff.messages);
}

/** Text of a knowledge source for the handoff packet's evidence. */
function sourceDescriber(bot: BotDefinition): (id: string, lang: string) => string | undefined {
  return (id, lang) => {
    const l = lang.startsWith('en') ? 'en' : 'zh';
    if (id.startsWith('faq:')) {
      const faq = bot.faq.find((f) => f.id === id.slice(4));
      return faq === undefined ? undefined : `${faq.questions[0] ?? ''} → ${faq.answer[l]}`;
    }
    if (id.startsWith('intent:')) return bot.intents.find((i) => i.id === id.slice(7))?.answer?.[l];
    return undefined;
  };
}

/** Builds the handoff wiring from config. */
export function createHandoff(config: AppConfig, deps: HandoffWiringDeps): HandoffWiring {
  const { stores, clock, log } = deps;
  const h = config.handoff;
  const redis = stores.redis;
  const namespace = handoffNamespace(config);
  const retentionMs = h.retention * 1000;
  const queue =
    redis === undefined
      ? createInProcessHandoffQueue({ retentionMs }, { clock })
      : createRedisHandoffQueue({ redis, namespace, retentionMs }, { clock });
  const events =
    redis === undefined
      ? createInProcessHandoffEvents({ log })
      : createRedisHandoffEvents({ redis, namespace }, { log });
  const agents = openAgentDirectory(config, { cwd: deps.cwd, redis });
  const byId = new Map(deps.channels.map((c) => [c.id, c]));
  const window = async (conversation: ConversationRef) => byId.get(conversation.channel)?.window?.(conversation);
  const defaultLanguage = deps.bot.languages[0] ?? 'zh';
  const service = createHandoffService(
    {
      timeoutMs: h.timeout * 1000,
      fallback: h.fallback,
      assignment: h.assignment,
      averageHandleMs: h.averageHandleTime * 1000,
      presenceTtlMs: 60_000,
      survey: h.survey,
      followUpTtlMs: 24 * 3_600_000,
      templates: templatesOf(config),
      defaultLanguage,
    },
    { queue, events, agents, memory: stores.memory, kv: stores.kv, send: deps.send, window, clock, log },
  );
  const desk = createAgentDesk({ describeSource: sourceDescriber(deps.bot) }, service);
  const wechat = config.channels.wechat_official as { handoffTarget?: string } | undefined;
  const gate = handoffGate(
    {
      threshold: h.threshold,
      lowConfidenceStreak: h.lowConfidenceStreak,
      ...(h.draftThreshold === undefined ? {} : { draftThreshold: h.draftThreshold }),
      externalChannels: wechat?.handoffTarget === 'transfer_customer_service' ? ['wechat_official'] : [],
    },
    { service },
  );
  const sweeper = createHandoffSweeper({ intervalMs: h.sweepInterval * 1000 }, { service, clock, log });
  const streams: SseRegistry = new Set();
  const sessions = createConsoleSessions(
    { secret: () => sessionSecret(config, redis), ttlSeconds: h.sessionTtl },
    { clock },
  );

  return {
    gate,
    service,
    desk,
    agents,
    routes: ({ rest, authenticate }) =>
      consoleRoutes({
        desk,
        agents,
        sessions,
        kv: stores.kv,
        limiter: createLoginLimiter({ maxFailures: 10, windowMs: 15 * 60_000 }, { clock }),
        clock,
        cannedReplies: h.cannedReplies,
        events,
        log,
        heartbeatMs: 20_000,
        streams,
        serveConsole: h.console,
        sessionEvents: {
          queue,
          subscribeLocal: (key, listener) => rest.subscribe(key, listener),
          authenticate,
          sessionKeyOf: (id) => sessionKeyOf(id, 'default'),
          isValidSessionId,
          clock,
        },
      }),
    start() {
      sweeper.start();
      return Promise.resolve();
    },
    ready: () => events.ready(),
    async close() {
      endStreams(streams);
      await sweeper.stop();
      await events.close();
      await queue.close();
      await agents.close();
    },
  };
}
