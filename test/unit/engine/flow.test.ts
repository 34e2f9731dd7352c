import assert from 'node:assert/strict';
import type { DialogueEngine } from '../../../core/ports/dialogue.js';
import { ManualClock } from '../../../core/clock.js';
import { createInProcessMemory } from '../../../memory/in-process-memory.js';
import { createFlow, type Flow } from '../../helpers/flow.js';

/** assert.rejects wants a real promise: await the flow inside one. */
const settle = (flow: Flow) => async (): Promise<void> => {
  await flow;
};

/** Echoes the text and the size of its memory window; hands off on "help". */
const echo: DialogueEngine = {
  ready: () => true,
  respond: ({ message, history }) => {
    if (message.text === 'boom') return Promise.reject(new Error('engine exploded'));
    const handoff = message.text === 'help';
    return Promise.resolve({
      reply: [{ type: 'text', text: `${message.text} (${history.length})` }],
      understanding: {
        intent: handoff ? undefined : 'echo',
        confidence: 0.9,
        handoff,
        ...(handoff ? { handoffReason: 'user_request' } : {}),
        sources: ['src:1'],
      },
      meta: { seen: message.text },
    });
  },
};

describe('conversation flow helper', () => {
  it('runs a chain of turns through memory and checks replies in order', async () => {
    const transcript = await createFlow({ engine: echo })
      .user('a')
      .expectReply('a (0)')
      .expectNoReply()
      .expectIntent('echo', 0.5)
      .expectSources('src:1', /^src:/)
      .expectAnswered()
      .user('b')
      .expectReply(/\(1\)/)
      .user('help')
      .expectHandoff('user_request')
      .expectReply((text) => assert.match(text, /help/));
    assert.equal(transcript.turns.length, 3);
    assert.deepEqual(
      transcript.turns.map((t) => t.replies),
      [['a (0)'], ['b (1)'], ['help (2)']],
    );
  });

  it('stores the engine meta with each turn', async () => {
    const clock = new ManualClock();
    const memory = createInProcessMemory({ turns: 2 }, { clock });
    await createFlow({ engine: echo, memory, clock, conversation: { channel: 'test', tenant: 't', conversation: 'x' } })
      .user('1')
      .user('2')
      .user('3');
    const turns = await memory.recent('test:t:x');
    assert.deepEqual(
      turns.map((t) => t.meta),
      [{ seen: '2' }, { seen: '3' }],
    );
  });

  it('fails with the conversation so far', async () => {
    await assert.rejects(
      settle(createFlow({ engine: echo }).user('hello').expectReply('bye').user('never sent')),
      (error: Error) => {
        assert.match(error.message, /expected reply "bye" to "hello" but got "hello \(0\)"/);
        assert.match(
          error.message,
          /Conversation so far:\n {2}user: hello\n {2}bot: {2}hello \(0\) {2}\[intent=echo 0\.900/,
        );
        assert.doesNotMatch(error.message, /never sent/);
        return true;
      },
    );
  });

  it('reports a missing handoff, a wrong intent and a missing reply', async () => {
    await assert.rejects(
      settle(createFlow({ engine: echo }).user('x').expectHandoff()),
      /expected "x" to be handed off/,
    );
    await assert.rejects(settle(createFlow({ engine: echo }).user('x').expectIntent('other')), /expected intent other/);
    await assert.rejects(
      settle(createFlow({ engine: echo }).user('x').expectReply(/x/).expectReply(/x/)),
      /sent no \(more\) replies/,
    );
    await assert.rejects(settle(createFlow({ engine: echo }).expectReply('x')), /no user message was sent yet/);
  });

  it('shows failed turns with the apology and the logged error', async () => {
    await assert.rejects(
      settle(createFlow({ engine: echo, apology: 'sorry!' }).user('boom').expectReply('ok')),
      (error: Error) => {
        assert.match(error.message, /bot: {2}sorry!/);
        assert.match(error.message, /\(turn failed\)/);
        assert.match(error.message, /error: .*engine exploded/);
        return true;
      },
    );
  });

  it('describes non-text messages by their part types', async () => {
    await assert.rejects(
      settle(createFlow({ engine: echo }).user({ type: 'image', mediaId: 'm' }).expectReply('nope')),
      /user: \(image\)/,
    );
  });
});
