import assert from 'node:assert/strict';
import { ManualClock } from '../../../core/clock.js';
import { isBotError } from '../../../core/errors.js';
import type { MemoryTurn } from '../../../core/ports/memory.js';
import { createInProcessMemory } from '../../../memory/index.js';
import { runMemoryContract } from '../../contract/memory.contract.js';

const clock = new ManualClock();

runMemoryContract({
  name: 'in-process',
  create: (options) => createInProcessMemory(options, { clock }),
  advance: (ms) => {
    clock.advance(ms);
    return Promise.resolve();
  },
});

describe('createInProcessMemory', () => {
  const turn = (id: string): MemoryTurn => ({ id, user: id, replies: [], at: 0 });

  it('holds at most maxConversations, dropping the least recently written', async () => {
    const memory = createInProcessMemory({ maxConversations: 3 }, { clock: new ManualClock() });
    for (const key of ['a', 'b', 'c']) await memory.appendTurn(key, turn(key));
    await memory.addReply('a', 'a', { author: 'bot', text: 'touch', at: 0 });
    await memory.appendTurn('d', turn('d'));
    assert.deepEqual(await memory.recent('b'), []);
    for (const key of ['a', 'c', 'd']) assert.equal((await memory.recent(key)).length, 1, key);
  });

  it('drops expired conversations before live ones when over the bound', async () => {
    const clock = new ManualClock();
    const memory = createInProcessMemory({ maxConversations: 2, ttlMs: 1_000 }, { clock });
    await memory.appendTurn('old', turn('old'));
    clock.advance(600);
    await memory.appendTurn('live', turn('live'));
    clock.advance(600);
    await memory.appendTurn('new', turn('new'));
    assert.equal((await memory.recent('live')).length, 1);
    assert.equal((await memory.recent('new')).length, 1);
  });

  it('rejects a maxConversations below 1 with config.invalid', () => {
    assert.throws(
      () => createInProcessMemory({ maxConversations: 0 }, { clock }),
      (e: unknown) => isBotError(e) && e.code === 'config.invalid',
    );
  });
});
