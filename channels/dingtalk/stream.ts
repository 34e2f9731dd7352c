/**
 * Stream mode: `dingtalk-stream`'s DWClient wrapped with our own connection management.
 *
 * The SDK (<= 2.1.5) does not reconnect after a socket `error` without `close`, leaks heartbeat intervals across
 * reconnects, can storm reconnects, and only flags the `disconnect` system frame
 * (open-dingtalk/dingtalk-stream-sdk-nodejs#13, #14). So: the SDK's own reconnect is off; every connection is a
 * fresh DWClient; one reconnect loop at a time with exponential back-off; a health loop pings the socket and
 * replaces it when it is closed or silent; on `disconnect` a new connection is opened before the old one is closed.
 * @see https://open.dingtalk.com/document/resourcedownload/introduction-to-stream-mode
 */
import { DWClient, TOPIC_ROBOT, type DWClientDownStream } from 'dingtalk-stream';
import type WebSocket from 'ws';
import type { Clock } from '../../core/clock.js';
import { describeError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { DingTalkStreamTuning } from './options.js';

/** Opens a stream connection through an overridden gateway URL (tests); returns `{endpoint, ticket}`. */
export type OpenConnection = (body: object) => Promise<{ endpoint: string; ticket: string }>;

export interface DingTalkStreamOptions {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly tuning: DingTalkStreamTuning & { readonly connectTimeoutMs?: number };
}

export interface DingTalkStreamDeps {
  readonly clock: Clock;
  readonly log: Logger;
  /** One robot message frame: `data` is the callback JSON; call `ack()` once the message is persisted. */
  readonly onRobotMessage: (data: string, ack: () => void) => Promise<void>;
  /** Replaces the SDK's hard-coded gateway URL (`streamEndpoint`). */
  readonly openConnection?: OpenConnection;
  /** Jitter source in [0, 1). */
  readonly random?: () => number;
}

/** The stream connection manager. */
export interface DingTalkStream {
  /** Connects; resolves after the first attempt (success or failure — the loop keeps trying). */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Readiness: an open, recently active socket. */
  health(): { ok: boolean; detail: string };
  /** Successful connections so far (observability and tests). */
  connections(): number;
}

/** Reconnect delay for the n-th failed attempt: exponential, capped, with "equal jitter". Pure. */
export function reconnectDelay(attempt: number, tuning: DingTalkStreamTuning, random: number): number {
  const base = Math.min(tuning.maxReconnectDelayMs, tuning.minReconnectDelayMs * 2 ** Math.min(attempt, 30));
  return Math.round(base / 2 + (base / 2) * random);
}

interface ClientHooks {
  onSystem(topic: string): void;
  openConnection: OpenConnection | undefined;
}

/** DWClient with hooks on system frames and an optional gateway URL override. Private SDK fields are read here only. */
class HookedClient extends DWClient {
  private readonly hooks: ClientHooks;

  constructor(options: { clientId: string; clientSecret: string }, hooks: ClientHooks) {
    super({ clientId: options.clientId, clientSecret: options.clientSecret, ua: 'clawbot', keepAlive: false });
    this.hooks = hooks;
    this.config.autoReconnect = false; // reconnects are ours (see the file comment)
  }

  override onSystem(downstream: DWClientDownStream): void {
    super.onSystem(downstream);
    this.hooks.onSystem(downstream.headers.topic);
  }

  override async getEndpoint(): Promise<this> {
    const open = this.hooks.openConnection;
    if (open === undefined) return super.getEndpoint();
    const { endpoint, ticket } = await open({
      clientId: this.config.clientId,
      clientSecret: this.config.clientSecret,
      ua: this.config.ua ?? '',
      subscriptions: this.config.subscriptions,
    });
    (this as unknown as { dw_url: string }).dw_url = `${endpoint}?ticket=${encodeURIComponent(ticket)}`;
    return this;
  }

  /** The SDK's socket (a private field in its typings). */
  get webSocket(): WebSocket | undefined {
    return (this as unknown as { socket?: WebSocket }).socket;
  }
}

interface Connection {
  readonly client: HookedClient;
  readonly socket: WebSocket;
  readonly generation: number;
}

const OPEN = 1;

/** Creates the stream manager; all state lives in the returned object. */
export function createDingTalkStream(options: DingTalkStreamOptions, deps: DingTalkStreamDeps): DingTalkStream {
  const { clock, log, tuning } = { clock: deps.clock, log: deps.log, tuning: options.tuning };
  const random = deps.random ?? Math.random;
  const connectTimeoutMs = options.tuning.connectTimeoutMs ?? 20_000;
  let current: Connection | undefined;
  let generation = 0;
  let connections = 0;
  let lastActivity = 0;
  let stopped = true;
  let loop: Promise<void> | undefined;
  let stopController = new AbortController();

  const retire = (client: HookedClient | undefined): void => {
    if (client === undefined) return;
    try {
      client.disconnect();
    } catch (error: unknown) {
      log.debug({ err: describeError(error) }, 'dingtalk stream: closing an old socket failed');
    }
  };

  /** Resolved after every connect attempt (start() waits for the first). */
  let attemptWaiters: (() => void)[] = [];
  const attempted = (): void => {
    const waiters = attemptWaiters;
    attemptWaiters = [];
    for (const resolve of waiters) resolve();
  };

  const onCallback = (client: HookedClient, frame: DWClientDownStream): void => {
    lastActivity = clock.now();
    const messageId = frame.headers.messageId;
    const ack = (): void => client.socketCallBackResponse(messageId, { status: 'SUCCESS' });
    deps.onRobotMessage(frame.data, ack).catch((error: unknown) => {
      log.error({ err: describeError(error), messageId }, 'dingtalk stream: robot message handler failed');
    });
  };

  const connectOnce = async (): Promise<Connection> => {
    const client = new HookedClient(
      { clientId: options.clientId, clientSecret: options.clientSecret },
      {
        openConnection: deps.openConnection,
        onSystem: (topic) => {
          lastActivity = clock.now();
          if (topic === 'disconnect' && current?.client === client) {
            log.info('dingtalk stream: server sent "disconnect"; opening a new connection');
            void reconnect('server disconnect', true);
          }
        },
      },
    );
    client.registerCallbackListener(TOPIC_ROBOT, (frame) => onCallback(client, frame));
    let abandoned = false;
    const opening = (async () => {
      await client.getEndpoint();
      if (abandoned) throw new Error('connect abandoned');
      await client._connect();
      if (abandoned) throw new Error('connect abandoned');
    })();
    opening.catch(() => undefined); // a late failure after a timeout is not unhandled
    const timeout = new AbortController();
    const timer = clock.sleep(connectTimeoutMs, timeout.signal).then(
      () => Promise.reject(new Error(`stream connect timed out after ${connectTimeoutMs} ms`)),
      () => undefined,
    );
    try {
      await Promise.race([opening, timer]);
    } catch (error: unknown) {
      abandoned = true;
      retire(client);
      throw error;
    } finally {
      timeout.abort();
    }
    const socket = client.webSocket;
    if (socket === undefined) throw new Error('dingtalk-stream opened no socket');
    const gen = ++generation;
    socket.on('message', () => {
      lastActivity = clock.now();
    });
    socket.on('pong', () => {
      lastActivity = clock.now();
    });
    socket.on('close', () => {
      if (current?.generation !== gen) return;
      current = undefined;
      log.warn('dingtalk stream: socket closed; reconnecting');
      void reconnect('closed', false);
    });
    socket.on('error', (error: Error) => {
      // The SDK terminates the socket but may never see `close` (SDK #13): reconnect from here as well.
      if (current?.generation !== gen) return;
      log.warn({ err: describeError(error) }, 'dingtalk stream: socket error; reconnecting');
      current = undefined;
      retire(client);
      void reconnect('error', false);
    });
    return { client, socket, generation: gen };
  };

  /** Starts the single reconnect loop unless one is running; `warm` keeps the old socket until the new one is up. */
  const reconnect = (reason: string, immediate: boolean): Promise<void> => {
    if (stopped) return Promise.resolve();
    if (loop !== undefined) return loop;
    const signal = stopController.signal;
    loop = (async () => {
      for (let attempt = 0; !stopped; attempt++) {
        const delay = attempt === 0 && immediate ? 0 : reconnectDelay(attempt, tuning, random());
        if (delay > 0) {
          try {
            await clock.sleep(delay, signal);
          } catch {
            return;
          }
        }
        try {
          const next = await connectOnce();
          attempted();
          if (stopped) {
            retire(next.client);
            return;
          }
          const old = current;
          current = next;
          connections++;
          lastActivity = clock.now();
          retire(old?.client);
          log.info({ reason, attempt, generation: next.generation }, 'dingtalk stream: connected');
          return;
        } catch (error: unknown) {
          // describeError only: the SDK's axios error objects carry the request body, i.e. the clientSecret.
          log.warn({ reason, attempt, err: describeError(error) }, 'dingtalk stream: connect failed');
          attempted();
        }
      }
    })().finally(() => {
      loop = undefined;
    });
    return loop;
  };

  const healthLoop = async (signal: AbortSignal): Promise<void> => {
    while (!stopped) {
      try {
        await clock.sleep(tuning.healthIntervalMs, signal);
      } catch {
        return;
      }
      const connection = current;
      if (connection === undefined) {
        void reconnect('no connection', false);
        continue;
      }
      if (connection.socket.readyState !== OPEN) {
        current = undefined;
        retire(connection.client);
        void reconnect('socket not open', true);
        continue;
      }
      if (clock.now() - lastActivity > tuning.healthTimeoutMs) {
        log.warn('dingtalk stream: no frame or pong within the health timeout; replacing the connection');
        void reconnect('silent socket', true);
        continue;
      }
      try {
        connection.socket.ping();
      } catch (error: unknown) {
        log.debug({ err: describeError(error) }, 'dingtalk stream: ping failed');
      }
    }
  };

  return {
    async start() {
      if (!stopped) return;
      stopped = false;
      stopController = new AbortController();
      const firstAttempt = new Promise<void>((resolve) => attemptWaiters.push(resolve));
      void reconnect('start', true);
      void healthLoop(stopController.signal);
      await firstAttempt;
    },
    stop() {
      stopped = true;
      stopController.abort(new Error('stream stopped'));
      const connection = current;
      current = undefined;
      retire(connection?.client);
      attempted();
      return Promise.resolve();
    },
    health() {
      if (stopped) return { ok: false, detail: 'stopped' };
      const connection = current;
      if (connection === undefined || connection.socket.readyState !== OPEN) {
        return { ok: false, detail: loop === undefined ? 'disconnected' : 'connecting' };
      }
      const silentFor = clock.now() - lastActivity;
      if (silentFor > tuning.healthTimeoutMs) return { ok: false, detail: `silent for ${silentFor} ms` };
      return { ok: true, detail: `connected (connection ${connection.generation})` };
    },
    connections: () => connections,
  };
}
