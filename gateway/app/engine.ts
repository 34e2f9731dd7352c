import type { Clock } from '../../core/clock.js';
import type { DialogueEngine } from '../../core/ports/dialogue.js';
import type { BotDefinition } from '../../core/engine/types.js';
import { createDialogueEngine, trainingExamples } from '../../core/engine/index.js';
import { createLexicalClassifier } from '../../inference/lexical/index.js';
import { DEMO_BOT_DIR, loadBotFolder } from '../../knowledge/bot-folder/index.js';
import type { AppConfig } from '../config/index.js';

export interface LoadedEngine {
  readonly engine: DialogueEngine;
  readonly bot: BotDefinition;
  readonly botDir: string;
  readonly timings: Readonly<Record<string, number>>;
  readonly classifierName: string;
}

/** Loads the bot folder (the bundled demo when `bot.path` is unset) and builds the dialogue engine on it. */
export async function loadEngine(config: AppConfig, deps: { clock: Clock }): Promise<LoadedEngine> {
  const botDir = config.bot.path ?? DEMO_BOT_DIR;
  const t0 = performance.now();
  const bot = await loadBotFolder(botDir);
  const t1 = performance.now();
  const classifier = createLexicalClassifier(trainingExamples(bot));
  const t2 = performance.now();
  const engine = createDialogueEngine({ bot, classifier, threshold: config.handoff.threshold, clock: deps.clock });
  return {
    engine,
    bot,
    botDir,
    classifierName: classifier.name,
    timings: { botLoadMs: t1 - t0, classifierBuildMs: t2 - t1 },
  };
}
