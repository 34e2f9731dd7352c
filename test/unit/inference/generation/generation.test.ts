import assert from 'node:assert/strict';
import { BotError } from '../../../../core/errors.js';
import type { MemoryTurn } from '../../../../core/ports/memory.js';
import { buildGroundedPrompt, createGeneration, inCanary } from '../../../../inference/generation/index.js';
import type { GenerationOptionsInput } from '../../../../inference/generation/index.js';
import { recordingLogger } from '../runtime/spy-ort.js';
import { startFakeOpenAi } from './fake-openai.js';
import type { FakeOpenAi } from './fake-openai.js';

const turn = (i: number, reply = `answer ${i}`): MemoryTurn => ({
  id: `m${i}`,
  user: `question ${i}`,
  replies: [{ author: 'bot', text: reply, at: i }],
  at: i,
});

describe('inference/generation', () => {
  describe('buildGroundedPrompt', () => {
    it('puts numbered passages in the system message, then the last 5 turns, then the question', () => {
      const history = [1, 2, 3, 4, 5, 6, 7].map((i) => turn(i));
      const messages = buildGroundedPrompt({
        systemPrompt: 'Answer from the knowledge.',
        passages: [
          { id: 'p1', text: 'Refunds take 3-5 days.', title: 'Refunds' },
          { id: 'p2', text: 'We ship worldwide.' },
        ],
        history,
        question: 'how long do refunds take?',
      });
      assert.equal(messages[0]?.role, 'system');
      assert.equal(
        messages[0]?.content,
        'Answer from the knowledge.\n\nKnowledge:\n[1] Refunds: Refunds take 3-5 days.\n[2] We ship worldwide.',
      );
      const rest = messages.slice(1).map((m) => `${m.role}:${m.content}`);
      assert.deepEqual(rest, [
        'user:question 3',
        'assistant:answer 3',
        'user:question 4',
        'assistant:answer 4',
        'user:question 5',
        'assistant:answer 5',
        'user:question 6',
        'assistant:answer 6',
        'user:question 7',
        'assistant:answer 7',
        'user:how long do refunds take?',
      ]);
    });

    it('says when no knowledge was found, skips system replies, keeps agent replies, limits passages', () => {
      const history: MemoryTurn[] = [
        {
          id: 'a',
          user: '转人工',
          replies: [
            { author: 'system', text: 'handoff opened', at: 1 },
            { author: 'agent', text: '您好，我是客服小王', at: 2 },
          ],
          at: 1,
        },
      ];
      const none = buildGroundedPrompt({ systemPrompt: 'S', passages: [], history, question: '退款？' });
      assert.match(none[0]!.content, /none found/);
      assert.deepEqual(
        none.slice(1).map((m) => m.role),
        ['user', 'assistant', 'user'],
      );
      assert.equal(none[2]?.content, '您好，我是客服小王');
      const many = buildGroundedPrompt({
        systemPrompt: 'S',
        passages: Array.from({ length: 9 }, (_, i) => ({ id: `${i}`, text: 'x'.repeat(50) })),
        history: [],
        question: 'q',
        maxPassages: 2,
        maxPassageChars: 10,
      });
      assert.equal(many[0]!.content, `S\n\nKnowledge:\n[1] ${'x'.repeat(10)}…\n[2] ${'x'.repeat(10)}…`);
    });
  });

  describe('canary share', () => {
    it('puts about 10% of 1000 conversation keys in the canary, the same ones every time', () => {
      const keys = Array.from({ length: 1000 }, (_, i) => `wechat:tenant:user-${i}`);
      const first = keys.filter((k) => inCanary(k, 0.1));
      const second = keys.filter((k) => inCanary(k, 0.1));
      assert.deepEqual(first, second);
      assert.ok(first.length >= 70 && first.length <= 130, `canary got ${first.length} of 1000`);
      assert.equal(keys.filter((k) => inCanary(k, 0)).length, 0);
      assert.equal(keys.filter((k) => inCanary(k, 1)).length, 1000);
      // Growing the share keeps everyone already in the canary there.
      assert.ok(first.every((k) => inCanary(k, 0.25)));
    });
  });

  describe('router (loopback OpenAI-compatible server)', () => {
    let server: FakeOpenAi;
    beforeEach(async () => {
      server = await startFakeOpenAi();
    });
    afterEach(async () => {
      await server.close();
    });

    const ep = (model: string, extra: Record<string, unknown> = {}) => ({ baseUrl: server.baseUrl, model, ...extra });
    const ask = (text: string) => [{ role: 'user' as const, content: text }];

    function router(
      config: Partial<GenerationOptionsInput> & Pick<GenerationOptionsInput, 'default'>,
      log = recordingLogger(),
    ) {
      const r = createGeneration({ retryBackoffMs: 1, ...config }, { log });
      assert.ok(r);
      return r;
    }

    it('is off unless configured', () => {
      assert.equal(createGeneration(undefined, { log: recordingLogger() }), undefined);
      assert.equal(createGeneration({ enabled: false, default: ep('m') }, { log: recordingLogger() }), undefined);
      assert.throws(
        () => createGeneration({ default: { baseUrl: 'not a url', model: 'm' } }, { log: recordingLogger() }),
        (e: unknown) => e instanceof BotError && e.code === 'config.invalid',
      );
    });

    it('answers from the default model with the API key as a bearer token', async () => {
      const r = router({ default: ep('main', { apiKey: 'sk-local' }) });
      const result = await r.generate({ messages: ask('hi'), conversationKey: 'c1' });
      assert.equal(result.text, 'main: hi');
      assert.equal(result.route, 'default');
      assert.deepEqual(result.usage, { promptTokens: 10, completionTokens: 5 });
      assert.equal(server.calls[0]?.authorization, 'Bearer sk-local');
    });

    it('falls back when the default errors (after its retries)', async () => {
      const r = router({ default: ep('main-fail'), fallback: ep('backup'), retries: 1 });
      const result = await r.generate({ messages: ask('hi'), conversationKey: 'c1' });
      assert.equal(result.route, 'fallback');
      assert.equal(result.text, 'backup: hi');
      assert.match(result.fallbackReason ?? '', /HTTP 500/);
      assert.deepEqual(
        server.calls.map((c) => c.model),
        ['main-fail', 'main-fail', 'backup'],
      );
    });

    it('retries a transient 503 on the same model before any fallback', async () => {
      const r = router({ default: ep('main-flaky'), fallback: ep('backup'), retries: 1 });
      const result = await r.generate({ messages: ask('hi'), conversationKey: 'c1' });
      assert.equal(result.route, 'default');
      assert.equal(result.text, 'main-flaky: hi');
    });

    it('falls back on timeout without retrying the slow model', async () => {
      const r = router({ default: ep('main-slow'), fallback: ep('backup'), timeoutMs: 100, retries: 2 });
      const result = await r.generate({ messages: ask('hi'), conversationKey: 'c1' });
      assert.equal(result.route, 'fallback');
      assert.match(result.fallbackReason ?? '', /timeout/);
      assert.deepEqual(
        server.calls.map((c) => c.model),
        ['main-slow', 'backup'],
      );
    });

    it('fails with inference.unavailable when there is no fallback', async () => {
      const r = router({ default: ep('main-fail'), retries: 0 });
      await assert.rejects(
        r.generate({ messages: ask('hi'), conversationKey: 'c1' }),
        (e: unknown) => e instanceof BotError && e.code === 'inference.unavailable',
      );
    });

    it('mirrors traffic to the shadow model, logs its answer, never returns it', async () => {
      const log = recordingLogger();
      const r = router({ default: ep('main'), shadow: ep('candidate') }, log);
      const result = await r.generate({ messages: ask('hi'), conversationKey: 'c9' });
      assert.equal(result.text, 'main: hi');
      await r.idle();
      assert.deepEqual(server.calls.map((c) => c.model).sort(), ['candidate', 'main']);
      const shadowLog = log.records.find((l) => l.msg === 'shadow generation');
      assert.equal(shadowLog?.obj.shadowText, 'candidate: hi');
      assert.equal(shadowLog?.obj.sameAsPrimary, false);
      assert.equal(shadowLog?.obj.conversationKey, 'c9');
    });

    it('a failing shadow changes nothing for the caller', async () => {
      const log = recordingLogger();
      const r = router({ default: ep('main'), shadow: ep('candidate-fail') }, log);
      assert.equal((await r.generate({ messages: ask('hi'), conversationKey: 'c' })).text, 'main: hi');
      await r.idle();
      assert.ok(log.records.some((l) => l.msg === 'shadow generation failed'));
    });

    it('routes the sticky canary share to the canary model', async () => {
      const r = router({ default: ep('main'), canary: { endpoint: ep('next'), share: 0.1 } });
      const keys = Array.from({ length: 40 }, (_, i) => `k-${i}`);
      const canaryKeys = keys.filter((k) => inCanary(k, 0.1));
      assert.ok(canaryKeys.length > 0 && canaryKeys.length < keys.length, 'both routes exercised');
      for (const key of keys) {
        const result = await r.generate({ messages: ask(key), conversationKey: key });
        assert.equal(result.route, inCanary(key, 0.1) ? 'canary' : 'default', key);
        assert.equal(result.text, `${inCanary(key, 0.1) ? 'next' : 'main'}: ${key}`);
      }
    });

    it('answer() builds the grounded prompt from config', async () => {
      const r = router({ default: ep('main'), systemPrompt: 'Be brief.', historyTurns: 1 });
      const result = await r.answer({
        conversationKey: 'c',
        passages: [{ id: 'p', text: 'Open 9-5.' }],
        history: [turn(1), turn(2)],
        question: 'when are you open?',
      });
      assert.equal(result.text, 'main: when are you open?');
      assert.deepEqual(server.calls[0]?.messages, [
        { role: 'system', content: 'Be brief.\n\nKnowledge:\n[1] Open 9-5.' },
        { role: 'user', content: 'question 2' },
        { role: 'assistant', content: 'answer 2' },
        { role: 'user', content: 'when are you open?' },
      ]);
    });
  });
});
