/**
 * Slack channel behaviour beyond the HTTP walk-through: options, replicas sharing one state store,
 * Web API errors (typed, actionable, never retried), plain node:http mounting and `simulateSlack`.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createSlackChannel, slackOptionsSchema, type SlackChannel } from '../../../../channels/slack/index.js';
import { startFakeSlackApi, type FakeSlackApi } from '../../../../channels/slack/fake-web-api.js';
import { simulateSlack } from '../../../../channels/slack/simulate.js';
import { slackSignature } from '../../../../channels/slack/signature.js';
import { systemClock } from '../../../../core/clock.js';
import { BotError, ChannelApiError } from '../../../../core/errors.js';
import type { OutboundMessage } from '../../../../core/envelope.js';
import { createInProcessKeyValue, createInProcessLocks } from '../../../../memory/index.js';
import { CaptureLogger, FakeMemory, ScriptedEngine, createTestHost } from './host.js';

const SECRET = 'another-signing-secret-abcdef0123';
const TOKEN = 'xoxb-3333-4444-replica-token';
/** memory/'s in-process KeyValue and Locks, on the system clock. */
const stores = () => ({
  kv: createInProcessKeyValue({ clock: systemClock }),
  locks: createInProcessLocks({ clock: systemClock }),
});
const BOT = 'U0LAN0Z89';
const FIXTURES = path.resolve(import.meta.dirname, '../../../fixtures/slack');

/** Serves one channel's httpHandler on plain node:http (no Express in front). */
async function serve(channel: SlackChannel): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) =>
    channel.httpHandler.handle(req, res, () => {
      res.statusCode = 404;
      res.end();
    }),
  );
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

function signed(body: string, extra: Record<string, string> = {}): RequestInit {
  const ts = Math.floor(Date.now() / 1000);
  return {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': slackSignature(SECRET, ts, body),
      ...extra,
    },
  };
}

const reply = (over: Partial<OutboundMessage> = {}): OutboundMessage => ({
  conversation: { channel: 'slack', tenant: 'T1', conversation: 'C1', thread: '1.2' },
  parts: [{ type: 'text', text: 'hi' }],
  author: { kind: 'agent', agentId: 'a1' },
  ...over,
});

