/**
 * Test helpers for the DingTalk channel: a tiny in-process conversation memory, a scripted host built on core's real
 * dispatcher and pipeline pieces, a loopback fake of DingTalk's HTTP APIs, and a capturing logger for "no secret in
 * logs" checks. KeyValue and Locks are memory/'s in-process stores (see test/helpers/faulty-kv.ts for faults).
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventEmitter } from 'node:events';
import type { Clock } from '../../../../core/clock.js';
import type { TurnContext } from '../../../../core/context.js';
import { createDispatcher } from '../../../../core/dispatcher.js';
import type { InboundMessage } from '../../../../core/envelope.js';
import type { Logger } from '../../../../core/logger.js';
import { compose } from '../../../../core/middleware.js';
import { dedupe } from '../../../../core/pipeline/dedupe.js';
import { dialogue } from '../../../../core/pipeline/dialogue.js';
import { errorBoundary } from '../../../../core/pipeline/error-boundary.js';
import { memory } from '../../../../core/pipeline/memory.js';
import { sequentialize } from '../../../../core/pipeline/sequentialize.js';
import type { Channel, ChannelHost, WebhookRequest } from '../../../../core/ports/channel.js';
import type { KeyValue, Locks } from '../../../../core/ports/kv.js';
import type { ConversationMemory, MemoryTurn, TurnReply } from '../../../../core/ports/memory.js';
import type { TurnOutcome } from '../../../../core/turn.js';
import { computeDingTalkSign } from '../../../../channels/dingtalk/signature.js';

export const FIXTURES = new URL('../../../fixtures/dingtalk/', import.meta.url);

/** A fixture JSON as an object. */
export function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as Record<string, unknown>;
}

