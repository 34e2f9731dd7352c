/**
 * WeChat official account (公众号 / 服务号) channel: message pushes at one URL in plaintext, compatible
 * or safe mode, passive replies within WeChat's 5 seconds, and the customer-service API for the rest.
 * @example
 * const channel = createWechatOfficialChannel(wechatOfficialOptionsSchema.parse(config.channels.wechat_official), {
 *   kv, locks, clock: systemClock, log,
 * });
 * await channel.start(host); // then mount channel.webhook at channel.webhook.path
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import { OutboundLedger } from '../../core/outbound-ledger.js';
import type { Channel, ChannelHost } from '../../core/ports/channel.js';
import type { KeyValue, Locks } from '../../core/ports/kv.js';
import type { Metrics } from '../../core/ports/metrics.js';
import { createWechatApi } from './api.js';
import { createCoordinator, type TurnLeases } from './coordinator.js';
import { decodeAesKey } from './crypto.js';
import { createDeliverer } from './deliver.js';
import { createDeliveryState } from './delivery-state.js';
import { WECHAT_CHANNEL_ID } from './inbound.js';
import { createObligations, type Liveness } from './obligations.js';
import type { WechatOfficialOptions } from './options.js';
import { startRecovery, type Recovery, type RecoveryOptions } from './recovery.js';
import { createServiceWindowTracker, type ServiceWindow } from './service-window.js';
import { createTokenBroker } from './token-broker.js';
import { createWebhookHandler } from './webhook.js';

export { wechatOfficialOptionsSchema, type WechatOfficialOptions, type WechatOfficialOptionsInput } from './options.js';
export { buildTransferCustomerServiceXml } from './outbound.js';
export type { TurnLeases } from './coordinator.js';
export type { Liveness } from './obligations.js';
export type { ServiceWindow } from './service-window.js';
export { simulateWechatOfficial } from './simulate.js';

export interface WechatOfficialDeps {
  readonly kv: KeyValue;
  readonly locks: Locks;
  readonly clock: Clock;
  readonly log: Logger;
  /** HTTP client for the WeChat API (default: global fetch). */
  readonly fetch?: typeof fetch;
  /** Randomness for reply encryption (default: crypto.randomBytes); fixed only in tests. */
  readonly randomBytes?: (size: number) => Buffer;
  /** Token refreshes and passive-reply deadline misses are counted here (default: not counted). */
  readonly metrics?: Metrics;
  /** The outbound ledger (default: a plain one on `kv`); the gateway injects one that knows dead replicas. */
  readonly ledger?: OutboundLedger;
  /**
   * Which processes are alive (the gateway's instance registry, with replicas sharing Redis): answers owed by a
   * replica that died are then adopted and delivered by another. Without it, owed answers live in this process.
   */
  readonly liveness?: Liveness;
  /**
   * Whether a message's turn runs on a live replica (the gateway's turn leases): an owed answer whose turn does is
   * left to that replica instead of being dispatched again (a duplicate) on every pass of the owed-answer loop.
   */
  readonly leases?: TurnLeases;
  /** How often owed answers are looked at (default 1 s) and how long they may stay owed (default 1 h). */
  readonly recovery?: RecoveryOptions;
}

/** The channel, plus what the handoff console reads. */
export interface WechatOfficialChannel extends Channel {
  readonly webhook: NonNullable<Channel['webhook']>;
  /** The user's 48-hour customer-service window and remaining message quota. */
  getServiceWindow(openid: string): Promise<ServiceWindow>;
}

