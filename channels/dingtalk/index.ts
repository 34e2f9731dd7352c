/**
 * DingTalk robot channel: HTTP callback (`transport: http`, webhook at `path`) or Stream mode
 * (`transport: stream`, an outbound WebSocket, no public URL). Replies through the sessionWebhook while it is
 * valid, else through the OpenAPI; every outbound host is allow-listed.
 * @example
 * const channel = createDingTalkChannel(config.channels.dingtalk, { kv, locks, clock, log });
 * await channel.start(host); // stream mode connects here
 */
import type { Clock } from '../../core/clock.js';
import { BotError, describeError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { OutboundLedger } from '../../core/outbound-ledger.js';
import type { Channel, ChannelHost } from '../../core/ports/channel.js';
import type { KeyValue, Locks } from '../../core/ports/kv.js';
import type { Metrics } from '../../core/ports/metrics.js';
import { createDingTalkApi, type DingTalkApi } from './api.js';
import { createGroupRobotNotifier, type GroupRobotNotifier } from './group-robot.js';
import { checkOutboundUrl } from './hosts.js';
import { parseCallback } from './inbound.js';
import { createIngestor, loadRoute, type Ingestor } from './ingest.js';
import { dingtalkOptionsSchema, type DingTalkOptions, type DingTalkOptionsInput } from './options.js';
import { createSender, SESSION_WEBHOOK_EXPIRY_MARGIN_MS } from './sender.js';
import { createDingTalkStream, type DingTalkStream, type OpenConnection } from './stream.js';
import { createWebhookHandler } from './webhook.js';
import { dingTalkWindow } from './window.js';

export {
  dingtalkOptionsSchema,
  type DingTalkOptions,
  type DingtalkOptions,
  type DingTalkOptionsInput,
} from './options.js';
export { createGroupRobotNotifier, type GroupRobotMessage, type GroupRobotNotifier } from './group-robot.js';
export { simulateDingTalk, simulateDingtalk, type SimulateDingTalkOptions } from './simulate.js';

export interface DingTalkChannelDeps {
  readonly kv: KeyValue;
  /** Part of the common channel deps; DingTalk tokens need no cross-replica lock (each replica caches its own). */
  readonly locks: Locks;
  readonly clock: Clock;
  readonly log: Logger;
  /** Injectable for tests; defaults to the global fetch. */
  readonly fetch?: typeof fetch;
  /** Token refreshes are counted here (default: not counted). */
  readonly metrics?: Metrics;
}

/** The DingTalk Channel plus DingTalk-specific handles. */
export interface DingTalkChannel extends Channel {
  /** The parsed options. */
  readonly options: DingTalkOptions;
  /** The custom group robot notifier when `groupRobot` is configured. */
  readonly groupRobot: GroupRobotNotifier | undefined;
  /** Resolves when every running turn has finished (tests, graceful shutdown). */
  drain(): Promise<void>;
  /** The OpenAPI client (tokens, raw posts) for DingTalk-specific features. */
  readonly api: DingTalkApi;
}

const INBOX_TTL_MS = 24 * 60 * 60 * 1000;

function parseOptions(input: DingTalkOptionsInput): DingTalkOptions {
  const parsed = dingtalkOptionsSchema.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `channels.dingtalk.${i.path.join('.')}: ${i.message}`).join('; ');
    throw new BotError('config.invalid', issues);
  }
  const options = parsed.data;
  for (const [key, url] of [
    ['apiBaseUrl', options.apiBaseUrl],
    ...(options.streamEndpoint === undefined ? [] : [['streamEndpoint', options.streamEndpoint]]),
  ] as const) {
    const check = checkOutboundUrl(url, options.allowedHosts);
    if (!check.ok) {
      throw new BotError(
        'config.invalid',
        `channels.dingtalk.${key} host ${check.host ?? url} is not in channels.dingtalk.allowedHosts (${check.reason})`,
      );
    }
  }
  return options;
}

