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

/** Ledger notes on an answer's slot: a passive reply to delivery n, the late path (API), a kept answer delivered. */
const PASSIVE = 'passive:';
const LATE = 'late';
const KEPT = 'kept';

/** The delivery number of a `passive:<n>` claim note. Pure. */
export function passiveDelivery(note: string | undefined): number | undefined {
  if (note?.startsWith(PASSIVE) !== true) return undefined;
  const n = Number(note.slice(PASSIVE.length));
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

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
  /**
   * The passive reply for `reply` to the `delivery`-th delivery of `id` (claims the ledger; `success` when another
   * delivery already answered, unless that was a passive reply to an earlier delivery, which WeChat never received).
   */
  passive(header: PushHeader, id: string, reply: StoredReply, delivery: number): Promise<PushAnswer>;
  /** A passive answer that is not a turn's (welcome, unsupported notice): not claimed, retries get it again. */
  direct(header: PushHeader, id: string, messages: readonly WechatMessage[]): Promise<PushAnswer>;
  /**
   * A finished answer that no delivery could carry: customer-service API, else kept for the next message. Safe to
   * call again (the ledger skips what went out); throws when it could neither send nor keep it (retry later).
   */
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

  /**
   * Claims the answer slot of `id` for `note`. WeChat delivers a message again only when it got no answer to the
   * previous delivery in time, so a passive reply held by a delivery that WeChat delivered again (after `later`,
   * the delivery number at hand; undefined: the latest one) never reached the user: that claim is superseded
   * (once). Else false: the answer went, or is going, another way.
   */
  const claimAnswer = async (
    openid: string,
    id: string,
    note: string,
    later: number | undefined,
  ): Promise<'claimed' | 'superseded' | false> => {
    if (await ledger.claim(slot(openid, id), 0, note)) return 'claimed';
    const holder = await ledger.note(slot(openid, id), 0);
    const voided = passiveDelivery(holder);
    if (holder === undefined || voided === undefined || !(await state.supersedes(id, voided, later))) return false;
    if (!(await ledger.supersede(slot(openid, id), 0, holder, note))) return false;
    log.info(
      { id, voided, now: note },
      'answering again: WeChat redelivered the message, so an earlier passive reply never reached it',
    );
    return 'superseded';
  };
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

  /**
   * Sends `pieces` through the customer-service API from ledger slot `first` (claimed already when `held`); what
   * cannot be sent is kept for the next message, under the claim; when it cannot be kept either, the claim is
   * given back and the error thrown (the owed answer is retried).
   */
  const viaApi = async (
    openid: string,
    id: string,
    pieces: readonly WechatMessage[],
    first: number,
    held = false,
  ): Promise<void> => {
    const api = deps.api;
    const keepRest = async (i: number, seq: number, why: string) => {
      try {
        await keep(openid, `${id}#${seq}`, pieces.slice(i), why);
      } catch (error: unknown) {
        await ledger.release(slot(openid, id), seq);
        throw error;
      }
    };
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i]!;
      const seq = first + i;
      if (!(i === 0 && held) && !(await claim(openid, id, seq))) continue;
      if (api === undefined) return keepRest(i, seq, 'customer-service API off');
      if (!(await deps.window.consume(openid))) return keepRest(i, seq, 'customer-service window closed');
      try {
        await api.sendCustomMessage(toCustomerServiceBody(openid, piece));
      } catch (error: unknown) {
        const code = isBotError(error) ? error.details?.platformCode : undefined;
        if (typeof code === 'number' && WINDOW_CLOSED_CODES.has(code)) await deps.window.close(openid);
        log.warn({ id, err: describeError(error) }, 'customer-service message failed');
        return keepRest(i, seq, 'customer-service API failed');
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
    state.takePending(
      openid,
      id,
      async (pendingId) => (await claimAnswer(openid, pendingId, KEPT, undefined)) !== false,
    );

  return {
    async passive(header, id, reply, delivery) {
      const got = await claimAnswer(header.openid, id, `${PASSIVE}${delivery}`, delivery);
      if (got === false) return SUCCESS;
      let earlier: string[];
      if (got === 'superseded') earlier = await state.getCarried(id);
      else {
        earlier = await takeEarlier(header.openid, id);
        // A redelivery may have taken over the claim of a replica that died before answering: carry what it took.
        if (delivery > 1) earlier = [...(await state.getCarried(id)), ...earlier];
        if (earlier.length > 0) await state.putCarried(id, earlier);
      }
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
      // Kept unclaimed: a later delivery of `id` may still answer it passively; the next message claims it.
      if (!options.customerServiceApi) return keep(openid, id, reply.messages, 'missed every delivery');
      const got = await claimAnswer(openid, id, LATE, undefined);
      // Held by the late path already (this is a retry of it): redo what the ledger has not seen go out.
      if (got === false && (await ledger.note(slot(openid, id), 0)) !== LATE) return;
      const plan = planDelivery(reply.messages, {
        customerServiceApi: true,
        maxBytes: options.maxReplyBytes,
        truncatedNote: options.notices.truncated,
      });
      const pieces = plan.passive === undefined ? [] : [plan.passive, ...plan.rest];
      // Slot 0 is ours when claimed now; on a retry of the late path it is skipped (it may have gone out).
      await viaApi(openid, id, got === false ? pieces.slice(1) : pieces, got === false ? 1 : 0, got !== false);
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
