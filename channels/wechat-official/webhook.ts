/**
 * The WeChat push endpoint: `GET` URL verification (echostr) and `POST` message pushes, framework-free.
 * Order of checks: body size (413) -> `signature` + freshness (401) -> XML safety (400) -> `msg_signature`,
 * decryption and AppID (401) -> nonce replay (401) -> the push itself.
 * @see https://developers.weixin.qq.com/doc/offiaccount/Basic_Information/Access_Overview.html
 */
import { createHash, randomInt } from 'node:crypto';
import type { Clock } from '../../core/clock.js';
import { describeError, HTTP_STATUS_BY_CODE, isBotError, type ErrorCode } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { ChannelHost, WebhookRequest, WebhookResponse } from '../../core/ports/channel.js';
import type { KeyValue } from '../../core/ports/kv.js';
import type { Coordinator } from './coordinator.js';
import type { AesKey } from './crypto.js';
import type { DeliveryState } from './delivery-state.js';
import { SUCCESS, type Deliverer, type PushAnswer } from './deliver.js';
import { openEncrypted, sealReply } from './envelope-crypto.js';
import { parsePush, type ParsedPush } from './inbound.js';
import type { WechatOfficialOptions } from './options.js';
import type { ServiceWindowTracker } from './service-window.js';
import { verifyMsgSignature, verifySignature } from './signature.js';
import { field, matchSafeEnvelope, parseWechatXml, type XmlFields } from './xml.js';

export interface WebhookDeps {
  readonly coordinator: Coordinator;
  readonly deliverer: Deliverer;
  readonly state: DeliveryState;
  readonly window: ServiceWindowTracker;
  readonly kv: KeyValue;
  readonly clock: Clock;
  readonly log: Logger;
  readonly host: () => ChannelHost | undefined;
  /** Current key first, then the previous one. Empty in plaintext mode. */
  readonly keys: readonly AesKey[];
  readonly randomBytes: (size: number) => Buffer;
}

const TEXT = { 'content-type': 'text/plain; charset=utf-8' } as const;
const XML = { 'content-type': 'text/xml; charset=utf-8' } as const;

function refuse(code: ErrorCode, message: string): WebhookResponse {
  return {
    status: HTTP_STATUS_BY_CODE[code],
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify({ error: { code, message } }),
  };
}

/** A decoded, authenticated push, or the response refusing it. */
type Opened =
  | { readonly ok: true; readonly fields: XmlFields; readonly key: AesKey | undefined; readonly xml: string }
  | { readonly ok: false; readonly response: WebhookResponse };

