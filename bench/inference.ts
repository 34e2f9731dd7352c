/**
 * Intent model benchmark: our trained-in-place fastText-style model (served through the OnnxRuntime) against NLP.js
 * (node-nlp), trained on the same data.
 *
 *   (a) CLINC150: train on train.jsonl, score on val.jsonl + oos_val.jsonl: top-1, answered correct/wrong and
 *       out-of-scope hand-off at threshold 0.8, ECE, training time, predictions/s, ONNX size and load time.
 *       Ours is calibrated twice: on a held-out split of train (val untouched), and with the official protocol
 *       (calibrate on val + oos_val) estimated by 2-fold cross-fitting over val (calibrate on one half, score the other).
 *   BANKING77 (seeded stratified 10% split of train) and xSID-zh (5-fold cross-validation on zh.valid) top-1.
 *   (b) runtime overhead / batching gain: bench/inference-runtime.ts (BENCH_SKIP_RUNTIME=1 skips it).
 *
 *   npm run bench:inference        # needs ../shared/datasets (or BENCH_DATASETS=DIR); writes bench/results/inference.json
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

import { readJsonl } from '../inference/eval/jsonl.js';
import { eceOf, scoreAt } from '../inference/eval/metrics.js';
import type { EvalResult, ScoredExample } from '../inference/eval/metrics.js';
import { runEvalDetailed } from '../inference/eval/run-eval.js';
import type { EvalDetails } from '../inference/eval/run-eval.js';
import type { LabeledText } from '../inference/fasttext/dataset.js';
import { createPrng, shuffleInPlace } from '../core/math/prng.js';
import { stratifiedFolds, stratifiedSplit } from '../inference/fasttext/split.js';
import { runRuntimeBench } from './inference-runtime.js';

const THRESHOLD = 0.8;
const DATASETS = process.env.BENCH_DATASETS ?? path.resolve(import.meta.dirname, '../../shared/datasets');

interface NlpResult {
  intent: string;
  score: number;
  classifications?: { intent: string; score: number }[];
}
interface NlpManagerLike {
  addDocument(lang: string, text: string, intent: string): void;
  train(): Promise<void>;
  process(lang: string, text: string): Promise<NlpResult>;
}

const require = createRequire(import.meta.url);
const { NlpManager } = require('node-nlp') as { NlpManager: new (o: object) => NlpManagerLike };

const round = (x: number, digits = 4): number => Number(x.toFixed(digits));
const log = (line: string): void => void process.stderr.write(`${line}\n`);

/** A seeded shuffle: NLP.js depends on the order examples are added; ours does not. */
const shuffled = <T>(rows: readonly T[]): T[] => shuffleInPlace([...rows], createPrng(1));

const jsonl = (rows: readonly LabeledText[]): string => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

/** The contract figures of a list of scored examples (timings filled by the caller). */
function figures(items: readonly ScoredExample[], trainSeconds: number, predictPerSecond: number): EvalResult {
  const r = {
    ...scoreAt(items, { default: THRESHOLD }),
    ece: eceOf(items),
    train_seconds: trainSeconds,
    predict_per_second: predictPerSecond,
  };
  return JSON.parse(JSON.stringify(r, (_, v: unknown) => (typeof v === 'number' ? round(v) : v))) as EvalResult;
}

/** NLP.js trained on `train` in the given order (file order = as a bot builder adds examples, intent by intent). */
async function nlpjs(
  train: readonly LabeledText[],
  tests: readonly LabeledText[],
  lang: 'en' | 'zh',
): Promise<{ result: EvalResult; items: ScoredExample[] }> {
  const manager = new NlpManager({ languages: [lang], forceNER: true, nlu: { log: false }, autoSave: false });
  for (const e of train) if (e.intent !== 'oos') manager.addDocument(lang, e.text, e.intent);
  const t0 = performance.now();
  const restore = silenceConsole();
  try {
    await manager.train();
  } finally {
    restore();
  }
  const trainSeconds = (performance.now() - t0) / 1000;
  const items: ScoredExample[] = [];
  const t1 = performance.now();
  for (const e of tests) {
    const r = await manager.process(lang, e.text);
    const best = r.classifications?.[0]?.intent ?? r.intent;
    const none = r.intent === 'None';
    items.push({ text: e.text, gold: e.intent, predicted: none ? best : r.intent, confidence: none ? 0 : r.score });
  }
  const pps = tests.length / ((performance.now() - t1) / 1000);
  return { result: figures(items, trainSeconds, pps), items };
}

/** NLP.js prints "Compiling dictionary" and the like while training. */
function silenceConsole(): () => void {
  const original = console.log;
  console.log = () => undefined;
  return () => {
    console.log = original;
  };
}

function modelFacts(d: EvalDetails): Record<string, unknown> {
  return {
    onnx_mb: round(d.model.onnxBytes / 1e6, 2),
    load_ms: d.model.loadMs,
    dim: d.model.dim,
    labels: d.model.labels,
    temperature: round(d.model.temperature, 3),
    calibration: d.model.calibrationSource,
  };
}

