/**
 * The Slack channel through a real HTTP server: express on 127.0.0.1:0 mounting `httpHandler` the way
 * the gateway does (gateway/app/routes/webhooks.ts, before any body parser), a loopback fake Slack Web
 * API via `apiUrl`, real Bolt, and core's dispatcher with dedupe.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import express from 'express';
import { createSlackChannel, type SlackChannel } from '../../../../channels/slack/index.js';
import { startFakeSlackApi, type FakeSlackApi } from '../../../../channels/slack/fake-web-api.js';
import { slackSignature } from '../../../../channels/slack/signature.js';
import { webhookRoutes } from '../../../../gateway/app/routes/webhooks.js';
import { systemClock } from '../../../../core/clock.js';
import { createInProcessKeyValue, createInProcessLocks } from '../../../../memory/index.js';
import { faultyKeyValue, type FaultyKeyValue } from '../../../helpers/faulty-kv.js';
import { CaptureLogger, FakeMemory, ScriptedEngine, createTestHost } from './host.js';

const SECRET = 'test-signing-secret-0123456789abcdef';
const TOKEN = 'xoxb-1111-2222-test-bot-token';
const BOT = 'U0LAN0Z89';
const FIXTURES = path.resolve(import.meta.dirname, '../../../fixtures/slack');
const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8')) as Record<string, unknown>;

interface Sent {
  status: number;
  body: string;
  contentType: string | null;
}

describe('slack channel over HTTP (Bolt ExpressReceiver, fake Web API)', function () {
  let fake: FakeSlackApi;
  let server: Server;
  let base: string;
  let channel: SlackChannel;
  let host: ReturnType<typeof createTestHost>;
  let kv: FaultyKeyValue;
  let engine: ScriptedEngine;
  const logs = new CaptureLogger();

  const post = async (
    body: string,
    opts: {
      contentType?: string;
      ts?: number;
      secret?: string;
      headers?: Record<string, string>;
      signed?: boolean;
    } = {},
  ): Promise<Sent> => {
    const ts = opts.ts ?? Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = { 'content-type': opts.contentType ?? 'application/json', ...opts.headers };
    if (opts.signed !== false) {
      headers['x-slack-request-timestamp'] = String(ts);
      headers['x-slack-signature'] = slackSignature(opts.secret ?? SECRET, ts, body);
    }
    const res = await fetch(`${base}/slack/events`, { method: 'POST', headers, body });
    return { status: res.status, body: await res.text(), contentType: res.headers.get('content-type') };
  };
  const event = (name: string, mutate?: (b: Record<string, unknown>) => void): string => {
    const b = fixture(name);
    mutate?.(b);
    return JSON.stringify(b);
  };
  const postsTo = (channelId: string) =>
    fake.callsOf('chat.postMessage').filter((c) => c.params['channel'] === channelId);

  before(async () => {
    fake = await startFakeSlackApi({ botUserId: BOT, botId: 'B0CLAWBOT', teamId: 'T123ABC456' });
    // The real in-process store, wrapped so one test can take the state store down (kv.failing).
    kv = faultyKeyValue(createInProcessKeyValue({ clock: systemClock }));
    engine = new ScriptedEngine();
    const log = logs.logger();
    channel = createSlackChannel(
      {
        signingSecret: SECRET,
        botToken: TOKEN,
        apiUrl: fake.url,
        slashCommand: '/ask',
        handoffButton: 'Talk to a human',
      },
      { kv, locks: createInProcessLocks({ clock: systemClock }), clock: systemClock, log },
    );
    host = createTestHost({
      channel,
      kv,
      locks: createInProcessLocks({ clock: systemClock }),
      memory: new FakeMemory(),
      engine,
      log,
    });
    await channel.start(host);
    const app = express();
    app.use(webhookRoutes([channel], log)); // as gateway/app/server.ts: channel endpoints first
    app.use(express.json()); // a body parser AFTER the Slack handler must not matter
    app.use((_req, res) => void res.status(404).json({ error: { code: 'not_found' } }));
    server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    await channel.stop();
    server.closeAllConnections();
    server.close();
    await fake.close();
  });

  it('start() resolves the bot identity with one auth.test on the fake Web API, with the bot token', () => {
    assert.equal(fake.callsOf('auth.test').length, 1);
    assert.equal(fake.callsOf('auth.test')[0]!.token, TOKEN);
    assert.equal(channel.identity().userId, BOT);
  });

  it('a signed app_mention is acked before the turn runs, then answered with ONE chat.postMessage in its thread; 3 retries post nothing more', async () => {
    engine.hold(); // the turn cannot finish until released: the 200 proves ack-before-turn
    const body = event('app-mention.json');
    try {
      const first = await post(body);
      assert.equal(first.status, 200);
      assert.equal(postsTo('C123ABC456').length, 0);
      for (const n of [1, 2, 3]) {
        const retry = await post(body, {
          headers: { 'x-slack-retry-num': String(n), 'x-slack-retry-reason': 'http_timeout' },
        });
        assert.equal(retry.status, 200, `retry ${n} acked`);
      }
      await logs.waitFor(() => host.outcomes.filter((o) => o.status === 'duplicate').length === 3);
    } finally {
      engine.release();
    }
    await fake.waitFor(() => postsTo('C123ABC456').length >= 1);
    await logs.waitFor(() => host.outcomes.length === 4);
    const posts = postsTo('C123ABC456');
    assert.equal(posts.length, 1);
    assert.equal(posts[0]!.params['thread_ts'], '1515449522.000016');
    assert.equal(posts[0]!.params['text'], 'answer: what are your opening hours &amp; prices?');
    assert.equal(posts[0]!.token, TOKEN);
    assert.deepEqual(host.outcomes.map((o) => o.status).sort(), ['duplicate', 'duplicate', 'duplicate', 'handled']);
    assert.equal(engine.requests.filter((r) => r.message.id === 'Ev123ABC456').length, 1);
    const blocks = posts[0]!.params['blocks'] as Record<string, unknown>[];
    const ids = (blocks[1]!['elements'] as Record<string, unknown>[]).map((e) => e['action_id']);
    assert.deepEqual(ids, ['clawbot_handoff']);
  });

  it('a late retry after the turn finished posts nothing more (dedupe by event_id)', async () => {
    const before = fake.callsOf('chat.postMessage').length;
    const res = await post(event('app-mention.json'), {
      headers: { 'x-slack-retry-num': '3', 'x-slack-retry-reason': 'http_error' },
    });
    assert.equal(res.status, 200);
    await logs.waitFor(() => host.outcomes.length === 5);
    assert.equal(host.outcomes[4]!.status, 'duplicate');
    assert.equal(fake.callsOf('chat.postMessage').length, before);
  });

  it('bad signature -> 401 JSON, nothing dispatched', async () => {
    const n = host.events.length;
    const res = await post(
      event('app-mention.json', (b) => (b['event_id'] = 'EvBADSIG')),
      { secret: 'wrong-secret' },
    );
    assert.equal(res.status, 401);
    assert.match(res.contentType ?? '', /application\/json/);
    assert.equal((JSON.parse(res.body) as { error: { code: string } }).error.code, 'channel.signature_invalid');
    const unsigned = await post(event('app-mention.json'), { signed: false });
    assert.equal(unsigned.status, 401);
    assert.equal(host.events.length, n);
  });

  it('stale (6 min old) and future (6 min ahead) timestamps -> 401 channel.timestamp_stale', async () => {
    const now = Math.floor(Date.now() / 1000);
    for (const ts of [now - 360, now + 360]) {
      const res = await post(
        event('app-mention.json', (b) => (b['event_id'] = `EvTS${ts}`)),
        { ts },
      );
      assert.equal(res.status, 401, `ts ${ts - now}`);
      assert.equal((JSON.parse(res.body) as { error: { code: string } }).error.code, 'channel.timestamp_stale');
    }
  });

  it('url_verification echoes the challenge; ssl_check (unsigned) gets 200', async () => {
    const challenge = '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P';
    const res = await post(JSON.stringify({ token: 'x', challenge, type: 'url_verification' }));
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(res.body), { challenge });
    const ssl = await post('ssl_check=1&token=x', { contentType: 'application/x-www-form-urlencoded', signed: false });
    assert.equal(ssl.status, 200);
  });

  it('bot messages and edits are acked and ignored', async () => {
    const ignoredBefore = logs.count((e) => e.msg === 'slack payload ignored');
    const eventsBefore = host.events.length;
    assert.equal((await post(event('message-bot.json'))).status, 200);
    assert.equal((await post(event('message-changed.json'))).status, 200);
    await logs.waitFor(() => logs.count((e) => e.msg === 'slack payload ignored') === ignoredBefore + 2);
    assert.equal(host.events.length, eventsBefore);
    const reasons = logs.entries.filter((e) => e.msg === 'slack payload ignored').map((e) => e.obj['reason']);
    assert.ok(reasons.includes('bot message'));
    assert.ok(reasons.some((r) => String(r).includes('message_changed')));
  });

  it('a DM is answered in the DM (no thread)', async () => {
    assert.equal((await post(event('message-im.json'))).status, 200);
    await fake.waitFor(() => postsTo('D024BE91L').length === 1);
    const [dm] = postsTo('D024BE91L');
    assert.equal(dm!.params['text'], 'answer: Hello, I need help with my order');
    assert.equal(dm!.params['thread_ts'], undefined);
  });

  it('the slash command is acked and answered through response_url, not chat.postMessage', async () => {
    const responseUrl = fake.responseUrl('cmd-1');
    const form = new URLSearchParams({
      token: 'x',
      team_id: 'T123ABC456',
      channel_id: 'C999',
      channel_name: 'support',
      user_id: 'U2147483697',
      user_name: 'steve',
      command: '/ask',
      text: 'where is my parcel?',
      response_url: responseUrl,
      trigger_id: '13345224609.738474920.8088930838d88f008e0',
      api_app_id: 'A123ABC456',
    }).toString();
    const res = await post(form, { contentType: 'application/x-www-form-urlencoded' });
    assert.equal(res.status, 200);
    await fake.waitFor(() => fake.responses.length === 1);
    const answer = fake.responses[0]!;
    assert.equal(answer.path, '/response/cmd-1');
    assert.equal(answer.body['response_type'], 'ephemeral');
    assert.equal(answer.body['text'], 'answer: where is my parcel?');
    assert.equal(answer.body['replace_original'], false);
    const buttons = (answer.body['blocks'] as Record<string, unknown>[])[1]!['elements'] as Record<string, unknown>[];
    assert.deepEqual(
      buttons.map((b) => b['action_id']),
      ['clawbot_handoff'],
    );
    assert.equal(postsTo('C999').length, 0);
  });

  it('a slash command whose response_url is off the allow-list is not POSTed to', async () => {
    const form = new URLSearchParams({
      team_id: 'T123ABC456',
      channel_id: 'C998',
      user_id: 'U2147483697',
      command: '/ask',
      text: 'hello',
      response_url: 'https://evil.example.com/steal',
      trigger_id: 'trigger-evil',
    }).toString();
    assert.equal((await post(form, { contentType: 'application/x-www-form-urlencoded' })).status, 200);
    await logs.waitFor(
      () => logs.count((e) => e.msg === 'slack send failed' && e.obj['code'] === 'channel.host_not_allowed') >= 1,
    );
    assert.equal(logs.text().includes('evil.example.com/steal'), false, 'response_url path never logged');
  });

  it('the "talk to a human" button dispatches an action event handoff.request', async () => {
    const payload = fixture('block-actions-handoff.json');
    const res = await post(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), {
      contentType: 'application/x-www-form-urlencoded',
    });
    assert.equal(res.status, 200);
    await logs.waitFor(() => host.events.some((e) => e.kind === 'action'));
    const action = host.events.find((e) => e.kind === 'action');
    assert.equal(action?.kind === 'action' && action.action, 'handoff.request');
    assert.equal(action?.conversation.thread, '1515449522.000016');
    assert.equal(action?.conversation.tenant, 'T123ABC456');
  });

  it('oversized bodies -> 413; state store down -> 503 (Slack retries later)', async () => {
    const big = await post(JSON.stringify({ type: 'event_callback', pad: 'x'.repeat(1024 * 1024 + 10) }));
    assert.equal(big.status, 413);
    kv.failing = true;
    try {
      const res = await post(event('app-mention.json', (b) => (b['event_id'] = 'EvKVDOWN')));
      assert.equal(res.status, 503);
      assert.equal((JSON.parse(res.body) as { error: { code: string } }).error.code, 'kv.unavailable');
    } finally {
      kv.failing = false;
    }
  });

  it('other paths and methods fall through to the app (404)', async () => {
    const res = await fetch(`${base}/slack/events`, { method: 'GET' });
    assert.equal(res.status, 404);
    const other = await fetch(`${base}/slack/other`, { method: 'POST', body: '{}' });
    assert.equal(other.status, 404);
  });

  it('the bot token and signing secret never appear in the logs', () => {
    assert.ok(logs.entries.length > 10, 'something was logged');
    const text = logs.text();
    assert.equal(text.includes(TOKEN), false);
    assert.equal(text.includes(SECRET), false);
    assert.equal(/xoxb-[A-Za-z0-9]/.test(text), false);
  });
});

describe('slack channel mounted after a body parser (the failure the gateway must avoid)', () => {
  it('answers 500 config.invalid instead of a confusing signature error', async () => {
    const logs = new CaptureLogger();
    const channel = createSlackChannel(
      { signingSecret: SECRET, botToken: TOKEN, botUserId: BOT, apiUrl: 'http://127.0.0.1:9/api/' },
      {
        kv: createInProcessKeyValue({ clock: systemClock }),
        locks: createInProcessLocks({ clock: systemClock }),
        clock: systemClock,
        log: logs.logger(),
      },
    );
    const app = express();
    app.use(express.json());
    app.use(channel.httpHandler.path, (req, res, next) => channel.httpHandler.handle(req, res, next));
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const body = JSON.stringify({ type: 'url_verification', challenge: 'c' });
      const ts = Math.floor(Date.now() / 1000);
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-slack-request-timestamp': String(ts),
          'x-slack-signature': slackSignature(SECRET, ts, body),
        },
        body,
      });
      assert.equal(res.status, 500);
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'config.invalid');
      assert.ok(logs.entries.some((e) => /before any body parser/.test(e.msg ?? '')));
    } finally {
      server.close();
    }
  });
});