export function createWebhookHandler(
  options: WechatOfficialOptions,
  deps: WebhookDeps,
): (req: WebhookRequest) => Promise<WebhookResponse> {
  const { clock, log } = deps;
  const tag = `{wechat_official:${options.appId}}`;
  const replayTtlMs = Math.max(options.timestampToleranceSec * 2_000, 10 * 60 * 1000);

  const refused = (code: ErrorCode, message: string, req: WebhookRequest): WebhookResponse => {
    log.warn({ code, reason: message, remoteAddress: req.remoteAddress }, 'WeChat push refused');
    return refuse(code, message);
  };

  /** Authenticates and decodes a POST body. */
  const open = (req: WebhookRequest): Opened => {
    const q = req.query;
    const no = (code: ErrorCode, message: string): Opened => ({ ok: false, response: refused(code, message, req) });
    const encrypted = q.encrypt_type === 'aes' && q.msg_signature !== undefined && q.msg_signature !== '';
    if (options.mode === 'safe' && !encrypted)
      return no('channel.signature_invalid', 'safe mode accepts only encrypted pushes');
    if (options.mode === 'plaintext' && encrypted) {
      return no(
        'channel.payload_invalid',
        'encrypted push received but mode is plaintext: set encodingAESKey and mode',
      );
    }
    const raw = req.rawBody.toString('utf8');
    // Safe-mode envelopes have one canonical shape: read it directly; anything else gets the full safe parse.
    const canonical = encrypted ? matchSafeEnvelope(raw) : undefined;
    const outer = canonical === undefined ? parseWechatXml(raw) : undefined;
    if (outer !== undefined && !outer.ok) return no('channel.payload_invalid', outer.detail);
    if (!encrypted) return { ok: true, fields: outer?.ok ? outer.fields : {}, key: undefined, xml: raw };
    const encrypt = canonical ?? (outer?.ok ? field(outer.fields, 'Encrypt') : undefined);
    if (encrypt === undefined || encrypt === '')
      return no('channel.payload_invalid', 'encrypted push without <Encrypt>');
    const sig = verifyMsgSignature(q.msg_signature, options.token, q.timestamp ?? '', q.nonce ?? '', encrypt);
    if (!sig.ok) return no('channel.signature_invalid', sig.detail);
    const opened = openEncrypted(encrypt, deps.keys, options.appId);
    if (!opened.ok) return no('channel.signature_invalid', opened.detail);
    if (opened.rotated) log.info({}, 'push decrypted with previousEncodingAESKey; WeChat is still using the old key');
    const inner = parseWechatXml(opened.xml);
    if (!inner.ok) return no('channel.payload_invalid', inner.detail);
    return { ok: true, fields: inner.fields, key: opened.key, xml: opened.xml };
  };

  /**
   * True when (timestamp, nonce) was not used before with a different message (an identical redelivery is a
   * platform retry, which dedupe handles). Plaintext signatures do not cover the body, so this is what stops a
   * captured URL from carrying another message; the digest is over the decrypted XML, so a retry that WeChat
   * re-encrypted still matches.
   */
  const fresh = async (q: Readonly<Record<string, string>>, xml: string): Promise<boolean> => {
    const key = `wechat:nonce:${tag}:${q.timestamp ?? ''}:${q.nonce ?? ''}`;
    const digest = createHash('sha256').update(xml).digest('base64');
    if (await deps.kv.setIfAbsent(key, digest, replayTtlMs)) return true;
    return (await deps.kv.get(key)) === digest;
  };

  const route = async (push: Exclude<ParsedPush, { type: 'invalid' }>, arrivedAt: number): Promise<PushAnswer> => {
    const notice = (content: string) => [{ type: 'text', content } as const];
    switch (push.type) {
      case 'ignored':
        return SUCCESS;
      case 'unsupported':
        await deps.window.noteUserMessage(push.header.openid);
        return deps.deliverer.direct(push.header, push.id, notice(options.notices.unsupported));
      case 'message':
        await deps.window.noteUserMessage(push.header.openid);
        if (
          options.handoffTarget === 'transfer_customer_service' &&
          (await deps.state.takeTransfer(push.header.openid))
        ) {
          return deps.deliverer.passive(push.header, push.event.id, { messages: [], transfer: true }, 1);
        }
        return deps.coordinator.answer(push.header, push.event, arrivedAt);
      case 'event': {
        const e = push.wechatEvent;
        if (e === 'unsubscribe' || e === 'VIEW') {
          // Nothing the user could see: acknowledge at once and let the pipeline record it.
          deps
            .host()
            ?.dispatch(push.event)
            .catch((error: unknown) => log.warn({ err: describeError(error) }, 'event not recorded'));
          return SUCCESS;
        }
        await deps.window.noteInteraction(push.header.openid);
        if (e === 'subscribe' && options.welcome !== undefined) {
          return deps.deliverer.direct(push.header, push.event.id, notice(options.welcome));
        }
        return deps.coordinator.answer(push.header, push.event, arrivedAt);
      }
    }
  };

  const respond = (answer: PushAnswer, key: AesKey | undefined): WebhookResponse => {
    switch (answer.kind) {
      case 'success':
        return { status: 200, headers: TEXT, body: 'success' };
      case 'unavailable':
        return refuse('overloaded', `the message could not be taken now; WeChat will retry (${answer.detail})`);
      case 'reply': {
        if (key === undefined) return { status: 200, headers: XML, body: answer.xml };
        // Encrypt only when the push was encrypted: an encrypted reply in plaintext mode is silently dropped.
        const body = sealReply(answer.xml, {
          key,
          appId: options.appId,
          token: options.token,
          timestamp: String(Math.floor(clock.now() / 1000)),
          nonce: String(randomInt(100_000_000, 9_999_999_999)),
          random: deps.randomBytes(16),
        });
        return { status: 200, headers: XML, body };
      }
    }
  };

  return async (req) => {
    const arrivedAt = clock.now();
    if (req.rawBody.length > options.bodyLimit) {
      return refused('request.too_large', `body over ${options.bodyLimit} bytes`, req);
    }
    const check = verifySignature(req.query, options.token, arrivedAt, options.timestampToleranceSec);
    if (!check.ok) {
      return refused(
        check.reason === 'stale' ? 'channel.timestamp_stale' : 'channel.signature_invalid',
        check.detail,
        req,
      );
    }
    if (req.method === 'GET') {
      const echostr = req.query.echostr;
      if (echostr === undefined) return refused('request.invalid', 'echostr is required for URL verification', req);
      return { status: 200, headers: TEXT, body: echostr };
    }
    if (req.method !== 'POST') return refused('request.invalid', `${req.method} is not supported`, req);
    try {
      const opened = open(req);
      if (!opened.ok) return opened.response;
      if (!(await fresh(req.query, opened.xml))) {
        return refused('channel.replayed', 'this timestamp and nonce were already used with another body', req);
      }
      const push = parsePush(opened.fields, { appId: options.appId, receivedAt: arrivedAt });
      if (push.type === 'invalid') return refused('channel.payload_invalid', push.detail, req);
      if (deps.host() === undefined) return refuse('overloaded', 'the WeChat channel is not started');
      return respond(await route(push, arrivedAt), opened.key);
    } catch (error: unknown) {
      // e.g. the state store is down: no acknowledgement, so WeChat delivers the push again.
      const code: ErrorCode = isBotError(error) && error.status >= 500 ? error.code : 'internal';
      log.error({ code, err: describeError(error) }, 'WeChat push failed');
      return refuse(code, 'the push could not be processed; WeChat will retry');
    }
  };
}
