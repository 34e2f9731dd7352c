/**
 * An outbound ledger whose claims name the process that made them. A claim normally stops every other delivery of
 * the same reply; but a claim made by a process that has since died (kill -9 between claiming a WeChat passive reply
 * and writing it) delivered nothing the platform saw: the platform redelivers, and the redelivery may claim the
 * reply again and answer. Claims of live processes (and unnamed ones) are never taken over.
 */
import type { OutboundMessage } from '../../core/envelope.js';
import { OutboundLedger, outboundLedgerKey } from '../../core/outbound-ledger.js';
import type { KeyValue, Locks } from '../../core/ports/kv.js';
import type { Instances } from './instances.js';

const OWNER = 'owner:';

/** The owner of a claim value (`owner:<id>`, then `;<note>` when noted), if it names one. Pure. */
export function claimOwner(value: string | undefined): string | undefined {
  if (value?.startsWith(OWNER) !== true) return undefined;
  const end = value.indexOf(';');
  return value.slice(OWNER.length, end < 0 ? undefined : end);
}

export class LeasedOutboundLedger extends OutboundLedger {
  constructor(
    private readonly store: KeyValue,
    private readonly locks: Locks,
    private readonly instances: Instances,
    private readonly claimTtlMs = 24 * 60 * 60 * 1000,
  ) {
    super(store, claimTtlMs);
  }

  protected override claimValue(note: string | undefined): string {
    return `${OWNER}${this.instances.id}${note === undefined ? '' : `;${note}`}`;
  }

  override async claim(message: OutboundMessage, seq = 0, note?: string): Promise<boolean> {
    const key = outboundLedgerKey(message, seq);
    if (key === undefined) return true;
    const mine = this.claimValue(note);
    if (await this.store.setIfAbsent(key, mine, this.claimTtlMs)) return true;
    const owner = claimOwner(await this.store.get(key));
    if (owner === undefined || (await this.instances.isAlive(owner))) return false;
    const lock = await this.locks.acquire(`takeover:{${key}}`, { ttlMs: 5000, waitMs: 5000 });
    try {
      // Re-read under the lock: only one redelivery takes a dead process's claim over.
      if (claimOwner(await this.store.get(key)) !== owner) return false;
      await this.store.set(key, mine, this.claimTtlMs);
      return true;
    } finally {
      await lock.release();
    }
  }
}
