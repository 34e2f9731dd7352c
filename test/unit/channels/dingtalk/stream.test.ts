import assert from 'node:assert/strict';
import { systemClock } from '../../../../core/clock.js';
import { createDingTalkChannel, type DingTalkChannel } from '../../../../channels/dingtalk/index.js';
import { inboxKey } from '../../../../channels/dingtalk/ingest.js';
import type { DingTalkOptionsInput } from '../../../../channels/dingtalk/options.js';
import { reconnectDelay } from '../../../../channels/dingtalk/stream.js';
import { createInProcessKeyValue, createInProcessLocks } from '../../../../memory/index.js';
import { faultyKeyValue, type FaultyKeyValue } from '../../../helpers/faulty-kv.js';
import { captureLogger, createTestHost, FakeDingTalk } from './helpers.js';
import { FakeStreamServer, robotFrame, systemFrame } from './stream-server.js';

const TENANT = 'dingrobotcode0000001'; // robotCode inside the captured frame's data
const FAST = { minReconnectDelayMs: 10, maxReconnectDelayMs: 100, healthIntervalMs: 40, healthTimeoutMs: 400 };

interface StreamRig {
  fake: FakeDingTalk;
  server: FakeStreamServer;
  kv: FaultyKeyValue;
  channel: DingTalkChannel;
  host: ReturnType<typeof createTestHost>;
  log: ReturnType<typeof captureLogger>;
  frame(messageId: string, msgId: string, text?: string): string;
}

const rigs: StreamRig[] = [];

async function setup(
  opts: { overrides?: Partial<DingTalkOptionsInput>; autoPong?: boolean; gate?: () => Promise<void> } = {},
): Promise<StreamRig> {
  const fake = await new FakeDingTalk().start();
  const server = await new FakeStreamServer().start(opts.autoPong === undefined ? {} : { autoPong: opts.autoPong });
  let opened = 0;
  fake.respond = (req) =>
    req.path === '/v1.0/gateway/connections/open'
      ? { status: 200, body: { endpoint: server.endpoint, ticket: `ticket-${++opened}` } }
      : undefined;
  // The real in-process store, wrapped so tests can hold the inbox write (kv.gate) or take the store down (kv.failing).
  const kv = faultyKeyValue(createInProcessKeyValue({ clock: systemClock }));
  const locks = createInProcessLocks({ clock: systemClock });
  const log = captureLogger();
  const channel = createDingTalkChannel(
    {
      transport: 'stream',
      appKey: 'dingappkey0000001',
      appSecret: 'stream-secret-0123456789',
      apiBaseUrl: fake.base,
      streamEndpoint: `${fake.base}/v1.0/gateway/connections/open`,
      allowedHosts: [`127.0.0.1:${fake.port}`],
      stream: FAST,
      ...opts.overrides,
    },
    { kv, locks, clock: systemClock, log },
  );
  const host = createTestHost(channel, {
    kv,
    locks,
    clock: systemClock,
    log,
    ...(opts.gate === undefined ? {} : { gate: opts.gate }),
  });
  const rig: StreamRig = {
    fake,
    server,
    kv,
    channel,
    host,
    log,
    frame: (messageId, msgId, text) =>
      robotFrame({
        messageId,
        msgId,
        sessionWebhook: `${fake.base}/robot/sendBySession?session=s-${msgId}`,
        expiresAt: Date.now() + 90 * 60_000,
        ...(text === undefined ? {} : { text }),
      }),
  };
  rigs.push(rig);
  return rig;
}

