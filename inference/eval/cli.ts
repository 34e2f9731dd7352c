/** `clawbot eval` and `clawbot train` (commander). The lead registers them in the CLI program. */

import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

import { Option } from 'commander';
import type { Command } from 'commander';

import { systemClock } from '../../core/clock.js';
import type { BotDefinition, TrainingExample } from '../../core/engine/types.js';
import { describeError } from '../../core/errors.js';
import { silentLogger } from '../../core/logger.js';
import type { TrainConfig } from '../fasttext/trainer.js';
import { ensureModel } from '../intent-model/model-store.js';
import { examplesFromBot, readBotExamplesMinimal } from './bot-examples.js';
import { createTrainingBar } from './progress.js';
import { formatHtmlReport, formatTextReport } from './report.js';
import { runEvalDetailed } from './run-eval.js';

/** Output functions (a subset of the gateway CLI context); process streams when absent. */
export interface EvalCliIo {
  print(text: string): void;
  printError(text: string): void;
  exitCode: number;
}

/** Process streams; a failure also sets process.exitCode. */
const processIo = (): EvalCliIo => {
  let code = 0;
  return {
    print: (t) => void process.stdout.write(`${t}\n`),
    printError: (t) => void process.stderr.write(`${t}\n`),
    get exitCode() {
      return code;
    },
    set exitCode(value: number) {
      code = value;
      process.exitCode = value;
    },
  };
};

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

function parseUnit(name: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0 || n > 1) throw new Error(`${name} must be a number between 0 and 1`);
    return n;
  };
}

function parseIntentThresholds(values: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) {
    const at = v.lastIndexOf('=');
    const t = Number(v.slice(at + 1));
    if (at <= 0 || !Number.isFinite(t) || t < 0 || t > 1)
      throw new Error(`--intent-threshold wants INTENT=0..1, got ${v}`);
    out[v.slice(0, at)] = t;
  }
  return out;
}

function trainOverrides(opts: { dim?: number; epochs?: number; seed?: number }): Partial<TrainConfig> {
  return {
    ...(opts.dim === undefined ? {} : { dim: opts.dim }),
    ...(opts.epochs === undefined ? {} : { epochs: opts.epochs }),
    ...(opts.seed === undefined ? {} : { seed: opts.seed }),
  };
}

const positiveInt = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`expected a positive integer, got ${v}`);
  return n;
};

interface EvalFlags {
  train: string;
  val?: string[];
  test: string[];
  threshold: number;
  json?: boolean;
  html?: string;
  intentThreshold?: string[];
  dim?: number;
  epochs?: number;
  seed?: number;
}

/** Registers `clawbot eval`. */
export function registerEvalCommand(program: Command, io: EvalCliIo = processIo()): void {
  program
    .command('eval')
    .description('train on a JSON-lines file, calibrate, and score test files (intent "oos" = out of scope)')
    .requiredOption('--train <file>', 'training examples, JSON lines {"text", "intent"}')
    .option('--val <file>', 'validation file(s) for calibration (may contain "oos" lines); repeatable', collect)
    .requiredOption('--test <file>', 'test file; repeatable', collect)
    .addOption(
      new Option('--threshold <p>', 'answer when confidence >= p').default(0.8).argParser(parseUnit('--threshold')),
    )
    .option('--intent-threshold <intent=p>', 'per-intent threshold; repeatable', collect)
    .option('--json', 'print one JSON object only')
    .option('--html <path>', 'write the HTML report here (default .cache/eval-report.html without --json)')
    .option('--dim <n>', 'embedding dimension', positiveInt)
    .option('--epochs <n>', 'training epochs', positiveInt)
    .option('--seed <n>', 'random seed', positiveInt)
    .action(async (flags: EvalFlags) => {
      const bar = createTrainingBar(process.stdout.isTTY === true);
      try {
        const details = await runEvalDetailed(
          {
            train: flags.train,
            ...(flags.val === undefined ? {} : { val: flags.val }),
            tests: flags.test,
            threshold: flags.threshold,
            ...(flags.intentThreshold === undefined
              ? {}
              : { perIntentThresholds: parseIntentThresholds(flags.intentThreshold) }),
            config: { train: trainOverrides(flags) },
            ...(bar.onProgress === undefined ? {} : { onProgress: bar.onProgress }),
          },
          { clock: systemClock, log: silentLogger },
        );
        bar.stop();
        const htmlPath = flags.html ?? (flags.json === true ? undefined : '.cache/eval-report.html');
        if (htmlPath !== undefined) {
          await mkdir(dirname(resolve(htmlPath)), { recursive: true });
          await writeFile(htmlPath, formatHtmlReport(details));
        }
        if (flags.json === true) io.print(JSON.stringify(details.result));
        else {
          io.print(formatTextReport(details).trimEnd());
          if (htmlPath !== undefined) io.print(`HTML report: ${htmlPath}`);
        }
      } catch (error) {
        bar.stop();
        io.printError(`eval failed: ${describeError(error)}`);
        io.exitCode = 1;
      }
    });
}