async function clinc(dir: string): Promise<Record<string, unknown>> {
  const base = path.join(DATASETS, 'clinc150');
  const train = path.join(base, 'train.jsonl');
  const tests = [path.join(base, 'val.jsonl'), path.join(base, 'oos_val.jsonl')];
  log('CLINC150: ours, calibrated on a held-out split of train ...');
  const heldOut = await runEvalDetailed({ train, tests, threshold: THRESHOLD });
  log(`  top-1 ${heldOut.result.in_scope.top1_accuracy.toFixed(4)}, ${heldOut.result.train_seconds.toFixed(1)} s`);
  // Official protocol (calibrate on val + oos_val) without scoring on the calibration data: 2-fold cross-fitting.
  const val = (await Promise.all(tests.map((f) => readJsonl(f)))).flat();
  const halves = stratifiedFolds(val, 2, 7);
  const files = await Promise.all(
    halves.map(async (h, i) => {
      const f = path.join(dir, `clinc-val-half-${i}.jsonl`);
      await writeFile(f, jsonl(h));
      return f;
    }),
  );
  const crossItems: ScoredExample[] = [];
  const crossRuns: EvalDetails[] = [];
  for (let i = 0; i < 2; i++) {
    log(`CLINC150: ours, calibrated on val half ${i + 1}/2, scored on the other half ...`);
    const d = await runEvalDetailed({ train, val: files[i] as string, tests: [files[1 - i] as string] });
    crossRuns.push(d);
    crossItems.push(...d.items);
  }
  const mean = (f: (d: EvalDetails) => number): number => crossRuns.reduce((s, d) => s + f(d), 0) / crossRuns.length;
  log('CLINC150: NLP.js (examples added in file order, intent by intent) ...');
  const trainRows = await readJsonl(train);
  const nlp = await nlpjs(trainRows, val, 'en');
  log(`  top-1 ${nlp.result.in_scope.top1_accuracy.toFixed(4)}, ${nlp.result.train_seconds.toFixed(1)} s`);
  log('CLINC150: NLP.js (examples shuffled) ...');
  const nlpShuffled = await nlpjs(shuffled(trainRows), val, 'en');
  return {
    scored_on: 'val.jsonl (3000 in scope) + oos_val.jsonl (100 out of scope)',
    ours_calibrated_on_train_split: {
      ...figures(heldOut.items, heldOut.result.train_seconds, heldOut.result.predict_per_second),
      model: modelFacts(heldOut),
    },
    ours_calibrated_on_val_2fold: {
      ...figures(
        crossItems,
        mean((d) => d.result.train_seconds),
        mean((d) => d.result.predict_per_second),
      ),
      model: modelFacts(crossRuns[0] as EvalDetails),
    },
    nlpjs: nlp.result,
    nlpjs_shuffled: nlpShuffled.result,
    sweep_ours_calibrated_on_train_split: heldOut.sweep,
  };
}

async function banking(dir: string): Promise<Record<string, unknown>> {
  const all = await readJsonl(path.join(DATASETS, 'banking77', 'train.jsonl'));
  const [train, held] = stratifiedSplit(all, 0.1, 42);
  const trainFile = path.join(dir, 'b77-train.jsonl');
  const testFile = path.join(dir, 'b77-test.jsonl');
  await writeFile(trainFile, jsonl(train));
  await writeFile(testFile, jsonl(held));
  log('BANKING77: ours ...');
  const ours = await runEvalDetailed({ train: trainFile, tests: [testFile] });
  log('BANKING77: NLP.js ...');
  const nlp = await nlpjs(train, held, 'en');
  const nlpShuffled = await nlpjs(shuffled(train), held, 'en');
  return {
    split: `seeded stratified 10% of train.jsonl (seed 42): ${train.length} train / ${held.length} test`,
    ours: figures(ours.items, ours.result.train_seconds, ours.result.predict_per_second),
    nlpjs: nlp.result,
    nlpjs_shuffled: nlpShuffled.result,
  };
}

async function xsid(dir: string): Promise<Record<string, unknown>> {
  const data = await readJsonl(path.join(DATASETS, 'xsid', 'zh.valid.jsonl'));
  const folds = stratifiedFolds(data, 5, 1);
  const ours: ScoredExample[] = [];
  const nlp: ScoredExample[] = [];
  for (let k = 0; k < folds.length; k++) {
    log(`xSID-zh: fold ${k + 1}/5 ...`);
    const train = folds.filter((_, i) => i !== k).flat();
    const test = folds[k] as LabeledText[];
    const trainFile = path.join(dir, `xsid-train-${k}.jsonl`);
    const testFile = path.join(dir, `xsid-test-${k}.jsonl`);
    await writeFile(trainFile, jsonl(train));
    await writeFile(testFile, jsonl(test));
    ours.push(...(await runEvalDetailed({ train: trainFile, tests: [testFile] })).items);
    nlp.push(...(await nlpjs(train, test, 'zh')).items);
  }
  return {
    protocol: '5-fold stratified cross-validation on zh.valid.jsonl (300 examples, seed 1)',
    ours: figures(ours, 0, 0).in_scope,
    nlpjs: figures(nlp, 0, 0).in_scope,
  };
}

async function main(): Promise<void> {
  if (!existsSync(path.join(DATASETS, 'clinc150', 'train.jsonl'))) {
    process.stderr.write(`datasets not found at ${DATASETS} (set BENCH_DATASETS); nothing to do\n`);
    return;
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'clawbot-bench-'));
  try {
    const result: Record<string, unknown> = {
      benchmark: 'inference',
      date: new Date().toISOString(),
      node: process.version,
      cpu: cpus()[0]?.model,
      cpus: cpus().length,
      threshold: THRESHOLD,
      clinc150: await clinc(dir),
      banking77: await banking(dir),
      xsid_zh: await xsid(dir),
    };
    if (process.env.BENCH_SKIP_RUNTIME !== '1') {
      log('runtime overhead and batching (bench/inference-runtime.ts) ...');
      result.runtime = await runRuntimeBench();
    }
    const out = path.join(import.meta.dirname, 'results');
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, 'inference.json'), `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\nwrote bench/results/inference.json\n`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
