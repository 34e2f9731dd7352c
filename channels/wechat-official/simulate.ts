/**
 * A local WeChat emulator: sends one correctly signed text push (encrypted in compatible and safe mode)
 * to a running gateway and decodes the passive reply. Used by `clawbot simulate wechat "text"`.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { systemClock, type Clock } from '../../core/clock.js';
import { decodeAesKey, encryptMessage } from './crypto.js';
import { openEncrypted } from './envelope-crypto.js';
import type { WechatOfficialOptions } from './options.js';
import { computeMsgSignature, computeSignature, signaturesMatch } from './signature.js';
import { buildXml, field, parseWechatXml } from './xml.js';

export interface SimulateWechatOptions {
  /** The gateway's WeChat URL, e.g. `http://127.0.0.1:3000/wechat`. */
  readonly url: string;
  readonly text: string;
  readonly options: WechatOfficialOptions;
  /** The user's OpenID (default: a fixed simulator id). */
  readonly user?: string;
  readonly fetch?: typeof fetch;
  readonly clock?: Clock;
}

export interface SimulateResult {
  readonly status: number;
  /** The decoded reply text (`[transfer_customer_service]` for a handoff); undefined for `success`/empty. */
  readonly reply: string | undefined;
  /** The raw response body. */
  readonly raw: string;
}

/** A random 64-bit MsgId, as a decimal string. */
function randomMsgId(): string {
  return BigInt.asUintN(63, randomBytes(8).readBigUInt64BE()).toString();
}

/**
 * Sends `text` as user `user` and returns the decoded reply.
 * @example const { reply } = await simulateWechatOfficial({ url: 'http://127.0.0.1:3000/wechat', text: '你好', options });
 */
export async function simulateWechatOfficial(opts: SimulateWechatOptions): Promise<SimulateResult> {
  const { options } = opts;
  const clock = opts.clock ?? systemClock;
  const doFetch = opts.fetch ?? fetch;
  const openid = opts.user ?? 'oSimulatorUser000000000000000';
  const timestamp = String(Math.floor(clock.now() / 1000));
  const nonce = String(randomInt(100_000_000, 9_999_999_999));
  const inner = buildXml({
    ToUserName: 'gh_clawbot_simulator',
    FromUserName: openid,
    CreateTime: Number(timestamp),
    MsgType: 'text',
    Content: opts.text,
    MsgId: randomMsgId(),
  });
  const url = new URL(opts.url);
  url.searchParams.set('signature', computeSignature(options.token, timestamp, nonce));
  url.searchParams.set('timestamp', timestamp);
  url.searchParams.set('nonce', nonce);
  url.searchParams.set('openid', openid);
  let body = inner;
  const key = options.encodingAESKey === undefined ? undefined : decodeAesKey(options.encodingAESKey);
  if (options.mode !== 'plaintext' && key !== undefined) {
    const encrypt = encryptMessage(key, inner, options.appId, randomBytes(16));
    url.searchParams.set('encrypt_type', 'aes');
    url.searchParams.set('msg_signature', computeMsgSignature(options.token, timestamp, nonce, encrypt));
    body = buildXml({ ToUserName: 'gh_clawbot_simulator', Encrypt: encrypt });
  }
  const response = await doFetch(url, { method: 'POST', headers: { 'content-type': 'text/xml' }, body });
  const raw = await response.text();
  return { status: response.status, reply: decodeReply(raw, options), raw };
}

/** Decodes a passive reply body (plain or encrypted); throws when an encrypted reply's signature is wrong. */
export function decodeReply(raw: string, options: WechatOfficialOptions): string | undefined {
  if (raw === '' || raw === 'success' || !raw.startsWith('<xml>')) return undefined;
  const outer = parseWechatXml(raw);
  if (!outer.ok) throw new Error(`reply is not WeChat XML: ${outer.detail}`);
  let fields = outer.fields;
  const encrypt = field(fields, 'Encrypt');
  if (encrypt !== undefined) {
    const expected = computeMsgSignature(
      options.token,
      field(fields, 'TimeStamp') ?? '',
      field(fields, 'Nonce') ?? '',
      encrypt,
    );
    if (!signaturesMatch(field(fields, 'MsgSignature'), expected))
      throw new Error('reply MsgSignature does not verify');
    const keys = [options.encodingAESKey, options.previousEncodingAESKey]
      .filter((k): k is string => k !== undefined)
      .map(decodeAesKey);
    const opened = openEncrypted(encrypt, keys, options.appId);
    if (!opened.ok) throw new Error(`reply does not decrypt: ${opened.detail}`);
    const inner = parseWechatXml(opened.xml);
    if (!inner.ok) throw new Error(`decrypted reply is not WeChat XML: ${inner.detail}`);
    fields = inner.fields;
  }
  const type = field(fields, 'MsgType');
  if (type === 'text') return field(fields, 'Content');
  return `[${type ?? 'unknown'}]`;
}