async function until(probe: () => boolean): Promise<void> {
  while (!probe()) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('dingtalk stream mode (real DWClient against a loopback stream server)', () => {
  afterEach(async () => {
    for (const rig of rigs.splice(0)) {
      await rig.channel.stop();
      await rig.server.stop();
      await rig.fake.stop();
    }
  });

  it('has no webhook in stream mode and reports health', async () => {
    const rig = await setup();
    assert.equal(rig.channel.webhook, undefined);
    assert.deepEqual(await rig.channel.health!(), { ok: false, detail: 'stopped' });
    await rig.channel.start(rig.host);
    await rig.server.waitConnection(1);
    assert.equal((await rig.channel.health!()).ok, true);
    await rig.channel.stop();
    assert.equal((await rig.channel.health!()).ok, false);
  });

  it('persists, acks, then processes: message -> ack -> reply', async () => {
    let ackReceived: () => void = () => undefined;
    const acked = new Promise<void>((resolve) => {
      ackReceived = resolve;
    });
    // The engine only answers once the server has the ack: a channel that acked after the turn would hang here.
    const rig = await setup({ gate: () => acked });
    await rig.channel.start(rig.host);
    const conn = await rig.server.waitConnection(1);
    assert.match(conn.url, /^\/connect\?ticket=ticket-1$/);
    const open = rig.fake.to('/v1.0/gateway/connections/open')[0]!;
    assert.deepEqual(open.body, {
      clientId: 'dingappkey0000001',
      clientSecret: 'stream-secret-0123456789',
      ua: 'clawbot',
      subscriptions: [
        { type: 'EVENT', topic: '*' },
        { type: 'CALLBACK', topic: '/v1.0/im/bot/messages/get' },
      ],
    });
    let persist: () => void = () => undefined;
    const persisted = new Promise<void>((resolve) => {
      persist = resolve;
    });
    rig.kv.gate = (key) => (key.startsWith('dingtalk:inbox:') ? persisted : Promise.resolve());
    conn.ws.send(rig.frame('mid-1', 'msgStream1', '你好'));
    // The client echoes a ping at once; an ack sent before persisting would reach us before the echo.
    conn.ws.send(systemFrame('ping', 'probe-1'));
    await rig.server.waitAck(conn, 'probe-1');
    assert.equal(conn.received.length, 1, 'no ack while the inbox marker is not written');
    persist();
    const ack = await rig.server.waitAck(conn, 'mid-1');
    assert.notEqual(await rig.kv.get(inboxKey(TENANT, 'msgStream1')), undefined, 'persisted before the ack');
    ackReceived();
    assert.deepEqual(ack, {
      code: 200,
      headers: { contentType: 'application/json', messageId: 'mid-1' },
      message: 'OK',
      data: JSON.stringify({ response: { status: 'SUCCESS' } }),
    });
    const reply = await rig.fake.waitFor('/robot/sendBySession');
    assert.deepEqual(reply.body, { msgtype: 'text', text: { content: 'echo: 你好' } });
    assert.equal(reply.url, '/robot/sendBySession?session=s-msgStream1');
  });

  it('does not ack while the state store is down; the re-push is answered once', async () => {
    const rig = await setup();
    await rig.channel.start(rig.host);
    const conn = await rig.server.waitConnection(1);
    rig.kv.failing = true;
    conn.ws.send(rig.frame('mid-2', 'msgDown'));
    await until(() => rig.log.lines.some((l) => l.includes('not persisted; not acked')));
    conn.ws.send(systemFrame('ping', 'probe-2'));
    await rig.server.waitAck(conn, 'probe-2');
    assert.deepEqual(
      conn.received.map((f) => (f['headers'] as { messageId: string }).messageId),
      ['probe-2'],
      'no ack for the message',
    );
    rig.kv.failing = false;
    conn.ws.send(rig.frame('mid-2', 'msgDown')); // DingTalk re-pushes an unacked callback
    await rig.server.waitAck(conn, 'mid-2');
    conn.ws.send(rig.frame('mid-2b', 'msgDown')); // and a redelivery after the ack was lost
    await rig.server.waitAck(conn, 'mid-2b');
    await rig.fake.waitFor('/robot/sendBySession');
    await rig.channel.drain();
    assert.equal(rig.fake.to('/robot/sendBySession').length, 1, 'one reply per msgId');
    assert.deepEqual(rig.host.outcomes.map((o) => o.status).sort(), ['duplicate', 'handled']);
  });

  it('reconnects with a fresh endpoint after the server drops the socket', async () => {
    const rig = await setup();
    await rig.channel.start(rig.host);
    const first = await rig.server.waitConnection(1);
    first.ws.terminate();
    const second = await rig.server.waitConnection(2);
    assert.match(second.url, /ticket=ticket-2$/);
    await until(() => rig.log.lines.some((l) => l.includes('"reason":"closed"') && l.includes('connected')));
    assert.equal((await rig.channel.health!()).ok, true);
    second.ws.send(rig.frame('mid-3', 'msgAfterDrop'));
    await rig.server.waitAck(second, 'mid-3');
    const reply = await rig.fake.waitFor('/robot/sendBySession');
    assert.deepEqual(reply.body, { msgtype: 'text', text: { content: 'echo: ?' } });
  });

  it('opens a new connection on a "disconnect" system frame, then closes the old one', async () => {
    const rig = await setup();
    await rig.channel.start(rig.host);
    const first = await rig.server.waitConnection(1);
    first.ws.send(systemFrame('disconnect'));
    const second = await rig.server.waitConnection(2);
    await rig.server.waitClosed(first);
    assert.equal(second.closed, false);
    second.ws.send(rig.frame('mid-4', 'msgAfterDisconnect'));
    await rig.server.waitAck(second, 'mid-4');
    await rig.fake.waitFor('/robot/sendBySession');
    assert.equal(rig.server.connections.length, 2, 'no reconnect storm');
  });

  it('reconnects after a socket error (a protocol violation from the server)', async () => {
    const rig = await setup();
    await rig.channel.start(rig.host);
    const first = await rig.server.waitConnection(1);
    // A frame with the reserved opcode 0x3: the client's ws raises an error.
    (first.ws as unknown as { _socket: { write(b: Buffer): void } })._socket.write(Buffer.from([0x83, 0x00]));
    const second = await rig.server.waitConnection(2);
    second.ws.send(rig.frame('mid-5', 'msgAfterError'));
    await rig.server.waitAck(second, 'mid-5');
  });

  it('replaces a silent socket (no frames, no pongs) found by the health check', async () => {
    const rig = await setup({ autoPong: false });
    await rig.channel.start(rig.host);
    const first = await rig.server.waitConnection(1);
    const second = await rig.server.waitConnection(2);
    await rig.server.waitClosed(first);
    assert.ok(rig.log.lines.some((l) => l.includes('health timeout')));
    assert.equal(second.closed, false);
  });

  it('keeps retrying with back-off while the gateway is down; start() does not hang', async () => {
    const rig = await setup();
    let failures = 2;
    const ok = rig.fake.respond;
    rig.fake.respond = (req) => {
      if (req.path === '/v1.0/gateway/connections/open' && failures > 0) {
        failures--;
        return { status: 500, body: { code: 'ServiceUnavailable', message: 'down' } };
      }
      return ok(req);
    };
    await rig.channel.start(rig.host);
    assert.equal((await rig.channel.health!()).ok, false);
    await rig.server.waitConnection(1);
    await until(() => rig.log.lines.some((l) => l.includes('"attempt":2') && l.includes('connected')));
    assert.equal(rig.fake.to('/v1.0/gateway/connections/open').length, 3);
    assert.equal((await rig.channel.health!()).ok, true);
  });

  it('logs no clientSecret', async () => {
    const rig = await setup();
    rig.fake.respond = () => ({ status: 500, body: {} });
    await rig.channel.start(rig.host);
    await rig.channel.stop();
    assert.ok(rig.log.lines.some((l) => l.includes('connect failed')));
    assert.equal(rig.log.lines.join('\n').includes('stream-secret-0123456789'), false);
  });
});

describe('dingtalk stream with the SDK hard-coded gateway URL (nock@14)', () => {
  it('connects through the real DWClient.getEndpoint intercepted by nock, and acks a message', async () => {
    const { default: nock } = await import('nock');
    const fake = await new FakeDingTalk().start();
    const server = await new FakeStreamServer().start();
    nock.disableNetConnect();
    nock.enableNetConnect(/^127\.0\.0\.1/);
    const scope = nock('https://api.dingtalk.com')
      .matchHeader('accept', /application\/json/)
      .post('/v1.0/gateway/connections/open', (body: { clientId?: string; subscriptions?: { topic: string }[] }) => {
        return (
          body.clientId === 'dingappkey0000001' &&
          body.subscriptions?.some((s) => s.topic === '/v1.0/im/bot/messages/get') === true
        );
      })
      .reply(200, { endpoint: server.endpoint, ticket: 'nock-ticket' });
    const kv = createInProcessKeyValue({ clock: systemClock });
    const locks = createInProcessLocks({ clock: systemClock });
    const log = captureLogger();
    const channel = createDingTalkChannel(
      {
        transport: 'stream',
        appKey: 'dingappkey0000001',
        appSecret: 'stream-secret-0123456789',
        apiBaseUrl: fake.base,
        allowedHosts: [`127.0.0.1:${fake.port}`],
        stream: FAST,
      },
      { kv, locks, clock: systemClock, log },
    );
    try {
      await channel.start(createTestHost(channel, { kv, locks, clock: systemClock, log }));
      const conn = await server.waitConnection(1);
      assert.match(conn.url, /ticket=nock-ticket$/);
      assert.equal(scope.isDone(), true);
      conn.ws.send(
        robotFrame({
          messageId: 'mid-nock',
          msgId: 'msgNock',
          sessionWebhook: `${fake.base}/robot/sendBySession?session=n`,
          expiresAt: Date.now() + 60_000,
        }),
      );
      const ack = await server.waitAck(conn, 'mid-nock');
      assert.equal(ack['code'], 200);
      await fake.waitFor('/robot/sendBySession');
    } finally {
      await channel.stop();
      await server.stop();
      await fake.stop();
      nock.cleanAll();
      nock.enableNetConnect();
    }
  });
});

describe('dingtalk stream back-off (pure)', () => {
  const tuning = { minReconnectDelayMs: 1000, maxReconnectDelayMs: 30_000, healthIntervalMs: 1, healthTimeoutMs: 1 };
  it('doubles the reconnect delay up to the cap, with jitter in [base/2, base]', () => {
    assert.equal(reconnectDelay(0, tuning, 1), 1000);
    assert.equal(reconnectDelay(0, tuning, 0), 500);
    assert.equal(reconnectDelay(3, tuning, 1), 8000);
    assert.equal(reconnectDelay(10, tuning, 1), 30_000);
    assert.equal(reconnectDelay(100, tuning, 0.5), 22_500);
  });
});
