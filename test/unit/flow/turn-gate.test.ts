import assert from 'node:assert/strict';
import type { Dispatch } from '../../../core/dispatcher.js';
import { isBotError } from '../../../core/errors.js';
import { createTurnGate } from '../../../gateway/flow/turn-gate.js';
import { textMessage } from '../../helpers/messages.js';

const event = textMessage('', { conversation: { channel: 'rest', tenant: 'default', conversation: 's' }, parts: [] });

/** A dispatch whose turns finish when `finish()` is called. */
function controlled() {
  const pending: (() => void)[] = [];
  const dispatch: Dispatch = () =>
    new Promise((resolve) => pending.push(() => resolve({ status: 'handled', turnId: 't', replies: [] })));
  return { dispatch, finishAll: () => pending.splice(0).forEach((f) => f()) };
}

describe('createTurnGate', () => {
  it('refuses turns past the cap with overloaded (503) and a Retry-After, and serves again once one ends', async () => {
    const refused: string[] = [];
    const gate = createTurnGate({ maxConcurrentTurns: 2, onRefused: (r) => refused.push(r) });
    const c = controlled();
    const dispatch = gate.wrap(c.dispatch);
    const running = [dispatch(event), dispatch(event)];
    assert.equal(gate.inFlight, 2);
    await assert.rejects(dispatch(event), (error: unknown) => {
      assert.ok(isBotError(error));
      assert.equal(error.code, 'overloaded');
      assert.equal(error.status, 503);
      assert.equal(error.details?.['retryAfterSeconds'], 1);
      return true;
    });
    c.finishAll();
    await Promise.all(running);
    assert.equal(gate.inFlight, 0);
    const next = dispatch(event);
    c.finishAll();
    assert.equal((await next).status, 'handled');
    assert.deepEqual(refused, ['overloaded']);
  });

  it('drained() waits for the turns in flight; after close() new turns are refused', async () => {
    const gate = createTurnGate({ maxConcurrentTurns: 10 });
    const c = controlled();
    const dispatch = gate.wrap(c.dispatch);
    await gate.drained(); // nothing running: resolves at once
    const turn = dispatch(event);
    let drained = false;
    const waiting = gate.drained().then(() => (drained = true));
    await Promise.resolve();
    assert.equal(drained, false);
    c.finishAll();
    await turn;
    await waiting;
    assert.equal(drained, true);
    gate.close();
    await assert.rejects(dispatch(event), /shutting down/);
  });

  it('releases the slot when a turn throws', async () => {
    const gate = createTurnGate({ maxConcurrentTurns: 1 });
    const dispatch = gate.wrap(() => Promise.reject(new Error('store down')));
    await assert.rejects(dispatch(event), /store down/);
    assert.equal(gate.inFlight, 0);
  });
});
