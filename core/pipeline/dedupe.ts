import type { InboundEvent } from '../envelope.js';
import type { TurnContext } from '../context.js';
import type { Middleware } from '../middleware.js';
import type { KeyValue } from '../ports/kv.js';

export interface DedupeOptions {
  /** How long a message id is remembered (platform retry windows are minutes; default 10 min). */
  readonly ttlMs: number;
}

/** The dedupe key of an event: channel, tenant and platform message id. Pure. */
export function dedupeKey(event: InboundEvent): string {
  const c = event.conversation;
  return `dedupe:{${c.channel}:${c.tenant}}:${event.id}`;
}

/**
 * Drops platform retries: the first delivery of a message id runs the turn; later ones stop here
 * (marked `duplicate` in `ctx.state`). Backed by KeyValue, so it holds across replicas with Redis.
 */
export function dedupe(kv: KeyValue, options: DedupeOptions): Middleware<TurnContext> {
  return async (ctx, next) => {
    const first = await kv.setIfAbsent(dedupeKey(ctx.event), ctx.turnId, options.ttlMs);
    if (!first) {
      ctx.state.set('duplicate', true);
      return; // a retry of a message already taken: stop the chain on purpose
    }
    await next();
  };
}
