// The typed client (`clawbot/client`, imported by its package name) against a real in-process gateway, and its
// server-sent events reader against a loopback stream.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ClawbotApiError,
  ClawbotPairingError,
  createClawbotClient,
  parseServerSentEvents,
  type FetchLike,
  type Pairing,
} from 'clawbot/client';
import type { AppConfigInput } from '../../../gateway/config/index.js';
import { startGateway, type TestGateway } from '../../helpers/gateway.js';
import { expressRoutes, JWT_SECRET, outsidePairing } from './support.js';

const SECRET = 'client-test-secret-0123456789';

function streamOf(chunks: readonly string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe('clawbot/client', () => {
  describe('parseServerSentEvents', () => {
    it('parses events, ids, retry, multi-line data, comments and every line ending, across chunk borders', async () => {
      const events = await collect(
        parseServerSentEvents(
          streamOf([
            '\uFEFFretry: 3000\n\n: a comment\n',
            'id: 1\nevent: handoff\ndata: {"status":"bot"}\n\n',
            'data: line one\r\ndata: line two\r\n\r',
            '\nevent: message\rdata:no-space\r\rdata: tail-without-blank-line',
          ]),
        ),
      );
      assert.deepEqual(events, [
        { event: 'handoff', data: '{"status":"bot"}', id: '1' },
        { event: 'message', data: 'line one\nline two', id: '1' },
        { event: 'message', data: 'no-space', id: '1' },
      ]);
    });

    it('handles a CRLF split between chunks and multi-byte characters split between chunks', async () => {
      const bytes = new TextEncoder().encode('data: 你好\r\n\r\n');
      const split = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(bytes.slice(0, 8)); // inside 你
          controller.enqueue(bytes.slice(8, 13)); // ends with \r
          controller.enqueue(bytes.slice(13));
          controller.close();
        },
      });
      assert.deepEqual(await collect(parseServerSentEvents(split)), [{ event: 'message', data: '你好' }]);
    });
  });

  describe('events() against a loopback SSE server', () => {
    let server: Server;
    let url: string;
    const seen: { authorization?: string; lastEventId?: string; accept?: string }[] = [];
    let closedByClient = 0;
    before(async () => {
      server = createServer((req, res: ServerResponse) => {
        seen.push({
          ...(req.headers.authorization === undefined ? {} : { authorization: req.headers.authorization }),
          ...(req.headers['last-event-id'] === undefined ? {} : { lastEventId: String(req.headers['last-event-id']) }),
          ...(req.headers.accept === undefined ? {} : { accept: req.headers.accept }),
        });
        if (req.url !== '/api/v1/sessions/s%3A1/events') {
          res.writeHead(404, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { code: 'not_found', message: 'nope' } }));
          return;
        }
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('retry: 3000\n\nid: 1\nevent: handoff\ndata: {"status":"bot"}\n\n');
        res.write('id: 2\nevent: message\ndata: {"author":"agent","text":"Hi, I am Li"}\n\n');
        res.write('id: 3\nevent: note\ndata: not json\n\n');
        const ping = setInterval(() => res.write(': ping\n\n'), 20);
        res.on('close', () => {
          clearInterval(ping);
          closedByClient += 1;
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('yields parsed events with the bearer key and stops the stream when the loop breaks', async () => {
      const client = createClawbotClient({ baseUrl: `${url}/`, apiKey: 'key-123' });
      const got: unknown[] = [];
      for await (const event of client.events('s:1', { lastEventId: '0' })) {
        got.push(event);
        if (got.length === 3) break;
      }
      assert.deepEqual(got, [
        { event: 'handoff', data: { status: 'bot' }, id: '1' },
        { event: 'message', data: { author: 'agent', text: 'Hi, I am Li' }, id: '2' },
        { event: 'note', data: 'not json', id: '3' },
      ]);
      assert.deepEqual(seen.at(-1), { authorization: 'Bearer key-123', lastEventId: '0', accept: 'text/event-stream' });
      for (let i = 0; i < 100 && closedByClient === 0; i += 1) await new Promise((r) => setTimeout(r, 10));
      assert.equal(closedByClient, 1, 'the connection was closed');
    });

    it('stops when the signal is aborted', async () => {
      const client = createClawbotClient({ baseUrl: url, apiKey: 'key-123' });
      const controller = new AbortController();
      const got: string[] = [];
      await assert.rejects(async () => {
        for await (const event of client.events('s:1', { signal: controller.signal })) {
          got.push(event.event);
          if (got.length === 2) controller.abort();
        }
      }, /abort/i);
      assert.deepEqual(got.slice(0, 2), ['handoff', 'message']);
    });

    it('turns a refused stream into a ClawbotApiError', async () => {
      const client = createClawbotClient({ baseUrl: url });
      await assert.rejects(collect(client.events('other')), (error: unknown) => {
        assert.ok(error instanceof ClawbotApiError);
        assert.equal(error.status, 404);
        assert.equal(error.code, 'not_found');
        return true;
      });
    });
  });

  describe('against a real gateway', () => {
    let dir: string;
    let gw: TestGateway;
    let config: AppConfigInput;
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'clawbot-client-'));
      config = { auth: { jwtSecret: JWT_SECRET, tokenExpiry: 120, pairing: { file: join(dir, 'pairing.json') } } };
      gw = await startGateway(config);
    });
    after(async () => {
      await gw.close();
      await rm(dir, { recursive: true, force: true });
    });

    it('chats, reads the session, health and readiness with an API key', async () => {
      const bot = createClawbotClient({ baseUrl: gw.url, apiKey: gw.key });
      const first = await bot.chat({ query: '退货怎么办', user_id: 'u-1' });
      assert.equal(first.intent, 'returns');
      assert.ok(first.reply.length > 0);
      await bot.chat({ query: 'thanks', session_id: first.session_id });
      const session = await bot.getSession(first.session_id);
      assert.equal(session.session_id, first.session_id);
      assert.deepEqual(
        session.turns.map((t) => t.user),
        ['退货怎么办', 'thanks'],
      );
      assert.equal((await bot.health()).status, 'ok');
      assert.equal((await bot.ready()).status, 'ready');
    });

    it('throws ClawbotApiError with the gateway code for refused calls', async () => {
      const wrong = createClawbotClient({ baseUrl: gw.url, apiKey: 'not-a-key-0123456789' });
      await assert.rejects(wrong.chat({ query: 'hi' }), (error: unknown) => {
        assert.ok(error instanceof ClawbotApiError);
        assert.equal(error.status, 401);
        assert.equal(error.code, 'auth.invalid');
        return true;
      });
      const bot = createClawbotClient({ baseUrl: gw.url, apiKey: gw.key });
      await assert.rejects(bot.getSession('never-seen'), { name: 'ClawbotApiError', code: 'not_found', status: 404 });
      await assert.rejects(bot.chat({ query: '' }), { code: 'request.invalid', status: 400 });
    });

    it('pairs, waits for approval, then chats with client credentials (tokens fetched and renewed)', async () => {
      const { pairing, close } = outsidePairing(config);
      const tokenCalls: string[] = [];
      const counting: FetchLike = (u, init) => {
        if (u.endsWith('/api/v1/oauth/token')) tokenCalls.push(u);
        return fetch(u, init);
      };
      try {
        const anonymous = createClawbotClient({ baseUrl: gw.url, fetch: counting });
        const asked = await anonymous.pair({ clientId: 'client-test-app', secret: SECRET });
        assert.equal(asked.status, 'pending');
        const pendingSeen: Pairing[] = [];
        const approved = await anonymous.waitForApproval(asked.code, {
          intervalMs: 1,
          onPending: (p) => {
            pendingSeen.push(p);
            if (pendingSeen.length === 2) void pairing.approve(p.code, { scopes: ['chat'] });
          },
        });
        assert.equal(approved.status, 'approved');
        assert.ok(pendingSeen.length >= 2);

        let now = Date.now();
        const bot = createClawbotClient({
          baseUrl: gw.url,
          credentials: { clientId: 'client-test-app', clientSecret: SECRET },
          fetch: counting,
          now: () => now,
        });
        assert.ok((await bot.chat({ query: 'hello' })).reply.length > 0);
        await bot.chat({ query: 'hello again' });
        assert.equal(tokenCalls.length, 1, 'one token for both calls');
        now += 120_000; // past expiry: renewed before the next call
        await bot.chat({ query: 'still there?' });
        assert.equal(tokenCalls.length, 2);

        const issued = await bot.token({ clientId: 'client-test-app', clientSecret: SECRET, scope: 'chat' });
        assert.equal(issued.token_type, 'Bearer');
        assert.equal(issued.expires_in, 120);
        await assert.rejects(bot.token({ clientId: 'client-test-app', clientSecret: 'wrong-secret-000000' }), {
          name: 'ClawbotApiError',
          status: 401,
          code: 'invalid_client',
        });
      } finally {
        await close();
      }
    });

    it('waitForApproval rejects with ClawbotPairingError when the operator rejects', async () => {
      const { pairing, close } = outsidePairing(config);
      try {
        const client = createClawbotClient({ baseUrl: gw.url, sleep: () => Promise.resolve() });
        const asked = await client.pair({ clientId: 'rejected-app', secret: SECRET });
        await pairing.reject(asked.code);
        await assert.rejects(client.waitForApproval(asked.code), (error: unknown) => {
          assert.ok(error instanceof ClawbotPairingError);
          assert.equal(error.status, 'rejected');
          assert.equal(error.code, asked.code);
          return true;
        });
      } finally {
        await close();
      }
    });

    it('reports Retry-After when too many pairings wait', async () => {
      const client = createClawbotClient({ baseUrl: gw.url });
      for (const id of ['queue-a', 'queue-b', 'queue-c']) await client.pair({ clientId: id, secret: SECRET });
      await assert.rejects(client.pair({ clientId: 'queue-d', secret: SECRET }), (error: unknown) => {
        assert.ok(error instanceof ClawbotApiError);
        assert.equal(error.status, 429);
        assert.equal(error.code, 'pairing.too_many_pending');
        assert.ok((error.retryAfter ?? 0) > 0);
        return true;
      });
    });

    it('reads the gateway session event stream when the gateway serves one', async function () {
      const served = expressRoutes(gw.gateway.app).some((r) => r.path === '/api/v1/sessions/:id/events');
      if (!served) {
        console.warn('GET /api/v1/sessions/:id/events is not served by this gateway; skipping');
        this.skip();
      }
      const bot = createClawbotClient({ baseUrl: gw.url, apiKey: gw.key });
      const { session_id: sessionId } = await bot.chat({ query: 'hello' });
      for await (const event of bot.events(sessionId)) {
        assert.equal(event.event, 'handoff');
        assert.equal((event.data as { status: string }).status, 'bot');
        break;
      }
    });
  });
});
