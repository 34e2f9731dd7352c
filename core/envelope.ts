/**
 * The channel-neutral message envelope. Pure data, JSON-serialisable, no imports.
 * Every channel adapter turns its platform payloads into these shapes and back.
 */

/** Well-known channel ids; any other string is allowed for custom channels. */
export type ChannelId = 'rest' | 'wechat_official' | 'dingtalk' | 'slack' | 'test' | (string & {});

/** Where a message belongs: a conversation on one channel of one tenant. */
export interface ConversationRef {
  readonly channel: ChannelId;
  /** WeChat AppID, DingTalk corpId/robotCode, Slack team id, REST tenant ("default"). */
  readonly tenant: string;
  /** WeChat openid, DingTalk conversationId, Slack channel id, REST session id. */
  readonly conversation: string;
  /** Slack thread_ts and similar sub-conversation ids. */
  readonly thread?: string;
}

/** One piece of a message. */
export type MessagePart =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'markdown'; readonly markdown: string; readonly title?: string }
  | { readonly type: 'image'; readonly url?: string; readonly mediaId?: string }
  | { readonly type: 'audio'; readonly mediaId?: string; readonly url?: string; readonly transcript?: string }
  | { readonly type: 'video'; readonly mediaId?: string; readonly url?: string }
  | { readonly type: 'file'; readonly url?: string; readonly mediaId?: string; readonly name?: string }
  | { readonly type: 'location'; readonly lat: number; readonly lng: number; readonly label?: string }
  | { readonly type: 'link'; readonly url: string; readonly title?: string; readonly description?: string };

export type MessagePartType = MessagePart['type'];

/** A person or bot taking part in a conversation. */
export interface Participant {
  readonly id: string;
  readonly displayName?: string;
}

/** A message from a customer, normalised. */
export interface InboundMessage {
  readonly kind: 'message';
  /** Platform message id: the idempotency key for dedupe and the outbound ledger. */
  readonly id: string;
  /** Epoch milliseconds when the gateway received it. */
  readonly receivedAt: number;
  readonly conversation: ConversationRef;
  readonly sender: Participant;
  readonly parts: readonly MessagePart[];
  /** Text parts joined (voice transcripts included): what the dialogue engine reads. */
  readonly text: string;
  /** True when the bot was addressed (always true in 1:1 chats). */
  readonly mentionsBot: boolean;
  /** Customer's language when the channel knows it (e.g. "zh", "en"). */
  readonly locale?: string;
  /** The platform payload, opaque to core. */
  readonly raw: unknown;
}

/** Non-message events a channel can surface. */
export type ConversationEvent =
  | {
      readonly kind: 'conversation.started';
      readonly id: string;
      readonly receivedAt: number;
      readonly conversation: ConversationRef;
      readonly sender: Participant;
      readonly raw: unknown;
    }
  | {
      readonly kind: 'conversation.ended';
      readonly id: string;
      readonly receivedAt: number;
      readonly conversation: ConversationRef;
      readonly sender: Participant;
      readonly raw: unknown;
    }
  | {
      readonly kind: 'action';
      readonly id: string;
      readonly receivedAt: number;
      readonly conversation: ConversationRef;
      readonly sender: Participant;
      /** e.g. "handoff.request", "rating", "menu.click". */
      readonly action: string;
      readonly value?: string;
      readonly raw: unknown;
    };

export type InboundEvent = InboundMessage | ConversationEvent;

/** Who wrote an outbound message. */
export type Author =
  | { readonly kind: 'bot' }
  | { readonly kind: 'agent'; readonly agentId: string; readonly displayName?: string }
  | { readonly kind: 'system' };

/** A message to send to a customer. */
export interface OutboundMessage {
  readonly conversation: ConversationRef;
  readonly parts: readonly MessagePart[];
  /** The inbound message id this answers, when it answers one (used by the outbound ledger). */
  readonly replyTo?: string;
  readonly author: Author;
  /** Quick replies, where the channel supports them. */
  readonly suggestions?: readonly string[];
}

/** What a channel returns after delivering (or queueing) a message. */
export interface SendReceipt {
  readonly id?: string;
  readonly sentAt: number;
  /** How the message went out, e.g. "passive", "api", "session-webhook", "deferred". */
  readonly via?: string;
}

/** A stable string key for a conversation: `{channel}:{tenant}:{conversation}`. */
export function conversationKey(ref: ConversationRef): string {
  return `${ref.channel}:${ref.tenant}:${ref.conversation}`;
}

/** Joins the text-like parts of a message. */
export function textOf(parts: readonly MessagePart[]): string {
  const out: string[] = [];
  for (const part of parts) {
    switch (part.type) {
      case 'text':
        out.push(part.text);
        break;
      case 'markdown':
        out.push(part.markdown);
        break;
      case 'audio':
        if (part.transcript !== undefined) out.push(part.transcript);
        break;
      case 'link':
        if (part.title !== undefined) out.push(part.title);
        break;
      case 'location':
        if (part.label !== undefined) out.push(part.label);
        break;
      case 'image':
      case 'video':
      case 'file':
        break;
    }
  }
  return out.join('\n').trim();
}
