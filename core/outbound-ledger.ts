import type { OutboundMessage } from './envelope.js';
import type { KeyValue } from './ports/kv.js';

/** The ledger key of the `seq`-th reply to an inbound message. Pure. */
export function outboundLedgerKey(message: OutboundMessage, seq: number): string | undefined {
  if (message.replyTo === undefined) return undefined;
  const c = message.conversation;
  return `outbox:{${c.channel}:${c.tenant}}:${message.replyTo}:${seq}`;
}

/** Separates a claim's holder part from its note in the stored value. */
const NOTE = ';';

/** The note of a claim value (what the claimer said about how the reply goes out), if any. Pure. */
export function claimNote(value: string | undefined): string | undefined {
  const at = value?.indexOf(NOTE) ?? -1;
  return value === undefined || at < 0 ? undefined : value.slice(at + 1);
}

/**
 * At most one delivery per (inbound message id, reply number), whatever retries happen:
 * a channel claims the slot before posting and skips the post when the claim fails.
 * Messages that answer no inbound message (proactive, agent) are not deduplicated here.
 * A claim may carry a note (e.g. which platform delivery carried the reply), so that a claimer who later learns
 * that this delivery never reached the user can `supersede` it, once.
 */
export class OutboundLedger {
  constructor(
    private readonly kv: KeyValue,
    private readonly ttlMs = 24 * 60 * 60 * 1000,
  ) {}

  /** The stored value of a claim made by this ledger with `note`. */
  protected claimValue(note: string | undefined): string {
    return note === undefined ? '1' : `1${NOTE}${note}`;
  }

  /** True when this caller may deliver; false when that reply was already delivered (or is being delivered). */
  async claim(message: OutboundMessage, seq = 0, note?: string): Promise<boolean> {
    const key = outboundLedgerKey(message, seq);
    if (key === undefined) return true;
    return this.kv.setIfAbsent(key, this.claimValue(note), this.ttlMs);
  }

  /** The note of the current claim of that reply (undefined when unclaimed or claimed without one). */
  async note(message: OutboundMessage, seq = 0): Promise<string | undefined> {
    const key = outboundLedgerKey(message, seq);
    return key === undefined ? undefined : claimNote(await this.kv.get(key));
  }

  /**
   * Takes over the claim noted `voided` (a delivery known to have failed, e.g. a passive reply the platform never
   * received since it delivered the message again): true for exactly one caller per voided claim.
   */
  async supersede(message: OutboundMessage, seq: number, voided: string, note: string): Promise<boolean> {
    const key = outboundLedgerKey(message, seq);
    if (key === undefined) return true;
    if (claimNote(await this.kv.get(key)) !== voided) return false;
    if (!(await this.kv.setIfAbsent(`${key}${NOTE}void${NOTE}${voided}`, '1', this.ttlMs))) return false;
    await this.kv.set(key, this.claimValue(note), this.ttlMs);
    return true;
  }

  /** Gives a claim back after a failed delivery so a retry may try again. */
  async release(message: OutboundMessage, seq = 0): Promise<void> {
    const key = outboundLedgerKey(message, seq);
    if (key !== undefined) await this.kv.delete(key);
  }
}
