import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../../core/clock.js';
import { createInProcessMemory } from '../../../memory/index.js';
import { DEMO_BOT_DIR, loadBotFolder } from '../../../knowledge/bot-folder/index.js';
import { lexicalClassifierFactory } from '../../../gateway/app/engine.js';
import { createKnowledgeEngine } from '../../../knowledge/engine/index.js';
import { judge, kindOf, parseQueries, report, runEval } from '../../../knowledge/eval/index.js';
import { runCli } from '../../../gateway/cli/program.js';
import type { CliContext } from '../../../gateway/cli/context.js';

const reply = (text: string, sources: string[] = [], handoff = false) => ({ text, sources, handoff });

describe('eval-kb', function () {
  this.timeout(120_000);

  it('parses query lines and names the first bad one', () => {
    const qs = parseQueries(
      [
        '{"turns": ["a"], "expect": {"faq": "x"}}',
        '',
        '# comment',
        '{"turns": ["a", "b"], "expect": {"contains": ["1"]}, "kind": "followup"}',
        '{"turns": ["c"], "expect": {"handoff": true}}',
      ].join('\n'),
    );
    assert.equal(qs.length, 3);
    assert.deepEqual(qs.map(kindOf), ['faq', 'followup', 'handoff']);
    assert.equal(kindOf({ turns: ['a', 'b'], expect: { faq: 'x' }, line: 1 }), 'faq+memory');
    assert.throws(() => parseQueries('{"turns": [], "expect": {"faq": "x"}}'), /line 1: "turns"/);
    assert.throws(() => parseQueries('ok\n{'), /line 1: not JSON/);
    assert.throws(() => parseQueries('{"turns": ["a"], "expect": {"handoff": false}}'), /"expect"/);
  });

  it('judges replies: sources for FAQ ids, every string for contains, never a handoff', () => {
    const faq = { turns: ['q'], expect: { faq: 'refund' }, line: 1 } as const;
    assert.equal(judge(faq, reply('x', ['faq:refund'])), 'correct');
    assert.equal(judge(faq, reply('x', ['intent:refund'])), 'correct');
    assert.equal(judge(faq, reply('x', ['faq:other'])), 'wrong');
    assert.equal(judge(faq, reply('x', ['faq:refund'], true)), 'handed_off');
    const contains = { turns: ['q'], expect: { contains: ['¥5999', 'Black'] }, line: 1 } as const;
    assert.equal(judge(contains, reply('price ¥5999 in black')), 'correct');
    assert.equal(judge(contains, reply('price ¥5999')), 'wrong');
  });

  it('reports fractions of in-scope queries and of handoff queries, by kind', () => {
    const q = (expect: object, kind?: string) =>
      ({ turns: ['x'], expect, line: 1, ...(kind ? { kind } : {}) }) as never;
    const r = report([
      { query: q({ faq: 'a' }), reply: reply('', ['faq:a']) },
      { query: q({ faq: 'a' }), reply: reply('', ['faq:b']) },
      { query: q({ contains: ['z'] }), reply: reply('', [], true) },
      { query: q({ faq: 'a' }), reply: reply('', ['faq:a']) },
      { query: q({ handoff: true }, 'oos'), reply: reply('', [], true) },
      { query: q({ handoff: true }, 'oos'), reply: reply('answered') },
    ]);
    assert.deepEqual(Object.keys(r), [
      'n',
      'answered_correct',
      'answered_wrong',
      'handed_off',
      'oos_n',
      'oos_handed_off',
      'by_kind',
    ]);
    assert.deepEqual(
      { n: r.n, c: r.answered_correct, w: r.answered_wrong, h: r.handed_off, on: r.oos_n, oh: r.oos_handed_off },
      { n: 4, c: 0.5, w: 0.25, h: 0.25, on: 2, oh: 0.5 },
    );
    assert.deepEqual(r.by_kind['oos'], { n: 2, answered_correct: 0, answered_wrong: 0.5, handed_off: 0.5 });
    assert.equal(r.by_kind['faq']?.n, 3);
  });

  it('sends earlier turns in one session, so follow-ups use the memory', async () => {
    const built = await createKnowledgeEngine({
      bot: await loadBotFolder(DEMO_BOT_DIR),
      folds: 3,
      classifierFactory: lexicalClassifierFactory,
    });
    const clock = new ManualClock();
    const { report: r, results } = await runEval(
      built.engine,
      parseQueries(
        [
          '{"turns": ["爪机15多少钱", "那白色的呢？"], "expect": {"contains": ["6199"]}}',
          '{"turns": ["那白色的呢？"], "expect": {"contains": ["6199"]}}',
          '{"turns": ["退款多久到账"], "expect": {"faq": "refund-time"}}',
          '{"turns": ["给我讲个笑话"], "expect": {"handoff": true}}',
        ].join('\n'),
      ),
      { memory: createInProcessMemory({ turns: 5 }, { clock }), clock },
    );
    assert.deepEqual(
      results.map((x) => x.reply.handoff),
      [false, true, false, true],
      'the second query starts a fresh session with nothing to refer to',
    );
    assert.deepEqual({ n: r.n, c: r.answered_correct, oos: r.oos_handed_off }, { n: 3, c: 0.6667, oos: 1 });
  });

  it('clawbot eval-kb --json prints exactly the report', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'clawbot-eval-'));
    const file = join(dir, 'q.jsonl');
    await writeFile(
      file,
      '{"turns": ["爪表多少钱"], "expect": {"contains": ["1299"]}}\n{"turns": ["写一首诗"], "expect": {"handoff": true}}\n',
    );
    const out: string[] = [];
    const ctx: CliContext = {
      env: {},
      cwd: dir,
      interactive: false,
      print: (t) => out.push(t),
      printError: () => undefined,
      exitCode: 0,
    };
    const code = await runCli(
      ['node', 'clawbot', 'eval-kb', '--bot', DEMO_BOT_DIR, '--queries', 'q.jsonl', '--json'],
      ctx,
    );
    await rm(dir, { recursive: true, force: true });
    assert.equal(code, 0);
    assert.equal(out.length, 1);
    const parsed = JSON.parse(out[0] ?? '') as Record<string, unknown>;
    assert.deepEqual(parsed, {
      n: 1,
      answered_correct: 1,
      answered_wrong: 0,
      handed_off: 0,
      oos_n: 1,
      oos_handed_off: 1,
      by_kind: {
        contains: { n: 1, answered_correct: 1, answered_wrong: 0, handed_off: 0 },
        handoff: { n: 1, answered_correct: 0, answered_wrong: 0, handed_off: 1 },
      },
    });
  });
});
