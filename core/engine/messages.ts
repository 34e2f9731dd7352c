import type { TurnContext } from '../context.js';
import { detectLanguage } from './language.js';
import type { BotDefinition, BotMessages, Language } from './types.js';

/** A fixed bot message in a language. */
export function botMessage(bot: BotDefinition, key: keyof BotMessages, lang: Language): string {
  return bot.messages[key][lang];
}

/** The language to use for a turn's fixed messages: from its text, else the channel locale, else the bot default. */
export function turnLanguage(bot: BotDefinition, ctx: TurnContext): Language {
  const locale = ctx.event.kind === 'message' ? ctx.event.locale : undefined;
  return detectLanguage(ctx.text, [locale], bot.languages, bot.languages[0] ?? 'zh');
}

/** The `apology` option of core's `errorBoundary`, in the customer's language. */
export function createApology(bot: BotDefinition): (ctx: TurnContext) => string {
  return (ctx) => botMessage(bot, 'apology', turnLanguage(bot, ctx));
}