/** Creates the WeChat official-account channel from validated options. */
export function createWechatOfficialChannel(
  options: WechatOfficialOptions,
  deps: WechatOfficialDeps,
): WechatOfficialChannel {
  const log = deps.log.child({ channel: WECHAT_CHANNEL_ID });
  const keys = [options.encodingAESKey, options.previousEncodingAESKey]
    .filter((k): k is string => k !== undefined)
    .map(decodeAesKey);
  let host: ChannelHost | undefined;
  const getHost = () => host;

  const state = createDeliveryState(
    {
      appId: options.appId,
      replyTtlMs: 10 * 60 * 1000,
      pendingTtlMs: options.pendingReplyTtlMs,
      maxDeliveries: options.maxDeliveries,
    },
    { kv: deps.kv, locks: deps.locks, clock: deps.clock, log },
  );
  const window = createServiceWindowTracker({ appId: options.appId }, { kv: deps.kv, clock: deps.clock });
  const api = options.customerServiceApi
    ? createWechatApi(
        { apiBaseUrl: options.apiBaseUrl, timeoutMs: options.apiTimeoutMs },
        {
          broker: createTokenBroker(
            {
              appId: options.appId,
              appSecret: options.appSecret,
              apiBaseUrl: options.apiBaseUrl,
              timeoutMs: options.apiTimeoutMs,
            },
            {
              kv: deps.kv,
              locks: deps.locks,
              clock: deps.clock,
              log,
              ...(deps.fetch ? { fetch: deps.fetch } : {}),
              ...(deps.metrics ? { metrics: deps.metrics } : {}),
            },
          ),
          log,
          ...(deps.fetch ? { fetch: deps.fetch } : {}),
        },
      )
    : undefined;
  const deliverer = createDeliverer(
    {
      appId: options.appId,
      customerServiceApi: options.customerServiceApi,
      maxReplyBytes: options.maxReplyBytes,
      kfAccount: options.kfAccount,
      notices: options.notices,
    },
    { state, window, ledger: deps.ledger ?? new OutboundLedger(deps.kv), api, clock: deps.clock, log },
  );
  const obligations = createObligations(
    { appId: options.appId },
    { kv: deps.kv, locks: deps.locks, log, liveness: deps.liveness },
  );
  const coordinator = createCoordinator(
    {
      customerServiceApi: options.customerServiceApi,
      passiveReplyBudgetMs: options.passiveReplyBudgetMs,
      maxDeliveries: options.maxDeliveries,
      transferHandoffs: options.handoffTarget === 'transfer_customer_service',
    },
    {
      state,
      deliverer,
      obligations,
      clock: deps.clock,
      log,
      host: getHost,
      ...(deps.metrics ? { metrics: deps.metrics } : {}),
      ...(deps.leases ? { leases: deps.leases } : {}),
    },
  );
  let recovery: Recovery | undefined;
  const handle = createWebhookHandler(options, {
    coordinator,
    deliverer,
    state,
    window,
    kv: deps.kv,
    clock: deps.clock,
    log,
    host: getHost,
    keys,
    randomBytes: deps.randomBytes ?? randomBytes,
  });

  return {
    id: WECHAT_CHANNEL_ID,
    capabilities: {
      maxTextLength: options.maxReplyBytes,
      partTypes: ['text', 'markdown', 'image', 'audio', 'video', 'link', 'location', 'file'],
      replyDeadlineMs: 5_000,
    },
    start(h) {
      host = h;
      recovery ??= startRecovery(deps.recovery ?? {}, { clock: deps.clock, log, obligations, coordinator });
      log.info(
        { mode: options.mode, path: options.path, customerServiceApi: options.customerServiceApi },
        'WeChat channel ready',
      );
      return Promise.resolve();
    },
    stop() {
      recovery?.stop();
      recovery = undefined;
      coordinator.stop();
      host = undefined;
      return Promise.resolve();
    },
    send: (message) => coordinator.send(message),
    webhook: { path: options.path, bodyLimit: options.bodyLimit, handle },
    getServiceWindow: (openid) => window.get(openid),
    // The handoff console's view of the 48-hour customer-service window (the port's duck-typed `window`).
    async window(conversation) {
      const w = await window.get(conversation.conversation);
      return {
        open: w.open,
        remaining: w.remaining,
        ...(w.expiresAt === undefined ? {} : { expiresAt: w.expiresAt }),
        ...(w.open
          ? {}
          : {
              detail:
                'the WeChat customer-service window is closed (no message from this user in the last 48 hours, or its 5 messages are used up); you can reply once they write again',
            }),
      };
    },
  };
}
