import { FAQ_INTENT_PREFIX } from './decide.js';
import type { BotDefinition, TrainingExample } from './types.js';

/**
 * The classifier's training set for a bot: every intent example, and every FAQ question as the pseudo-intent
 * `faq:ID`, so FAQ entries are classified like intents.
 */
export function trainingExamples(bot: BotDefinition): TrainingExample[] {
  return [
    ...bot.intents.flatMap((intent) => intent.examples.map((text) => ({ text, intent: intent.id }))),
    ...bot.faq.flatMap((entry) => entry.questions.map((text) => ({ text, intent: `${FAQ_INTENT_PREFIX}${entry.id}` }))),
  ];
}
