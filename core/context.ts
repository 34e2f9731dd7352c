import type { Clock } from './clock.js';
import type { InboundEvent, MessagePart, OutboundMessage, SendReceipt, Author } from './envelope.js';
import { conversationKey } from './envelope.js';
import type { Logger } from './logger.js';
import type { MemoryTurn } from './ports/memory.js';
import type { Understanding } from './turn.js';

/** Sends one outbound message (the channel's `send`, possibly wrapped by the gateway). */
export type SendFn = (message: OutboundMessage, signal?: AbortSignal) => Promise<SendReceipt>;

/** Outbound hook: runs around every send of this turn (botbuilder's onSendActivities). */
export type SendHook = (
  ctx: TurnContext,
  out: OutboundMessage,
  next: () => Promise<SendReceipt>,
) => Promise<SendReceipt>;

export interface TurnContextInit {
  readonly event: InboundEvent;
  readonly turnId: string;
  readonly send: SendFn;
  readonly log: Logger;
  readonly clock: Clock;
  readonly signal: AbortSignal;
}

/**
 * Everything one turn needs: the inbound event, a `reply()` that fills in the conversation,
 * outbound hooks, the per-turn logger, the memory window and what the engine understood.
 */
export class TurnContext {
  readonly event: InboundEvent;
  readonly turnId: string;
  readonly clock: Clock;
  readonly signal: AbortSignal;
  log: Logger;
  /** The memory window before this turn, oldest first (filled by the memory middleware). */
  history: readonly MemoryTurn[] = [];
  /** Set by the dialogue engine. */
  understanding: Understanding | undefined;
  /** Per-turn scratch data shared between middleware. */
  readonly state = new Map<string, unknown>();
  /** Everything sent during this turn, in order. */
  readonly sent: OutboundMessage[] = [];

  private readonly sendFn: SendFn;
  private readonly hooks: SendHook[] = [];

  constructor(init: TurnContextInit) {
    this.event = init.event;
    this.turnId = init.turnId;
    this.sendFn = init.send;
    this.log = init.log;
    this.clock = init.clock;
    this.signal = init.signal;
  }

  /** `{channel}:{tenant}:{conversation}`. */
  get conversationKey(): string {
    return conversationKey(this.event.conversation);
  }

  /** The customer's text ("" for non-message events). */
  get text(): string {
    return this.event.kind === 'message' ? this.event.text : '';
  }

  /** Registers a hook that runs around every outbound message of this turn. Hooks run in registration order. */
  onSend(hook: SendHook): this {
    this.hooks.push(hook);
    return this;
  }

  /** Replies in the conversation of the inbound event. */
  reply(
    content: string | readonly MessagePart[],
    options: { author?: Author; suggestions?: readonly string[] } = {},
  ): Promise<SendReceipt> {
    const parts: readonly MessagePart[] = typeof content === 'string' ? [{ type: 'text', text: content }] : content;
    const message: OutboundMessage = {
      conversation: this.event.conversation,
      parts,
      replyTo: this.event.id,
      author: options.author ?? { kind: 'bot' },
      ...(options.suggestions === undefined ? {} : { suggestions: options.suggestions }),
    };
    return this.send(message);
  }

  /** Sends any outbound message through the hooks. */
  send(message: OutboundMessage): Promise<SendReceipt> {
    const run = (i: number): Promise<SendReceipt> => {
      const hook = this.hooks[i];
      if (hook === undefined) {
        this.sent.push(message);
        return this.sendFn(message, this.signal);
      }
      return hook(this, message, () => run(i + 1));
    };
    return run(0);
  }
}
