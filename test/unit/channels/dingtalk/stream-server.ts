/**
 * A loopback DingTalk Stream server speaking the stream wire protocol (reference §2.3): JSON frames
 * `{specVersion, type: SYSTEM|EVENT|CALLBACK, headers: {messageId, topic, ...}, data: "<json string>"}` down,
 * acks `{code: 200, headers: {contentType, messageId}, message: "OK", data}` up.
 */
import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { fixture } from './helpers.js';

export interface StreamConnection {
  readonly ws: WebSocket;
  readonly url: string;
  readonly received: Record<string, unknown>[];
  closed: boolean;
}

export class FakeStreamServer extends EventEmitter {
  readonly connections: StreamConnection[] = [];
  private wss: WebSocketServer | undefined;
  port = 0;

  async start(options: { autoPong?: boolean } = {}): Promise<this> {
    this.wss = new WebSocketServer({ host: '127.0.0.1', port: 0, autoPong: options.autoPong ?? true });
    await new Promise<void>((resolve) => this.wss?.once('listening', resolve));
    this.port = (this.wss.address() as AddressInfo).port;
    this.wss.on('connection', (ws, req) => {
      const connection: StreamConnection = { ws, url: req.url ?? '', received: [], closed: false };
      this.connections.push(connection);
      ws.on('message', (raw: Buffer) => {
        connection.received.push(JSON.parse(raw.toString('utf8')) as Record<string, unknown>);
        this.emit('frame', connection);
      });
      ws.on('close', () => {
        connection.closed = true;
        this.emit('closed', connection);
      });
      this.emit('connection', connection);
    });
    return this;
  }

  get endpoint(): string {
    return `ws://127.0.0.1:${this.port}/connect`;
  }

  async stop(): Promise<void> {
    for (const c of this.connections) c.ws.terminate();
    await new Promise<void>((resolve) => (this.wss === undefined ? resolve() : this.wss.close(() => resolve())));
  }

  /** Resolves with the n-th (1-based) connection. */
  waitConnection(n: number): Promise<StreamConnection> {
    return this.waitUntil('connection', () => this.connections[n - 1]);
  }

  /** Resolves with the ack frame for `messageId` on `connection`. */
  waitAck(connection: StreamConnection, messageId: string, nth = 1): Promise<Record<string, unknown>> {
    return this.waitUntil('frame', () => {
      const acks = connection.received.filter(
        (f) => (f['headers'] as { messageId?: string } | undefined)?.messageId === messageId,
      );
      return acks[nth - 1];
    });
  }

  waitClosed(connection: StreamConnection): Promise<StreamConnection> {
    return this.waitUntil('closed', () => (connection.closed ? connection : undefined));
  }

  private waitUntil<T>(event: string, probe: () => T | undefined): Promise<T> {
    return new Promise((resolve) => {
      const check = (): void => {
        const value = probe();
        if (value !== undefined) {
          this.off(event, check);
          resolve(value);
        }
      };
      this.on(event, check);
      check();
    });
  }
}

/** A robot CALLBACK frame built from the real captured frame, with the reply URL and ids replaced. */
export function robotFrame(opts: {
  messageId: string;
  msgId: string;
  sessionWebhook: string;
  expiresAt: number;
  text?: string;
}): string {
  const frame = fixture('client_downstream_msg.json') as { headers: Record<string, string>; data: string };
  const data = JSON.parse(frame.data) as Record<string, unknown>;
  data['msgId'] = opts.msgId;
  data['sessionWebhook'] = opts.sessionWebhook;
  data['sessionWebhookExpiredTime'] = opts.expiresAt;
  if (opts.text !== undefined) data['text'] = { content: opts.text };
  return JSON.stringify({
    ...frame,
    headers: { ...frame.headers, messageId: opts.messageId },
    data: JSON.stringify(data),
  });
}

/** A SYSTEM frame (`disconnect`, `ping`, `KEEPALIVE`, ...). */
export function systemFrame(topic: string, messageId = `sys-${topic}`): string {
  return JSON.stringify({
    specVersion: '1.0',
    type: 'SYSTEM',
    headers: { contentType: 'application/json', messageId, time: String(Date.now()), topic },
    data: '{}',
  });
}
