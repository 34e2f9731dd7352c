import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Command } from 'commander';

import { registerEvalCommand, registerTrainCommand } from '../../../../inference/eval/cli.js';
import type { EvalCliIo } from '../../../../inference/eval/cli.js';
import { formatHtmlReport, formatTextReport } from '../../../../inference/eval/report.js';
import { runEval, runEvalDetailed } from '../../../../inference/eval/run-eval.js';
import { GIBBERISH, SYNTHETIC_EXAMPLES, SYNTHETIC_QUERIES } from '../fasttext/synthetic-data.js';

const jsonl = (rows: readonly { text: string; intent: string }[]): string =>
  rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

const CONFIG = { train: { dim: 32, epochs: 30 } };

describe('clawbot eval', function () {
  this.timeout(60_000);
  let dir: string;
  let files: { train: string; test: string; oos: string; val: string };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'clawbot-eval-'));
    files = {
      train: join(dir, 'train.jsonl'),
      test: join(dir, 'test.jsonl'),
      oos: join(dir, 'oos.jsonl'),
      val: join(dir, 'val.jsonl'),
    };
    await writeFile(files.train, jsonl(SYNTHETIC_EXAMPLES));
    await writeFile(files.test, jsonl(SYNTHETIC_QUERIES));
    await writeFile(files.oos, jsonl(GIBBERISH.map((text) => ({ text, intent: 'oos' }))));
    await writeFile(files.val, jsonl([...SYNTHETIC_QUERIES.slice(0, 4), { text: 'tell me a joke', intent: 'oos' }]));
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('returns the contract object with fractions in [0, 1]', async () => {
    const r = await runEval({ train: files.train, tests: [files.test, files.oos], config: CONFIG });
    assert.deepEqual(Object.keys(r).sort(), [
      'ece',
      'in_scope',
      'out_of_scope',
      'predict_per_second',
      'threshold',
      'train_seconds',
    ]);
    assert.deepEqual(Object.keys(r.in_scope).sort(), [
      'answered_correct',
      'answered_wrong',
      'handed_off',
      'n',
      'top1_accuracy',
    ]);
    assert.equal(r.threshold, 0.8);
    assert.equal(r.in_scope.n, SYNTHETIC_QUERIES.length);
    assert.equal(r.out_of_scope.n, GIBBERISH.length);
    for (const v of [
      r.in_scope.top1_accuracy,
      r.in_scope.answered_correct,
      r.in_scope.answered_wrong,
      r.in_scope.handed_off,
      r.out_of_scope.handed_off,
      r.ece,
    ]) {
      assert.ok(v >= 0 && v <= 1, String(v));
    }
    const sum = r.in_scope.answered_correct + r.in_scope.answered_wrong + r.in_scope.handed_off;
    assert.ok(Math.abs(sum - 1) < 1e-9);
    assert.ok(r.in_scope.top1_accuracy >= 0.75, `top-1 ${r.in_scope.top1_accuracy}`);
    assert.equal(r.out_of_scope.handed_off, 1, 'gibberish is handed off');
    assert.ok(r.train_seconds >= 0 && r.predict_per_second > 0);
  });

  it('calibrates on --val and writes readable and HTML reports without external assets', async () => {
    const d = await runEvalDetailed({
      train: files.train,
      val: files.val,
      tests: [files.test, files.oos],
      config: CONFIG,
    });
    assert.equal(d.model.calibrationSource, 'validation');
    const text = formatTextReport(d);
    assert.match(text, /threshold sweep/);
    assert.match(text, /out of scope {2}n=5/);
    const html = formatHtmlReport(d);
    assert.match(html, /<svg[^>]*aria-label="reliability diagram"/);
    assert.doesNotMatch(html, /<script|<link|src="http|href="http/);
  });

  it('prints exactly one JSON object with --json', async () => {
    const out: string[] = [];
    const io: EvalCliIo = { print: (t) => out.push(t), printError: (t) => out.push(`ERR ${t}`), exitCode: 0 };
    const program = new Command().exitOverride();
    registerEvalCommand(program, io);
    await program.parseAsync(
      [
        'eval',
        '--train',
        files.train,
        '--test',
        files.test,
        '--test',
        files.oos,
        '--threshold',
        '0.7',
        '--json',
        '--epochs',
        '30',
      ],
      { from: 'user' },
    );
    assert.equal(io.exitCode, 0, out.join('\n'));
    assert.equal(out.length, 1);
    const parsed = JSON.parse(out[0]!) as { threshold: number; out_of_scope: { n: number } };
    assert.equal(parsed.threshold, 0.7);
    assert.equal(parsed.out_of_scope.n, 5);
  });

  it('reports a missing file as a failure', async () => {
    const out: string[] = [];
    const io: EvalCliIo = { print: (t) => out.push(t), printError: (t) => out.push(t), exitCode: 0 };
    const program = new Command().exitOverride();
    registerEvalCommand(program, io);
    await program.parseAsync(['eval', '--train', join(dir, 'nope.jsonl'), '--test', files.test, '--json'], {
      from: 'user',
    });
    assert.equal(io.exitCode, 1);
    assert.match(out.join('\n'), /cannot read .*nope\.jsonl/);
  });

  it('trains a bot folder with `clawbot train` and reuses the cached model', async () => {
    const bot = join(dir, 'bot');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(bot);
    const intents = ['greeting', 'weather', 'refund'].map((intent) => ({
      intent,
      examples: SYNTHETIC_EXAMPLES.filter((e) => e.intent === intent).map((e) => e.text),
    }));
    const yaml = intents
      .map((i) => `- intent: ${i.intent}\n  examples:\n${i.examples.map((e) => `    - "${e}"`).join('\n')}`)
      .join('\n');
    await writeFile(join(bot, 'intents.yaml'), `${yaml}\n`);
    await writeFile(
      join(bot, 'faq.yaml'),
      '- id: hours\n  questions: ["when are you open", "营业时间"]\n  answer: 9-5\n',
    );
    const out: string[] = [];
    const io: EvalCliIo = { print: (t) => out.push(t), printError: (t) => out.push(`ERR ${t}`), exitCode: 0 };
    const run = async (): Promise<{ trained: boolean; intents: number; model_dir: string }> => {
      const program = new Command().exitOverride();
      registerTrainCommand(program, io);
      await program.parseAsync(['train', '--bot', bot, '--out', join(dir, 'models'), '--json'], { from: 'user' });
      return JSON.parse(out.at(-1)!) as { trained: boolean; intents: number; model_dir: string };
    };
    const first = await run();
    assert.equal(io.exitCode, 0, out.join('\n'));
    assert.equal(first.trained, true);
    assert.equal(first.intents, 4);
    const meta = JSON.parse(await readFile(join(first.model_dir, 'featurizer.json'), 'utf8')) as { labels: string[] };
    assert.deepEqual(meta.labels, ['faq:hours', 'greeting', 'refund', 'weather']);
    const second = await run();
    assert.equal(second.trained, false);
    assert.equal(second.model_dir, first.model_dir);
  });
});
