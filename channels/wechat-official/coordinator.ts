/**
 * WeChat's 5-second rule. WeChat waits 5 s for the HTTP answer to a push; without one it drops the
 * connection and delivers the same MsgId again (3 deliveries in all, ~5 s apart); `success` (or an empty
 * body) tells it to stop. So:
 * 1. the first delivery starts the turn (`host.dispatch`); every delivery waits for it up to
 *    `passiveReplyBudgetMs` (4.5 s) and, if the turn finished, answers with the passive reply;
 * 2. otherwise, with the customer-service API on, it answers `success` and the answer goes through the API;
 * 3. without it, deliveries before the last stay silent past 5 s (so WeChat retries) and later deliveries of
 *    the same MsgId wait on the same in-flight turn (in process: a deferred per delivery; on another replica:
 *    the finished reply in KeyValue); the last one answers `success` and the answer is kept for the user's
 *    next message.
 * A MsgId never runs two turns: one in-process record per id, and the pipeline's dedupe across replicas.
 * A `success` that acknowledges a push before its answer went out records the answer as owed (`obligations.ts`),
 * durably before the acknowledgement, and `recover` delivers what is owed even when the turn ran, or died, on
 * another replica.
 * @see https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Passive_user_reply_message.html
 */
import type { Clock } from '../../core/clock.js';
import type { InboundEvent, OutboundMessage, SendReceipt } from '../../core/envelope.js';
import { describeError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { ChannelHost } from '../../core/ports/channel.js';
import type { Metrics } from '../../core/ports/metrics.js';
import type { TurnOutcome } from '../../core/turn.js';
import type { DeliveryState, StoredReply } from './delivery-state.js';
import { SUCCESS, type Deliverer, type PushAnswer } from './deliver.js';
import type { PushHeader } from './inbound.js';
import type { Obligations, OwedAnswer } from './obligations.js';
import { toWechatMessages } from './outbound.js';

export interface CoordinatorOptions {
  readonly customerServiceApi: boolean;
  readonly passiveReplyBudgetMs: number;
  readonly maxDeliveries: number;
  /** Hand offs become transfer_customer_service passive replies. */
  readonly transferHandoffs: boolean;
  /** A silent delivery answers after this long (past WeChat's 5 s, so it has retried). */
  readonly holdMs?: number;
  /** How often a delivery whose turn runs on another replica looks for its reply. */
  readonly pollMs?: number;
}

/** Whether a message's turn is running on a live replica (the gateway's turn leases, with replicas sharing a store). */
export interface TurnLeases {
  /** True while the turn of `event` runs under a lease its replica keeps renewing (a dead replica's lapses in ~3 s). */
  running(event: InboundEvent): Promise<boolean>;
}

export interface CoordinatorDeps {
  readonly state: DeliveryState;
  readonly deliverer: Deliverer;
  readonly clock: Clock;
  readonly log: Logger;
  readonly host: () => ChannelHost | undefined;
  readonly obligations: Obligations;
  /** Counts `channel.passive_deadline_missed` (a delivery whose budget passed before its turn finished). */
  readonly metrics?: Metrics;
  /** Without it, `recover` dispatches an owed answer's turn whatever runs elsewhere (a duplicate while it runs). */
  readonly leases?: TurnLeases;
}

type Wake = 'deliver' | 'other' | 'settled';

/** Abort reason for a sleep that is no longer needed (a plain value: no DOMException and stack per request). */
const NO_LONGER_NEEDED = 'no longer needed';
interface Waiter {
  readonly deadline: number;
  readonly wake: (why: Wake) => void;
}
type TurnResult =
  | { readonly kind: 'done'; readonly reply: StoredReply }
  /** Another replica (or an earlier process) took this id: its reply arrives in KeyValue. */
  | { readonly kind: 'remote' }
  | { readonly kind: 'error'; readonly detail: string };
interface TurnRecord {
  readonly header: PushHeader;
  readonly replies: OutboundMessage[];
  readonly waiters: Set<Waiter>;
  result: TurnResult | undefined;
}

export interface Coordinator {
  /** Answers one delivery of a push that runs a turn (`arrivedAt`: epoch ms). */
  answer(header: PushHeader, event: InboundEvent, arrivedAt: number): Promise<PushAnswer>;
  /** The channel's `send`: collects a turn's replies, delivers anything else. */
  send(message: OutboundMessage): Promise<SendReceipt>;
  /**
   * Delivers an owed answer: the stored reply when its turn finished anywhere, else runs its turn here (the
   * pipeline takes over a turn whose replica died, or reports the recorded outcome of a finished one); a turn still
   * running on a live replica (known from `leases`) is left for the next call, not dispatched.
   */
  recover(owed: OwedAnswer): Promise<void>;
  /** Turns running in this process. */
  readonly inFlight: number;
  /** Ends every waiting delivery now (they answer `success`). */
  stop(): void;
}

export function createCoordinator(options: CoordinatorOptions, deps: CoordinatorDeps): Coordinator {
  const holdMs = options.holdMs ?? 5_500;
  const pollMs = options.pollMs ?? 250;
  const turns = new Map<string, TurnRecord>();
  const { clock, log, state, deliverer } = deps;

  const sleeping = new Set<AbortController>();
  let stopped = false;
  /** Sleeps until `until` (epoch ms), or until `cancel` aborts or the coordinator stops; never rejects. */
  const sleepUntil = async (until: number, cancel = new AbortController()): Promise<void> => {
    const ms = until - clock.now();
    if (ms <= 0 || stopped) return;
    sleeping.add(cancel);
    try {
      await clock.sleep(ms, cancel.signal).catch(() => undefined);
    } finally {
      sleeping.delete(cancel);
    }
  };

  const settle = (id: string, turn: TurnRecord, outcome: TurnOutcome | undefined, error?: unknown): void => {
    if (outcome === undefined) {
      log.error({ id, err: describeError(error) }, 'WeChat push could not be dispatched');
      turn.result = { kind: 'error', detail: describeError(error) };
    } else if (outcome.status === 'duplicate' && outcome.original === undefined) {
      turn.result = { kind: 'remote' };
    } else {
      // A duplicate with the original turn's record: that turn finished (maybe on a replica that died since).
      const original = outcome.original;
      const replies =
        original === undefined
          ? turn.replies
          : original.replies.filter((m) => m.replyTo === id && m.conversation.conversation === turn.header.openid);
      const handoff = (original ?? outcome).understanding?.handoff === true;
      const transfer = options.transferHandoffs && handoff;
      turn.result = { kind: 'done', reply: { messages: toWechatMessages(replies), transfer } };
    }
    const result = turn.result;
    if (result.kind !== 'done') {
      for (const w of turn.waiters) w.wake('settled');
      turn.waiters.clear();
      turns.delete(id);
      return;
    }
    // WeChat only listens to its latest delivery: the most recent one still inside its budget answers.
    const now = clock.now();
    let pick: Waiter | undefined;
    for (const w of turn.waiters) if (now < w.deadline && (pick === undefined || w.deadline > pick.deadline)) pick = w;
    for (const w of turn.waiters) w.wake(w === pick ? 'deliver' : 'other');
    turn.waiters.clear();
    const hasAnswer = result.reply.messages.length > 0 || result.reply.transfer;
    const persist = async () => {
      try {
        // Stored even when empty: a retry on any replica then answers at once instead of waiting.
        await state.putReply(id, result.reply);
        if (pick === undefined) {
          if (hasAnswer) await deliverer.late(turn.header.openid, id, result.reply);
          deps.obligations.discharge(id);
        }
      } catch (e: unknown) {
        log.error({ id, err: describeError(e) }, 'a finished WeChat answer could not be stored or delivered');
      } finally {
        turns.delete(id);
      }
    };
    void persist();
  };

  const start = (id: string, header: PushHeader, event: InboundEvent): TurnRecord => {
    const turn: TurnRecord = { header, replies: [], waiters: new Set(), result: undefined };
    turns.set(id, turn);
    const host = deps.host();
    if (host === undefined) {
      settle(id, turn, undefined, new Error('the channel is not started'));
      return turn;
    }
    host.dispatch(event).then(
      (outcome) => settle(id, turn, outcome),
      (error: unknown) => settle(id, turn, undefined, error),
    );
    return turn;
  };

  /** A passive reply; once one is given, what an earlier delivery left owed is void (WeChat listens to this one). */
  const passive = async (header: PushHeader, id: string, reply: StoredReply, delivery: number) => {
    const answer = await deliverer.passive(header, id, reply, delivery);
    if (answer.kind === 'reply') deps.obligations.discharge(id);
    return answer;
  };

  /**
   * No passive reply from this delivery: decide whether WeChat should retry. Every `success` without the answer
   * first records it as owed, so it is delivered even if this process dies right after.
   */
  const giveUp = async (owed: OwedAnswer, delivery: number, arrivedAt: number): Promise<PushAnswer> => {
    // API on: the answer goes through the API when ready. Off: stay silent so WeChat retries, then (WeChat has
    // hung up by then, or this is the last delivery) the answer waits for the user's next message.
    if (!options.customerServiceApi && delivery < options.maxDeliveries) await sleepUntil(arrivedAt + holdMs);
    await deps.obligations.owe(owed);
    return SUCCESS;
  };

  const waitFor = async (
    owed: OwedAnswer,
    turn: TurnRecord,
    delivery: number,
    arrivedAt: number,
  ): Promise<PushAnswer> => {
    const id = owed.id;
    const deadline = arrivedAt + options.passiveReplyBudgetMs;
    let why: Wake | 'timeout' = 'settled';
    if (turn.result === undefined) {
      const cancel = new AbortController();
      why = await new Promise<Wake | 'timeout'>((resolve) => {
        const waiter: Waiter = { deadline, wake: resolve };
        turn.waiters.add(waiter);
        void sleepUntil(deadline, cancel).then(() => {
          turn.waiters.delete(waiter);
          resolve('timeout');
        });
      });
      cancel.abort(NO_LONGER_NEEDED);
    }
    const result = turn.result;
    if (why === 'timeout') deps.metrics?.increment('channel.passive_deadline_missed', { channel: 'wechat_official' });
    if (why === 'timeout' || why === 'other' || result === undefined) {
      return why === 'other' ? SUCCESS : giveUp(owed, delivery, arrivedAt);
    }
    switch (result.kind) {
      case 'error':
        return { kind: 'unavailable', detail: result.detail };
      case 'done':
        // 'settled' here means the turn had finished before this delivery arrived.
        return passive(turn.header, id, result.reply, delivery);
      case 'remote': {
        for (;;) {
          const stored = await state.getReply(id);
          if (stored !== undefined) return passive(turn.header, id, stored, delivery);
          if (clock.now() + pollMs >= deadline || stopped) return giveUp(owed, delivery, arrivedAt);
          await sleepUntil(clock.now() + pollMs);
        }
      }
    }
  };

  return {
    get inFlight() {
      return turns.size;
    },
    stop() {
      stopped = true;
      for (const c of sleeping) c.abort(NO_LONGER_NEEDED);
      sleeping.clear();
    },
    async answer(header, event, arrivedAt) {
      const id = event.id;
      const delivery = await state.countDelivery(id);
      let turn = turns.get(id);
      if (turn === undefined) {
        // Only a redelivery can find a finished reply (stored by whichever replica ran the turn).
        const stored = delivery > 1 ? await state.getReply(id) : undefined;
        if (stored !== undefined) return passive(header, id, stored, delivery);
        turn = turns.get(id) ?? start(id, header, event);
      }
      return waitFor({ id, header, event, since: clock.now() }, turn, delivery, arrivedAt);
    },
    async recover(owed) {
      if (turns.has(owed.id)) return; // running here: its end delivers it
      const stored = await state.getReply(owed.id);
      if (stored === undefined) {
        // Running on a live replica: dispatching it would only be a duplicate. It stores the reply when it ends
        // (delivered from there on a later call), or its lease lapses and the dispatch takes the turn over.
        if ((await deps.leases?.running(owed.event)) === true) {
          log.debug({ id: owed.id }, 'owed WeChat answer: its turn runs on a live replica');
          return;
        }
        start(owed.id, owed.header, owed.event);
        return;
      }
      if (stored.messages.length > 0 || stored.transfer) await deliverer.late(owed.header.openid, owed.id, stored);
      deps.obligations.discharge(owed.id);
    },
    async send(message) {
      const turn = message.replyTo === undefined ? undefined : turns.get(message.replyTo);
      if (turn !== undefined && turn.result === undefined && turn.header.openid === message.conversation.conversation) {
        turn.replies.push(message); // delivered when the turn ends: passive reply, API or next message
        return { sentAt: clock.now(), via: 'passive' };
      }
      const via = await deliverer.outOfTurn(message, toWechatMessages([message]));
      return { sentAt: clock.now(), via };
    },
  };
}
