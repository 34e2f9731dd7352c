import { BotError } from './errors.js';

export type Next = () => Promise<void>;

/** `(ctx, next)` middleware. Call `next()` at most once; not calling it stops the chain. */
export type Middleware<C> = (ctx: C, next: Next) => Promise<void>;

/**
 * Composes middleware into one, koa/grammY style.
 * Calling `next()` twice from one middleware rejects with `middleware.next_called_twice`.
 */
export function compose<C>(...middleware: readonly Middleware<C>[]): Middleware<C> {
  return (ctx, next) => {
    let index = -1;
    const dispatch = async (i: number): Promise<void> => {
      if (i <= index) {
        throw new BotError(
          'middleware.next_called_twice',
          'next() was called more than once by one middleware; await it once',
        );
      }
      index = i;
      const fn = i === middleware.length ? next : middleware[i];
      if (fn === undefined) return;
      await fn(ctx, () => dispatch(i + 1));
    };
    return dispatch(0);
  };
}

/** Runs `mw` only when `predicate(ctx)` holds; otherwise passes through. */
export function when<C>(predicate: (ctx: C) => boolean, mw: Middleware<C>): Middleware<C> {
  return (ctx, next) => (predicate(ctx) ? mw(ctx, next) : next());
}
