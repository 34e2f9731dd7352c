import assert from 'node:assert/strict';
import { isBotError } from '../../../core/errors.js';
import { flush } from '../../contract/support.js';
import { createBench } from './harness.js';

const rejectsWith = (code: string) => (e: unknown) => isBotError(e) && e.code === code;

describe('handoff gate and service (pipeline, manual clock)', () => {
  it('opens a ticket on a low-confidence handoff and tells the queued notice with position instead of the generic one', async () => {
    const b = createBench();
    const turn = await b.say('weather');
    assert.equal(turn.understanding?.handoff, true);
    assert.deepEqual(turn.texts.length, 1);
    assert.match(turn.texts[0]!, /number 1 in the queue/);
    assert.doesNotMatch(turn.texts.join(' '), /GENERIC/);
    assert.equal(turn.replies[0]?.author.kind, 'system');
    const ticket = await b.service.active('rest:default:s1');
    assert.equal(ticket?.status, 'queued');
    assert.equal(ticket?.reason, 'low_confidence');
    assert.equal(ticket?.lang, 'en');
    assert.deepEqual(
      ticket?.history.map((t) => t.user),
      ['weather'],
    );
    const second = await b.say('转人工', 's2');
    assert.match(second.texts[0]!, /第 2 位/);
    assert.equal((await b.service.active('rest:default:s2'))?.reason, 'user_request');
    assert.deepEqual(
      b.events.filter((e) => e.type === 'ticket').map((e) => (e.type === 'ticket' ? e.change : '')),
      ['open', 'open'],
    );
  });

  it('keeps the bot silent while the ticket is open and sends customer messages to the transcript', async () => {
    const b = createBench();
    await b.say('weather');
    for (const text of ['hello', '退货怎么办']) {
      const turn = await b.say(text);
      assert.deepEqual(turn.texts, [], 'no bot answer');
      assert.equal(turn.understanding?.handoff, true, 'handoff stays true');
    }
    const ticket = (await b.service.active('rest:default:s1'))!;
    const packet = await b.desk.packet('alice', ticket.id);
    assert.deepEqual(
      packet.transcript.filter((e) => e.role === 'customer').map((e) => e.text),
      ['hello', '退货怎么办'],
    );
    assert.equal(packet.transcript[0]?.role, 'system', 'the queued notice is in the transcript');
    assert.ok(b.events.some((e) => e.type === 'transcript' && e.entry.text === 'hello'));
  });

  it('runs the whole agent path: claim (joined notice), reply as agent, return to bot; the bot answers again', async () => {
    const b = createBench();
    await b.say('weather');
    const { id } = (await b.service.active('rest:default:s1'))!;
    b.clock.advance(30_000);
    await b.desk.claim('alice', id);
    assert.deepEqual(b.drain(), ['Alice from our support team has joined the conversation.']);
    b.clock.advance(5_000);
    const replied = await b.desk.reply('alice', id, 'Hi, I am Alice. Let me check.');
    assert.equal(replied.status, 'human');
    assert.equal(replied.sla.firstResponseAt, b.clock.now());
    assert.equal(replied.sla.openedAt, replied.createdAt, 'the SLA clock kept the handoff moment');
    const out = b.outbox.at(-1)!;
    assert.deepEqual(out.author, { kind: 'agent', agentId: 'alice', displayName: 'Alice' });
    assert.deepEqual(b.drain(), ['Hi, I am Alice. Let me check.']);
    const turns = await b.memory.recent('rest:default:s1');
    assert.deepEqual(
      turns.at(-1)?.replies.map((r) => [r.author, r.text]),
      [
        [
          'system',
          "I've passed your conversation to our support team. You are number 1 in the queue (estimated wait: 3 minutes). Send /end to go back to the assistant.",
        ],
        ['system', 'Alice from our support team has joined the conversation.'],
        ['agent', 'Hi, I am Alice. Let me check.'],
      ],
    );
    assert.equal(turns.at(-1)?.replies[2]?.agentId, 'alice');
    const silent = await b.say('hello');
    assert.deepEqual(silent.texts, []);
    await b.desk.returnToBot('alice', id);
    assert.match(b.drain()[0]!, /handed the conversation back/);
    assert.equal(await b.service.active('rest:default:s1'), undefined);
    const back = await b.say('hello');
    assert.deepEqual(back.texts, ['Hi! How can I help?']);
    assert.equal(back.understanding?.handoff, false);
  });

  it('lets the customer end it with /end or 结束人工, in their language', async () => {
    const b = createBench();
    await b.say('转人工');
    const ended = await b.say('结束人工');
    assert.match(ended.texts[0]!, /已为您结束人工服务/);
    assert.equal(ended.understanding?.handoff, false);
    assert.equal(await b.service.active('rest:default:s1'), undefined);
    assert.deepEqual((await b.say('退货怎么办')).texts, ['7 天无理由退货。']);
    await b.say('weather', 's2');
    assert.match((await b.say('/end', 's2')).texts[0]!, /ended the chat/);
  });

  it('times out after 5 minutes without an agent and resumes the bot with a notice (sweeper, manual clock)', async () => {
    const b = createBench();
    await b.say('weather');
    b.clock.advance(299_000);
    assert.equal(await b.sweeper.sweepOnce(), 0);
    b.clock.advance(2_000);
    assert.equal(await b.sweeper.sweepOnce(), 1);
    assert.match(b.drain()[0]!, /no agent is available/);
    const t = (await b.desk.list('sue', 'closed'))[0]!;
    assert.equal(t.status, 'timed_out');
    assert.equal(t.fallback, 'resume_bot');
    assert.equal(t.sla.waitingSince, t.sla.openedAt, 'waiting since the handoff, never reset by notices');
    assert.deepEqual((await b.say('hello')).texts, ['Hi! How can I help?']);
    assert.equal(await b.sweeper.sweepOnce(), 0, 'a closed ticket never times out twice');
  });

  it('runs the sweeper loop on the injected clock and stops it cleanly', async () => {
    const b = createBench();
    await b.say('weather');
    b.sweeper.start();
    b.clock.advance(300_000);
    for (let i = 0; i < 5 && b.drain().length === 0; i++) {
      b.clock.advance(10_000); // the loop sleeps 10 s between passes
      await flush(20);
    }
    assert.equal(await b.service.active('rest:default:s1'), undefined, 'timed out by the loop');
    await b.sweeper.stop();
    assert.equal((await b.desk.list('sue', 'closed'))[0]?.status, 'timed_out');
  });

  it('takes a message for a callback when that is the fallback', async () => {
    const b = createBench({ service: { fallback: 'callback' } });
    await b.say('转人工');
    b.clock.advance(301_000);
    await b.sweeper.sweepOnce();
    assert.match(b.drain()[0]!, /留下您的问题/);
    const left = await b.say('请回电 13800000000');
    assert.match(left.texts[0]!, /已收到您的留言/);
    const t = (await b.desk.list('sue', 'closed'))[0]!;
    assert.equal(t.callbackMessage, '请回电 13800000000');
    assert.deepEqual((await b.say('退货怎么办')).texts, ['7 天无理由退货。'], 'then the bot is back');
  });

  it('resolves with a 1-5 survey in-channel and records the score', async () => {
    const b = createBench();
    await b.say('weather');
    const { id } = (await b.service.active('rest:default:s1'))!;
    await b.desk.claim('bob', id);
    await b.desk.reply('bob', id, 'Done!');
    b.drain();
    await b.desk.resolve('bob', id);
    const told = b.drain();
    assert.match(told[0]!, /closed/);
    assert.match(told[1]!, /from 1 to 5/);
    const rated = await b.say('5');
    assert.deepEqual(rated.texts, ['Thank you for your feedback!']);
    assert.equal((await b.service.get(id)).satisfaction, 5);
    const dash = await b.desk.dashboard('sue', 3_600_000);
    assert.deepEqual(dash.satisfaction, { count: 1, average: 5, distribution: [0, 0, 0, 0, 1] });
    assert.equal(dash.handoffsByReason.low_confidence, 1);
    assert.deepEqual((await b.say('5')).texts, ['Sorry, I did not get that.'], 'a second "5" is a normal message');
    await assert.rejects(b.desk.dashboard('bob', 1000), rejectsWith('auth.forbidden'));
  });

  it('goes to the bot when the survey answer is not a score', async () => {
    const b = createBench();
    await b.say('weather');
    const { id } = (await b.service.active('rest:default:s1'))!;
    await b.desk.claim('bob', id);
    await b.desk.resolve('bob', id);
    assert.deepEqual((await b.say('hello')).texts, ['Hi! How can I help?']);
    assert.deepEqual((await b.say('4')).texts, ['Sorry, I did not get that.']);
  });

  it('hands off after two low-confidence answers in a row (reason repeated_low_confidence)', async () => {
    const b = createBench();
    assert.deepEqual((await b.say('huh')).texts, ['Sorry, I did not get that.']);
    const second = await b.say('huh');
    assert.equal(second.understanding?.handoff, true);
    assert.equal(second.understanding?.handoffReason, 'repeated_low_confidence');
    assert.match(second.texts[0]!, /number 1 in the queue/);
    assert.equal(second.texts.length, 1, 'the fallback answer is replaced by the notice');
    const b2 = createBench();
    await b2.say('huh');
    await b2.say('hello');
    assert.equal((await b2.say('huh')).understanding?.handoff, false, 'a good answer breaks the streak');
  });

  it('middle band: the bot drafts, an agent approves an edited version, the bot carries on', async () => {
    const b = createBench({ gate: { draftThreshold: 0.5 } });
    const turn = await b.say('refund');
    assert.equal(turn.understanding?.handoffReason, 'draft_review');
    const ticket = (await b.service.active('rest:default:s1'))!;
    assert.equal(ticket.draft?.text, 'Refunds take 3 working days.');
    const packet = await b.desk.packet('alice', ticket.id);
    assert.deepEqual(packet.evidence, [{ id: 'faq:refund', text: 'Refund policy text' }]);
    await b.desk.approveDraft('alice', ticket.id, 'Refunds take 3-5 working days.');
    assert.deepEqual(b.drain(), ['Refunds take 3-5 working days.']);
    assert.equal(b.outbox.at(-1)?.author.kind, 'agent');
    assert.equal((await b.service.get(ticket.id)).status, 'returned_to_bot');
    assert.deepEqual((await b.say('hello')).texts, ['Hi! How can I help?']);
  });

  it('keeps the draft band off by default (a plain low-confidence ticket, draft kept as evidence only)', async () => {
    const b = createBench();
    await b.say('refund');
    const ticket = (await b.service.active('rest:default:s1'))!;
    assert.equal(ticket.reason, 'low_confidence');
    assert.equal(ticket.draft, undefined);
    assert.deepEqual(ticket.sources, ['faq:refund']);
  });

  it('opens on a Slack handoff.request button (in the conversation language) and ends on handoff.end', async () => {
    const b = createBench();
    await b.say('hello');
    await b.say('weather');
    await b.say('/end');
    const english = await b.act('handoff.request');
    assert.match(english.texts[0]!, /number 1 in the queue/, 'the language of the conversation so far');
    assert.deepEqual(
      (await b.service.active('rest:default:s1'))?.history.map((t) => t.user),
      ['hello', 'weather', '/end'],
    );
    await b.act('handoff.end');
    const pressed = await b.act('handoff.request', undefined, 'fresh');
    assert.equal(pressed.understanding?.handoff, true);
    assert.match(pressed.texts[0]!, /第 1 位/, 'no history: the default language');
    assert.equal((await b.service.active('rest:default:fresh'))?.reason, 'user_request');
    const ended = await b.act('handoff.end', undefined, 'fresh');
    assert.equal(ended.texts.length, 1);
    assert.equal(await b.service.active('rest:default:fresh'), undefined);
  });

  it('refuses an agent reply when the channel window is closed, with the reason', async () => {
    const b = createBench();
    await b.say('weather');
    const { id } = (await b.service.active('rest:default:s1'))!;
    await b.desk.claim('alice', id);
    b.drain();
    b.window = { open: false, detail: 'the WeChat 48-hour window closed at 10:00' };
    await assert.rejects(b.desk.reply('alice', id, 'hello?'), (e: unknown) => {
      assert.ok(isBotError(e));
      assert.equal(e.code, 'channel.window_closed');
      assert.match(e.message, /48-hour/);
      return true;
    });
    assert.deepEqual(b.drain(), []);
    assert.equal((await b.service.get(id)).status, 'assigned');
  });

  it('refuses replies from agents who do not hold the ticket, and double claims', async () => {
    const b = createBench();
    await b.say('weather');
    const { id } = (await b.service.active('rest:default:s1'))!;
    await assert.rejects(b.desk.reply('alice', id, 'hi'), rejectsWith('handoff.invalid_transition'));
    await b.desk.claim('alice', id);
    await assert.rejects(b.desk.claim('bob', id), rejectsWith('handoff.already_claimed'));
    await assert.rejects(b.desk.reply('bob', id, 'hi'), rejectsWith('auth.forbidden'));
    await assert.rejects(b.desk.claim('mallory', id), rejectsWith('auth.forbidden'));
  });

  it('transfers to another agent (customer told) and to a group (back in the queue)', async () => {
    const b = createBench();
    await b.say('weather');
    const { id } = (await b.service.active('rest:default:s1'))!;
    await b.desk.claim('alice', id);
    b.drain();
    const moved = await b.desk.transfer('alice', id, { agent: 'bob' });
    assert.equal(moved.agentId, 'bob');
    assert.deepEqual(b.drain(), ['Your conversation has been transferred to Bob.']);
    const requeued = await b.desk.transfer('bob', id, { group: 'billing' });
    assert.equal(requeued.status, 'queued');
    assert.match(b.drain()[0]!, /another agent.*number 1/);
  });

  it('round robin: gives queued tickets to online agents in turn, within capacity', async () => {
    const b = createBench({
      service: { assignment: 'round_robin' },
      agents: [
        { username: 'alice', maxConcurrent: 1 },
        { username: 'bob', maxConcurrent: 1 },
      ],
    });
    await b.say('weather', 'a');
    await b.say('weather', 'b');
    await b.say('weather', 'c');
    assert.equal((await b.desk.list('alice', 'queue')).length, 3, 'nobody online yet');
    await b.desk.setPresence('alice', true);
    await b.desk.setPresence('bob', true);
    const open = await b.desk.list('alice', 'open');
    assert.deepEqual(
      open.map((t) => [t.conversation.conversation, t.status]),
      [
        ['a', 'assigned'],
        ['b', 'assigned'],
        ['c', 'queued'],
      ],
    );
    assert.deepEqual(new Set(open.slice(0, 2).map((t) => t.agentId)), new Set(['alice', 'bob']));
    const aTicket = open[0]!;
    await b.desk.resolve(aTicket.agentId!, aTicket.id);
    const c = (await b.desk.list('alice', 'open')).find((t) => t.conversation.conversation === 'c');
    assert.equal(c?.agentId, aTicket.agentId, 'the freed seat takes the next ticket');
  });

  it('steps aside for channels whose handoff goes to the platform (WeChat transfer_customer_service)', async () => {
    const b = createBench();
    const turn = await b.say('weather', 'wx-openid');
    assert.equal(turn.understanding?.handoff, true);
    assert.deepEqual(turn.texts, ['GENERIC HANDOFF NOTICE']);
    assert.equal(await b.service.active('wechat_official:default:wx-openid'), undefined);
  });

  it('does not fail the transition when an out-of-turn notice cannot be delivered', async () => {
    const b = createBench();
    await b.say('weather', 'broken-1');
    const { id } = (await b.service.active('rest:default:broken-1'))!;
    const claimed = await b.desk.claim('alice', id);
    assert.equal(claimed.status, 'assigned');
  });
});
