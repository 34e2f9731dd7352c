/**
 * WeChat push fields -> normalised inbound events, pure.
 * @see https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Receiving_standard_messages.html
 * @see https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Receiving_event_pushes.html
 */
import type { ConversationEvent, ConversationRef, InboundMessage, MessagePart } from '../../core/envelope.js';
import { textOf } from '../../core/envelope.js';
import { field, type XmlFields } from './xml.js';

/** The channel id of every WeChat official-account conversation. */
export const WECHAT_CHANNEL_ID = 'wechat_official';

/** Who a push is from and to: needed to address a passive reply. */
export interface PushHeader {
  /** The user's OpenID (FromUserName). */
  readonly openid: string;
  /** The official account's original id `gh_…` (ToUserName). */
  readonly account: string;
  /** CreateTime, seconds. */
  readonly createTime: string;
  readonly msgType: string;
}

/** What a push means for the bot. */
export type ParsedPush =
  | { readonly type: 'message'; readonly header: PushHeader; readonly event: InboundMessage }
  | {
      readonly type: 'event';
      readonly header: PushHeader;
      readonly wechatEvent: string;
      readonly event: ConversationEvent;
    }
  /** A user message of a kind the bot cannot read: answered with a polite notice. */
  | { readonly type: 'unsupported'; readonly header: PushHeader; readonly id: string }
  /** A push that needs no answer (location reports, template-send receipts...). */
  | { readonly type: 'ignored'; readonly header: PushHeader; readonly id: string; readonly reason: string }
  | { readonly type: 'invalid'; readonly detail: string };

export interface InboundContext {
  /** Our AppID: the tenant. */
  readonly appId: string;
  /** Epoch ms when the gateway received the push. */
  readonly receivedAt: number;
}

/**
 * The idempotency key of a push: `MsgId` for messages (64-bit, kept as a string), and
 * `FromUserName:CreateTime:Event` for events (which have no MsgId). Pure.
 */
export function pushId(fields: XmlFields): string | undefined {
  const from = field(fields, 'FromUserName');
  const created = field(fields, 'CreateTime');
  const msgType = field(fields, 'MsgType');
  if (from === undefined || created === undefined || msgType === undefined) return undefined;
  if (msgType === 'event') return `${from}:${created}:${field(fields, 'Event') ?? ''}`;
  const msgId = field(fields, 'MsgId');
  return msgId !== undefined && msgId !== '' ? msgId : `${from}:${created}:${msgType}`;
}

function message(
  header: PushHeader,
  id: string,
  conversation: ConversationRef,
  parts: MessagePart[],
  fields: XmlFields,
  ctx: InboundContext,
): ParsedPush {
  const event: InboundMessage = {
    kind: 'message',
    id,
    receivedAt: ctx.receivedAt,
    conversation,
    sender: { id: header.openid },
    parts,
    text: textOf(parts),
    mentionsBot: true, // an official-account chat is always 1:1 with the account
    raw: fields,
  };
  return { type: 'message', header, event };
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined || value === '' ? {} : { [key]: value }) as { [P in K]?: string };
}

/** Turns the fields of a (decrypted) push into what the bot should do with it. Pure. */
export function parsePush(fields: XmlFields, ctx: InboundContext): ParsedPush {
  const openid = field(fields, 'FromUserName');
  const account = field(fields, 'ToUserName');
  const createTime = field(fields, 'CreateTime');
  const msgType = field(fields, 'MsgType');
  const id = pushId(fields);
  if (!openid || !account || !createTime || !msgType || id === undefined) {
    return { type: 'invalid', detail: 'push lacks FromUserName, ToUserName, CreateTime or MsgType' };
  }
  if (!/^\d{1,12}$/.test(createTime)) return { type: 'invalid', detail: 'CreateTime is not a number of seconds' };
  const header: PushHeader = { openid, account, createTime, msgType };
  const conversation: ConversationRef = { channel: WECHAT_CHANNEL_ID, tenant: ctx.appId, conversation: openid };
  const f = (name: string) => field(fields, name);
  switch (msgType) {
    case 'text':
      return message(header, id, conversation, [{ type: 'text', text: (f('Content') ?? '').trim() }], fields, ctx);
    case 'image':
      return message(
        header,
        id,
        conversation,
        [{ type: 'image', ...optional('url', f('PicUrl')), ...optional('mediaId', f('MediaId')) }],
        fields,
        ctx,
      );
    case 'voice': {
      // Recognition is only present when speech recognition is switched on in the console; never rely on it.
      const transcript = f('Recognition')?.trim();
      const part: MessagePart = {
        type: 'audio',
        ...optional('mediaId', f('MediaId')),
        ...optional('transcript', transcript),
      };
      return message(header, id, conversation, [part], fields, ctx);
    }
    case 'video':
    case 'shortvideo':
      return message(header, id, conversation, [{ type: 'video', ...optional('mediaId', f('MediaId')) }], fields, ctx);
    case 'location': {
      const lat = Number(f('Location_X'));
      const lng = Number(f('Location_Y'));
      if (
        !Number.isFinite(lat) ||
        !Number.isFinite(lng) ||
        f('Location_X') === undefined ||
        f('Location_Y') === undefined
      ) {
        return { type: 'invalid', detail: 'location push without numeric Location_X / Location_Y' };
      }
      return message(
        header,
        id,
        conversation,
        [{ type: 'location', lat, lng, ...optional('label', f('Label')) }],
        fields,
        ctx,
      );
    }
    case 'link': {
      const url = f('Url');
      if (url === undefined || url === '') return { type: 'unsupported', header, id };
      const part: MessagePart = {
        type: 'link',
        url,
        ...optional('title', f('Title')),
        ...optional('description', f('Description')),
      };
      return message(header, id, conversation, [part], fields, ctx);
    }
    case 'event':
      return parseEvent(header, id, conversation, fields, ctx);
    default:
      return { type: 'unsupported', header, id };
  }
}

function parseEvent(
  header: PushHeader,
  id: string,
  conversation: ConversationRef,
  fields: XmlFields,
  ctx: InboundContext,
): ParsedPush {
  const wechatEvent = field(fields, 'Event') ?? '';
  const key = field(fields, 'EventKey');
  const base = { id, receivedAt: ctx.receivedAt, conversation, sender: { id: header.openid }, raw: fields } as const;
  const action = (name: string): ParsedPush => ({
    type: 'event',
    header,
    wechatEvent,
    event: { kind: 'action', ...base, action: name, ...optional('value', key) },
  });
  switch (wechatEvent) {
    case 'subscribe':
      // From a parametric QR code the EventKey is `qrscene_<scene>` (kept in raw).
      return { type: 'event', header, wechatEvent, event: { kind: 'conversation.started', ...base } };
    case 'unsubscribe':
      return { type: 'event', header, wechatEvent, event: { kind: 'conversation.ended', ...base } };
    case 'SCAN':
      return action('qr.scan');
    case 'CLICK':
      return action('menu.click');
    case 'VIEW':
      return action('menu.view');
    default:
      return { type: 'ignored', header, id, reason: `event ${wechatEvent || '(none)'} needs no answer` };
  }
}
