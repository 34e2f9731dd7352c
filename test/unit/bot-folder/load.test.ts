import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BotDefinition } from '../../../core/engine/index.js';
import { isBotError, type BotError } from '../../../core/errors.js';
import {
  DEMO_BOT_DIR,
  loadBotFolder,
  validateBotFolder,
  type BotFolderProblem,
} from '../../../knowledge/bot-folder/index.js';

const HAN = /\p{Script=Han}/u;

const GOOD_BOT = `name: Tiny
languages: [en]
handoff: { threshold: 0.8 }
messages:
  welcome: Hi
  fallback: Sorry?
  handoff: A person will reply.
  apology: Oops.
  unsupported: Text only please.
`;

async function folder(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'clawbot-bot-folder-'));
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
  return dir;
}

async function problemsOf(dir: string): Promise<readonly BotFolderProblem[]> {
  try {
    await loadBotFolder(dir);
  } catch (error: unknown) {
    assert.ok(isBotError(error), 'throws a BotError');
    assert.equal(error.code, 'knowledge.invalid');
    return (error.details?.['problems'] ?? []) as BotFolderProblem[];
  }
  assert.fail('the folder loaded although it is invalid');
}

describe('bot folder', () => {
  const made: string[] = [];
  const tmp = async (files: Record<string, string>): Promise<string> => {
    const dir = await folder(files);
    made.push(dir);
    return dir;
  };
  after(async () => {
    await Promise.all(made.map((d) => rm(d, { recursive: true, force: true })));
  });

  describe('the demo shop', () => {
    let bot: BotDefinition;
    before(async () => {
      bot = await loadBotFolder(DEMO_BOT_DIR);
    });

    it('DEMO_BOT_DIR points at bots/demo-shop', () => {
      assert.match(DEMO_BOT_DIR, /bots[/\\]demo-shop$/);
      assert.ok(existsSync(join(DEMO_BOT_DIR, 'bot.yaml')));
    });

    it('loads with its settings, messages, intents, FAQ and graph', () => {
      assert.equal(bot.name, 'Claw Shop');
      assert.deepEqual(bot.languages, ['zh', 'en']);
      assert.equal(bot.handoff.threshold, 0.8);
      assert.equal(bot.handoff.perIntent['faq:refund-time'], 0.85);
      assert.match(bot.messages.handoff.zh, /人工/);
      assert.match(bot.messages.unsupported.en, /text/);
      assert.ok(bot.faq.length >= 15);
      const ids = bot.intents.map((i) => i.id);
      for (const id of ['order_status', 'shipping', 'returns', 'payment', 'hours', 'invoice', 'account', 'coupon']) {
        assert.ok(ids.includes(id), id);
      }
      assert.equal(bot.intents.find((i) => i.id === 'product')?.action, 'kg');
      assert.equal(bot.intents.find((i) => i.id === 'human')?.action, 'handoff');
      assert.ok(bot.graph.entities.some((e) => e.id === 'claw-phone-15' && e.aliases.includes('爪机')));
      assert.ok(bot.graph.attributes['price']?.synonyms.includes('多少钱'));
    });

    it('has at least 8 Chinese and 8 English examples per intent, and answers in both languages', () => {
      for (const intent of bot.intents) {
        const zh = intent.examples.filter((e) => HAN.test(e)).length;
        const en = intent.examples.length - zh;
        assert.ok(zh >= 8 && en >= 8, `${intent.id}: ${zh} zh, ${en} en`);
        if (intent.answer !== undefined) {
          assert.ok(HAN.test(intent.answer.zh), `${intent.id} zh answer`);
          assert.ok(!HAN.test(intent.answer.en.replace(/\(.*?\)/g, '')), `${intent.id} en answer`);
        }
      }
      for (const entry of bot.faq) assert.ok(HAN.test(entry.answer.zh) && entry.answer.en.length > 0, entry.id);
    });

    it('is deeply frozen', () => {
      assert.ok(Object.isFrozen(bot));
      assert.ok(Object.isFrozen(bot.intents[0]!.examples));
      assert.ok(Object.isFrozen(bot.graph.entities[0]!.attributes));
      assert.throws(() => {
        (bot.messages.welcome as { zh: string }).zh = 'x';
      }, TypeError);
    });
  });

  it('reports every problem of a bad folder with its file and path', async () => {
    const dir = await tmp({
      'bot.yaml': `name: Bad
languages: [zh, fr]
handoff: { threshold: 1.5, perIntent: { nope: 0.9 } }
messages:
  welcome: { zh: 你好 }
  fallback: x
  handoff: x
  apology: x
`,
      'intents.yaml': `- intent: greet
  exmples: [hi]
  answer: Hello
- intent: greet
  examples: [hello]
- intent: bad id
  examples: []
  action: dance
`,
      'faq.yaml': `- id: a
  questions: [q]
  answer: { zh: 答 }
- id: a
  questions: [q2]
  answer: A
`,
      'graph.yaml': `attributes:
  price: { label: Price, synonyms: [cost] }
entities:
  - id: p
    type: product
    name: P
    attributes: { price: 1, weight: 2 }
relations:
  - [ghost, variant_of, p]
  - [p, variant_of, nothing]
`,
    });
    const got = (await problemsOf(dir)).map((p) => `${p.file} ${p.path}`);
    const expected = [
      'bot.yaml languages[1]',
      'bot.yaml handoff.threshold',
      'bot.yaml messages.welcome.en',
      'bot.yaml messages.unsupported',
      'intents.yaml [0].examples',
      'intents.yaml [0]',
      'intents.yaml [2].intent',
      'intents.yaml [2].examples',
      'intents.yaml [2].action',
      'faq.yaml [0].answer.en',
      'graph.yaml entities[0].attributes.weight',
      'graph.yaml relations[0][0]',
      'graph.yaml relations[1][2]',
    ];
    for (const e of expected) assert.ok(got.includes(e), `missing "${e}" in:\n${got.join('\n')}`);
    const problems = await problemsOf(dir);
    const message = (file: string, path: string): string | undefined =>
      problems.find((p) => p.file === file && p.path === path)?.message;
    assert.equal(message('bot.yaml', 'messages.unsupported'), 'is required');
    assert.equal(message('bot.yaml', 'handoff.threshold'), 'must be between 0 and 1');
    assert.equal(message('intents.yaml', '[0]'), 'Unrecognized key: "exmples"');
    assert.equal(message('graph.yaml', 'relations[0][0]'), 'unknown entity "ghost"');
  });

  it('reports cross-file problems of otherwise valid files', async () => {
    const dir = await tmp({
      'bot.yaml': GOOD_BOT.replace('threshold: 0.8 }', 'threshold: 0.8, perIntent: { nope: 0.9, faq:a: 0.9 } }'),
      'intents.yaml': `- intent: greet
  examples: [hi]
- intent: greet
  examples: [hello]
  answer: Hello
`,
      'faq.yaml': `- { id: a, questions: [q], answer: A }
- { id: a, questions: [q2], answer: B }
`,
    });
    const problems = await problemsOf(dir);
    const lines = problems.map((p) => `${p.file}: ${p.path}: ${p.message}`);
    assert.deepEqual(lines.sort(), [
      'bot.yaml: handoff.perIntent.nope: unknown intent "nope" (use an intent id, faq:ID or kg:ATTRIBUTE)',
      'faq.yaml: [1].id: duplicate id "a"',
      'intents.yaml: [0].answer: is required for action "faq"',
      'intents.yaml: [1].intent: duplicate intent "greet"',
    ]);
  });

  it('lists every problem in the error message, one per line', async () => {
    const dir = await tmp({ 'bot.yaml': GOOD_BOT.replace('name: Tiny', 'name: ""') });
    try {
      await loadBotFolder(dir);
      assert.fail('loaded');
    } catch (error: unknown) {
      const message = (error as BotError).message;
      assert.match(message, /2 problems/);
      assert.match(message, /^bot\.yaml: name: must not be empty$/m);
      assert.match(message, /^intents\.yaml: file is missing$/m);
    }
  });

  it('reports YAML syntax errors with the file and line', async () => {
    const dir = await tmp({ 'bot.yaml': GOOD_BOT, 'intents.yaml': '- intent: a\n  examples: [hi\n' });
    const problems = await problemsOf(dir);
    assert.equal(problems.length, 1);
    assert.equal(problems[0]?.file, 'intents.yaml');
    assert.match(problems[0]?.message ?? '', /not valid YAML.*line \d+/s);
  });

  it('loads JSON files, plain texts for every language, and optional faq and graph', async () => {
    const dir = await tmp({
      'bot.yaml': GOOD_BOT,
      'intents.json': JSON.stringify([{ intent: 'hi', examples: ['hello'], answer: 'Hello!', action: 'smalltalk' }]),
    });
    const bot = await loadBotFolder(dir);
    assert.deepEqual(bot.intents, [
      { id: 'hi', examples: ['hello'], action: 'smalltalk', answer: { zh: 'Hello!', en: 'Hello!' } },
    ]);
    assert.deepEqual(bot.faq, []);
    assert.deepEqual(bot.graph, { entities: [], relations: [], attributes: {} });
    assert.deepEqual(bot.messages.welcome, { zh: 'Hi', en: 'Hi' });
  });

  it('validates parsed sources without touching the disk', () => {
    const result = validateBotFolder({
      bot: { file: 'bot.yaml', content: undefined },
      intents: { file: 'intents.yaml', content: [] },
      faq: { file: 'faq.yaml', content: null },
      graph: { file: 'graph.yaml', content: undefined },
    });
    assert.equal(result.ok, false);
    assert.deepEqual(!result.ok && result.problems, [{ file: 'bot.yaml', path: '', message: 'file is missing' }]);
  });
});