/** Creates the DingTalk channel (`id: 'dingtalk'`). Throws `config.invalid` for bad options. */
export function createDingTalkChannel(input: DingTalkOptionsInput, deps: DingTalkChannelDeps): DingTalkChannel {
  const options = parseOptions(input);
  const log = deps.log.child({ channel: 'dingtalk' });
  const robotCode = options.robotCode ?? options.appKey;
  let host: ChannelHost | undefined;

  const api = createDingTalkApi(
    {
      apiBaseUrl: options.apiBaseUrl,
      appKey: options.appKey,
      appSecret: options.appSecret,
      allowedHosts: options.allowedHosts,
      tokenRefreshMarginMs: options.tokenRefreshMarginMs,
      requestTimeoutMs: options.requestTimeoutMs,
    },
    {
      clock: deps.clock,
      log,
      ...(deps.fetch === undefined ? {} : { fetch: deps.fetch }),
      ...(deps.metrics === undefined ? {} : { metrics: deps.metrics }),
    },
  );
  const ingest: Ingestor = createIngestor(
    {
      robotCode,
      robotNames: options.robotName === undefined ? [] : [options.robotName],
      routeTtlMs: options.routeTtlMs,
      inboxTtlMs: INBOX_TTL_MS,
    },
    { kv: deps.kv, clock: deps.clock, log, host: () => host },
  );
  const send = createSender(
    { robotCode, agentRepliesVia: options.agentRepliesVia },
    { api, kv: deps.kv, clock: deps.clock, log, ledger: new OutboundLedger(deps.kv), ingest },
  );
  const groupRobot =
    options.groupRobot === undefined
      ? undefined
      : createGroupRobotNotifier(
          { ...options.groupRobot, allowedHosts: options.allowedHosts, requestTimeoutMs: options.requestTimeoutMs },
          { clock: deps.clock, log, ...(deps.fetch === undefined ? {} : { fetch: deps.fetch }) },
        );

  /** Stream frames: persist (KeyValue), then ack, then process. No ack when the store is down: DingTalk re-pushes. */
  const onRobotMessage = async (data: string, ack: () => void): Promise<void> => {
    const parsed = parseCallback(data);
    if (!parsed.ok) {
      log.warn(
        { reason: parsed.reason, detail: parsed.detail },
        'dingtalk stream: unreadable robot message acked and dropped',
      );
      ack();
      return;
    }
    let accepted;
    try {
      accepted = await ingest.accept(parsed.payload);
    } catch (error: unknown) {
      log.error(
        { err: describeError(error), msgId: parsed.payload.msgId },
        'dingtalk stream: not persisted; not acked',
      );
      return;
    }
    ack();
    if (accepted.kind === 'taken') ingest.process(accepted);
  };

  const openConnection: OpenConnection | undefined =
    options.streamEndpoint === undefined
      ? undefined
      : async (body) => {
          const res = await api.post(options.streamEndpoint ?? '', body);
          const json = res.json as { endpoint?: unknown; ticket?: unknown } | undefined;
          if (res.status >= 400 || typeof json?.endpoint !== 'string' || typeof json.ticket !== 'string') {
            throw new Error(`stream gateway answered HTTP ${res.status} without endpoint/ticket`);
          }
          return { endpoint: json.endpoint, ticket: json.ticket };
        };

  const stream: DingTalkStream | undefined =
    options.transport === 'stream'
      ? createDingTalkStream(
          { clientId: options.appKey, clientSecret: options.appSecret, tuning: options.stream },
          {
            clock: deps.clock,
            log,
            onRobotMessage,
            ...(openConnection === undefined ? {} : { openConnection }),
          },
        )
      : undefined;

  const channel: DingTalkChannel = {
    id: 'dingtalk',
    options,
    groupRobot,
    api,
    capabilities: {
      maxTextLength: 5000,
      partTypes: ['text', 'markdown', 'image', 'link', 'file', 'audio', 'video'],
    },
    async start(h) {
      host = h;
      if (stream !== undefined) await stream.start();
    },
    async stop() {
      if (stream !== undefined) await stream.stop();
      await ingest.drain();
    },
    send,
    drain: () => ingest.drain(),
    health() {
      return Promise.resolve(
        stream === undefined ? { ok: host !== undefined, detail: 'http callback' } : stream.health(),
      );
    },
    // The handoff console's view: whether an agent message can go out, and until when the sessionWebhook works.
    async window(conversation) {
      return dingTalkWindow(await loadRoute(deps.kv, conversation.tenant, conversation.conversation), {
        now: deps.clock.now(),
        expiryMarginMs: SESSION_WEBHOOK_EXPIRY_MARGIN_MS,
        agentRepliesVia: options.agentRepliesVia,
        robotCode,
      });
    },
    ...(options.transport === 'http'
      ? {
          webhook: {
            path: options.path,
            bodyLimit: options.bodyLimit,
            handle: createWebhookHandler(
              {
                appKey: options.appKey,
                appSecret: options.appSecret,
                signatureMaxAgeMs: options.signatureMaxAgeMs,
                bodyLimit: options.bodyLimit,
              },
              { kv: deps.kv, clock: deps.clock, log, ingest, started: () => host !== undefined },
            ),
          },
        }
      : {}),
  };
  return channel;
}

/** Alias with the lower-case spelling of the channel id. */
export const createDingtalkChannel = createDingTalkChannel;
