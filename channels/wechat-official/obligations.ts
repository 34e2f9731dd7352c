/**
 * Answers owed to WeChat users. A delivery acknowledged with `success` before its answer went out leaves an
 * obligation: WeChat will not deliver that message again, so the answer must still arrive (customer-service API,
 * or kept for the user's next message) even if this process dies (kill -9) before it has it.
 * Each process keeps its obligations in memory and, when replicas share the store (a `liveness` port is given),
 * durably under `wechat:owed:{tag}:<process>` (written before the acknowledgement); the processes that owe
 * anything are listed in `wechat:owers:{tag}`. Another process adopts the obligations of one whose liveness
 * lapsed; its recovery loop (`recovery.ts`) then delivers them.
 */
import type { InboundEvent } from '../../core/envelope.js';
import { describeError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { KeyValue, Locks } from '../../core/ports/kv.js';
import type { PushHeader } from './inbound.js';
import { parseJsonList } from './json-list.js';

/** An answer owed to a user: what is needed to run (or look up) its turn again and deliver it. */
export interface OwedAnswer {
  /** The push id (MsgId). */
  readonly id: string;
  readonly header: PushHeader;
  readonly event: InboundEvent;
  /** Epoch ms when it was owed. */
  readonly since: number;
}

/** Which processes are alive (the gateway's instance registry). */
export interface Liveness {
  /** This process. */
  readonly id: string;
  isAlive(id: string): Promise<boolean>;
}

export interface Obligations {
  /** Records `answer` as owed; resolves once it is stored durably (rejects when it could not be). */
  owe(answer: OwedAnswer): Promise<void>;
  /** The answer was delivered or kept: forget it. */
  discharge(id: string): void;
  /** What this process owes now. */
  owned(): readonly OwedAnswer[];
  /** Adopts the obligations of processes that are gone (no-op without liveness). */
  adoptOrphans(): Promise<void>;
  /** Resolves when every change so far is stored. */
  flush(): Promise<void>;
}

const TTL_MS = 24 * 60 * 60 * 1000;

export function createObligations(
  options: { readonly appId: string },
  deps: { kv: KeyValue; locks: Locks; log: Logger; liveness: Liveness | undefined },
): Obligations {
  const { kv, locks, log, liveness } = deps;
  const tag = `{wechat_official:${options.appId}}`;
  const listKey = (owner: string) => `wechat:owed:${tag}:${owner}`;
  const owersKey = `wechat:owers:${tag}`;
  const entries = new Map<string, OwedAnswer>();
  let registered = false;
  let registering: Promise<void> | undefined;

  // Coalesced writes of this process's list: each change resolves once a write that includes it has landed.
  let version = 0;
  let written = 0;
  let chain: Promise<void> = Promise.resolve();
  const save = (): Promise<void> => {
    if (liveness === undefined) return Promise.resolve();
    const target = ++version;
    const run = async (): Promise<void> => {
      if (written >= target) return;
      const at = version;
      const list = [...entries.values()];
      if (list.length === 0) await kv.delete(listKey(liveness.id));
      else await kv.set(listKey(liveness.id), JSON.stringify(list), TTL_MS);
      written = Math.max(written, at);
    };
    const next = chain.then(run, run);
    chain = next.catch(() => undefined);
    return next;
  };

  /** Read-modify-write of the list of owing processes, under its lock. */
  const updateOwers = async (change: (owers: string[]) => string[]): Promise<void> => {
    const lock = await locks.acquire(`wechat-owers:${tag}`, { ttlMs: 5_000, waitMs: 5_000 });
    try {
      const owers = change(parseJsonList<string>(await kv.get(owersKey)));
      if (owers.length === 0) await kv.delete(owersKey);
      else await kv.set(owersKey, JSON.stringify(owers), TTL_MS);
    } finally {
      await lock.release();
    }
  };
  /** Lists this process among the owing ones (once; concurrent callers share the attempt). */
  const register = (self: string): Promise<void> => {
    if (registered) return Promise.resolve();
    registering ??= updateOwers((owers) => (owers.includes(self) ? owers : [...owers, self]))
      .then(() => {
        registered = true;
      })
      .finally(() => (registering = undefined));
    return registering;
  };

  const adopt = async (owner: string): Promise<void> => {
    let lock;
    try {
      lock = await locks.acquire(`wechat-adopt:${tag}:${owner}`, { ttlMs: 10_000, waitMs: 0 });
    } catch {
      return; // another process is adopting them
    }
    try {
      const theirs = parseJsonList<OwedAnswer>(await kv.get(listKey(owner)));
      if (theirs.length > 0) {
        for (const answer of theirs) if (!entries.has(answer.id)) entries.set(answer.id, answer);
        await save(); // ours before theirs is removed: a crash now leaves them owed twice, never lost
        if (liveness !== undefined) await register(liveness.id);
        log.warn({ owner, answers: theirs.length }, 'adopting the answers owed by a WeChat replica that stopped');
      }
      await kv.delete(listKey(owner));
      await updateOwers((owers) => owers.filter((o) => o !== owner));
    } finally {
      await lock.release();
    }
  };

  return {
    async owe(answer) {
      if (!entries.has(answer.id)) entries.set(answer.id, answer);
      await save();
      if (liveness !== undefined) await register(liveness.id);
    },
    discharge(id) {
      if (!entries.delete(id)) return;
      save().catch((error: unknown) =>
        log.warn({ id, err: describeError(error) }, 'owed WeChat answers not updated; retried with the next change'),
      );
    },
    owned: () => [...entries.values()],
    async adoptOrphans() {
      if (liveness === undefined) return;
      const owers = parseJsonList<string>(await kv.get(owersKey));
      if (!owers.includes(liveness.id)) {
        // Not listed yet (listed ahead of the first acknowledgement), or removed meanwhile (our liveness lapsed).
        registered = false;
        await register(liveness.id);
      }
      for (const owner of owers) {
        if (owner !== liveness.id && !(await liveness.isAlive(owner))) await adopt(owner);
      }
    },
    flush: () => save(),
  };
}
