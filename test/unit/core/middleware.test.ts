import assert from 'node:assert/strict';
import { compose, when, type Middleware } from '../../../core/middleware.js';
import { BotError } from '../../../core/errors.js';

describe('compose', () => {
  it('runs middleware in order around next()', async () => {
    const log: string[] = [];
    const mw =
      (name: string): Middleware<object> =>
      async (_ctx, next) => {
        log.push(`${name}>`);
        await next();
        log.push(`<${name}`);
      };
    await compose(
      mw('a'),
      mw('b'),
      mw('c'),
    )({}, () => {
      log.push('end');
      return Promise.resolve();
    });
    assert.deepEqual(log, ['a>', 'b>', 'c>', 'end', '<c', '<b', '<a']);
  });

  it('stops the chain when a middleware does not call next()', async () => {
    let reached = false;
    await compose<object>(
      () => Promise.resolve(),
      () => {
        reached = true;
        return Promise.resolve();
      },
    )({}, () => Promise.resolve());
    assert.equal(reached, false);
  });

  it('rejects a double next() with a coded error', async () => {
    const twice: Middleware<object> = async (_ctx, next) => {
      await next();
      await next();
    };
    await assert.rejects(
      compose(twice, async (_c, n) => n())({}, () => Promise.resolve()),
      (e: unknown) => e instanceof BotError && e.code === 'middleware.next_called_twice',
    );
  });

  it('propagates errors from downstream', async () => {
    await assert.rejects(
      compose<object>(
        async (_c, n) => n(),
        () => Promise.reject(new Error('boom')),
      )({}, () => Promise.resolve()),
      /boom/,
    );
  });

  it('when() runs the middleware only if the predicate holds', async () => {
    const seen: number[] = [];
    const mw = when<{ n: number }>(
      (c) => c.n > 1,
      async (c, next) => {
        seen.push(c.n);
        await next();
      },
    );
    await mw({ n: 1 }, () => Promise.resolve());
    await mw({ n: 2 }, () => Promise.resolve());
    assert.deepEqual(seen, [2]);
  });
});
