/**
 * WeChat's 5-second rule with a ManualClock: retry storms (sequential 5 s apart, concurrent, across
 * replicas) run one turn and deliver one reply; answers that miss every delivery arrive with the next
 * message; the customer-service API path delivers late answers.
 */
import assert from 'node:assert/strict';
import { ManualClock } from '../../../../core/clock.js';
import type { WebhookResponse } from '../../../../core/ports/channel.js';
import { createInProcessKeyValue, createInProcessLocks } from '../../../../memory/index.js';
import { contentOf, createHarness, T0, text } from './harness.js';
import { deferred, flush } from './fakes.js';
import { FakeWechatApi } from './fake-wechat-api.js';
import { decodeAnswer, DEMO } from './requests.js';

const replies = (rs: WebhookResponse[]) => rs.map((r) => contentOf(decodeAnswer(r)));

/** Starts a delivery without awaiting it; `.done` tells whether it has answered. */
function pending(p: Promise<WebhookResponse>) {
  const box: { done: boolean; res?: WebhookResponse; promise: Promise<WebhookResponse> } = { done: false, promise: p };
  void p.then((r) => {
    box.done = true;
    box.res = r;
  });
  return box;
}

describe('wechat-official 5-second rule: retry storms', () => {
  it('three deliveries 5 s apart (slow engine): one turn, one passive reply, the others "success"', async () => {
    const hx = await createHarness();
    const gate = deferred();
    hx.engine.gate = gate.promise;
    const xml = text(hx, '慢问题');
    const d1 = pending(hx.push(xml));
    await flush();
    await hx.tick(4_500); // d1's budget is over: it stays silent so WeChat retries
    assert.equal(d1.done, false);
    await hx.tick(500); // t = 5 s: second delivery
    const d2 = pending(hx.push(xml));
    await flush();
    await hx.tick(500); // t = 5.5 s: d1 answers (WeChat has hung up long ago)
    assert.equal(d1.done, true);
    assert.equal(decodeAnswer(d1.res!).success, true);
    await hx.tick(500); // t = 6 s: the answer is ready, inside d2's budget
    gate.resolve();
    await flush(10);
    assert.equal(d2.done, true);
    assert.equal(contentOf(decodeAnswer(d2.res!)), '答：慢问题');
    await hx.tick(4_000); // t = 10 s: a third delivery: WeChat did not get d2's answer in time (lost, say)
    const d3 = await hx.push(xml);
    assert.equal(
      contentOf(decodeAnswer(d3)),
      '答：慢问题',
      'so the third delivery carries it (WeChat listens to it only)',
    );
    assert.equal(hx.engine.calls.length, 1);
    assert.equal(hx.host.events.length, 1, 'retries never dispatch a second turn');
  });

  it('three concurrent deliveries of one MsgId: one turn, one reply', async () => {
    const hx = await createHarness();
    const xml = text(hx, '并发');
    const rs = await Promise.all([hx.push(xml), hx.push(xml), hx.push(xml)]);
    assert.deepEqual(
      replies(rs).filter((r) => r !== undefined),
      ['答：并发'],
    );
    assert.equal(hx.engine.calls.length, 1);
  });

  it('an answer later than all three deliveries comes with the user’s next message, after a notice', async () => {
    const hx = await createHarness();
    const gate = deferred();
    hx.engine.gate = gate.promise;
    const xml = text(hx, '第一个问题');
    const ds = [pending(hx.push(xml))];
    for (let i = 1; i < 3; i++) {
      await hx.tick(5_000);
      ds.push(pending(hx.push(xml)));
      await flush();
    }
    await hx.tick(5_000); // t = 15 s
    assert.ok(
      ds.every((d) => d.done && decodeAnswer(d.res!).success),
      'every delivery answered success',
    );
    gate.resolve(); // the answer is ready at 15 s: nobody is listening
    await flush(10);
    hx.engine.gate = undefined;
    await hx.tick(30_000);
    const next = contentOf(await hx.ask(text(hx, '第二个问题')))!;
    assert.equal(next, '【您上一个问题的回复】\n答：第一个问题\n\n【本条消息的回复】\n答：第二个问题');
    const third = contentOf(await hx.ask(text(hx, '第三个问题')));
    assert.equal(third, '答：第三个问题', 'the kept answer is delivered once');
    assert.equal(hx.engine.calls.length, 3);
  });

  it('a transfer_customer_service handoff that missed every delivery is applied to the next message', async () => {
    const hx = await createHarness({ options: { handoffTarget: 'transfer_customer_service' } });
    const gate = deferred();
    hx.engine.gate = gate.promise;
    hx.engine.answer = () => ({
      reply: [{ type: 'text', text: '为您转人工' }],
      understanding: { intent: 'handoff', confidence: 1, handoff: true, sources: [] },
    });
    const xml = text(hx, '人工');
    const ds = [pending(hx.push(xml))];
    for (let i = 1; i < 3; i++) {
      await hx.tick(5_000);
      ds.push(pending(hx.push(xml)));
      await flush();
    }
    await hx.tick(5_000);
    gate.resolve();
    await flush(10);
    assert.ok(ds.every((d) => d.done && decodeAnswer(d.res!).success));
    const next = await hx.ask(text(hx, '还在吗'));
    assert.equal(next.fields?.MsgType, 'transfer_customer_service');
    assert.equal(hx.engine.calls.length, 1, 'the transferred message goes to WeChat customer service, not the bot');
  });

  it('across replicas: a retry landing on another replica answers with the stored reply', async () => {
    const clock = new ManualClock(T0 * 1000);
    const kv = createInProcessKeyValue({ clock });
    const locks = createInProcessLocks({ clock });
    const a = await createHarness({ clock, kv, locks });
    const b = await createHarness({ clock, kv, locks, engine: a.engine });
    const gate = deferred();
    a.engine.gate = gate.promise;
    const xml = text(a, '跨副本');
    const d1 = pending(a.push(xml));
    await flush();
    await a.tick(5_000);
    const d2 = pending(b.push(xml)); // replica B: its dispatch is a duplicate, it waits for the stored reply
    await flush(10);
    await a.tick(1_000);
    gate.resolve();
    await flush(10);
    for (let i = 0; i < 4 && !d2.done; i++) await a.tick(250);
    assert.equal(d2.done, true);
    assert.equal(contentOf(decodeAnswer(d2.res!)), '答：跨副本');
    await a.tick(1_000);
    assert.equal(d1.done, true);
    assert.equal(a.engine.calls.length, 1);
    assert.deepEqual(
      b.host.outcomes.map((o) => o.status),
      ['duplicate'],
    );
    const next = contentOf(await a.ask(text(a, '然后')));
    assert.equal(next, '答：然后', 'delivered by the retry, so nothing is pending');
  });
});

