/**
 * The messaging window of a DingTalk conversation, as the handoff console shows it (pure). DingTalk has no
 * customer-service window like WeChat's: an agent can message a conversation as long as a delivery path exists.
 * The sessionWebhook of the latest message works for about 90 minutes; after that the OpenAPI carries the messages
 * (1:1 needs the sender's staff id, and a robotCode is needed either way).
 */
import type { ChannelWindow } from '../../core/ports/channel.js';
import type { ConversationRoute } from './inbound.js';
import { openApiPlan, planDelivery } from './outbound.js';

export interface WindowInput {
  readonly now: number;
  /** The sessionWebhook is treated as expired this long before its `sessionWebhookExpiredTime`. */
  readonly expiryMarginMs: number;
  readonly agentRepliesVia: 'openapi' | 'session-webhook';
  readonly robotCode: string | undefined;
}

/**
 * `open` when an agent message could be delivered now (the same decision `send` makes). While the conversation's
 * sessionWebhook is usable: `sessionReplyUntil` when the OpenAPI takes over after it, or `expiresAt` when the window
 * really closes then (agents reply through the sessionWebhook and the OpenAPI cannot reach the user).
 */
export function dingTalkWindow(route: ConversationRoute | undefined, input: WindowInput): ChannelWindow {
  const plan = planDelivery({
    route,
    author: { kind: 'agent', agentId: 'window' },
    isReply: false,
    now: input.now,
    expiryMarginMs: input.expiryMarginMs,
    agentRepliesVia: input.agentRepliesVia,
    robotCode: input.robotCode,
  });
  if (route === undefined || plan.via === 'none') {
    const reason = plan.via === 'none' ? plan.reason : 'no delivery path';
    return { open: false, detail: `DingTalk cannot deliver a message to this conversation now: ${reason}` };
  }
  const until =
    route.sessionWebhook === undefined || route.sessionWebhookExpiresAt === undefined
      ? undefined
      : route.sessionWebhookExpiresAt - input.expiryMarginMs;
  const sessionLive = until !== undefined && input.now < until;
  const closesWithSession = plan.via === 'session-webhook' && openApiPlan(route, input.robotCode).via === 'none';
  if (!sessionLive) return { open: true };
  return closesWithSession ? { open: true, expiresAt: until } : { open: true, sessionReplyUntil: until };
}
