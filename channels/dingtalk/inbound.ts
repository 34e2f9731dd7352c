/**
 * DingTalk robot callback payloads -> the normalised InboundMessage (pure).
 * The same JSON arrives in the HTTP callback body and in a Stream `CALLBACK` frame's `data`.
 * @see https://open.dingtalk.com/document/orgapp/receive-message
 */
import { z } from 'zod';
import type { InboundMessage, MessagePart } from '../../core/envelope.js';
import { textOf } from '../../core/envelope.js';

const atUserSchema = z.looseObject({ dingtalkId: z.string().optional(), staffId: z.string().optional() });

const richTextItemSchema = z.looseObject({
  text: z.string().optional(),
  type: z.string().optional(),
  downloadCode: z.string().optional(),
  pictureDownloadCode: z.string().optional(),
});

/** The robot message callback body. Unknown fields are kept (DingTalk adds fields over time). */
export const dingtalkCallbackSchema = z.looseObject({
  msgId: z.string().min(1).max(256),
  msgtype: z.string().min(1).max(64),
  conversationId: z.string().min(1).max(256),
  /** "1" = 1:1, "2" = group. */
  conversationType: z.enum(['1', '2']),
  conversationTitle: z.string().optional(),
  senderId: z.string().min(1),
  senderNick: z.string().optional(),
  senderStaffId: z.string().optional(),
  senderCorpId: z.string().optional(),
  chatbotUserId: z.string().optional(),
  chatbotCorpId: z.string().optional(),
  robotCode: z.string().optional(),
  isInAtList: z.boolean().optional(),
  atUsers: z.array(atUserSchema).optional(),
  isAdmin: z.boolean().optional(),
  createAt: z.number().optional(),
  sessionWebhook: z.string().optional(),
  sessionWebhookExpiredTime: z.number().optional(),
  openThreadId: z.string().optional(),
  text: z.looseObject({ content: z.string() }).optional(),
  content: z
    .looseObject({
      downloadCode: z.string().optional(),
      pictureDownloadCode: z.string().optional(),
      fileId: z.string().optional(),
      fileName: z.string().optional(),
      spaceId: z.string().optional(),
      recognition: z.string().optional(),
      duration: z.union([z.number(), z.string()]).optional(),
      videoType: z.string().optional(),
      richText: z.array(richTextItemSchema).optional(),
    })
    .optional(),
});

/** A validated robot callback payload. */
export type DingTalkCallback = z.output<typeof dingtalkCallbackSchema>;

export type ParseResult =
  | { readonly ok: true; readonly payload: DingTalkCallback }
  | { readonly ok: false; readonly reason: 'invalid_json' | 'invalid_payload'; readonly detail: string };

/** Parses and validates a callback body (bytes or the Stream frame's `data` string). */
export function parseCallback(body: Buffer | string): ParseResult {
  let json: unknown;
  try {
    json = JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
  } catch (error: unknown) {
    return { ok: false, reason: 'invalid_json', detail: error instanceof Error ? error.message : 'invalid JSON' };
  }
  const parsed = dingtalkCallbackSchema.safeParse(json);
  if (!parsed.success) {
    const detail = parsed.error.issues
      .slice(0, 5)
      .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
      .join('; ');
    return { ok: false, reason: 'invalid_payload', detail };
  }
  return { ok: true, payload: parsed.data };
}

