import type {
  ChannelId,
  ConversationRef,
  InboundEvent,
  MessagePartType,
  OutboundMessage,
  SendReceipt,
} from '../envelope.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logger.js';
import type { TurnOutcome } from '../turn.js';

export interface ChannelCapabilities {
  /** Longest text in one message (characters or bytes per the channel's README). */
  readonly maxTextLength: number;
  readonly partTypes: readonly MessagePartType[];
  /** The platform's answer deadline, e.g. WeChat ~5000 ms, Slack ack 3000 ms. */
  readonly replyDeadlineMs?: number;
}

/** A framework-free HTTP request as a channel sees it (the gateway translates from Express). */
export interface WebhookRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>;
  /** Exact body bytes as received (signatures are computed over these). */
  readonly rawBody: Buffer;
  readonly remoteAddress?: string;
}

export interface WebhookResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body: string | Buffer;
}

/**
 * How long, and how often, the bot or an agent may still message a customer who has not written again
 * (WeChat: the 48-hour customer-service window and its message quota; DingTalk: the sessionWebhook expiry).
 */
export interface ChannelWindow {
  /** True when a message may be sent now. */
  readonly open: boolean;
  /** When the window closes (epoch ms), if known. */
  readonly expiresAt?: number;
  /** Messages that may still be sent in it, if the platform counts them. */
  readonly remaining?: number;
  /** A sentence for the agent, e.g. why it is closed. */
  readonly detail?: string;
  /**
   * Until when (epoch ms) replies can still go back through the conversation's own reply session, for channels
   * whose window outlives it (DingTalk: the sessionWebhook, used until 30 s before its `sessionWebhookExpiredTime`;
   * after that messages go through the OpenAPI). Absent when there is none or it has passed.
   */
  readonly sessionReplyUntil?: number;
}

/** What the core gives a channel (Bolt's `receiver.init(app)`). */
export interface ChannelHost {
  /**
   * Runs the pipeline for one inbound event. Resolves when the turn is finished
   * (its replies have been passed to `send`), with how it ended. Turn errors are handled in the
   * pipeline (the customer gets an apology); it rejects only when the event could not be taken at
   * all (e.g. the state store is down) — then the channel must not acknowledge it to the platform.
   */
  dispatch(event: InboundEvent): Promise<TurnOutcome>;
  readonly log: Logger;
}

/** A chat platform adapter. */
export interface Channel {
  readonly id: ChannelId;
  readonly capabilities: ChannelCapabilities;
  /** Opens connections (DingTalk Stream); webhook channels just keep the host. */
  start(host: ChannelHost): Promise<void>;
  stop(): Promise<void>;
  /** Delivers a message (bot reply, agent reply or proactive message). */
  send(message: OutboundMessage, signal?: AbortSignal): Promise<SendReceipt>;
  /** Webhook channels: the path they are mounted at and the handler. */
  readonly webhook?: {
    readonly path: string;
    /** Largest accepted body in bytes. */
    readonly bodyLimit: number;
    handle(req: WebhookRequest): Promise<WebhookResponse>;
  };
  /**
   * Channels built on an SDK receiver (Slack's Bolt ExpressReceiver) mount a plain Node HTTP handler
   * instead of `webhook`; the gateway mounts it before any body parser.
   */
  readonly httpHandler?: {
    readonly path: string;
    handle(req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void): void;
  };
  /** Readiness of the channel's own connections (e.g. the DingTalk stream). */
  health?(): Promise<{ ok: boolean; detail?: string }>;
  /** The messaging window of a conversation, for channels that have one (undefined: no limit known). */
  window?(conversation: ConversationRef): Promise<ChannelWindow | undefined>;
}
