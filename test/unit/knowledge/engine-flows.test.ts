import assert from 'node:assert/strict';
import { ManualClock } from '../../../core/clock.js';
import type { BotDefinition } from '../../../core/engine/index.js';
import { createLruQaCache } from '../../../knowledge/cache/index.js';
import { DEMO_BOT_DIR, loadBotFolder } from '../../../knowledge/bot-folder/index.js';
import { lexicalClassifierFactory } from '../../../gateway/app/engine.js';
import { createKnowledgeEngine, type KnowledgeEngine } from '../../../knowledge/engine/index.js';
import { createFlow } from '../../helpers/flow.js';

describe('knowledge engine on the demo shop (hybrid ranking + graph QA)', function () {
  this.timeout(60_000);
  let bot: BotDefinition;
  let built: KnowledgeEngine;

  before(async () => {
    bot = await loadBotFolder(DEMO_BOT_DIR);
    built = await createKnowledgeEngine({ bot, classifierFactory: lexicalClassifierFactory });
  });

  it('answers attribute questions in both languages with triple sources', async () => {
    await createFlow({ engine: built.engine })
      .user('爪表多少钱')
      .expectReply('爪表的售价是 ¥1299。')
      .expectSources('kg:claw-watch:price')
      .expectIntent('kg:price', 0.8)
      .user('how heavy is the claw pad?')
      .expectReply(/480 g/)
      .expectSources('kg:claw-pad:weight');
  });

  it('lists list-valued attributes ("有哪些颜色?", "what colours")', async () => {
    await createFlow({ engine: built.engine })
      .user('爪表有哪些颜色')
      .expectReply('爪表有这些颜色：黑色、银色和粉色。')
      .user('what colours does the claw pad come in')
      .expectReply('You can get the Claw Pad in space grey and silver.');
  });

  it('follows one relation for attributes the product lacks (product → its warranty policy)', async () => {
    await createFlow({ engine: built.engine })
      .user('what does the claw buds warranty cover')
      .expectReply(/Accessory Warranty.*charging case/)
      .expectSources('kg:claw-buds:warranty_policy:accessory-warranty', 'kg:accessory-warranty:coverage')
      .user('爪机15什么情况不保修')
      .expectReply(/整机保修政策.*进水/)
      .expectSources('kg:device-warranty:exclusions');
  });

  it('compares two products on an attribute named or implied ("哪个便宜", "which is cheaper")', async () => {
    await createFlow({ engine: built.engine })
      .user('爪机15和爪板哪个便宜')
      .expectReply(/^爪板的价格更低。.*爪机15：¥5999.*爪板：¥3299/)
      .expectSources('kg:claw-phone-15:price', 'kg:claw-pad:price')
      .user('那哪个更轻')
      .expectReply(/^爪机15的重量更低/)
      .user('which is cheaper, the claw watch or the claw buds?')
      .expectReply(/^The Claw Buds has the lower price/);
  });

  it('resolves ellipsis and coreference against the memory window', async () => {
    await createFlow({ engine: built.engine })
      .user('爪机15多少钱')
      .expectReply(/¥5999/)
      .user('那白色的呢？')
      .expectReply('爪机15 白色的售价是 ¥6199。')
      .expectSources('kg:claw-phone-15-white:price')
      .user('有货吗')
      .expectReply(/仅剩 8 台/);
    await createFlow({ engine: built.engine })
      .user('tell me about the claw watch')
      .expectReply(/^Claw Watch — price: ¥1299/)
      .expectIntent('kg:overview')
      .user('how much is it?')
      .expectReply('The price of the Claw Watch is ¥1299.')
      .user('and the claw pad?')
      .expectReply('The price of the Claw Pad is ¥3299.');
    await createFlow({ engine: built.engine })
      .user('how much is the claw phone 15?')
      .user('how much is the claw pad?')
      .user("what's the battery life of the claw phone?")
      .expectReply(/30 hours/)
      .user('and the other one?')
      .expectReply(/Claw Pad.*12 hours/);
  });

  it('tolerates typos in Latin names and keeps new topics apart from follow-ups', async () => {
    await createFlow({ engine: built.engine })
      .user('how much is the claw phnoe 15')
      .expectReply(/¥5999/)
      .user('how much is shipping?')
      .expectIntent('shipping')
      .user('how much is the claw phone 15 pro')
      .expectHandoff('low_confidence');
  });

  it('answers FAQ paraphrases with their faq:ID source and hands off what the bot does not know', async () => {
    await createFlow({ engine: built.engine })
      .user('我想改一下收件地址')
      .expectSources('faq:change-address')
      .user('tell me a bedtime story about dragons')
      .expectHandoff('low_confidence')
      .user('明天上海会下雨吗')
      .expectHandoff('low_confidence');
  });

  it('caches answers by question and the memory context they read', async () => {
    const cache = createLruQaCache({}, { clock: new ManualClock() });
    const cached = await createKnowledgeEngine({ bot, cache, classifierFactory: lexicalClassifierFactory });
    await createFlow({ engine: cached.engine }).user('退货怎么办').user('how much is it?');
    assert.deepEqual(cache.stats().hits, 0);
    // The same context-free question in another conversation is a hit; a follow-up in a different context is not.
    await createFlow({ engine: cached.engine })
      .user('爪表多少钱')
      .user('退货怎么办')
      .expectReply(/7 天无理由退货/)
      .user('how much is it?')
      .expectReply(/Claw Watch is ¥1299/);
    assert.equal(cache.stats().hits, 1);
    const sameContext = (): PromiseLike<unknown> =>
      createFlow({ engine: cached.engine })
        .user('爪表多少钱')
        .user('how much is it?')
        .expectReply(/Claw Watch is ¥1299/);
    await sameContext();
    assert.equal(cache.stats().hits, 2, 'the question hits; the follow-up read a product one turn closer: a miss');
    await sameContext();
    assert.equal(cache.stats().hits, 4, 'same questions with the same remembered product: both hit');
    await createFlow({ engine: cached.engine })
      .user('爪板多少钱')
      .user('how much is it?')
      .expectReply(/Claw Pad is ¥3299/);
    assert.equal(cache.stats().hits, 4, 'another product in memory: the follow-up is recomputed');
  });
});
