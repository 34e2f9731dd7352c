/**
 * Delivering a turn's answer: as the passive reply of a delivery (with any answers still pending for the
 * user), through the customer-service API, or kept for the user's next message. Every delivery of an
 * inbound id claims the outbound ledger first, so a MsgId is answered at most once whatever the retries.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../core/clock.js';
import type { ConversationRef, OutboundMessage } from '../../core/envelope.js';
import { describeError, isBotError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { OutboundLedger } from '../../core/outbound-ledger.js';
import { WINDOW_CLOSED_CODES } from './api-errors.js';
import type { WechatApi } from './api.js';
import type { DeliveryState, StoredReply } from './delivery-state.js';
import type { PushHeader } from './inbound.js';
import { WECHAT_CHANNEL_ID } from './inbound.js';
import type { WechatNotices } from './options.js';
import {
  buildTransferCustomerServiceXml,
  combineWithPending,
  planDelivery,
  renderPassiveXml,
  toCustomerServiceBody,
  type WechatMessage,
} from './outbound.js';
import type { ServiceWindowTracker } from './service-window.js';

/** What a delivery answers WeChat with (before safe-mode encryption). */
export type PushAnswer =
  | { readonly kind: 'reply'; readonly xml: string }
  | { readonly kind: 'success' }
  /** The event could not be taken (state store down): no acknowledgement, so WeChat retries. */
  | { readonly kind: 'unavailable'; readonly detail: string };

export const SUCCESS: PushAnswer = { kind: 'success' };

export interface DelivererOptions {
  readonly appId: string;
  readonly customerServiceApi: boolean;
  readonly maxReplyBytes: number;
  readonly kfAccount: string | undefined;
  readonly notices: WechatNotices;
}

export interface DelivererDeps {
  readonly state: DeliveryState;
  readonly window: ServiceWindowTracker;
  readonly ledger: OutboundLedger;
  /** Present when the customer-service API is enabled. */
  readonly api: WechatApi | undefined;
  readonly clock: Clock;
  readonly log: Logger;
}

export interface Deliverer {
  /** The passive reply for `reply` (claims the ledger; `success` when another delivery already answered). */
  passive(header: PushHeader, id: string, reply: StoredReply): Promise<PushAnswer>;
  /** A passive answer that is not a turn's (welcome, unsupported notice): not claimed, retries get it again. */
  direct(header: PushHeader, id: string, messages: readonly WechatMessage[]): Promise<PushAnswer>;
  /** A finished answer that no delivery could carry: customer-service API, else kept for the next message. */
  late(openid: string, id: string, reply: StoredReply): Promise<void>;
  /** A message outside any turn (agent reply, proactive): customer-service API, else kept for the next message. */
  outOfTurn(message: OutboundMessage, messages: readonly WechatMessage[]): Promise<'api' | 'deferred'>;
}

