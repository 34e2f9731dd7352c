/** access_token broker and the customer-service API client against a loopback fake WeChat API. */
import assert from 'node:assert/strict';
import { ManualClock } from '../../../../core/clock.js';
import { ChannelApiError } from '../../../../core/errors.js';
import type { KeyValue, Locks } from '../../../../core/ports/kv.js';
import { createWechatApi } from '../../../../channels/wechat-official/api.js';
import { createTokenBroker, type TokenBroker } from '../../../../channels/wechat-official/token-broker.js';
import { createInProcessKeyValue, createInProcessLocks } from '../../../../memory/index.js';
import { CapturingLogger } from './fakes.js';
import { FakeWechatApi } from './fake-wechat-api.js';

const APP = 'wx2c2769f8efd9abc2';
const SECRET = 'the-app-secret-value-0001';

describe('wechat-official token broker', () => {
  let api: FakeWechatApi;
  let clock: ManualClock;
  let kv: KeyValue;
  let locks: Locks;
  let log: CapturingLogger;
  const broker = (secret = SECRET): TokenBroker =>
    createTokenBroker({ appId: APP, appSecret: secret, apiBaseUrl: api.url }, { kv, locks, clock, log });

  beforeEach(async () => {
    api = await new FakeWechatApi(APP, SECRET).start();
    clock = new ManualClock();
    kv = createInProcessKeyValue({ clock });
    locks = createInProcessLocks({ clock });
    log = new CapturingLogger();
  });
  afterEach(() => api.close());

  it('calls stable_token with the documented body and caches the token', async () => {
    const b = broker();
    const t1 = await b.getToken();
    const t2 = await b.getToken();
    assert.equal(t1, t2);
    assert.deepEqual(api.tokenCalls, [
      { grant_type: 'client_credential', appid: APP, secret: SECRET, force_refresh: false },
    ]);
  });

  it('refreshes 5 minutes before expiry, not earlier', async () => {
    api.stickyToken = false;
    const b = broker();
    const t1 = await b.getToken();
    clock.advance((7200 - 301) * 1000);
    assert.equal(await b.getToken(), t1);
    assert.equal(api.tokenCalls.length, 1);
    clock.advance(2_000); // now 299 s before expiry
    api.invalidateCurrent(); // stable_token hands out the next token in its last 5 minutes
    const t2 = await b.getToken();
    assert.notEqual(t2, t1);
    assert.equal(api.tokenCalls.length, 2);
  });

  it('single-flight in process: 20 concurrent callers, one request', async () => {
    const b = broker();
    const tokens = await Promise.all(Array.from({ length: 20 }, () => b.getToken()));
    assert.equal(new Set(tokens).size, 1);
    assert.equal(api.tokenCalls.length, 1);
  });

  it('one refresher across replicas: two brokers sharing KeyValue and Locks make one request', async () => {
    const shared = locks;
    let acquired = 0;
    locks = {
      acquire(key, o) {
        acquired++; // a counting spy on the real in-process locks
        return shared.acquire(key, o);
      },
      close: () => shared.close(),
    };
    const [a, b] = [broker(), broker()];
    const tokens = await Promise.all([a.getToken(), b.getToken(), a.getToken(), b.getToken()]);
    assert.equal(new Set(tokens).size, 1);
    assert.equal(api.tokenCalls.length, 1);
    assert.ok(acquired >= 1);
  });

  it('after a rejection: one refresh, forced only when WeChat returns the rejected token again', async () => {
    const b = broker();
    const t1 = await b.getToken();
    api.invalidateCurrent();
    const t2 = await b.refreshAfterRejection(t1);
    assert.notEqual(t2, t1);
    assert.deepEqual(
      api.tokenCalls.map((c) => c.force_refresh),
      [false, false],
    );
    // WeChat keeps handing out the rejected one: force.
    api.stickyToken = true;
    api.invalidateCurrent();
    const t3 = await b.refreshAfterRejection(t2);
    assert.notEqual(t3, t2);
    assert.deepEqual(
      api.tokenCalls.map((c) => c.force_refresh),
      [false, false, false, true],
    );
    // A caller holding an already replaced token gets the current one without a request.
    assert.equal(await b.refreshAfterRejection(t1), t3);
    assert.equal(api.tokenCalls.length, 4);
  });

  it('platform errors become ChannelApiError with actionable messages and no secrets', async () => {
    await assert.rejects(broker('wrong-secret').getToken(), (e: unknown) => {
      assert.ok(e instanceof ChannelApiError);
      assert.equal(e.platformCode, 40125);
      assert.match(e.message, /appSecret/);
      assert.doesNotMatch(e.message, /wrong-secret/);
      return true;
    });
    api.tokenError = 40164;
    await assert.rejects(broker().getToken(), /IP whitelist/);
  });
});

describe('wechat-official customer-service API client', () => {
  let fake: FakeWechatApi;
  let clock: ManualClock;
  let kv: KeyValue;
  const make = () => {
    const log = new CapturingLogger();
    const broker = createTokenBroker(
      { appId: APP, appSecret: SECRET, apiBaseUrl: fake.url },
      { kv, locks: createInProcessLocks({ clock }), clock, log },
    );
    return createWechatApi({ apiBaseUrl: fake.url, timeoutMs: 5_000 }, { broker, log });
  };

  beforeEach(async () => {
    fake = await new FakeWechatApi(APP, SECRET).start();
    clock = new ManualClock();
    kv = createInProcessKeyValue({ clock });
  });
  afterEach(() => fake.close());

  it('sends custom/send with the token in the query and the body as JSON', async () => {
    await make().sendCustomMessage({ touser: 'o1', msgtype: 'text', text: { content: '你好' } });
    assert.equal(fake.sent.length, 1);
    assert.deepEqual(fake.sent[0]!.body, { touser: 'o1', msgtype: 'text', text: { content: '你好' } });
  });

  it('40001 / 42001 / 40014: refreshes the token once and retries once', async () => {
    const client = make();
    await client.sendCustomMessage({ touser: 'o1', msgtype: 'text', text: { content: 'a' } });
    const old = fake.invalidateCurrent();
    await client.sendCustomMessage({ touser: 'o1', msgtype: 'text', text: { content: 'b' } });
    assert.equal(fake.sent.length, 2);
    assert.notEqual(fake.sent[1]!.token, old);
    for (const code of [42001, 40014]) {
      fake.sendErrors.push(code);
      await client.sendCustomMessage({ touser: 'o1', msgtype: 'text', text: { content: String(code) } });
    }
    assert.equal(fake.sent.length, 4);
    fake.sendErrors.push(40001, 40001); // still refused after the refresh: give up, no loop
    await assert.rejects(
      client.sendCustomMessage({ touser: 'o1', msgtype: 'text', text: { content: 'c' } }),
      (e: unknown) => {
        assert.ok(e instanceof ChannelApiError && e.platformCode === 40001);
        return true;
      },
    );
  });

  it('maps 45015, 45047 and 48001 to actionable errors', async () => {
    const client = make();
    const cases: [number, RegExp][] = [
      [45015, /48-hour customer-service window/],
      [45047, /quota/],
      [48001, /verified service account/],
    ];
    for (const [code, advice] of cases) {
      fake.sendErrors.push(code);
      await assert.rejects(client.sendCustomMessage({ touser: 'o1', msgtype: 'text', text: { content: 'x' } }), advice);
    }
  });
});
