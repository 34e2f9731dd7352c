/**
 * Real gateways for integration tests: `startGateway()` builds the composition root from a config object
 * (validated by `parseConfig`), listens on 127.0.0.1 on a free port with a known API key and a silent
 * logger, and `chat()` talks to it over real HTTP.
 *
 *   const gw = await startGateway();
 *   const { status, body } = await chat(gw.url, gw.key, { query: '退货怎么办' });
 *   await gw.close();
 */
import { request, type Agent, type ClientRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock, type Clock } from '../../core/clock.js';
import { silentLogger } from '../../core/logger.js';
import { buildGateway, type Gateway } from '../../gateway/app/gateway.js';
import { parseConfig, type AppConfigInput } from '../../gateway/config/index.js';

/** The API key every test gateway accepts (all scopes), unless `startGateway` is given another. */
export const TEST_API_KEY = 'clawbot-test-key-0123456789abcdef';

/** A listening gateway. */
export interface TestGateway {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly url: string;
  /** An API key with every scope. */
  readonly key: string;
  readonly gateway: Gateway;
  /** Closes the gateway (finishing in-flight requests, closing stores). Safe to call twice. */
  close(): Promise<void>;
}

/** Options of {@link startGateway}. */
export interface StartGatewayOptions {
  /** The API key to accept (default {@link TEST_API_KEY}); added to any `auth.apiKeys` in the config. */
  readonly key?: string;
  readonly clock?: Clock;
  readonly version?: string;
}

/**
 * Builds and starts a gateway in this process on 127.0.0.1:0 from a config.yaml-shaped object.
 * Throws the config error when the object does not validate.
 */
export async function startGateway(
  config: AppConfigInput = {},
  options: StartGatewayOptions = {},
): Promise<TestGateway> {
  const key = options.key ?? TEST_API_KEY;
  const parsed = parseConfig(
    { ...config, auth: { ...config.auth, apiKeys: [key, ...(config.auth?.apiKeys ?? [])] } },
    'test gateway config',
  );
  const gateway = await buildGateway(parsed, {
    log: silentLogger,
    clock: options.clock ?? systemClock,
    version: options.version ?? '0.0.0-test',
  });
  let server;
  try {
    server = await gateway.listen(0, '127.0.0.1');
  } catch (error) {
    await gateway.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    key,
    gateway,
    close: () => (closing ??= gateway.close()),
  };
}

/** What `POST /api/v1/chat` answers on success. */
export interface ChatReply {
  readonly reply: string;
  readonly confidence: number;
  readonly handoff: boolean;
  readonly intent: string | null;
  readonly session_id: string;
  readonly sources: string[];
  readonly message_id?: string;
}

/** The JSON error shape of every API failure. */
export interface ApiError {
  readonly error: { readonly code: string; readonly message: string };
}

/** A parsed HTTP answer. `body` is the JSON body (undefined when the body is not JSON). */
export interface HttpAnswer<T> {
  readonly status: number;
  readonly contentType: string;
  readonly body: T;
}

/** Reads a fetch response, parsing JSON bodies. */
export async function readAnswer<T>(response: Response): Promise<HttpAnswer<T>> {
  const contentType = response.headers.get('content-type') ?? '';
  const text = await response.text();
  let body: unknown;
  if (contentType.includes('json')) body = JSON.parse(text);
  return { status: response.status, contentType, body: body as T };
}

/** `POST {url}/api/v1/chat` with `Authorization: Bearer {key}` and a JSON body. */
export async function chat<T = ChatReply>(url: string, key: string, body: unknown): Promise<HttpAnswer<T>> {
  const response = await fetch(`${url}/api/v1/chat`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return readAnswer<T>(response);
}

/** A chat request in flight: its head is sent (`Expect: 100-continue`), its body waits for `finish()`. */
export interface HeadFirstChat {
  /** Resolves once the server has read the head (it answered `100 Continue`). */
  readonly headRead: Promise<void>;
  readonly response: Promise<{ status: number; text: string }>;
  /** Writes the body and ends the request. */
  finish(): void;
}

/** Starts `POST {url}/api/v1/chat` over `agent` and sends only its head (requests in flight during shutdown). */
export function chatHeadFirst(url: string, key: string, agent: Agent, body: unknown): HeadFirstChat {
  const { port } = new URL(url);
  const json = JSON.stringify(body);
  let req!: ClientRequest;
  let headRead!: () => void;
  const continued = new Promise<void>((resolve) => (headRead = resolve));
  const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
    req = request(
      {
        host: '127.0.0.1',
        port,
        agent,
        method: 'POST',
        path: '/api/v1/chat',
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(json)),
          expect: '100-continue',
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('continue', () => headRead());
    req.on('error', reject);
    req.flushHeaders();
  });
  return { headRead: continued, response, finish: () => void req.end(json) };
}

/** `GET {url}{path}` with `Authorization: Bearer {key}` (no header when `key` is undefined). */
export async function getJson<T>(url: string, path: string, key?: string): Promise<HttpAnswer<T>> {
  const response = await fetch(`${url}${path}`, {
    headers: key === undefined ? {} : { authorization: `Bearer ${key}` },
  });
  return readAnswer<T>(response);
}

/** What `GET /api/v1/sessions/:id` answers. */
export interface SessionAnswer {
  readonly session_id: string;
  readonly turns: {
    readonly user: string;
    readonly replies: { readonly author: string; readonly text: string; readonly at: string }[];
    readonly at: string;
  }[];
}

/** `GET {url}/api/v1/sessions/{id}` (the id URL-encoded). */
export function getSession(url: string, key: string, id: string): Promise<HttpAnswer<SessionAnswer>> {
  return getJson<SessionAnswer>(url, `/api/v1/sessions/${encodeURIComponent(id)}`, key);
}
