/**
 * Outbound messages -> WeChat passive-reply XML and customer-service API bodies, pure.
 * @see https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Passive_user_reply_message.html
 * @see https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Service_Center_messages.html
 */
import type { MessagePart, OutboundMessage } from '../../core/envelope.js';
import { splitUtf8, truncateWithNote } from './split.js';
import { buildXml, type XmlValue } from './xml.js';

/** One WeChat message. A passive reply carries exactly one; the customer-service API sends one per call. */
export type WechatMessage =
  | { readonly type: 'text'; readonly content: string }
  | { readonly type: 'image'; readonly mediaId: string }
  | { readonly type: 'voice'; readonly mediaId: string }
  | { readonly type: 'video'; readonly mediaId: string; readonly title?: string; readonly description?: string };

function partText(part: MessagePart): string | WechatMessage | undefined {
  switch (part.type) {
    case 'text':
      return part.text;
    case 'markdown':
      return part.markdown; // WeChat renders no markdown; the source text reads fine
    case 'image':
      return part.mediaId !== undefined ? { type: 'image', mediaId: part.mediaId } : part.url;
    case 'audio':
      return part.mediaId !== undefined ? { type: 'voice', mediaId: part.mediaId } : (part.transcript ?? part.url);
    case 'video':
      return part.mediaId !== undefined ? { type: 'video', mediaId: part.mediaId } : part.url;
    case 'file':
      return [part.name, part.url].filter((s) => s !== undefined && s !== '').join('\n') || undefined;
    case 'location':
      return `${part.label ?? ''} (${part.lat}, ${part.lng})`.trim();
    case 'link':
      return [part.title, part.description, part.url].filter((s) => s !== undefined && s !== '').join('\n');
  }
}

/**
 * The WeChat messages for a turn's replies, in order: consecutive text parts (and suggestions, as lines)
 * are merged with blank lines, media with a media id become their own message. Texts are not split yet. Pure.
 */
export function toWechatMessages(replies: readonly OutboundMessage[]): WechatMessage[] {
  const out: WechatMessage[] = [];
  let text: string[] = [];
  const flush = () => {
    const content = text.join('\n\n').trim();
    if (content !== '') out.push({ type: 'text', content });
    text = [];
  };
  for (const reply of replies) {
    for (const part of reply.parts) {
      const rendered = partText(part);
      if (rendered === undefined || rendered === '') continue;
      if (typeof rendered === 'string') text.push(rendered);
      else {
        flush();
        out.push(rendered);
      }
    }
    if (reply.suggestions !== undefined && reply.suggestions.length > 0) {
      text.push(reply.suggestions.map((s) => `· ${s}`).join('\n'));
    }
  }
  flush();
  return out;
}

/** How a turn's messages go out. */
export interface DeliveryPlan {
  /** The one message the passive reply carries (undefined: answer `success`). */
  readonly passive: WechatMessage | undefined;
  /** Further messages for the customer-service API, in order. */
  readonly rest: readonly WechatMessage[];
  /** Messages that cannot be delivered (customer-service API off), for the log. */
  readonly dropped: number;
}

/**
 * Decides what the passive reply carries. With the customer-service API, texts are split at `maxBytes`
 * on natural boundaries: the first piece is passive and the rest go through the API. Without it, the
 * passive reply carries the first text (cut with `truncatedNote` when too long) or else the first medium. Pure.
 */
export function planDelivery(
  messages: readonly WechatMessage[],
  options: { readonly customerServiceApi: boolean; readonly maxBytes: number; readonly truncatedNote: string },
): DeliveryPlan {
  if (options.customerServiceApi) {
    const pieces = messages.flatMap((m): WechatMessage[] =>
      m.type === 'text' ? splitUtf8(m.content, options.maxBytes).map((content) => ({ type: 'text', content })) : [m],
    );
    return { passive: pieces[0], rest: pieces.slice(1), dropped: 0 };
  }
  const first = messages.find((m) => m.type === 'text') ?? messages[0];
  if (first === undefined) return { passive: undefined, rest: [], dropped: 0 };
  const passive: WechatMessage =
    first.type === 'text'
      ? { type: 'text', content: truncateWithNote(first.content, options.maxBytes, options.truncatedNote) }
      : first;
  return { passive, rest: [], dropped: messages.length - 1 };
}