export function createDeliverer(options: DelivererOptions, deps: DelivererDeps): Deliverer {
  const { state, ledger, log } = deps;
  const ref = (openid: string): ConversationRef => ({
    channel: WECHAT_CHANNEL_ID,
    tenant: options.appId,
    conversation: openid,
  });
  const slot = (openid: string, id: string): OutboundMessage => ({
    conversation: ref(openid),
    parts: [],
    replyTo: id,
    author: { kind: 'bot' },
  });
  const claim = (openid: string, id: string, seq = 0) => ledger.claim(slot(openid, id), seq);
  const nowSec = () => Math.floor(deps.clock.now() / 1000);
  const textsOf = (messages: readonly WechatMessage[]) =>
    messages.flatMap((m) => (m.type === 'text' ? [m.content] : []));

  const keep = async (openid: string, id: string, messages: readonly WechatMessage[], why: string): Promise<void> => {
    const texts = textsOf(messages);
    const media = messages.length - texts.length;
    if (media > 0) log.warn({ id, media }, 'media replies cannot wait for the next message; dropped');
    if (texts.length === 0) return;
    await state.addPending(openid, { id, texts, at: deps.clock.now() });
    log.info({ id, why }, 'answer kept for the user’s next message');
  };

  /** Sends `pieces` through the customer-service API from ledger slot `first`; what cannot be sent is kept. */
  const viaApi = async (openid: string, id: string, pieces: readonly WechatMessage[], first: number): Promise<void> => {
    const api = deps.api;
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i]!;
      const seq = first + i;
      if (api === undefined) return keep(openid, `${id}#${seq}`, pieces.slice(i), 'customer-service API off');
      if (!(await claim(openid, id, seq))) continue;
      if (!(await deps.window.consume(openid))) {
        await ledger.release(slot(openid, id), seq);
        return keep(openid, `${id}#${seq}`, pieces.slice(i), 'customer-service window closed');
      }
      try {
        await api.sendCustomMessage(toCustomerServiceBody(openid, piece));
      } catch (error: unknown) {
        await ledger.release(slot(openid, id), seq);
        const code = isBotError(error) ? error.details?.platformCode : undefined;
        if (typeof code === 'number' && WINDOW_CLOSED_CODES.has(code)) await deps.window.close(openid);
        log.warn({ id, err: describeError(error) }, 'customer-service message failed');
        return keep(openid, `${id}#${seq}`, pieces.slice(i), 'customer-service API failed');
      }
    }
  };

  const background = (what: string, work: Promise<void>) => {
    work.catch((error: unknown) => log.error({ err: describeError(error) }, `${what} failed`));
  };

  /** Renders one passive reply from `earlier` pending texts and `messages`; the rest goes through the API. */
  const render = (
    header: PushHeader,
    id: string,
    earlier: readonly string[],
    messages: readonly WechatMessage[],
  ): PushAnswer => {
    const plan = planDelivery(combineWithPending(earlier, messages, options.notices), {
      customerServiceApi: options.customerServiceApi,
      maxBytes: options.maxReplyBytes,
      truncatedNote: options.notices.truncated,
    });
    if (plan.dropped > 0)
      log.warn({ id, dropped: plan.dropped }, 'one passive reply carries one message; extra messages dropped');
    if (plan.rest.length > 0) background('sending the rest of a reply', viaApi(header.openid, id, plan.rest, 1));
    if (plan.passive === undefined) return SUCCESS;
    return {
      kind: 'reply',
      xml: renderPassiveXml({ openid: header.openid, account: header.account, createTime: nowSec() }, plan.passive),
    };
  };

  const takeEarlier = (openid: string, id: string) =>
    state.takePending(openid, id, (pendingId) => claim(openid, pendingId));

  return {
    async passive(header, id, reply) {
      if (!(await claim(header.openid, id))) return SUCCESS;
      const earlier = await takeEarlier(header.openid, id);
      if (reply.transfer) {
        const all = combineWithPending(earlier, reply.messages, options.notices);
        if (options.customerServiceApi) background('sending the handoff message', viaApi(header.openid, id, all, 1));
        else if (all.length > 0)
          log.info({ id }, 'handoff to WeChat customer service: the bot text is not sent (API off)');
        const to = { openid: header.openid, account: header.account, createTime: nowSec() };
        return { kind: 'reply', xml: buildTransferCustomerServiceXml(to, options.kfAccount) };
      }
      return render(header, id, earlier, reply.messages);
    },
    async direct(header, id, messages) {
      return render(header, id, await takeEarlier(header.openid, id), messages);
    },
    async late(openid, id, reply) {
      if (reply.transfer) await state.setTransfer(openid);
      if (reply.messages.length === 0) return;
      if (!options.customerServiceApi) return keep(openid, id, reply.messages, 'missed every delivery');
      const plan = planDelivery(reply.messages, {
        customerServiceApi: true,
        maxBytes: options.maxReplyBytes,
        truncatedNote: options.notices.truncated,
      });
      await viaApi(openid, id, plan.passive === undefined ? [] : [plan.passive, ...plan.rest], 0);
    },
    async outOfTurn(message, messages) {
      const openid = message.conversation.conversation;
      const key = `out:${randomUUID()}`;
      if (!options.customerServiceApi || deps.api === undefined) {
        await keep(openid, key, messages, 'customer-service API off');
        return 'deferred';
      }
      const plan = planDelivery(messages, {
        customerServiceApi: true,
        maxBytes: options.maxReplyBytes,
        truncatedNote: '',
      });
      const pieces = plan.passive === undefined ? [] : [plan.passive, ...plan.rest];
      for (let i = 0; i < pieces.length; i++) {
        if (!(await deps.window.consume(openid))) {
          await keep(openid, `${key}#${i}`, pieces.slice(i), 'customer-service window closed');
          return 'deferred';
        }
        try {
          await deps.api.sendCustomMessage(toCustomerServiceBody(openid, pieces[i]!));
        } catch (error: unknown) {
          const code = isBotError(error) ? error.details?.platformCode : undefined;
          if (typeof code !== 'number' || !WINDOW_CLOSED_CODES.has(code)) throw error;
          await deps.window.close(openid);
          await keep(openid, `${key}#${i}`, pieces.slice(i), 'customer-service window closed');
          return 'deferred';
        }
      }
      return 'api';
    },
  };
}
