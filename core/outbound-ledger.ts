import type { OutboundMessage } from './envelope.js';
import type { KeyValue } from './ports/kv.js';

/** The ledger key of the `seq`-th reply to an inbound message. Pure. */
export function outboundLedgerKey(message: OutboundMessage, seq: number): string | undefined {
  if (message.replyTo === undefined) return undefined;
  const c = message.conversation;
  return `outbox:{${c.channel}:${c.tenant}}:${message.replyTo}:${seq}`;
}

/**
 * At most one delivery per (inbound message id, reply number), whatever retries happen:
 * a channel claims the slot before posting and skips the post when the claim fails.
 * Messages that answer no inbound message (proactive, agent) are not deduplicated here.
 */
export class OutboundLedger {
  constructor(
    private readonly kv: KeyValue,
    private readonly ttlMs = 24 * 60 * 60 * 1000,
  ) {}

  /** True when this caller may deliver; false when that reply was already delivered (or is being delivered). */
  async claim(message: OutboundMessage, seq = 0): Promise<boolean> {
    const key = outboundLedgerKey(message, seq);
    if (key === undefined) return true;
    return this.kv.setIfAbsent(key, '1', this.ttlMs);
  }

  /** Gives a claim back after a failed delivery so a retry may try again. */
  async release(message: OutboundMessage, seq = 0): Promise<void> {
    const key = outboundLedgerKey(message, seq);
    if (key !== undefined) await this.kv.delete(key);
  }
}
