import { describeError, isBotError } from '../errors.js';
import type { TurnContext } from '../context.js';
import type { Middleware } from '../middleware.js';

export interface ErrorBoundaryOptions {
  /** What the customer is told when a turn fails, by language. */
  readonly apology: (ctx: TurnContext) => string;
  /**
   * Errors to pass on instead of apologising, while nothing was sent yet (e.g. the state store is down: the
   * event was not taken, so the channel must not acknowledge it and the platform delivers it again).
   */
  readonly rethrow?: (error: unknown) => boolean;
}

/**
 * Outermost middleware: a failing turn is logged with its code and the customer gets an apology
 * instead of silence. Rethrows only what `rethrow` selects (before any reply): one bad turn must not take the
 * gateway down.
 */
export function errorBoundary(options: ErrorBoundaryOptions): Middleware<TurnContext> {
  return async (ctx, next) => {
    try {
      await next();
    } catch (error: unknown) {
      if (options.rethrow?.(error) === true && ctx.sent.length === 0) throw error;
      ctx.state.set('failed', true);
      ctx.log.error({ code: isBotError(error) ? error.code : 'internal', err: describeError(error) }, 'turn failed');
      if (ctx.event.kind !== 'message' || ctx.sent.length > 0) return;
      try {
        await ctx.reply(options.apology(ctx));
      } catch (sendError: unknown) {
        ctx.log.error({ err: describeError(sendError) }, 'apology could not be sent');
      }
    }
  };
}
