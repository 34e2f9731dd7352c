/** Answer units: what the ranker retrieves (intents with examples and FAQ entries, by classifier id). */
import { FAQ_INTENT_PREFIX } from '../../core/engine/decide.js';
import type { BotDefinition } from '../../core/engine/types.js';

/** One answerable thing: its classifier id (`INTENT` or `faq:ID`) and the texts that ask for it. */
export interface AnswerUnit {
  readonly id: string;
  readonly texts: readonly string[];
}

/** Every intent (by its examples) and FAQ entry (by its questions) of a bot. */
export function answerUnits(bot: Pick<BotDefinition, 'intents' | 'faq'>): AnswerUnit[] {
  return [
    ...bot.intents.map((i) => ({ id: i.id, texts: i.examples })),
    ...bot.faq.map((f) => ({ id: `${FAQ_INTENT_PREFIX}${f.id}`, texts: f.questions })),
  ];
}
