import assert from 'node:assert/strict';
import { ManualClock } from '../../../../core/clock.js';
import { createObligations, type OwedAnswer } from '../../../../channels/wechat-official/obligations.js';
import { createInProcessKeyValue, createInProcessLocks } from '../../../../memory/index.js';
import { CapturingLogger } from './fakes.js';
import { userMessage } from '../../../helpers/messages.js';

const owed = (id: string): OwedAnswer => ({
  id,
  header: { openid: 'openid', account: 'gh_1', createTime: '1', msgType: 'text' },
  event: userMessage('wechat_official', 'wx1', 'openid', '你好', { id }),
  since: 0,
});

describe('wechat-official owed answers', () => {
  const setup = () => {
    const clock = new ManualClock();
    const kv = createInProcessKeyValue({ clock });
    const locks = createInProcessLocks({ clock });
    const alive = new Set(['A', 'B', 'C']);
    const make = (id: string) =>
      createObligations(
        { appId: 'wx1' },
        {
          kv,
          locks,
          log: new CapturingLogger(),
          liveness: { id, isAlive: (other) => Promise.resolve(alive.has(other)) },
        },
      );
    return { alive, a: make('A'), b: make('B'), c: make('C') };
  };

  it('what a process owes is stored before owe() resolves and adopted by one other process when it dies', async () => {
    const { alive, a, b, c } = setup();
    await a.owe(owed('m1'));
    await a.owe(owed('m2'));
    a.discharge('m1');
    await a.flush();
    await b.adoptOrphans();
    assert.deepEqual(b.owned(), [], 'A is alive: nothing is taken');
    alive.delete('A'); // kill -9: the in-memory list is gone, the stored one is not
    await Promise.all([b.adoptOrphans(), c.adoptOrphans()]);
    const adopted = [...b.owned(), ...c.owned()].map((o) => o.id);
    assert.deepEqual(adopted, ['m2'], 'adopted once, discharged answers are not');
    await b.adoptOrphans();
    await c.adoptOrphans();
    assert.deepEqual(
      [...b.owned(), ...c.owned()].map((o) => o.id),
      ['m2'],
      'and only once',
    );
  });

  it('an adopter that dies in turn passes them on', async () => {
    const { alive, a, b, c } = setup();
    await a.owe(owed('m1'));
    alive.delete('A');
    await b.adoptOrphans();
    assert.deepEqual(
      b.owned().map((o) => o.id),
      ['m1'],
    );
    alive.delete('B');
    await c.adoptOrphans();
    assert.deepEqual(
      c.owned().map((o) => o.id),
      ['m1'],
    );
  });
});
