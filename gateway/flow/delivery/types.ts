/** The outbound delivery queue: agent replies, notices and proactive messages, with retries and dead letters. */
import type { ChannelId, ConversationRef, OutboundMessage, SendReceipt } from '../../../core/envelope.js';

/** Sends one message through its channel (the gateway's raw channel send). */
export type ChannelSend = (message: OutboundMessage) => Promise<SendReceipt>;

/** A message that failed every attempt. */
export interface DeadLetter {
  readonly id: string;
  readonly channel: ChannelId;
  readonly conversation: ConversationRef;
  readonly message: OutboundMessage;
  /** Attempts made, the inline one included. */
  readonly attempts: number;
  /** Epoch ms of the first attempt. */
  readonly firstAttemptAt: number;
  /** Epoch ms of the last failure. */
  readonly failedAt: number;
  /** The last error, one line, no secrets. */
  readonly error: string;
}

/** Outcomes reported to metrics. */
export type DeliveryOutcome = 'sent' | 'retried' | 'queued' | 'dead' | 'refused';

export interface DeliveryOptions {
  /** Attempts per message, the inline one included (1 = no retries). */
  readonly attempts: number;
  readonly backoffMs: number;
  readonly maxBackoffMs: number;
  /** Deliveries sent at once (BullMQ worker concurrency). */
  readonly concurrency: number;
  readonly deadLetterTtlMs: number;
}

export interface DeliveryQueue {
  readonly kind: 'in-process' | 'redis';
  /**
   * Sends now. A failure that may pass (network, platform 5xx/429) is queued for retries with exponential back-off
   * and answered with a receipt `via: "queued"`; a permanent failure (window closed, refused) is thrown as before.
   */
  send(message: OutboundMessage): Promise<SendReceipt>;
  /** Messages waiting for a retry. */
  pending(): Promise<number>;
  deadLetters(limit?: number): Promise<DeadLetter[]>;
  /** Puts a dead letter back in the queue (tried again at once); false when there is no such dead letter. */
  retryDeadLetter(id: string): Promise<boolean>;
  /** Readiness of the queue's connections. */
  health(): Promise<{ ok: boolean; detail?: string }>;
  /**
   * Graceful shutdown: no new retries are scheduled here; retries already due are attempted (in process) or left
   * in Redis for the other replicas, and sends in progress finish. Bounded by `timeoutMs`.
   */
  close(timeoutMs?: number): Promise<void>;
}

export interface DeliveryDeps {
  readonly send: ChannelSend;
  /** Told about each outcome (metrics). */
  readonly onOutcome?: (outcome: DeliveryOutcome, channel: ChannelId) => void;
}
