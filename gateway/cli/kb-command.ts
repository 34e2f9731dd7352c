/**
 * `clawbot kb validate|stats DIR` (bot folders) and `clawbot eval-kb --bot DIR --queries FILE --json`
 * (answer quality of a bot folder on a query set, through the real pipeline pieces).
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { systemClock } from '../../core/clock.js';
import { BotError, isBotError } from '../../core/errors.js';
import type { BotDefinition } from '../../core/engine/types.js';
import { formatProblems, loadBotFolder, type BotFolderProblem } from '../../knowledge/bot-folder/index.js';
import { createKnowledgeEngine } from '../../knowledge/engine/index.js';
import { judge, parseQueries, runEval } from '../../knowledge/eval/index.js';
import { createDefaultSegmenter } from '../../knowledge/text/index.js';
import { loadConfig, parseConfig } from '../config/index.js';
import { ManualClock } from '../../core/clock.js';
import { createInProcessMemory } from '../../memory/index.js';
import { lexicalClassifierFactory, loadEngine } from '../app/engine.js';
import { silentLogger } from '../../core/logger.js';
import { createIntentModelProvider } from '../app/intent-model.js';
import { MARK, type CliContext } from './context.js';

/** Counts of a bot folder's content. */
export function botStats(bot: BotDefinition): Record<string, number | string> {
  const types = new Map<string, number>();
  for (const e of bot.graph.entities) types.set(e.type, (types.get(e.type) ?? 0) + 1);
  return {
    name: bot.name,
    languages: bot.languages.join(','),
    intents: bot.intents.length,
    intentExamples: bot.intents.reduce((n, i) => n + i.examples.length, 0),
    faqEntries: bot.faq.length,
    faqQuestions: bot.faq.reduce((n, f) => n + f.questions.length, 0),
    entities: bot.graph.entities.length,
    ...Object.fromEntries([...types].sort().map(([t, n]) => [`entities.${t}`, n])),
    relations: bot.graph.relations.length,
    attributes: Object.keys(bot.graph.attributes).length,
    attributeValues: bot.graph.entities.reduce((n, e) => n + Object.keys(e.attributes).length, 0),
  };
}

async function loadOrReport(dir: string, ctx: CliContext): Promise<BotDefinition | undefined> {
  try {
    return await loadBotFolder(dir);
  } catch (error: unknown) {
    if (!isBotError(error) || error.code !== 'knowledge.invalid') throw error;
    const problems = (error.details?.['problems'] ?? []) as BotFolderProblem[];
    ctx.printError(`${MARK.fail} ${dir} is not a valid bot folder (${problems.length} problem(s)):`);
    for (const line of formatProblems(problems).split('\n')) ctx.printError(`  ${line}`);
    ctx.exitCode = 1;
    return undefined;
  }
}

interface StatsFlags {
  readonly json?: boolean;
  readonly build?: boolean;
}

interface EvalFlags {
  readonly bot: string;
  readonly queries: string;
  readonly json?: boolean;
  readonly verbose?: boolean;
  readonly config?: string;
}

