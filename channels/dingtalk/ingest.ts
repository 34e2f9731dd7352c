/**
 * Taking a robot message, shared by both transports: normalise, persist (route + inbox marker in KeyValue),
 * then — once the caller has acknowledged DingTalk — process it through the host in the background.
 * "Persist, ack, then process": acking before persisting loses messages on a crash; acking after a long turn
 * makes DingTalk redeliver (and, without dedupe, answer twice).
 */
import type { Clock } from '../../core/clock.js';
import type { InboundMessage } from '../../core/envelope.js';
import { describeError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { ChannelHost } from '../../core/ports/channel.js';
import type { KeyValue } from '../../core/ports/kv.js';
import { routeOf, tenantOf, toInboundMessage, type ConversationRoute, type DingTalkCallback } from './inbound.js';

/** The outcome of `accept`. */
export type Accepted =
  | { readonly kind: 'ignored'; readonly reason: string }
  | {
      readonly kind: 'taken';
      readonly inbound: InboundMessage;
      readonly route: ConversationRoute;
      /** True when this msgId was taken before (a platform redelivery); the pipeline dedupes it. */
      readonly redelivery: boolean;
    };

/** Per-message reply context while its turn runs (lives in the channel instance). */
export interface InflightEntry {
  readonly route: ConversationRoute;
  /** Replies sent so far for this message (the outbound ledger's reply number). */
  seq: number;
}

/** KeyValue key of a conversation's latest route. */
export function routeKey(tenant: string, conversationId: string): string {
  return `dingtalk:route:{dingtalk:${tenant}}:${conversationId}`;
}

/** KeyValue key of the "message taken" marker written before acking. */
export function inboxKey(tenant: string, msgId: string): string {
  return `dingtalk:inbox:{dingtalk:${tenant}}:${msgId}`;
}

export interface IngestOptions {
  readonly robotCode: string | undefined;
  readonly robotNames: readonly string[];
  readonly routeTtlMs: number;
  /** How long the inbox marker is kept (longer than DingTalk's redelivery horizon). */
  readonly inboxTtlMs: number;
}

export interface IngestDeps {
  readonly kv: KeyValue;
  readonly clock: Clock;
  readonly log: Logger;
  readonly host: () => ChannelHost | undefined;
}

/** Takes messages in and runs their turns; tracks running turns for `drain()`. */
export interface Ingestor {
  /** Normalises and persists; throws when the state store is unavailable (then: do not ack). */
  accept(payload: DingTalkCallback): Promise<Accepted>;
  /** Starts the turn in the background (after the ack). */
  process(accepted: Accepted & { kind: 'taken' }): void;
  /** The reply context of a message whose turn is running. */
  inflight(msgId: string): InflightEntry | undefined;
  /** Resolves when every running turn has finished. */
  drain(): Promise<void>;
}

/** Creates the ingestor; all state lives in the returned object. */
export function createIngestor(options: IngestOptions, deps: IngestDeps): Ingestor {
  const running = new Set<Promise<void>>();
  const entries = new Map<string, InflightEntry>();

  return {
    async accept(payload) {
      const inbound = toInboundMessage(payload, {
        receivedAt: deps.clock.now(),
        robotCode: options.robotCode,
        robotNames: options.robotNames,
      });
      if (!inbound.mentionsBot) return { kind: 'ignored', reason: 'group message without an @mention of the robot' };
      const tenant = tenantOf(payload, options.robotCode);
      const route = routeOf(payload);
      await deps.kv.set(routeKey(tenant, payload.conversationId), JSON.stringify(route), options.routeTtlMs);
      const first = await deps.kv.setIfAbsent(inboxKey(tenant, payload.msgId), '1', options.inboxTtlMs);
      return { kind: 'taken', inbound, route, redelivery: !first };
    },

    process(accepted) {
      const host = deps.host();
      const { inbound } = accepted;
      const log = deps.log.child({ messageId: inbound.id, conversation: inbound.conversation.conversation });
      if (host === undefined) {
        log.error('dingtalk: message taken before the channel was started; it will not be answered');
        return;
      }
      const owner: InflightEntry = { route: accepted.route, seq: 0 };
      const owns = !entries.has(inbound.id);
      if (owns) entries.set(inbound.id, owner);
      const turn = host
        .dispatch(inbound)
        .then(
          (outcome) =>
            log.debug({ status: outcome.status, replies: outcome.replies.length }, 'dingtalk: turn finished'),
          (error: unknown) =>
            log.error({ err: describeError(error) }, 'dingtalk: the turn could not be taken (state store down?)'),
        )
        .finally(() => {
          if (owns && entries.get(inbound.id) === owner) entries.delete(inbound.id);
          running.delete(turn);
        });
      running.add(turn);
    },

    inflight(msgId) {
      return entries.get(msgId);
    },

    async drain() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}

/** Reads a conversation's latest route from KeyValue (undefined when unknown or unreadable JSON). */
export async function loadRoute(
  kv: KeyValue,
  tenant: string,
  conversationId: string,
): Promise<ConversationRoute | undefined> {
  const raw = await kv.get(routeKey(tenant, conversationId));
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw) as ConversationRoute;
  } catch {
    return undefined;
  }
}
