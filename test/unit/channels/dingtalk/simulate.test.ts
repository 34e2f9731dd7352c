import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock } from '../../../../core/clock.js';
import { createDingTalkChannel, simulateDingTalk, type DingTalkChannel } from '../../../../channels/dingtalk/index.js';
import { createInProcessKeyValue, createInProcessLocks } from '../../../../memory/index.js';
import { captureLogger, createTestHost } from './helpers.js';

/** A plain node:http server translating requests into WebhookRequest (the gateway's job), raw bytes kept. */
function serve(channel: DingTalkChannel): Promise<Server> {
  const webhook = channel.webhook!;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
      void webhook
        .handle({
          method: req.method ?? 'GET',
          path: url.pathname,
          query: Object.fromEntries(url.searchParams),
          headers,
          rawBody: Buffer.concat(chunks),
          remoteAddress: req.socket.remoteAddress ?? '',
        })
        .then((out) => {
          res.writeHead(out.status, out.headers).end(out.body);
        });
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('dingtalk simulate (through a real HTTP server)', () => {
  let server: Server;
  let channel: DingTalkChannel;
  let url: string;

  beforeEach(async () => {
    const kv = createInProcessKeyValue({ clock: systemClock });
    const locks = createInProcessLocks({ clock: systemClock });
    const log = captureLogger();
    channel = createDingTalkChannel(
      {
        appKey: 'dingappkey0000001',
        appSecret: 'simulate-secret-0123456789',
        // "127.0.0.1" (any port) admits simulate's own loopback sessionWebhook listener.
        allowedHosts: ['oapi.dingtalk.com', 'api.dingtalk.com', '127.0.0.1'],
      },
      { kv, locks, clock: systemClock, log },
    );
    await channel.start(createTestHost(channel, { kv, locks, clock: systemClock, log }));
    server = await serve(channel);
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/dingtalk`;
  });

  afterEach(async () => {
    await channel.stop();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  });

  it('sends a signed callback and prints the reply captured on its loopback sessionWebhook', async () => {
    const result = await simulateDingTalk({ url, text: '你好', options: channel.options });
    assert.equal(result.status, 200);
    assert.equal(result.reply, 'echo: 你好');
    assert.deepEqual(JSON.parse(result.raw), { msgtype: 'text', text: { content: 'echo: 你好' } });
  });

  it('simulates a group @mention (the reply @-mentions the sender)', async () => {
    const result = await simulateDingTalk({
      url,
      text: '退货',
      options: channel.options,
      conversationType: '2',
      user: 'u42',
    });
    assert.equal(result.reply, 'echo: 退货');
    assert.deepEqual((JSON.parse(result.raw) as { at: unknown }).at, { atUserIds: ['u42'], isAtAll: false });
  });

  it('shows the 401 of a wrong appSecret', async () => {
    const result = await simulateDingTalk({ url, text: 'x', options: { ...channel.options, appSecret: 'wrong' } });
    assert.equal(result.status, 401);
    assert.equal(result.reply, undefined);
    assert.match(result.raw, /channel.signature_invalid/);
  });

  it('explains a missing 127.0.0.1 allow-list entry instead of waiting for a reply that cannot come', async () => {
    await assert.rejects(
      simulateDingTalk({ url, text: 'x', options: { ...channel.options, allowedHosts: ['oapi.dingtalk.com'] } }),
      { code: 'config.invalid', message: /127\.0\.0\.1/ },
    );
  });
});
