import type { TurnContext } from '../context.js';
import type { Middleware } from '../middleware.js';
import type { ConversationMemory, TurnReply } from '../ports/memory.js';
import { textOf } from '../envelope.js';

/**
 * Loads the conversation's memory window into `ctx.history`, runs the rest of the turn,
 * then stores the turn (the user's message and every reply it produced) in one atomic append.
 */
export function memory(store: ConversationMemory): Middleware<TurnContext> {
  return async (ctx, next) => {
    if (ctx.event.kind !== 'message') {
      await next();
      return;
    }
    const inbound = ctx.event;
    ctx.history = await store.recent(ctx.conversationKey);
    try {
      await next();
    } finally {
      const replies: TurnReply[] = ctx.sent.map((out) => ({
        author: out.author.kind,
        text: textOf(out.parts),
        at: ctx.clock.now(),
        ...(out.author.kind === 'agent' ? { agentId: out.author.agentId } : {}),
      }));
      const meta = ctx.state.get('memory.meta') as Record<string, string> | undefined;
      await store.appendTurn(ctx.conversationKey, {
        id: inbound.id,
        user: inbound.text,
        replies,
        at: inbound.receivedAt,
        ...(meta === undefined ? {} : { meta }),
      });
    }
  };
}
