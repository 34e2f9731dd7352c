/**
 * Builds WeChat pushes the way WeChat's servers do, with Tencent's `@wecom/crypto` doing the encryption
 * and signing (a real counterpart, not our code), and decodes our answers with it.
 */
import { decrypt, encrypt, getSignature } from '@wecom/crypto';
import { createHash } from 'node:crypto';
import { XMLParser } from 'fast-xml-parser';
import type { WebhookRequest, WebhookResponse } from '../../../../core/ports/channel.js';
import {
  wechatOfficialOptionsSchema,
  type WechatOfficialOptions,
  type WechatOfficialOptionsInput,
} from '../../../../channels/wechat-official/options.js';

/** Tencent's official WXBizMsgCrypt demo values (reference §1.2, vector B). */
export const DEMO = {
  token: 'spamtest',
  encodingAESKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
  appId: 'wx2c2769f8efd9abc2',
  appSecret: 'demo-app-secret-0123456789abcdef',
  account: 'gh_10f6c3c3ac5a',
  openid: 'oyORnuP8q7ou2gfYjqLzSIWZf0rs',
} as const;

/** A second 43-character key (for rotation tests). */
export const OTHER_KEY = 'ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut';

export function wechatOptions(over: Partial<WechatOfficialOptionsInput> = {}): WechatOfficialOptions {
  return wechatOfficialOptionsSchema.parse({
    token: DEMO.token,
    appId: DEMO.appId,
    appSecret: DEMO.appSecret,
    encodingAESKey: DEMO.encodingAESKey,
    ...over,
  });
}

const sha1 = (parts: string[]) => createHash('sha1').update(parts.sort().join('')).digest('hex');

export interface PushSpec {
  /** Inner (plaintext) XML. */
  readonly xml: string;
  /** Epoch seconds. */
  readonly timestamp: number;
  readonly nonce?: string;
  /** plaintext, compatible (plaintext fields + Encrypt) or safe (Encrypt only). */
  readonly mode: 'plaintext' | 'compatible' | 'safe';
  readonly token?: string;
  readonly key?: string;
  readonly appId?: string;
  readonly random?: Buffer;
}

/** The query and body WeChat would send for this push. */
export function buildPush(spec: PushSpec): { query: Record<string, string>; body: string } {
  const token = spec.token ?? DEMO.token;
  const timestamp = String(spec.timestamp);
  const nonce = spec.nonce ?? String(Math.floor(Math.random() * 1e10));
  const query: Record<string, string> = {
    signature: sha1([token, timestamp, nonce]),
    timestamp,
    nonce,
    openid: DEMO.openid,
  };
  if (spec.mode === 'plaintext') return { query, body: spec.xml };
  const enc = encrypt(spec.key ?? DEMO.encodingAESKey, spec.xml, spec.appId ?? DEMO.appId, spec.random);
  query.encrypt_type = 'aes';
  query.msg_signature = getSignature(token, timestamp, nonce, enc);
  const body =
    spec.mode === 'safe'
      ? `<xml><ToUserName><![CDATA[${DEMO.account}]]></ToUserName><Encrypt><![CDATA[${enc}]]></Encrypt></xml>`
      : spec.xml.replace('</xml>', `<Encrypt><![CDATA[${enc}]]></Encrypt></xml>`);
  return { query, body };
}

export function toRequest(push: { query: Record<string, string>; body: string }, method = 'POST'): WebhookRequest {
  return {
    method,
    path: '/wechat',
    query: push.query,
    headers: { 'content-type': 'text/xml' },
    rawBody: Buffer.from(push.body, 'utf8'),
  };
}

export function textXml(o: { content: string; msgId: string; createTime: number; from?: string }): string {
  return (
    `<xml><ToUserName><![CDATA[${DEMO.account}]]></ToUserName><FromUserName><![CDATA[${o.from ?? DEMO.openid}]]></FromUserName>` +
    `<CreateTime>${o.createTime}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${o.content}]]></Content>` +
    `<MsgId>${o.msgId}</MsgId></xml>`
  );
}

export function eventXml(o: { event: string; createTime: number; key?: string; from?: string }): string {
  return (
    `<xml><ToUserName><![CDATA[${DEMO.account}]]></ToUserName><FromUserName><![CDATA[${o.from ?? DEMO.openid}]]></FromUserName>` +
    `<CreateTime>${o.createTime}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[${o.event}]]></Event>` +
    (o.key === undefined ? '' : `<EventKey><![CDATA[${o.key}]]></EventKey>`) +
    `</xml>`
  );
}

const parser = new XMLParser({ parseTagValue: false, ignoreAttributes: true });

/** What our answer says, decoded with Tencent's `@wecom/crypto` when encrypted. */
export interface DecodedAnswer {
  readonly status: number;
  readonly success: boolean;
  readonly encrypted: boolean;
  /** Inner reply fields (undefined for `success`). */
  readonly fields: Record<string, unknown> | undefined;
}

export function decodeAnswer(
  res: WebhookResponse | { status: number; body: string },
  key: string = DEMO.encodingAESKey,
  token: string = DEMO.token,
): DecodedAnswer {
  const body = typeof res.body === 'string' ? res.body : res.body.toString('utf8');
  if (res.status !== 200 || body === 'success' || body === '') {
    return { status: res.status, success: res.status === 200, encrypted: false, fields: undefined };
  }
  const outer = (parser.parse(body) as { xml: Record<string, string> }).xml;
  if (outer.Encrypt === undefined) return { status: res.status, success: false, encrypted: false, fields: outer };
  const expected = getSignature(token, outer.TimeStamp!, outer.Nonce!, outer.Encrypt);
  if (expected !== outer.MsgSignature) throw new Error('reply MsgSignature does not verify with @wecom/crypto');
  const { message, id } = decrypt(key, outer.Encrypt);
  if (id !== DEMO.appId) throw new Error(`reply encrypted for ${id}`);
  return {
    status: res.status,
    success: false,
    encrypted: true,
    fields: (parser.parse(message) as { xml: Record<string, unknown> }).xml,
  };
}
