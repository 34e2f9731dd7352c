/**
 * The dialogue engine's side of the handoff: a low-confidence handoff carries the bot's best guess as a draft
 * (for the middle band and as packet evidence); confident answers and explicit requests carry none.
 */
import assert from 'node:assert/strict';
import { textOf } from '../../../core/envelope.js';
import { createDialogueEngine } from '../../../core/engine/index.js';
import type { IntentClassifier } from '../../../core/ports/inference.js';
import { DEMO_BOT_DIR, loadBotFolder } from '../../../knowledge/bot-folder/index.js';

describe('engine drafts for low-confidence handoffs', () => {
  const ask = async (text: string, confidence: number) => {
    const bot = await loadBotFolder(DEMO_BOT_DIR);
    const faq = bot.faq[0]!;
    const classifier: IntentClassifier = {
      name: 'stub',
      ready: () => true,
      classify: () => Promise.resolve({ intent: `faq:${faq.id}`, confidence, ranking: [] }),
    };
    const engine = createDialogueEngine({ bot, classifier, threshold: 0.8 });
    const result = await engine.respond({
      message: {
        kind: 'message',
        id: 'm1',
        receivedAt: 1_700_000_000_000,
        conversation: { channel: 'rest', tenant: 'default', conversation: 'c' },
        sender: { id: 'u' },
        parts: [{ type: 'text', text }],
        text,
        mentionsBot: true,
        raw: null,
      },
      history: [],
    });
    return { result, faq };
  };

  it('offers the best guess below the threshold as a draft with its sources', async () => {
    const { result, faq } = await ask('zzqx blorp', 0.6);
    assert.equal(result.understanding.handoff, true);
    assert.equal(result.understanding.handoffReason, 'low_confidence');
    assert.ok(result.draft, 'a draft');
    assert.equal(result.draft.understanding.handoff, false);
    assert.equal(result.draft.understanding.confidence, 0.6);
    assert.deepEqual(result.draft.understanding.sources, [`faq:${faq.id}`]);
    assert.equal(textOf(result.draft.reply), faq.answer.en);
    assert.notEqual(textOf(result.reply), textOf(result.draft.reply), 'the bot itself does not send the guess');
  });

  it('has no draft for confident answers or explicit requests for a person', async () => {
    assert.equal((await ask('zzqx blorp', 0.95)).result.draft, undefined);
    const human = (await ask('转人工', 0.2)).result;
    assert.equal(human.understanding.handoffReason, 'user_request');
    assert.equal(human.draft, undefined);
  });
});
