import assert from 'node:assert/strict';
import { ManualClock } from '../../../core/clock.js';
import {
  createDialogueEngine,
  trainingExamples,
  type BotDefinition,
  type DialogueEngineOptions,
} from '../../../core/engine/index.js';
import type { DialogueEngine } from '../../../core/ports/dialogue.js';
import type { IntentClassifier } from '../../../core/ports/inference.js';
import { createLexicalClassifier } from '../../../inference/lexical/index.js';
import { DEMO_BOT_DIR, loadBotFolder } from '../../../knowledge/bot-folder/index.js';
import { createInProcessMemory } from '../../../memory/in-process-memory.js';
import { createFlow } from '../../helpers/flow.js';

const HANDOFF_ZH = /转接人工客服/;
const HANDOFF_EN = /passed your conversation to our customer service team/;

describe('dialogue engine on the demo shop', () => {
  let bot: BotDefinition;
  let classifier: IntentClassifier;
  let engine: DialogueEngine;
  const make = (extra: Partial<DialogueEngineOptions> = {}): DialogueEngine =>
    createDialogueEngine({ bot, classifier, ...extra });

  before(async () => {
    bot = await loadBotFolder(DEMO_BOT_DIR);
    classifier = createLexicalClassifier(trainingExamples(bot));
    engine = make();
  });

  it('is ready when its classifier is', () => {
    assert.equal(engine.ready(), true);
    const notReady: IntentClassifier = { ...classifier, ready: () => false };
    assert.equal(make({ classifier: notReady }).ready(), false);
  });

  it('answers intents in the language of each message, with sources', async () => {
    await createFlow({ engine })
      .user('退货怎么办')
      .expectReply(/7 天无理由退货/)
      .expectIntent('returns', 0.8)
      .expectSources('intent:returns')
      .user('where is my order')
      .expectReply(/My Orders/)
      .expectIntent('order_status', 0.8)
      .user('wheres my package')
      .expectIntent('order_status')
      .user('怎么退款')
      .expectIntent('returns')
      .expectReply(/原路退款/)
      .user('can I pay with wechat pay')
      .expectReply(/WeChat Pay.*Alipay/)
      .user('可以分期吗')
      .expectReply(/分期/)
      .user('你们几点开门')
      .expectReply(/9:00–22:00/)
      .user('hello')
      .expectReply(/Claw Shop assistant/)
      .user('谢谢')
      .expectReply('不客气，很高兴能帮到您！');
  });

  it('answers FAQ entries as faq:ID pseudo-intents', async () => {
    await createFlow({ engine })
      .user('退款多久到账')
      .expectIntent('faq:refund-time')
      .expectSources('faq:refund-time')
      .expectReply(/1–3 个工作日/)
      .user('how do I cancel my order')
      .expectIntent('faq:cancel-order')
      .expectReply(/Cancel order/);
  });

  it('answers product attributes from the graph with kg sources', async () => {
    await createFlow({ engine })
      .user('爪机15多少钱')
      .expectReply('爪机15的售价是 ¥5999。')
      .expectIntent('kg:price', 0.9)
      .expectSources('kg:claw-phone-15:price')
      .user('what colours does Claw Buds come in?')
      .expectReply('You can get the Claw Buds in black and white.')
      .expectSources('kg:claw-buds:color')
      .user('爪机15保修多久')
      .expectReply(/2 年/)
      .expectSources('kg:claw-phone-15:warranty');
  });

  it('resolves "how much is it?" against the product in memory', async () => {
    await createFlow({ engine })
      .user('Tell me about the Claw Phone 15')
      .expectReply(/Claw Phone 15 — price: ¥5999; colours: black and white/)
      .expectIntent('kg:overview')
      .user('how much is it?')
      .expectReply('The price of the Claw Phone 15 is ¥5999.')
      .expectIntent('kg:price', 0.8)
      .expectSources('kg:claw-phone-15:price');
  });

  it('resolves "那黑色的呢？" and "what about the black one?" to the black variant', async () => {
    await createFlow({ engine })
      .user('爪机15有货吗')
      .expectReply(/有货/)
      .expectSources('kg:claw-phone-15:stock')
      .user('那黑色的呢？')
      .expectReply('爪机15 黑色：有货，剩余 120 台。')
      .expectSources('kg:claw-phone-15-black:stock')
      .user('白色的多少钱')
      .expectReply('爪机15 白色的售价是 ¥6199。')
      .user('what about the black one?')
      .expectReply('The price of the Claw Phone 15 (black) is ¥5999.')
      .expectSources('kg:claw-phone-15-black:price')
      .user('爪耳机呢')
      .expectReply('爪耳机的售价是 ¥899。');
  });

  it('answers a list the product holds from the product, not the remembered variant', async () => {
    await createFlow({ engine })
      .user('爪机15多少钱')
      .user('那黑色的呢')
      .expectSources('kg:claw-phone-15-black:price')
      .user('有哪些颜色')
      .expectReply(/黑色.*白色/)
      .expectSources('kg:claw-phone-15:color')
      .user('what about the white one?')
      .expectSources('kg:claw-phone-15-white:color');
  });

  it('uses the product of a variant for attributes the variant lacks', async () => {
    await createFlow({ engine })
      .user('is the claw buds in stock?')
      .expectReply(/white in stock, black sold out/)
      .user('what about the black one?')
      .expectReply(/sold out, back in about 3 days/)
      .user('warranty?')
      .expectReply('The warranty for the Claw Buds (black) is 1 year.')
      .expectSources('kg:claw-buds:warranty');
  });

  it('does not turn a new topic into a product follow-up', async () => {
    await createFlow({ engine })
      .user('爪机15多少钱')
      .expectIntent('kg:price')
      .user('how much is shipping?')
      .expectIntent('shipping')
      .expectReply(/free over ¥99/);
  });

  it('forgets the product in focus after the follow-up window', async () => {
    await createFlow({ engine })
      .user('爪机15多少钱')
      .expectIntent('kg:price')
      .advance(11 * 60 * 1000)
      .user('how much is it?')
      .expectHandoff('low_confidence');
  });

  it('hands off out-of-scope questions instead of guessing', async () => {
    await createFlow({ engine })
      .user('帮我写一首诗')
      .expectHandoff('low_confidence')
      .expectReply(HANDOFF_ZH)
      .user("what's the weather on Mars")
      .expectHandoff('low_confidence')
      .expectReply(HANDOFF_EN)
      .user('xyz qwv')
      .expectHandoff()
      .check((turn) => {
        assert.deepEqual(turn.outcome.understanding?.sources, []);
        assert.ok((turn.outcome.understanding?.confidence ?? 1) < 0.8);
      });
  });

  it('hands off when the customer asks for a person', async () => {
    await createFlow({ engine })
      .user('转人工')
      .expectHandoff('user_request')
      .expectReply(HANDOFF_ZH)
      .expectIntent('human')
      .user('I want to talk to a human')
      .expectHandoff('user_request')
      .expectReply(HANDOFF_EN)
      .user('我要投诉你们的快递')
      .expectHandoff('user_request');
  });

  it('answers unsupported message types with the unsupported notice', async () => {
    await createFlow({ engine })
      .user({ type: 'image', mediaId: 'm1' })
      .expectReply(bot.messages.unsupported.zh)
      .expectAnswered()
      .user('hello')
      .expectIntent('greeting')
      .user([{ type: 'audio', mediaId: 'v1' }])
      .expectReply(bot.messages.unsupported.en);
  });

  it('uses the channel locale for texts without letters', async () => {
    await createFlow({ engine, locale: 'en-US' })
      .user({ type: 'image', mediaId: 'm1' })
      .expectReply(bot.messages.unsupported.en);
  });

  it('applies per-intent thresholds from options over the bot', async () => {
    const strict = make({ perIntentThreshold: { returns: 0.9999, 'kg:price': 0.99 } });
    await createFlow({ engine: strict })
      .user('退货怎么办')
      .expectHandoff('low_confidence')
      .expectIntent('returns')
      .user('爪机15多少钱')
      .expectHandoff('low_confidence')
      .expectIntent('kg:price');
    await createFlow({ engine: make({ threshold: 0 }) })
      .user('帮我写一首诗')
      .expectAnswered();
  });

  it('stores {intent, entity, attribute, lang} with the turn for follow-ups', async () => {
    const clock = new ManualClock();
    const memory = createInProcessMemory({ turns: 5 }, { clock });
    await createFlow({ engine, memory, clock, conversation: { channel: 'test', tenant: 't', conversation: 'c' } })
      .user('爪机15多少钱')
      .user('怎么退款')
      .user('帮我写一首诗');
    const turns = await memory.recent('test:t:c');
    assert.deepEqual(
      turns.map((t) => t.meta),
      [
        { intent: 'kg:price', entity: 'claw-phone-15', attribute: 'price', lang: 'zh' },
        { intent: 'returns', lang: 'zh' },
        { intent: turns[2]?.meta?.['intent'] ?? '', lang: 'zh' },
      ],
    );
    assert.equal(turns[0]?.replies[0]?.text, '爪机15的售价是 ¥5999。');
  });

  it('works with a clock for messages without an arrival time', async () => {
    const clock = new ManualClock(1_000_000);
    const timed = make({ clock });
    const result = await timed.respond({
      message: {
        kind: 'message',
        id: 'm',
        receivedAt: 0,
        conversation: { channel: 'test', tenant: 't', conversation: 'c' },
        sender: { id: 'u' },
        parts: [{ type: 'text', text: 'how much is it?' }],
        text: 'how much is it?',
        mentionsBot: true,
        raw: null,
      },
      history: [{ id: 'h', user: '爪机15', replies: [], at: 999_000, meta: { entity: 'claw-phone-15' } }],
    });
    assert.deepEqual(result.understanding.sources, ['kg:claw-phone-15:price']);
  });

  it('stops when the turn is aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('deadline'));
    await assert.rejects(
      engine.respond({
        message: {
          kind: 'message',
          id: 'm',
          receivedAt: 1,
          conversation: { channel: 'test', tenant: 't', conversation: 'c' },
          sender: { id: 'u' },
          parts: [{ type: 'text', text: 'hi' }],
          text: 'hi',
          mentionsBot: true,
          raw: null,
        },
        history: [],
        signal: controller.signal,
      }),
      /deadline/,
    );
  });
});
