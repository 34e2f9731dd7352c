/**
 * The typed Clawbot client: chat, sessions, server-sent events, pairing and tokens, over `fetch` only
 * (Node >= 18, browsers, Deno, Bun). No dependencies: its one import outside client/ is core/clock.ts of the same
 * package, which imports nothing.
 */
import { systemClock } from '../core/clock.js';
import { apiErrorFrom, ClawbotPairingError } from './errors.js';
import { parseServerSentEvents } from './sse.js';
import type {
  ChatRequest,
  ChatResponse,
  ClawbotEvent,
  Health,
  Pairing,
  Readiness,
  Session,
  TokenResponse,
} from './types.js';

/** The part of `fetch` the client uses. */
export type FetchLike = (url: string, init?: RequestInit) => Promise<Response>;

/** A request without the header forms this client does not use. */
type Init = Omit<RequestInit, 'headers'> & { headers?: Record<string, string> };

/** Client credentials of a paired client; the client fetches and refreshes tokens with them. */
export interface ClientCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
  /** Space-separated scopes to ask for; default: all the client was granted. */
  readonly scope?: string;
}

/** Options of {@link createClawbotClient}. */
export interface ClawbotClientOptions {
  /** The gateway, e.g. `https://bot.example.com` (a path prefix is kept). */
  readonly baseUrl: string;
  /** An API key or a token from `clawbot token generate`, sent as `Authorization: Bearer`. */
  readonly apiKey?: string;
  /** A token, or a function that returns a fresh one (called before every request). */
  readonly token?: string | (() => string | Promise<string>);
  /** Client credentials: tokens come from `POST /api/v1/oauth/token` and are renewed before they expire. */
  readonly credentials?: ClientCredentials;
  /** Another fetch (a test double, a proxy-aware one); default `globalThis.fetch`. */
  readonly fetch?: FetchLike;
  /** Extra headers on every request. */
  readonly headers?: Readonly<Record<string, string>>;
  /** How waits are made in {@link ClawbotClient.waitForApproval}; default `setTimeout`. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Clock for token renewal, epoch ms; default `Date.now`. */
  readonly now?: () => number;
}

/** Per-call options. */
export interface CallOptions {
  readonly signal?: AbortSignal;
}

/** Options of {@link ClawbotClient.waitForApproval}. */
export interface WaitOptions extends CallOptions {
  /** Time between polls; default 3000 ms. */
  readonly intervalMs?: number;
  /** Called with each status seen while pending. */
  readonly onPending?: (pairing: Pairing) => void;
}

export interface ClawbotClient {
  /** `POST /api/v1/chat`. */
  chat(request: ChatRequest, options?: CallOptions): Promise<ChatResponse>;
  /** `GET /api/v1/sessions/:id`. */
  getSession(id: string, options?: CallOptions): Promise<Session>;
  /** `GET /api/v1/sessions/:id/events` as an async iterator; abort the signal (or `break`) to stop. */
  events(sessionId: string, options?: CallOptions & { lastEventId?: string }): AsyncGenerator<ClawbotEvent>;
  /** `GET /api/v1/health`. */
  health(options?: CallOptions): Promise<Health>;
  /** `GET /api/v1/ready`; a 503 (not ready) resolves too, with `status: 'not_ready'`. */
  ready(options?: CallOptions): Promise<Readiness>;
  /** `POST /api/v1/pair`: ask to pair; show `code` to the operator. */
  pair(request: { clientId: string; secret: string }, options?: CallOptions): Promise<Pairing>;
  /** `GET /api/v1/pair/:code`. */
  pairingStatus(code: string, options?: CallOptions): Promise<Pairing>;
  /** Polls until approved; rejects with {@link ClawbotPairingError} when rejected or expired. */
  waitForApproval(code: string, options?: WaitOptions): Promise<Pairing>;
  /** `POST /api/v1/oauth/token` (client_credentials, credentials in the form body). */
  token(credentials: ClientCredentials, options?: CallOptions): Promise<TokenResponse>;
}

const RENEW_BEFORE_MS = 30_000;

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!(response.headers.get('content-type') ?? '').includes('json')) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function parseData(data: string): unknown {
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return data;
  }
}

/**
 * Creates a client.
 *
 * @example
 * const bot = createClawbotClient({ baseUrl: 'http://127.0.0.1:18789', apiKey: process.env.CLAWBOT_KEY });
 * const { reply, session_id } = await bot.chat({ query: '退货怎么办' });
 */
