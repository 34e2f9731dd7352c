/**
 * Outbound message rendering and delivery-path decisions (pure).
 * sessionWebhook bodies: `{msgtype:"text",text:{content},at:{atUserIds,isAtAll}}` or `{msgtype:"markdown",...}`.
 * OpenAPI bodies: `{robotCode, userIds | openConversationId, msgKey:"sampleText"|"sampleMarkdown", msgParam}` where
 * `msgParam` is a JSON *string*.
 * @see https://open.dingtalk.com/document/orgapp/robot-reply-and-send-messages
 * @see https://open.dingtalk.com/document/orgapp/chatbots-send-one-on-one-chat-messages-in-batches
 */
import type { Author, MessagePart } from '../../core/envelope.js';
import type { ConversationRoute } from './inbound.js';

/** What we send, platform-neutral: plain text or markdown with a notification title. */
export type MessageContent =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'markdown'; readonly title: string; readonly text: string };

const TITLE_LENGTH = 30;

function titleFrom(text: string): string {
  const firstLine =
    text
      .split('\n')
      .find((line) => line.trim() !== '')
      ?.replace(/^[#>*\-\s]+/, '') ?? '';
  return firstLine.length > TITLE_LENGTH ? `${firstLine.slice(0, TITLE_LENGTH)}…` : firstLine || '消息';
}

/**
 * Turns message parts (and quick-reply suggestions) into one text or markdown message.
 * Markdown is used when a part needs it (a markdown part, an image or link URL); otherwise plain text.
 */
export function renderContent(parts: readonly MessagePart[], suggestions: readonly string[] = []): MessageContent {
  const needsMarkdown = parts.some(
    (p) => p.type === 'markdown' || (p.type === 'image' && p.url !== undefined) || p.type === 'link',
  );
  const lines: string[] = [];
  let title: string | undefined;
  for (const part of parts) {
    switch (part.type) {
      case 'text':
        lines.push(part.text);
        break;
      case 'markdown':
        title ??= part.title;
        lines.push(part.markdown);
        break;
      case 'image':
        if (part.url !== undefined) lines.push(`![image](${part.url})`);
        break;
      case 'link':
        lines.push(
          needsMarkdown ? `[${part.title ?? part.url}](${part.url})` : `${part.title ?? ''} ${part.url}`.trim(),
        );
        if (part.description !== undefined) lines.push(part.description);
        break;
      case 'file':
        if (part.url !== undefined) lines.push(needsMarkdown ? `[${part.name ?? part.url}](${part.url})` : part.url);
        break;
      case 'audio':
        if (part.transcript !== undefined) lines.push(part.transcript);
        break;
      case 'location':
        lines.push(part.label ?? `${part.lat},${part.lng}`);
        break;
      case 'video':
        if (part.url !== undefined) lines.push(part.url);
        break;
    }
  }
  const body = lines.join(needsMarkdown ? '\n\n' : '\n').trim();
  const list = suggestions.map((s) => (needsMarkdown ? `- ${s}` : `· ${s}`)).join('\n');
  const text = list === '' ? body : body === '' ? list : `${body}\n\n${list}`;
  return needsMarkdown ? { kind: 'markdown', title: title ?? titleFrom(text), text } : { kind: 'text', text };
}

/** The sessionWebhook body; `atUserIds` @-mentions the sender in groups. */
export function sessionWebhookBody(
  content: MessageContent,
  atUserIds: readonly string[] = [],
): Record<string, unknown> {
  const at = atUserIds.length > 0 ? { at: { atUserIds: [...atUserIds], isAtAll: false } } : {};
  return content.kind === 'text'
    ? { msgtype: 'text', text: { content: content.text }, ...at }
    : { msgtype: 'markdown', markdown: { title: content.title, text: content.text }, ...at };
}

/** `msgKey` + `msgParam` (a JSON string) of the OpenAPI robot message templates. */
export function openApiMessage(content: MessageContent): { msgKey: string; msgParam: string } {
  return content.kind === 'text'
    ? { msgKey: 'sampleText', msgParam: JSON.stringify({ content: content.text }) }
    : { msgKey: 'sampleMarkdown', msgParam: JSON.stringify({ title: content.title, text: content.text }) };
}

/** `POST /v1.0/robot/oToMessages/batchSend` body. */
export function batchSendBody(robotCode: string, userIds: readonly string[], content: MessageContent): object {
  return { robotCode, userIds: [...userIds], ...openApiMessage(content) };
}

/** `POST /v1.0/robot/groupMessages/send` body. */
export function groupSendBody(robotCode: string, openConversationId: string, content: MessageContent): object {
  return { robotCode, openConversationId, ...openApiMessage(content) };
}

/** How one outbound message goes out. */
export type DeliveryPlan =
  | { readonly via: 'session-webhook'; readonly url: string; readonly atUserIds: readonly string[] }
  | { readonly via: 'openapi-1to1'; readonly robotCode: string; readonly userId: string }
  | { readonly via: 'openapi-group'; readonly robotCode: string; readonly openConversationId: string }
  | { readonly via: 'none'; readonly reason: string };

export interface DeliveryInput {
  /** The route of the message being answered, else the conversation's latest route. */
  readonly route: ConversationRoute | undefined;
  readonly author: Author;
  /** True when the message answers an inbound message (a bot turn reply). */
  readonly isReply: boolean;
  readonly now: number;
  /** The sessionWebhook is treated as expired this long before its `sessionWebhookExpiredTime`. */
  readonly expiryMarginMs: number;
  readonly agentRepliesVia: 'openapi' | 'session-webhook';
  /** The configured robotCode (falls back to the route's). */
  readonly robotCode: string | undefined;
}

/**
 * Picks the delivery path: the sessionWebhook while it is valid for replies (and, if configured, agent
 * messages); otherwise the OpenAPI (1:1 batchSend to the user's staff id, or group send to the
 * openConversationId, which for robot callbacks is the `conversationId`).
 */
export function planDelivery(input: DeliveryInput): DeliveryPlan {
  const { route } = input;
  if (route === undefined) {
    return { via: 'none', reason: 'no route: the user has not messaged the robot in this conversation yet' };
  }
  const webhookAllowed = input.author.kind === 'agent' ? input.agentRepliesVia === 'session-webhook' : input.isReply;
  const webhookValid =
    route.sessionWebhook !== undefined &&
    route.sessionWebhookExpiresAt !== undefined &&
    input.now < route.sessionWebhookExpiresAt - input.expiryMarginMs;
  if (webhookAllowed && webhookValid && route.sessionWebhook !== undefined) {
    const atUserIds =
      route.conversationType === '2' && route.senderStaffId !== undefined && input.author.kind !== 'agent'
        ? [route.senderStaffId]
        : [];
    return { via: 'session-webhook', url: route.sessionWebhook, atUserIds };
  }
  return openApiPlan(route, input.robotCode);
}

/** The OpenAPI path for a route (also the fallback when a sessionWebhook call is refused). */
export function openApiPlan(route: ConversationRoute, configuredRobotCode: string | undefined): DeliveryPlan {
  const robotCode = configuredRobotCode ?? route.robotCode;
  if (robotCode === undefined) return { via: 'none', reason: 'no robotCode configured for the OpenAPI' };
  if (route.conversationType === '2') {
    return { via: 'openapi-group', robotCode, openConversationId: route.conversationId };
  }
  if (route.senderStaffId === undefined) {
    return { via: 'none', reason: 'no senderStaffId for a 1:1 OpenAPI message (external users cannot be messaged)' };
  }
  return { via: 'openapi-1to1', robotCode, userId: route.senderStaffId };
}