/** True when the message is addressed to the robot: always in 1:1, in groups only when it @mentions the robot. */
export function isAddressedToBot(payload: DingTalkCallback): boolean {
  if (payload.conversationType === '1') return true;
  if (payload.isInAtList === true) return true;
  const bot = payload.chatbotUserId;
  return bot !== undefined && (payload.atUsers ?? []).some((user) => user.dingtalkId === bot);
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Removes `@robotName` mentions (DingTalk normally strips them already and leaves a leading space) and trims.
 */
export function stripMention(text: string, robotNames: readonly string[]): string {
  let out = text;
  for (const name of robotNames) {
    if (name === '') continue;
    out = out.replace(new RegExp(`@${escapeRegExp(name)}[\\s\\u2005\\u00a0]*`, 'gu'), '');
  }
  return out.trim();
}

/** The message parts of a payload; text mentions stripped. Unknown msgtypes give no parts. */
export function partsOf(payload: DingTalkCallback, robotNames: readonly string[]): MessagePart[] {
  const content = payload.content;
  switch (payload.msgtype) {
    case 'text': {
      const text = stripMention(payload.text?.content ?? '', robotNames);
      return text === '' ? [] : [{ type: 'text', text }];
    }
    case 'richText': {
      const parts: MessagePart[] = [];
      let buffer = '';
      const flush = (): void => {
        const text = stripMention(buffer, robotNames);
        if (text !== '') parts.push({ type: 'text', text });
        buffer = '';
      };
      for (const item of content?.richText ?? []) {
        if (item.text !== undefined) {
          buffer += item.text;
        } else if (item.type === 'picture' && item.downloadCode !== undefined) {
          flush();
          parts.push({ type: 'image', mediaId: item.downloadCode });
        }
      }
      flush();
      return parts;
    }
    case 'picture':
      return content?.downloadCode === undefined ? [] : [{ type: 'image', mediaId: content.downloadCode }];
    case 'file':
      return content?.downloadCode === undefined
        ? []
        : [
            {
              type: 'file',
              mediaId: content.downloadCode,
              ...(content.fileName === undefined ? {} : { name: content.fileName }),
            },
          ];
    case 'audio': {
      const transcript = content?.recognition?.trim();
      return [
        {
          type: 'audio',
          ...(content?.downloadCode === undefined ? {} : { mediaId: content.downloadCode }),
          ...(transcript === undefined || transcript === '' ? {} : { transcript }),
        },
      ];
    }
    case 'video':
      return content?.downloadCode === undefined ? [] : [{ type: 'video', mediaId: content.downloadCode }];
    default:
      return [];
  }
}

/** The tenant of a payload: its robotCode, else the configured robotCode, else the robot's corpId. */
export function tenantOf(payload: DingTalkCallback, configuredRobotCode: string | undefined): string {
  return payload.robotCode ?? configuredRobotCode ?? payload.chatbotCorpId ?? 'default';
}

export interface NormaliseOptions {
  /** Epoch ms when the gateway received it. */
  readonly receivedAt: number;
  readonly robotCode: string | undefined;
  readonly robotNames: readonly string[];
}

/** The normalised InboundMessage of a callback payload. */
export function toInboundMessage(payload: DingTalkCallback, options: NormaliseOptions): InboundMessage {
  const parts = partsOf(payload, options.robotNames);
  const senderId = payload.senderStaffId ?? payload.senderId;
  return {
    kind: 'message',
    id: payload.msgId,
    receivedAt: options.receivedAt,
    conversation: {
      channel: 'dingtalk',
      tenant: tenantOf(payload, options.robotCode),
      conversation: payload.conversationId,
    },
    sender: { id: senderId, ...(payload.senderNick === undefined ? {} : { displayName: payload.senderNick }) },
    parts,
    text: textOf(parts),
    mentionsBot: isAddressedToBot(payload),
    raw: payload,
  };
}

/** What `send()` needs to answer a conversation later: kept per message and per conversation. */
export interface ConversationRoute {
  readonly conversationId: string;
  readonly conversationType: '1' | '2';
  readonly robotCode: string | undefined;
  readonly sessionWebhook: string | undefined;
  /** Epoch ms. */
  readonly sessionWebhookExpiresAt: number | undefined;
  /** The latest sender's staff id (the user in 1:1; whom to @ in groups). */
  readonly senderStaffId: string | undefined;
  /** The message this route was taken from. */
  readonly msgId: string;
}

/** The route of a payload. */
export function routeOf(payload: DingTalkCallback): ConversationRoute {
  return {
    conversationId: payload.conversationId,
    conversationType: payload.conversationType,
    robotCode: payload.robotCode,
    sessionWebhook: payload.sessionWebhook,
    sessionWebhookExpiresAt: payload.sessionWebhookExpiredTime,
    senderStaffId: payload.senderStaffId,
    msgId: payload.msgId,
  };
}
