import assert from 'node:assert/strict';
import { ManualClock } from '../../../core/clock.js';
import { createDispatcher } from '../../../core/dispatcher.js';
import { textOf } from '../../../core/envelope.js';
import { silentLogger } from '../../../core/logger.js';
import { compose, type Middleware } from '../../../core/middleware.js';
import type { TurnContext } from '../../../core/context.js';
import { dedupe } from '../../../core/pipeline/dedupe.js';
import { errorBoundary } from '../../../core/pipeline/error-boundary.js';
import { createInProcessRateLimiter, type RateLimiter } from '../../../gateway/flow/rate-limit.js';
import { THROTTLED, throttleEndUsers } from '../../../gateway/flow/throttle.js';
import { DEFAULT_THROTTLE_TEXTS, throttleMessage, throttleTexts } from '../../../gateway/flow/throttle-message.js';
import { textMessage, userMessage } from '../../helpers/messages.js';
import { createInProcessKeyValue } from '../../../memory/index.js';

function setup(limiter?: RateLimiter) {
  const clock = new ManualClock();
  const kv = createInProcessKeyValue({ clock });
  let turnsRun = 0;
  const engine: Middleware<TurnContext> = async (ctx) => {
    turnsRun += 1;
    await ctx.reply(`answer to ${ctx.text}`);
  };
  const dispatch = createDispatcher({
    pipeline: compose(
      errorBoundary({ apology: () => 'sorry' }),
      dedupe(kv, { ttlMs: 600_000 }),
      throttleEndUsers(
        { texts: throttleTexts(), exemptChannels: ['rest'], fallbackLanguage: () => 'zh' },
        { limiter: limiter ?? createInProcessRateLimiter({ points: 3, windowMs: 60_000, prefix: 'u' }, { clock }) },
      ),
      engine,
    ),
    clock,
    log: silentLogger,
    sendFor: () => () => Promise.resolve({ sentAt: clock.now() }),
  });
  let seq = 0;
  const say = (sender: string, text: string, options: { channel?: string; id?: string; locale?: string } = {}) => {
    seq += 1;
    return dispatch(
      userMessage(options.channel ?? 'wechat_official', 'wx1', sender, text, {
        id: options.id ?? `m${seq}`,
        receivedAt: clock.now(),
        ...(options.locale === undefined ? {} : { locale: options.locale }),
      }),
    );
  };
  return { clock, say, turns: () => turnsRun };
}

describe('throttleEndUsers (pipeline stage)', () => {
  it('answers a burst from one user politely (in Chinese) without running the turn, while others are served', async () => {
    const t = setup();
    for (let i = 0; i < 3; i++) assert.match(textOf((await t.say('alice', '退货')).replies[0]!.parts), /answer/);
    const throttled = await t.say('alice', '退货怎么办');
    assert.equal(throttled.status, 'handled', 'answered (and acknowledged), not failed: no platform retry storm');
    assert.equal(throttled.replies.length, 1);
    assert.equal(
      textOf(throttled.replies[0]!.parts),
      throttleMessage(DEFAULT_THROTTLE_TEXTS, { text: '退货', seconds: 60 }),
    );
    assert.equal(t.turns(), 3, 'the throttled message did not run a turn');
    assert.match(textOf((await t.say('bob', 'hello')).replies[0]!.parts), /answer to hello/, 'bob is served');
  });

  it('answers in English when the customer writes English', async () => {
    const t = setup();
    for (let i = 0; i < 3; i++) await t.say('carol', 'refund please');
    const reply = textOf((await t.say('carol', 'where is my refund?')).replies[0]!.parts);
    assert.match(reply, /a little quickly.*wait 60 seconds/);
  });

  it('does not count platform retries (dedupe runs first)', async () => {
    const t = setup();
    for (let i = 0; i < 5; i++) await t.say('dave', '你好', { id: 'same-msg-id' });
    assert.equal(t.turns(), 1);
    assert.match(textOf((await t.say('dave', '在吗')).replies[0]!.parts), /answer/, 'only one of the 3 was used');
  });

  it('leaves REST messages to the HTTP edge (429 there) and lets messages through when the limiter fails', async () => {
    const t = setup();
    for (let i = 0; i < 5; i++) assert.equal((await t.say('erin', 'x', { channel: 'rest' })).replies.length, 1);
    assert.equal(t.turns(), 5);
    const broken = setup({ consume: () => Promise.reject(new Error('redis down')) });
    assert.match(textOf((await broken.say('frank', 'hi')).replies[0]!.parts), /answer/);
  });

  it('stops the chain, answering in the fallback language when the text has no letters', async () => {
    let seen: unknown;
    const clock = new ManualClock();
    const limiter = createInProcessRateLimiter({ points: 0 + 1, windowMs: 10_000, prefix: 'u' }, { clock });
    const stage = throttleEndUsers(
      { texts: throttleTexts({ en: 'wait {seconds}s' }), exemptChannels: [], fallbackLanguage: () => 'en' },
      { limiter },
    );
    const dispatch = createDispatcher({
      pipeline: compose<TurnContext>(stage, async (ctx) => {
        await ctx.reply('ok');
      }),
      clock,
      log: silentLogger,
      sendFor: () => () => Promise.resolve({ sentAt: 0 }),
    });
    const event = (id: string) =>
      textMessage('👍', {
        id,
        conversation: { channel: 'slack', tenant: 'T', conversation: 'C' },
        sender: { id: 'U' },
        parts: [],
      });
    await dispatch(event('1'));
    const second = await createDispatcher({
      pipeline: compose<TurnContext>(stage, (ctx) => {
        seen = ctx.state.get(THROTTLED);
        return Promise.resolve();
      }),
      clock,
      log: silentLogger,
      sendFor: () => () => Promise.resolve({ sentAt: 0 }),
    })(event('2'));
    assert.equal(textOf(second.replies[0]!.parts), 'wait 10s', 'no letters: the fallback language');
    assert.equal(seen, undefined, 'the stage stopped the chain');
  });
});

describe('throttleMessage', () => {
  it('picks the language from the text, then the locale, then the fallback', () => {
    const texts = throttleTexts({ zh: '请等 {seconds} 秒', en: 'wait {seconds} s' });
    assert.equal(throttleMessage(texts, { text: '你好', seconds: 5 }, 'en'), '请等 5 秒');
    assert.equal(throttleMessage(texts, { text: 'hello', seconds: 5 }, 'zh'), 'wait 5 s');
    assert.equal(throttleMessage(texts, { text: '123', locale: 'en-US', seconds: 2 }, 'zh'), 'wait 2 s');
    assert.equal(throttleMessage(texts, { text: '🙂', seconds: 2 }, 'zh'), '请等 2 秒');
  });
});
