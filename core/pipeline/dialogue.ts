import type { TurnContext } from '../context.js';
import type { Middleware } from '../middleware.js';
import type { DialogueEngine } from '../ports/dialogue.js';

/** `ctx.state` key holding the engine's `DialogueResult.draft` of the turn, when it gave one. */
export const DIALOGUE_DRAFT_STATE = 'dialogue.draft';

/** Terminal middleware: asks the dialogue engine and sends its reply. */
export function dialogue(engine: DialogueEngine): Middleware<TurnContext> {
  return async (ctx) => {
    if (ctx.event.kind !== 'message') return;
    const result = await engine.respond({ message: ctx.event, history: ctx.history, signal: ctx.signal });
    ctx.understanding = result.understanding;
    if (result.meta !== undefined) ctx.state.set('memory.meta', result.meta);
    if (result.draft !== undefined) ctx.state.set(DIALOGUE_DRAFT_STATE, result.draft);
    if (result.reply.length > 0) {
      await ctx.reply(result.reply, result.suggestions === undefined ? {} : { suggestions: result.suggestions });
    }
  };
}
