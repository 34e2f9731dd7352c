/**
 * `Channel.send` for DingTalk: route lookup (the running turn's message, else the conversation's latest
 * route in KeyValue), the outbound ledger (one delivery per inbound message id and reply number), then the
 * sessionWebhook or the OpenAPI.
 */
import type { Clock } from '../../core/clock.js';
import type { OutboundMessage, SendReceipt } from '../../core/envelope.js';
import { BotError, ChannelApiError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { OutboundLedger } from '../../core/outbound-ledger.js';
import type { KeyValue } from '../../core/ports/kv.js';
import type { DingTalkApi } from './api.js';
import { loadRoute, type Ingestor } from './ingest.js';
import {
  batchSendBody,
  groupSendBody,
  openApiPlan,
  planDelivery,
  renderContent,
  sessionWebhookBody,
  type DeliveryPlan,
  type MessageContent,
} from './outbound.js';

/** A sessionWebhook this close to its expiry is not used (the reply could arrive after it closed). */
export const SESSION_WEBHOOK_EXPIRY_MARGIN_MS = 30_000;

export interface SenderOptions {
  readonly robotCode: string | undefined;
  readonly agentRepliesVia: 'openapi' | 'session-webhook';
}

export interface SenderDeps {
  readonly api: DingTalkApi;
  readonly kv: KeyValue;
  readonly clock: Clock;
  readonly log: Logger;
  readonly ledger: OutboundLedger;
  readonly ingest: Ingestor;
}

/** Creates the channel's `send`. */
export function createSender(
  options: SenderOptions,
  deps: SenderDeps,
): (message: OutboundMessage, signal?: AbortSignal) => Promise<SendReceipt> {
  const viaOpenApi = async (plan: DeliveryPlan, content: MessageContent, signal?: AbortSignal): Promise<string> => {
    switch (plan.via) {
      case 'openapi-1to1':
        await deps.api.batchSend(batchSendBody(plan.robotCode, [plan.userId], content), signal);
        return 'openapi';
      case 'openapi-group':
        await deps.api.groupSend(groupSendBody(plan.robotCode, plan.openConversationId, content), signal);
        return 'openapi';
      case 'none':
        throw new BotError('channel.window_closed', `cannot deliver this DingTalk message: ${plan.reason}`);
      case 'session-webhook':
        throw new BotError('internal', 'a sessionWebhook plan reached the OpenAPI sender');
    }
  };

  return async (message, signal) => {
    const { conversation } = message;
    const entry = message.replyTo === undefined ? undefined : deps.ingest.inflight(message.replyTo);
    const seq = entry === undefined ? undefined : entry.seq++;
    const claimed = seq === undefined ? true : await deps.ledger.claim(message, seq);
    if (!claimed) {
      deps.log.info({ replyTo: message.replyTo, seq }, 'dingtalk: reply already delivered; skipped');
      return { sentAt: deps.clock.now(), via: 'deduplicated' };
    }
    try {
      const content = renderContent(message.parts, message.suggestions);
      if (content.text === '') return { sentAt: deps.clock.now(), via: 'empty' };
      const route = entry?.route ?? (await loadRoute(deps.kv, conversation.tenant, conversation.conversation));
      const plan = planDelivery({
        route,
        author: message.author,
        isReply: message.replyTo !== undefined,
        now: deps.clock.now(),
        expiryMarginMs: SESSION_WEBHOOK_EXPIRY_MARGIN_MS,
        agentRepliesVia: options.agentRepliesVia,
        robotCode: options.robotCode,
      });
      if (plan.via !== 'session-webhook') {
        return { sentAt: deps.clock.now(), via: await viaOpenApi(plan, content, signal) };
      }
      try {
        await deps.api.sendBySessionWebhook(plan.url, sessionWebhookBody(content, plan.atUserIds), signal);
        return { sentAt: deps.clock.now(), via: 'session-webhook' };
      } catch (error: unknown) {
        // Only a definite refusal (an errcode) falls back; a network error may have delivered, so it is rethrown.
        if (!(error instanceof ChannelApiError) || error.platformCode === undefined || route === undefined) throw error;
        deps.log.warn(
          { platformCode: error.platformCode },
          'dingtalk: sessionWebhook refused the reply; falling back to the OpenAPI',
        );
        return {
          sentAt: deps.clock.now(),
          via: await viaOpenApi(openApiPlan(route, options.robotCode), content, signal),
        };
      }
    } catch (error: unknown) {
      if (seq !== undefined) await deps.ledger.release(message, seq);
      throw error;
    }
  };
}