/** Registers `kb validate`, `kb stats` and `eval-kb`. */
export function registerKbCommand(program: Command, ctx: CliContext): void {
  const kb = program.command('kb').description('bot folders: validate and inspect (docs/bot-folder.md)');
  kb.command('validate')
    .description('check a bot folder (bot.yaml, intents.yaml, faq.yaml|csv, graph.yaml) and list every problem')
    .argument('<dir>', 'bot folder')
    .action(async (dir: string) => {
      const path = resolve(ctx.cwd, dir);
      const bot = await loadOrReport(path, ctx);
      if (bot === undefined) return;
      const s = botStats(bot);
      ctx.print(
        `${MARK.ok} ${path}: ${bot.name} — ${s['intents']} intents, ${s['faqEntries']} FAQ entries, ` +
          `${s['entities']} entities, ${s['relations']} relations`,
      );
    });
  kb.command('stats')
    .description('counts of a bot folder; --build also builds the engine and reports retrieval figures')
    .argument('<dir>', 'bot folder')
    .option('--json', 'print JSON')
    .option('--build', 'build the engine (classifier, retrieval, calibration) and report how')
    .action(async (dir: string, flags: StatsFlags) => {
      const bot = await loadOrReport(resolve(ctx.cwd, dir), ctx);
      if (bot === undefined) return;
      const stats: Record<string, unknown> = botStats(bot);
      if (flags.build === true) {
        const t0 = performance.now();
        const built = await createKnowledgeEngine({
          bot,
          segmenter: createDefaultSegmenter(),
          classifierFactory: lexicalClassifierFactory,
          kgDiagnostics: true,
        });
        const info = built.ranker.info;
        const kg = built.kg;
        stats['build'] = {
          ms: Math.round(performance.now() - t0),
          classifier: built.classifier.name,
          tokenizer: info.tokenizer,
          embedder: info.embedder,
          vectorIndex: info.vectorIndex,
          texts: info.texts,
          calibrationQueries: info.fit?.queries ?? 0,
          heldOutTop1: info.fit === undefined ? undefined : Math.round(info.fit.heldOutTop1 * 1000) / 1000,
          version: built.version,
          kgCalibration:
            kg === undefined
              ? undefined
              : {
                  ms: Math.round(built.timings['kgCalibrationMs'] ?? 0),
                  cases: kg.cases,
                  samples: kg.samples,
                  fitted: kg.model !== undefined,
                  heldOutEce: kg.heldOut?.ece,
                  heldOutBrier: kg.heldOut?.brier,
                  heldOutAnswered: kg.heldOut?.answered,
                  heldOutPrecision: kg.heldOut?.precision,
                },
        };
      }
      if (flags.json === true) {
        ctx.print(JSON.stringify(stats, null, 2));
        return;
      }
      for (const [k, v] of Object.entries(stats)) {
        ctx.print(`${k.padEnd(20)} ${typeof v === 'string' || typeof v === 'number' ? String(v) : JSON.stringify(v)}`);
      }
    });

  program
    .command('eval-kb')
    .description('answer a query set with a bot folder and score it (contract: docs/bot-folder.md#eval-kb)')
    .requiredOption('--bot <dir>', 'bot folder')
    .requiredOption(
      '--queries <file>',
      'JSONL: {"turns": [...], "expect": {"faq": ID} | {"contains": [...]} | {"handoff": true}}',
    )
    .option('--json', 'print the report as JSON (default: a summary)')
    .option('--verbose', 'also list every query not answered as expected (stderr)')
    .option('-c, --config <path>', 'config file for handoff.threshold (default: built-in defaults)')
    .action(async (flags: EvalFlags) => {
      const botDir = resolve(ctx.cwd, flags.bot);
      const text = await readFile(resolve(ctx.cwd, flags.queries), 'utf8').catch((error: unknown) => {
        throw new BotError('request.invalid', `cannot read ${flags.queries}: ${(error as Error).message}`);
      });
      const queries = parseQueries(text);
      const config =
        flags.config === undefined
          ? parseConfig({ bot: { path: botDir } })
          : await loadConfig({ path: flags.config, env: ctx.env, cwd: ctx.cwd, overrides: { bot: { path: botDir } } });
      const intentModel =
        config.inference.intentModel === 'trained'
          ? await createIntentModelProvider(config, { log: silentLogger, clock: systemClock })
          : undefined;
      const loaded = await loadEngine(config, {
        clock: systemClock,
        watch: false,
        ...(intentModel === undefined ? {} : { classifierFor: (bot) => intentModel.classifierFor(bot) }),
      });
      const clock = new ManualClock();
      const memory = createInProcessMemory({ turns: config.memory.turns }, { clock });
      const { report, results } = await runEval(loaded.engine, queries, { memory, clock });
      loaded.close();
      await intentModel?.close();
      if (flags.verbose === true) {
        for (const r of results) {
          const ok = 'handoff' in r.query.expect ? r.reply.handoff : judge(r.query, r.reply) === 'correct';
          if (ok) continue;
          ctx.printError(
            `line ${r.query.line}: ${JSON.stringify(r.query.turns)} expect ${JSON.stringify(r.query.expect)} → ` +
              `${r.reply.handoff ? 'HANDOFF' : JSON.stringify(r.reply.text.slice(0, 120))} [${r.reply.sources.join(', ')}]`,
          );
        }
      }
      if (flags.json === true) {
        ctx.print(JSON.stringify(report));
        return;
      }
      ctx.print(
        `${report.n} in-scope: ${(report.answered_correct * 100).toFixed(1)}% correct, ` +
          `${(report.answered_wrong * 100).toFixed(1)}% wrong, ${(report.handed_off * 100).toFixed(1)}% handed off; ` +
          `${report.oos_n} out-of-scope: ${(report.oos_handed_off * 100).toFixed(1)}% handed off`,
      );
    });
}
