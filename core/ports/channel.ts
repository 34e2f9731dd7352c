import type { ChannelId, InboundEvent, MessagePartType, OutboundMessage, SendReceipt } from '../envelope.js';
import type { Logger } from '../logger.js';

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

/** What the core gives a channel (Bolt's `receiver.init(app)`). */
export interface ChannelHost {
  /**
   * Runs the pipeline for one inbound event. Resolves when the turn is finished
   * (replies have been passed to `send`). Never rejects for turn errors: those are handled in the pipeline.
   */
  dispatch(event: InboundEvent): Promise<void>;
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
  /** Readiness of the channel's own connections (e.g. the DingTalk stream). */
  health?(): Promise<{ ok: boolean; detail?: string }>;
}