describe('slack channel', () => {
  describe('options', () => {
    it('applies the documented defaults and key names', () => {
      const o = slackOptionsSchema.parse({ signingSecret: 's', botToken: 'xoxb-1' });
      assert.equal(o.path, '/slack/events');
      assert.equal(o.apiUrl, 'https://slack.com/api/');
      assert.equal(o.slashCommand, '/ask');
      assert.equal(o.signatureMaxAgeMs, 300_000);
      assert.equal(o.botUserId, undefined);
      assert.equal(
        slackOptionsSchema.parse({ signingSecret: 's', botToken: 'xoxb-1', apiUrl: 'http://127.0.0.1:1/api' }).apiUrl,
        'http://127.0.0.1:1/api/',
      );
    });

    it('refuses bad config with config.invalid and never echoes a secret', () => {
      const deps = { ...stores(), clock: systemClock, log: new CaptureLogger().logger() };
      assert.throws(
        () => createSlackChannel({ signingSecret: '', botToken: 'not-a-token-SECRETVALUE' }, deps),
        (e: unknown) =>
          e instanceof BotError &&
          e.code === 'config.invalid' &&
          !e.message.includes('SECRETVALUE') &&
          /botToken/.test(e.message),
      );
      assert.throws(
        () => createSlackChannel({ signingSecret: 's', botToken: 'xoxb-1', slashCommand: 'ask' }, deps),
        BotError,
      );
    });
  });

  describe('replicas sharing one state store', () => {
    let fake: FakeSlackApi;
    const servers: Server[] = [];
    after(async () => {
      for (const s of servers) {
        s.closeAllConnections();
        s.close();
      }
      await fake?.close();
    });

    it('the same event on two replicas posts once, even with the dedupe stage removed (outbound ledger)', async () => {
      fake = await startFakeSlackApi({ botUserId: BOT });
      const kv = createInProcessKeyValue({ clock: systemClock });
      const locks = createInProcessLocks({ clock: systemClock });
      const logs = new CaptureLogger();
      const replicas = await Promise.all(
        [0, 1].map(async (i) => {
          const log = logs.logger({ replica: i });
          const channel = createSlackChannel(
            { signingSecret: SECRET, botToken: TOKEN, botUserId: BOT, apiUrl: fake.url },
            { kv, locks, clock: systemClock, log },
          );
          const host = createTestHost({
            channel,
            kv,
            locks,
            memory: new FakeMemory(),
            engine: new ScriptedEngine(),
            log,
            withoutDedupe: true,
          });
          await channel.start(host);
          const { url, server } = await serve(channel);
          servers.push(server);
          return { channel, host, url };
        }),
      );
      const body = readFileSync(path.join(FIXTURES, 'app-mention.json'), 'utf8');
      const [a, b] = await Promise.all([
        fetch(`${replicas[0]!.url}/slack/events`, signed(body)),
        fetch(
          `${replicas[1]!.url}/slack/events`,
          signed(body, { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' }),
        ),
      ]);
      assert.deepEqual([a.status, b.status], [200, 200]);
      await logs.waitFor(() => replicas.every((r) => r.host.outcomes.length === 1));
      assert.equal(fake.callsOf('chat.postMessage').length, 1, 'one post for two turns');
      assert.equal(
        logs.count((e) => e.msg === 'slack reply already delivered: not posting again'),
        1,
      );
      assert.equal(fake.callsOf('auth.test').length, 0, 'botUserId configured: no auth.test');
    });
  });

  describe('Web API errors', () => {
    it('a platform error becomes an actionable ChannelApiError', async () => {
      const fake = await startFakeSlackApi({ failures: { 'chat.postMessage': 'not_in_channel' } });
      try {
        const channel = createSlackChannel(
          { signingSecret: SECRET, botToken: TOKEN, botUserId: BOT, apiUrl: fake.url },
          { ...stores(), clock: systemClock, log: new CaptureLogger().logger() },
        );
        await assert.rejects(channel.send(reply()), (e: unknown) => {
          assert.ok(e instanceof ChannelApiError);
          assert.equal(e.platformCode, 'not_in_channel');
          assert.match(e.message, /\/invite/);
          assert.equal(e.message.includes(TOKEN), false);
          return true;
        });
      } finally {
        await fake.close();
      }
    });

    it('an HTTP 503 from the Web API is not retried (retries: 0), so a retry can never post twice', async () => {
      const fake = await startFakeSlackApi({ httpFailures: { 'chat.postMessage': 503 } });
      try {
        const channel = createSlackChannel(
          { signingSecret: SECRET, botToken: TOKEN, botUserId: BOT, apiUrl: fake.url },
          { ...stores(), clock: systemClock, log: new CaptureLogger().logger() },
        );
        await assert.rejects(
          channel.send(reply()),
          (e: unknown) => e instanceof ChannelApiError && e.httpStatus === 503,
        );
        assert.equal(fake.callsOf('chat.postMessage').length, 1);
      } finally {
        await fake.close();
      }
    });

    it('an agent message (no turn in flight) goes to the conversation thread', async () => {
      const fake = await startFakeSlackApi();
      try {
        const channel = createSlackChannel(
          { signingSecret: SECRET, botToken: TOKEN, botUserId: BOT, apiUrl: fake.url, handoffButton: 'Human' },
          { ...stores(), clock: systemClock, log: new CaptureLogger().logger() },
        );
        const receipt = await channel.send(reply());
        assert.equal(receipt.via, 'api');
        assert.equal(receipt.id, '1700000000.000001');
        const [call] = fake.callsOf('chat.postMessage');
        assert.deepEqual(
          [call!.params['channel'], call!.params['thread_ts'], call!.params['text'], call!.params['blocks']],
          ['C1', '1.2', 'hi', undefined],
        );
      } finally {
        await fake.close();
      }
    });
  });

  describe('simulateSlack', () => {
    it('sends a signed app_mention to a running endpoint and, with fakeApi, returns the posted reply', async () => {
      // find a free loopback port for the fake Web API that simulate will start on apiUrl
      const probe = createServer().listen(0, '127.0.0.1');
      await once(probe, 'listening');
      const port = (probe.address() as AddressInfo).port;
      await new Promise<void>((r) => probe.close(() => r()));
      const options = slackOptionsSchema.parse({
        signingSecret: SECRET,
        botToken: TOKEN,
        botUserId: BOT,
        apiUrl: `http://127.0.0.1:${port}/api/`,
      });
      const kv = createInProcessKeyValue({ clock: systemClock });
      const locks = createInProcessLocks({ clock: systemClock });
      const log = new CaptureLogger().logger();
      const channel = createSlackChannel(options, { kv, locks, clock: systemClock, log });
      await channel.start(
        createTestHost({ channel, kv, locks, memory: new FakeMemory(), engine: new ScriptedEngine(), log }),
      );
      const { url, server } = await serve(channel);
      try {
        const result = await simulateSlack({ url, text: 'opening hours?', options, fakeApi: true });
        assert.equal(result.status, 200);
        assert.equal(result.reply, 'answer: opening hours?');
        const plain = await simulateSlack({ url: `${url}/slack/events`, text: 'again', options });
        assert.deepEqual([plain.status, plain.reply], [200, undefined]);
        const wrong = await simulateSlack({ url, text: 'x', options: { ...options, signingSecret: 'nope' } });
        assert.equal(wrong.status, 401);
      } finally {
        await channel.stop();
        server.closeAllConnections();
        server.close();
      }
    });
  });
});
