import type { TurnContext } from '../context.js';
import type { Middleware } from '../middleware.js';

/** Gives the turn a child logger bound to its ids and logs one line when it ends, with its duration. */
export function turnLogger(): Middleware<TurnContext> {
  return async (ctx, next) => {
    const { conversation } = ctx.event;
    ctx.log = ctx.log.child({
      turnId: ctx.turnId,
      channel: conversation.channel,
      tenant: conversation.tenant,
      conversation: conversation.conversation,
      messageId: ctx.event.id,
    });
    const started = ctx.clock.now();
    ctx.log.debug({ kind: ctx.event.kind, text: ctx.text }, 'turn started');
    try {
      await next();
    } finally {
      const u = ctx.understanding;
      ctx.log.info(
        {
          durationMs: ctx.clock.now() - started,
          replies: ctx.sent.length,
          intent: u?.intent,
          confidence: u === undefined ? undefined : Number(u.confidence.toFixed(4)),
          handoff: u?.handoff,
          sources: u?.sources,
          duplicate: ctx.state.get('duplicate') === true ? true : undefined,
        },
        'turn finished',
      );
    }
  };
}