/** In-process conversation memory (last 5 turns). */
export class MemoryStore implements ConversationMemory {
  readonly turns = new Map<string, MemoryTurn[]>();
  recent(key: string): Promise<MemoryTurn[]> {
    return Promise.resolve([...(this.turns.get(key) ?? [])]);
  }
  appendTurn(key: string, turn: MemoryTurn): Promise<void> {
    this.turns.set(key, [...(this.turns.get(key) ?? []), turn].slice(-5));
    return Promise.resolve();
  }
  addReply(_key: string, _turnId: string, _reply: TurnReply): Promise<void> {
    return Promise.resolve();
  }
  clear(key: string): Promise<void> {
    this.turns.delete(key);
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** A logger that records every call (to check that no secret is ever logged). */
export function captureLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const make = (bindings: Record<string, unknown>): Logger => {
    const record =
      (level: string) =>
      (a: object | string, b?: string): void => {
        lines.push(JSON.stringify({ level, bindings, a, b }));
      };
    return {
      debug: record('debug'),
      info: record('info'),
      warn: record('warn'),
      error: record('error'),
      child: (more) => make({ ...bindings, ...more }),
    };
  };
  return Object.assign(make({}), { lines });
}

/** A host on core's real dispatcher: dedupe -> sequentialize -> memory -> a scripted engine ("echo: <text>"). */
export function createTestHost(
  channel: Channel,
  deps: {
    kv: KeyValue;
    locks: Locks;
    clock: Clock;
    log: Logger;
    reply?: (m: InboundMessage) => string;
    /** Awaited before the engine answers (e.g. "the platform has received the ack"). */
    gate?: () => Promise<void>;
  },
): ChannelHost & { seen: InboundMessage[]; outcomes: TurnOutcome[] } {
  const seen: InboundMessage[] = [];
  const outcomes: TurnOutcome[] = [];
  const engine = {
    ready: () => true,
    respond: async (request: { message: InboundMessage }) => {
      seen.push(request.message);
      await deps.gate?.();
      const text = deps.reply?.(request.message) ?? `echo: ${request.message.text}`;
      return Promise.resolve({
        reply: [{ type: 'text' as const, text }],
        understanding: { intent: 'echo', confidence: 1, handoff: false, sources: [] },
      });
    },
  };
  const pipeline = compose<TurnContext>(
    errorBoundary({ apology: () => 'sorry' }),
    dedupe(deps.kv, { ttlMs: 10 * 60_000 }),
    sequentialize(deps.locks, { lockTtlMs: 30_000, waitMs: 10_000 }),
    memory(new MemoryStore()),
    dialogue(engine),
  );
  const dispatch = createDispatcher({
    pipeline,
    clock: deps.clock,
    log: deps.log,
    sendFor: () => (message, signal) => channel.send(message, signal),
  });
  return {
    log: deps.log,
    seen,
    outcomes,
    dispatch: async (event) => {
      const outcome = await dispatch(event);
      outcomes.push(outcome);
      return outcome;
    },
  };
}

/** A signed HTTP-mode callback as the gateway would hand it to the channel. */
export function signedRequest(
  body: unknown,
  opts: { appSecret: string; timestamp: number; sign?: string; path?: string },
): WebhookRequest {
  const timestamp = String(opts.timestamp);
  return {
    method: 'POST',
    path: opts.path ?? '/dingtalk',
    query: {},
    headers: {
      'content-type': 'application/json; charset=utf-8',
      timestamp,
      sign: opts.sign ?? computeDingTalkSign(timestamp, opts.appSecret),
    },
    rawBody: Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
    remoteAddress: '127.0.0.1',
  };
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly url: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: unknown;
}

/**
 * A loopback fake of DingTalk's HTTP side: sessionWebhook (`/robot/sendBySession`), the OpenAPI
 * (`/v1.0/oauth2/accessToken`, robot sends), the custom robot (`/robot/send`) and the stream gateway
 * (`/v1.0/gateway/connections/open`). Answers with DingTalk's wire shapes; `respond` overrides per path.
 */
export class FakeDingTalk extends EventEmitter {
  readonly requests: RecordedRequest[] = [];
  tokensIssued = 0;
  respond: (req: RecordedRequest) => { status: number; body: unknown } | undefined = () => undefined;
  private server: Server | undefined;
  port = 0;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void this.onRequest(req).then(({ status, body }) => {
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /** Requests to `path` so far. */
  to(path: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  /** Resolves with the n-th (1-based) request to `path`. */
  waitFor(path: string, count = 1): Promise<RecordedRequest> {
    return new Promise((resolve) => {
      const check = (): boolean => {
        const hits = this.to(path);
        const hit = hits[count - 1];
        if (hit !== undefined) {
          this.off('request', check);
          resolve(hit);
          return true;
        }
        return false;
      };
      if (!check()) this.on('request', check);
    });
  }

  private async onRequest(req: IncomingMessage): Promise<{ status: number; body: unknown }> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', this.base);
    const recorded: RecordedRequest = {
      method: req.method ?? '',
      path: url.pathname,
      url: req.url ?? '',
      headers: req.headers,
      body: text === '' ? undefined : (JSON.parse(text) as unknown),
    };
    this.requests.push(recorded);
    const answer = this.respond(recorded) ?? this.defaultAnswer(recorded);
    queueMicrotask(() => this.emit('request', recorded));
    return answer;
  }

  private defaultAnswer(req: RecordedRequest): { status: number; body: unknown } {
    switch (req.path) {
      case '/v1.0/oauth2/accessToken':
        this.tokensIssued++;
        return { status: 200, body: { accessToken: `token-${this.tokensIssued}`, expireIn: 7200 } };
      case '/v1.0/robot/oToMessages/batchSend':
        return {
          status: 200,
          body: { processQueryKey: 'pqk-1', invalidStaffIdList: [], flowControlledStaffIdList: [] },
        };
      case '/v1.0/robot/groupMessages/send':
        return { status: 200, body: { processQueryKey: 'pqk-2' } };
      default:
        return { status: 200, body: { errcode: 0, errmsg: 'ok' } };
    }
  }
}

/** Waits a few macrotask turns (lets background turns progress without timing assertions). */
export async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
