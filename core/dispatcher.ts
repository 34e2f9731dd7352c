import { randomUUID } from 'node:crypto';
import type { Clock } from './clock.js';
import { TurnContext, type SendFn } from './context.js';
import type { InboundEvent } from './envelope.js';
import type { Logger } from './logger.js';
import type { Middleware } from './middleware.js';
import { ORIGINAL_TURN, type RecordedTurn, type TurnOutcome } from './turn.js';

export interface DispatcherOptions {
  readonly pipeline: Middleware<TurnContext>;
  readonly clock: Clock;
  readonly log: Logger;
  /** How an outbound message of this event's channel is sent. */
  readonly sendFor: (event: InboundEvent) => SendFn;
  /** Turn deadline; the context's signal aborts after it (default 30 s). */
  readonly turnTimeoutMs?: number;
  readonly newTurnId?: () => string;
}

/** Runs one inbound event through the pipeline and reports how it ended. */
export type Dispatch = (event: InboundEvent) => Promise<TurnOutcome>;

export function createDispatcher(options: DispatcherOptions): Dispatch {
  const newTurnId = options.newTurnId ?? randomUUID;
  const timeoutMs = options.turnTimeoutMs ?? 30_000;
  return async (event) => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error(`turn exceeded ${timeoutMs} ms`)), timeoutMs);
    timer.unref();
    const ctx = new TurnContext({
      event,
      turnId: newTurnId(),
      send: options.sendFor(event),
      log: options.log,
      clock: options.clock,
      signal: controller.signal,
    });
    try {
      await options.pipeline(ctx, () => Promise.resolve());
    } finally {
      clearTimeout(timer);
    }
    const status =
      ctx.state.get('duplicate') === true
        ? 'duplicate'
        : ctx.state.get('failed') === true
          ? 'failed'
          : ctx.state.get('ignored') === true
            ? 'ignored'
            : 'handled';
    const original = status === 'duplicate' ? (ctx.state.get(ORIGINAL_TURN) as RecordedTurn | undefined) : undefined;
    return {
      status,
      turnId: ctx.turnId,
      replies: [...ctx.sent],
      ...(ctx.understanding === undefined ? {} : { understanding: ctx.understanding }),
      ...(original === undefined ? {} : { original }),
    };
  };
}
