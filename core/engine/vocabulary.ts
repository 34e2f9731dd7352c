/** The Latin words a bot knows (pure): anything in its intents, FAQ and graph, plus common English words. */
import { normalizeForPhrases } from './phrases.js';
import type { AttributeValue, BotDefinition, LocalizedText } from './types.js';

const COMMON =
  'a an the is are am was were be do does did i me my we our you your it its this that to of in on at for with and ' +
  'or but so if any some please can could would will should what which how much many when where who why there ' +
  'have has get got need want like about one ones other new now still yet all both more most less';

function texts(value: AttributeValue | LocalizedText): string[] {
  if (Array.isArray(value)) return (value as readonly AttributeValue[]).flatMap((v) => texts(v));
  if (typeof value === 'object' && value !== null) return [(value as LocalizedText).zh, (value as LocalizedText).en];
  return [String(value)];
}

/** Lowercase Latin words and numbers used anywhere in the bot, and common English words. */
export function botVocabulary(bot: BotDefinition): Set<string> {
  const all: string[] = [COMMON];
  for (const i of bot.intents) all.push(...i.examples, ...(i.answer === undefined ? [] : texts(i.answer)));
  for (const f of bot.faq) all.push(...f.questions, ...texts(f.answer));
  for (const e of bot.graph.entities) {
    all.push(...texts(e.name), ...e.aliases);
    for (const v of Object.values(e.attributes)) all.push(...texts(v));
  }
  for (const a of Object.values(bot.graph.attributes)) all.push(...texts(a.label), ...a.synonyms);
  const words = new Set<string>();
  for (const t of all) for (const m of normalizeForPhrases(t).matchAll(/[a-z0-9]+/g)) words.add(m[0]);
  return words;
}