/** What `clawbot train` may be given by the composition root. */
export interface TrainCommandDeps {
  /**
   * The full bot-folder loader (knowledge/bot-folder `loadBotFolder`, which validates everything); inference may not
   * import knowledge/, so the gateway passes it in. Without it a minimal reader of intents.yaml/faq.yaml is used.
   */
  readonly loadBot?: (dir: string) => Promise<Pick<BotDefinition, 'intents' | 'faq'>>;
}

async function loadBotExamples(dir: string, deps: TrainCommandDeps): Promise<TrainingExample[]> {
  return deps.loadBot === undefined ? readBotExamplesMinimal(dir) : examplesFromBot(await deps.loadBot(dir));
}

interface TrainFlags {
  bot: string;
  out: string;
  force?: boolean;
  json?: boolean;
  dim?: number;
  epochs?: number;
  seed?: number;
}

/** Registers `clawbot train`. */
export function registerTrainCommand(program: Command, io: EvalCliIo = processIo(), deps: TrainCommandDeps = {}): void {
  program
    .command('train')
    .description(
      "train the bot's intent model from intents.yaml examples and faq.yaml questions (cached by content hash)",
    )
    .option('--bot <dir>', 'bot folder', '.')
    .option('--out <dir>', 'model cache folder', '.cache/models/intent')
    .option('--force', 'train even when the cached model is up to date')
    .option('--json', 'print one JSON object only')
    .option('--dim <n>', 'embedding dimension', positiveInt)
    .option('--epochs <n>', 'training epochs', positiveInt)
    .option('--seed <n>', 'random seed', positiveInt)
    .action(async (flags: TrainFlags) => {
      const bar = createTrainingBar(process.stdout.isTTY === true);
      try {
        const examples = await loadBotExamples(flags.bot, deps);
        if (examples.length === 0) throw new Error(`no intent examples or FAQ questions found in ${flags.bot}`);
        const overrides = trainOverrides(flags);
        const stored = await ensureModel(
          {
            modelDir: flags.out,
            examples,
            ...(Object.keys(overrides).length === 0 ? {} : { config: { train: overrides } }),
            ...(flags.force === true ? { force: true } : {}),
            ...(bar.onProgress === undefined ? {} : { onProgress: bar.onProgress }),
          },
          { log: silentLogger, clock: systemClock },
        );
        bar.stop();
        const summary = {
          model_dir: stored.dir,
          trained: stored.trained,
          train_seconds: stored.trainMs / 1000,
          examples: examples.length,
          intents: stored.meta.labels.length,
          onnx_bytes: stored.meta.onnx.bytes,
          content_hash: stored.meta.contentHash,
          calibration: stored.meta.calibrationSource,
        };
        if (flags.json === true) io.print(JSON.stringify(summary));
        else {
          io.print(
            stored.trained
              ? `trained ${summary.intents} intents from ${summary.examples} examples in ${summary.train_seconds.toFixed(1)} s`
              : `model is up to date (${summary.intents} intents, ${summary.examples} examples)`,
          );
          io.print(`model: ${stored.dir} (${(summary.onnx_bytes / 1e6).toFixed(2)} MB ONNX + featurizer.json)`);
        }
      } catch (error) {
        bar.stop();
        io.printError(`train failed: ${describeError(error)}`);
        io.exitCode = 1;
      }
    });
}