export function createClawbotClient(options: ClawbotClientOptions): ClawbotClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  const doFetch: FetchLike = options.fetch ?? ((url, init) => fetch(url, init));
  const sleep = options.sleep ?? ((ms: number, signal?: AbortSignal) => systemClock.sleep(ms, signal));
  const now = options.now ?? (() => systemClock.now());
  let cached: { token: string; renewAt: number } | undefined;

  const call = (path: string, init: Init): Promise<Response> =>
    doFetch(`${base}${path}`, { ...init, headers: { ...options.headers, ...init.headers } });

  const expectJson = async <T>(response: Response, also: readonly number[] = []): Promise<T> => {
    const body = await readBody(response);
    if (!response.ok && !also.includes(response.status)) throw apiErrorFrom(response.status, body, response.headers);
    return body as T;
  };

  const token = async (credentials: ClientCredentials, callOptions: CallOptions = {}): Promise<TokenResponse> => {
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
    });
    if (credentials.scope !== undefined) form.set('scope', credentials.scope);
    const response = await call('/api/v1/oauth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form.toString(),
      ...(callOptions.signal === undefined ? {} : { signal: callOptions.signal }),
    });
    return expectJson<TokenResponse>(response);
  };

  const bearer = async (signal: AbortSignal | undefined, renew = false): Promise<string | undefined> => {
    if (options.credentials !== undefined) {
      if (renew || cached === undefined || now() >= cached.renewAt) {
        const issued = await token(options.credentials, signal === undefined ? {} : { signal });
        const lifetime = issued.expires_in * 1000;
        cached = { token: issued.access_token, renewAt: now() + Math.max(lifetime / 2, lifetime - RENEW_BEFORE_MS) };
      }
      return cached.token;
    }
    if (typeof options.token === 'function') return options.token();
    return options.token ?? options.apiKey;
  };

  /** An authenticated request; with client credentials a 401 renews the token once and retries. */
  const authed = async (path: string, init: Init): Promise<Response> => {
    const signal = init.signal ?? undefined;
    const send = async (renew: boolean): Promise<Response> => {
      const value = await bearer(signal, renew);
      return call(path, {
        ...init,
        headers: { ...init.headers, ...(value === undefined ? {} : { authorization: `Bearer ${value}` }) },
      });
    };
    const first = await send(false);
    if (first.status !== 401 || options.credentials === undefined) return first;
    await first.body?.cancel();
    return send(true);
  };

  const signalOf = (o: CallOptions | undefined): { signal?: AbortSignal } =>
    o?.signal === undefined ? {} : { signal: o.signal };

  const pairingStatus = async (code: string, o?: CallOptions): Promise<Pairing> =>
    expectJson<Pairing>(await call(`/api/v1/pair/${encodeURIComponent(code)}`, { method: 'GET', ...signalOf(o) }));

  return {
    async chat(request, o) {
      const response = await authed('/api/v1/chat', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(request),
        ...signalOf(o),
      });
      return expectJson<ChatResponse>(response);
    },
    async getSession(id, o) {
      const response = await authed(`/api/v1/sessions/${encodeURIComponent(id)}`, { method: 'GET', ...signalOf(o) });
      return expectJson<Session>(response);
    },
    async *events(sessionId, o = {}) {
      const response = await authed(`/api/v1/sessions/${encodeURIComponent(sessionId)}/events`, {
        method: 'GET',
        headers: {
          accept: 'text/event-stream',
          ...(o.lastEventId === undefined ? {} : { 'last-event-id': o.lastEventId }),
        },
        ...signalOf(o),
      });
      if (!response.ok || response.body === null) {
        throw apiErrorFrom(response.status, await readBody(response), response.headers);
      }
      for await (const event of parseServerSentEvents(response.body)) {
        yield { event: event.event, data: parseData(event.data), ...(event.id === undefined ? {} : { id: event.id }) };
      }
    },
    async health(o) {
      return expectJson<Health>(await call('/api/v1/health', { method: 'GET', ...signalOf(o) }));
    },
    async ready(o) {
      return expectJson<Readiness>(await call('/api/v1/ready', { method: 'GET', ...signalOf(o) }), [503]);
    },
    async pair(request, o) {
      const response = await call('/api/v1/pair', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ client_id: request.clientId, secret: request.secret }),
        ...signalOf(o),
      });
      return expectJson<Pairing>(response);
    },
    pairingStatus,
    async waitForApproval(code, o = {}) {
      for (;;) {
        const pairing = await pairingStatus(code, o);
        if (pairing.status === 'approved') return pairing;
        if (pairing.status === 'rejected' || pairing.status === 'expired') {
          throw new ClawbotPairingError(pairing.code, pairing.status);
        }
        o.onPending?.(pairing);
        await sleep(o.intervalMs ?? 3000, o.signal);
      }
    },
    token,
  };
}