describe('wechat-official 5-second rule: customer-service API', () => {
  let api: FakeWechatApi;
  beforeEach(async () => {
    api = await new FakeWechatApi(DEMO.appId, DEMO.appSecret).start();
  });
  afterEach(() => api.close());

  const waitFor = async (cond: () => boolean) => {
    for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
    assert.ok(cond(), 'timed out waiting');
  };

  it('slow engine: "success" at the budget, then the answer through custom/send', async () => {
    const hx = await createHarness({ options: { customerServiceApi: true, apiBaseUrl: api.url } });
    const gate = deferred();
    hx.engine.gate = gate.promise;
    const d1 = pending(hx.push(text(hx, '慢')));
    await flush();
    await hx.tick(4_500);
    await flush();
    assert.equal(d1.done, true);
    assert.equal(decodeAnswer(d1.res!).success, true);
    gate.resolve();
    await waitFor(() => api.sent.length === 1);
    assert.deepEqual(api.sent[0]!.body, { touser: DEMO.openid, msgtype: 'text', text: { content: '答：慢' } });
    const w = await hx.channel.getServiceWindow(DEMO.openid);
    assert.equal(w.remaining, 4);
    assert.equal(w.open, true);
  });

  it('a closed window (45015) keeps the answer for the next message', async () => {
    const hx = await createHarness({ options: { customerServiceApi: true, apiBaseUrl: api.url } });
    const gate = deferred();
    hx.engine.gate = gate.promise;
    api.sendErrors.push(45015);
    const d1 = pending(hx.push(text(hx, 'A')));
    await flush();
    await hx.tick(4_500);
    gate.resolve();
    await waitFor(() => api.sendErrors.length === 0);
    await flush(10);
    assert.equal(d1.done, true);
    hx.engine.gate = undefined;
    assert.equal((await hx.channel.getServiceWindow(DEMO.openid)).open, false);
    const next = contentOf(await hx.ask(text(hx, 'B')));
    assert.equal(next, '【您上一个问题的回复】\n答：A\n\n【本条消息的回复】\n答：B');
  });

  it('agent messages outside a turn go through the API; without it they wait for the next message', async () => {
    const hx = await createHarness({ options: { customerServiceApi: true, apiBaseUrl: api.url } });
    await hx.ask(text(hx, 'hi')); // opens the 48-hour window
    const conversation = { channel: 'wechat_official', tenant: DEMO.appId, conversation: DEMO.openid };
    const r = await hx.channel.send({
      conversation,
      parts: [{ type: 'text', text: '我是客服小王' }],
      author: { kind: 'agent', agentId: 'a1' },
    });
    assert.equal(r.via, 'api');
    assert.equal((api.sent.at(-1)!.body.text as { content: string }).content, '我是客服小王');
    const off = await createHarness();
    const deferredReceipt = await off.channel.send({
      conversation,
      parts: [{ type: 'text', text: '稍后回复' }],
      author: { kind: 'agent', agentId: 'a1' },
    });
    assert.equal(deferredReceipt.via, 'deferred');
    assert.match(contentOf(await off.ask(text(off, '在吗'))) ?? '', /稍后回复[\s\S]*答：在吗/);
  });
});