/** Addressing of a passive reply: ids swapped from the push. */
export interface ReplyAddress {
  /** The user's OpenID (the push's FromUserName). */
  readonly openid: string;
  /** The account's `gh_…` id (the push's ToUserName). */
  readonly account: string;
  /** Seconds. */
  readonly createTime: number;
}

/** The passive-reply XML for one message. Pure. */
export function renderPassiveXml(to: ReplyAddress, message: WechatMessage): string {
  const head = { ToUserName: to.openid, FromUserName: to.account, CreateTime: to.createTime };
  let body: Record<string, XmlValue>;
  switch (message.type) {
    case 'text':
      body = { MsgType: 'text', Content: message.content };
      break;
    case 'image':
      body = { MsgType: 'image', Image: { MediaId: message.mediaId } };
      break;
    case 'voice':
      body = { MsgType: 'voice', Voice: { MediaId: message.mediaId } };
      break;
    case 'video':
      body = {
        MsgType: 'video',
        Video: { MediaId: message.mediaId, Title: message.title ?? '', Description: message.description ?? '' },
      };
      break;
  }
  return buildXml({ ...head, ...body });
}

/**
 * Passive reply that hands the user to WeChat's own customer-service system (多客服), optionally to one
 * agent account. Pure.
 * @see https://developers.weixin.qq.com/doc/offiaccount/Customer_Service/Forwarding_of_messages_to_service_center.html
 */
export function buildTransferCustomerServiceXml(to: ReplyAddress, kfAccount?: string): string {
  return buildXml({
    ToUserName: to.openid,
    FromUserName: to.account,
    CreateTime: to.createTime,
    MsgType: 'transfer_customer_service',
    ...(kfAccount === undefined ? {} : { TransInfo: { KfAccount: kfAccount } }),
  });
}

/** The safe-mode reply wrapper (TimeStamp in seconds, as Tencent's SDK writes it). Pure. */
export function renderEncryptedEnvelope(e: {
  readonly encrypt: string;
  readonly msgSignature: string;
  readonly timestamp: string;
  readonly nonce: string;
}): string {
  return buildXml({ Encrypt: e.encrypt, MsgSignature: e.msgSignature, TimeStamp: Number(e.timestamp), Nonce: e.nonce });
}

/** The `message/custom/send` body for one message. Pure. */
export function toCustomerServiceBody(
  openid: string,
  message: WechatMessage,
  kfAccount?: string,
): Record<string, unknown> {
  const service = kfAccount === undefined ? {} : { customservice: { kf_account: kfAccount } };
  switch (message.type) {
    case 'text':
      return { touser: openid, msgtype: 'text', text: { content: message.content }, ...service };
    case 'image':
      return { touser: openid, msgtype: 'image', image: { media_id: message.mediaId }, ...service };
    case 'voice':
      return { touser: openid, msgtype: 'voice', voice: { media_id: message.mediaId }, ...service };
    case 'video':
      return {
        touser: openid,
        msgtype: 'video',
        video: { media_id: message.mediaId, title: message.title ?? '', description: message.description ?? '' },
        ...service,
      };
  }
}

/**
 * Puts answers that missed their window before the current answer, each block introduced by a notice. Pure.
 * @example combineWithPending(['Earlier answer'], [{ type: 'text', content: 'Now' }], { pending: '[earlier]', current: '[now]' })
 */
export function combineWithPending(
  pending: readonly string[],
  current: readonly WechatMessage[],
  notices: { readonly pending: string; readonly current: string },
): WechatMessage[] {
  if (pending.length === 0) return [...current];
  const earlier = `${notices.pending}\n${pending.join('\n\n')}`;
  const firstText = current.findIndex((m) => m.type === 'text');
  if (firstText < 0) return [{ type: 'text', content: earlier }, ...current];
  return current.map((m, i) =>
    i === firstText && m.type === 'text'
      ? { type: 'text', content: `${earlier}\n\n${notices.current}\n${m.content}` }
      : m,
  );
}
