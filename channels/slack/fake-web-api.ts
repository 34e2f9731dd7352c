/**
 * A loopback stand-in for Slack's Web API (`auth.test`, `chat.postMessage`) and for slash-command
 * `response_url`s, speaking Slack's wire format (form or JSON in, `{"ok":…}` JSON out) and recording
 * every call. Used by tests and by `simulateSlack({ fakeApi: true })`; point `channels.slack.apiUrl`
 * at `url`.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One recorded Web API call. */
export interface FakeSlackCall {
  readonly method: string;
  readonly params: Readonly<Record<string, unknown>>;
  /** The bearer token sent (the fake never logs it). */
  readonly token: string | undefined;
  readonly contentType: string;
}

/** One recorded response_url POST. */
export interface FakeSlackResponse {
  readonly path: string;
  readonly body: Readonly<Record<string, unknown>>;
}

export interface FakeSlackApiOptions {
  readonly host?: string;
  /** 0 (default) picks a free port. */
  readonly port?: number;
  readonly botUserId?: string;
  readonly botId?: string;
  readonly teamId?: string;
  /** Makes a method answer `{"ok":false,"error":code}`. */
  readonly failures?: Readonly<Record<string, string>>;
  /** Makes a method answer with this HTTP status (e.g. 503) and no JSON. */
  readonly httpFailures?: Readonly<Record<string, number>>;
}

export interface FakeSlackApi {
  /** Web API base URL to use as `apiUrl` (ends with `/api/`). */
  readonly url: string;
  /** A response_url on this server. */
  responseUrl(id: string): string;
  readonly calls: FakeSlackCall[];
  readonly responses: FakeSlackResponse[];
  /** Calls of one method. */
  callsOf(method: string): FakeSlackCall[];
  /** Resolves once `predicate` holds (checked after every recorded call); rejects after `timeoutMs`. */
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Parses a Web API request body the way Slack does: form fields (JSON-looking values decoded) or JSON. */
export function parseSlackApiBody(body: string, contentType: string): Record<string, unknown> {
  if (contentType.startsWith('application/json'))
    return body === '' ? {} : (JSON.parse(body) as Record<string, unknown>);
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(body)) {
    out[k] = (k === 'blocks' || k === 'attachments') && v.startsWith('[') ? (JSON.parse(v) as unknown) : v;
  }
  return out;
}

/** Starts the fake on loopback. */
export async function startFakeSlackApi(options: FakeSlackApiOptions = {}): Promise<FakeSlackApi> {
  const calls: FakeSlackCall[] = [];
  const responses: FakeSlackResponse[] = [];
  const waiters = new Set<() => void>();
  const notify = (): void => {
    for (const w of [...waiters]) w();
  };
  let seq = 0;
  const ids = {
    user: options.botUserId ?? 'U0CLAWBOT',
    bot: options.botId ?? 'B0CLAWBOT',
    team: options.teamId ?? 'T0SIMULATE',
  };

  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const contentType = String(req.headers['content-type'] ?? '');
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const json = (status: number, value: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify(value));
      };
      if (path.startsWith('/response/')) {
        responses.push({ path, body: parseSlackApiBody(body, 'application/json') });
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('ok');
        notify();
        return;
      }
      const method = path.startsWith('/api/') ? path.slice('/api/'.length) : '';
      const auth = req.headers.authorization;
      const params = parseSlackApiBody(body, contentType);
      const token =
        auth?.startsWith('Bearer ') === true
          ? auth.slice(7)
          : typeof params['token'] === 'string'
            ? params['token']
            : undefined;
      calls.push({ method, params, token, contentType });
      const failure = options.failures?.[method];
      const httpFailure = options.httpFailures?.[method];
      if (httpFailure !== undefined) {
        res.writeHead(httpFailure, { 'content-type': 'text/plain' });
        res.end('unavailable');
      } else if (token === undefined) json(200, { ok: false, error: 'not_authed' });
      else if (failure !== undefined) json(200, { ok: false, error: failure });
      else if (method === 'auth.test') {
        json(200, {
          ok: true,
          url: 'https://example.slack.com/',
          team: 'Example',
          user: 'clawbot',
          team_id: ids.team,
          user_id: ids.user,
          bot_id: ids.bot,
        });
      } else if (method === 'chat.postMessage') {
        seq += 1;
        const ts = `1700000000.${String(seq).padStart(6, '0')}`;
        json(200, {
          ok: true,
          channel: params['channel'],
          ts,
          message: { type: 'message', text: params['text'], user: ids.user, bot_id: ids.bot, ts },
        });
      } else json(200, { ok: false, error: 'unknown_method' });
      notify();
    })().catch(() => {
      res.writeHead(500);
      res.end();
    });
  });
  server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  await once(server, 'listening');
  const { port, address } = server.address() as AddressInfo;
  const base = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;

  return {
    url: `${base}/api/`,
    responseUrl: (id) => `${base}/response/${encodeURIComponent(id)}`,
    calls,
    responses,
    callsOf: (method) => calls.filter((c) => c.method === method),
    waitFor(predicate, timeoutMs = 5000) {
      if (predicate()) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`fake Slack API: condition not met within ${timeoutMs} ms`));
        }, timeoutMs);
        const check = (): void => {
          if (!predicate()) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
      });
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
