/**
 * The KeyValue state behind WeChat's 5-second rule, shared by every replica:
 * - finished replies by MsgId, so a retry landing on another replica can answer with them;
 * - the delivery count of a MsgId (WeChat delivers a message up to 3 times, ~5 s apart);
 * - answers that missed every delivery, kept per user for their next message (`pending`);
 * - a handoff to WeChat's customer-service system that missed its passive reply.
 * Keys carry `{wechat_official:<appId>}` as a Redis cluster hash tag.
 */
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import type { KeyValue, Locks } from '../../core/ports/kv.js';
import type { WechatMessage } from './outbound.js';
import { parseJsonList } from './json-list.js';

/** A finished turn's answer. */
export interface StoredReply {
  readonly messages: readonly WechatMessage[];
  /** Hand the user to WeChat's customer-service system (transfer_customer_service). */
  readonly transfer: boolean;
}

/** An answer waiting for the user's next message. */
export interface PendingEntry {
  /** Inbound id it answers (`<MsgId>#<n>` for the rest of a partly delivered answer). */
  readonly id: string;
  readonly texts: readonly string[];
  /** Epoch ms when it was kept. */
  readonly at: number;
}

export interface DeliveryStateOptions {
  readonly appId: string;
  /** How long a finished reply stays available to retries. */
  readonly replyTtlMs: number;
  /** How long a pending answer waits for the next message. */
  readonly pendingTtlMs: number;
  readonly maxDeliveries: number;
  /** The least time between two deliveries of a MsgId for the later one to be WeChat's retry (default 2 s). */
  readonly retryGapMs?: number;
}

export interface DeliveryState {
  putReply(id: string, reply: StoredReply): Promise<void>;
  getReply(id: string): Promise<StoredReply | undefined>;
  /** The 1-based delivery number of this push of `id` (maxDeliveries + 1 beyond the last). */
  countDelivery(id: string): Promise<number>;
  /**
   * True when delivery `earlier` of `id` is known to have failed: a later delivery was counted at least
   * `retryGapMs` after it (WeChat delivers again only after it gave up on the previous delivery, about 5 s;
   * deliveries closer together are not WeChat's retries, e.g. the same push sent to two replicas at once).
   * `later` is that delivery's number, or undefined for the latest one counted.
   */
  supersedes(id: string, earlier: number, later: number | undefined): Promise<boolean>;
  /** Remembers the kept answers a passive reply to `id` carried, so that answering it again carries them too. */
  putCarried(id: string, texts: readonly string[]): Promise<void>;
  getCarried(id: string): Promise<string[]>;
  /** Keeps an answer for the user's next message; throws when it could not be stored (the caller retries). */
  addPending(openid: string, entry: PendingEntry): Promise<void>;
  /**
   * Removes every pending answer of `openid` and returns, oldest first, those `claim` grants
   * (the outbound ledger: an answer a late retry delivered meanwhile is skipped). `exceptId` is dropped unclaimed.
   */
  takePending(openid: string, exceptId: string, claim: (id: string) => Promise<boolean>): Promise<string[]>;
  setTransfer(openid: string): Promise<void>;
  /** True (once) when a transfer to WeChat's customer service is owed to this user. */
  takeTransfer(openid: string): Promise<boolean>;
}

export function createDeliveryState(
  options: DeliveryStateOptions,
  deps: { kv: KeyValue; locks: Locks; clock: Clock; log: Logger },
): DeliveryState {
  const tag = `{wechat_official:${options.appId}}`;
  const replyKey = (id: string) => `wechat:reply:${tag}:${id}`;
  const pendingKey = (openid: string) => `wechat:pending:${tag}:${openid}`;
  const transferKey = (openid: string) => `wechat:transfer:${tag}:${openid}`;
  const deliveryKey = (id: string, n: number) => `wechat:delivery:${tag}:${id}:${n}`;
  const carriedKey = (id: string) => `wechat:carried:${tag}:${id}`;
  const { kv } = deps;

  const readPending = async (openid: string): Promise<PendingEntry[]> =>
    parseJsonList<PendingEntry>(await kv.get(pendingKey(openid)));

  /** Runs `fn` holding the user's pending lock; undefined when the lock could not be had in time (`strict`: throws). */
  const withPendingLock = async <T>(openid: string, fn: () => Promise<T>, strict = false): Promise<T | undefined> => {
    let handle;
    try {
      handle = await deps.locks.acquire(`lock:wechat-pending:${tag}:${openid}`, { ttlMs: 10_000, waitMs: 2_000 });
    } catch (error: unknown) {
      deps.log.warn(
        { err: error instanceof Error ? error.message : String(error) },
        'pending-answer lock not acquired',
      );
      if (strict) throw error;
      return undefined;
    }
    try {
      return await fn();
    } finally {
      await handle.release();
    }
  };

  return {
    async putReply(id, reply) {
      await kv.set(replyKey(id), JSON.stringify(reply), options.replyTtlMs);
    },
    async getReply(id) {
      const raw = await kv.get(replyKey(id));
      if (raw === undefined) return undefined;
      try {
        return JSON.parse(raw) as StoredReply;
      } catch {
        return undefined;
      }
    },
    async countDelivery(id) {
      for (let n = 1; n <= options.maxDeliveries; n++) {
        if (await kv.setIfAbsent(deliveryKey(id, n), String(deps.clock.now()), options.replyTtlMs)) return n;
      }
      return options.maxDeliveries + 1;
    },
    async supersedes(id, earlier, later) {
      /** When delivery `n` was counted (0 for a value without a time). */
      const at = async (n: number) => {
        const raw = await kv.get(deliveryKey(id, n));
        return raw === undefined ? undefined : Number(raw) || 0;
      };
      let n = later;
      if (n === undefined) {
        for (let m = options.maxDeliveries; m > earlier && n === undefined; m--) if ((await at(m)) !== undefined) n = m;
      }
      if (n === undefined || n <= earlier) return false;
      const [from, to] = [await at(earlier), await at(n)];
      return from !== undefined && to !== undefined && to - from >= (options.retryGapMs ?? 2_000);
    },
    async putCarried(id, texts) {
      await kv.set(carriedKey(id), JSON.stringify(texts), options.replyTtlMs);
    },
    async getCarried(id) {
      return parseJsonList<unknown>(await kv.get(carriedKey(id))).filter((t): t is string => typeof t === 'string');
    },
    async addPending(openid, entry) {
      // Strict: an answer that cannot be kept now is not dropped; the caller's owed answer is retried.
      await withPendingLock(
        openid,
        async () => {
          const list = (await readPending(openid)).filter((e) => e.id !== entry.id);
          list.push(entry);
          await kv.set(pendingKey(openid), JSON.stringify(list), options.pendingTtlMs);
        },
        true,
      );
    },
    async takePending(openid, exceptId, claim) {
      // Cheap path for the common case: nothing pending, no lock.
      if ((await kv.get(pendingKey(openid))) === undefined) return [];
      const texts = await withPendingLock(openid, async () => {
        const list = await readPending(openid);
        await kv.delete(pendingKey(openid));
        const out: string[] = [];
        for (const entry of list.sort((a, b) => a.at - b.at)) {
          if (entry.id !== exceptId && (await claim(entry.id))) out.push(...entry.texts);
        }
        return out;
      });
      return texts ?? [];
    },
    async setTransfer(openid) {
      await kv.set(transferKey(openid), '1', 60 * 60 * 1000);
    },
    async takeTransfer(openid) {
      if ((await kv.get(transferKey(openid))) === undefined) return false;
      await kv.delete(transferKey(openid));
      return true;
    },
  };
}
