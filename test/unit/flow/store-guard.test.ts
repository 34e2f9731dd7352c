import assert from 'node:assert/strict';
import { ManualClock } from '../../../core/clock.js';
import { createDispatcher } from '../../../core/dispatcher.js';
import { BotError } from '../../../core/errors.js';
import { silentLogger } from '../../../core/logger.js';
import type { Middleware } from '../../../core/middleware.js';
import type { TurnContext } from '../../../core/context.js';
import { dedupeKey } from '../../../core/pipeline/dedupe.js';
import { createPipeline } from '../../../gateway/app/pipeline.js';
import { isStoreUnavailable } from '../../../gateway/flow/store-guard.js';
import { createInProcessKeyValue, createInProcessLocks, createInProcessMemory } from '../../../memory/index.js';
import type { ConversationMemory } from '../../../core/ports/memory.js';
import type { DialogueEngine } from '../../../core/ports/dialogue.js';
import { userMessage } from '../../helpers/messages.js';

const event = userMessage('wechat_official', 'wx1', 'openid-1', '你好', { id: 'wx-msg-1' });

function gateway(options: { memory: ConversationMemory; passOn: boolean }) {
  const clock = new ManualClock();
  const kv = createInProcessKeyValue({ clock });
  const engine: DialogueEngine = {
    ready: () => true,
    respond: () =>
      Promise.resolve({
        reply: [{ type: 'text', text: 'answer' }],
        understanding: { intent: 'x', confidence: 1, handoff: false, sources: [] },
      }),
  };
  const pipeline = createPipeline({
    kv,
    locks: createInProcessLocks({ clock }),
    memory: options.memory,
    engine,
    apology: () => 'sorry',
    passOnStoreFailures: options.passOn,
  });
  const dispatch = createDispatcher({
    pipeline,
    clock,
    log: silentLogger,
    sendFor: () => () => Promise.resolve({ sentAt: 0 }),
  });
  return { dispatch, kv };
}

/** A memory whose reads fail until `heal()`. */
function flakyMemory(): ConversationMemory & { heal(): void } {
  const clock = new ManualClock();
  const inner = createInProcessMemory({ turns: 5, ttlMs: 60_000 }, { clock });
  let down = true;
  return {
    ...inner,
    recent: (key) =>
      down
        ? Promise.reject(new BotError('memory.unavailable', 'Redis memory recent failed: is Redis up?'))
        : inner.recent(key),
    heal: () => (down = false),
  };
}

describe('store failures are not acknowledged (pipeline passOnStoreFailures)', () => {
  it('isStoreUnavailable: kv and memory outages only', () => {
    assert.equal(isStoreUnavailable(new BotError('kv.unavailable', 'x')), true);
    assert.equal(isStoreUnavailable(new BotError('memory.unavailable', 'x')), true);
    assert.equal(isStoreUnavailable(new BotError('turn.failed', 'x')), false);
    assert.equal(isStoreUnavailable(new Error('x')), false);
  });

  it('a memory outage fails the dispatch (no apology) and gives the dedupe marker back, so the retry runs the turn', async () => {
    const memory = flakyMemory();
    const gw = gateway({ memory, passOn: true });
    await assert.rejects(gw.dispatch(event), (e: unknown) => isStoreUnavailable(e));
    assert.equal(await gw.kv.get(dedupeKey(event)), undefined, 'marker released');
    memory.heal();
    const retry = await gw.dispatch(event);
    assert.equal(retry.status, 'handled', 'the platform retry is processed, not dropped as a duplicate');
    assert.equal(retry.replies.length, 1);
  });

  it('without it the old behaviour stays: an apology, and the retry is a duplicate', async () => {
    const gw = gateway({ memory: flakyMemory(), passOn: false });
    const outcome = await gw.dispatch(event);
    assert.equal(outcome.status, 'failed');
    assert.equal((outcome.replies[0]?.parts[0] as { text: string }).text, 'sorry');
    assert.equal((await gw.dispatch(event)).status, 'duplicate');
  });

  it('other turn errors still get the apology', async () => {
    const clock = new ManualClock();
    const failing: Middleware<TurnContext> = () => Promise.reject(new BotError('turn.failed', 'engine bug'));
    const pipeline = createPipeline({
      kv: createInProcessKeyValue({ clock }),
      locks: createInProcessLocks({ clock }),
      memory: createInProcessMemory({ turns: 5, ttlMs: 60_000 }, { clock }),
      engine: { ready: () => true, respond: () => Promise.reject(new Error('not reached')) },
      handoffGate: failing,
      apology: () => 'sorry',
      passOnStoreFailures: true,
    });
    const dispatch = createDispatcher({
      pipeline,
      clock,
      log: silentLogger,
      sendFor: () => () => Promise.resolve({ sentAt: 0 }),
    });
    const outcome = await dispatch(event);
    assert.equal(outcome.status, 'failed');
    assert.equal(outcome.replies.length, 1);
  });
});
