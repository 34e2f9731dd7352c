import assert from 'node:assert/strict';
import { canServe, eligibleAgents, estimateWaitMs, pickAgent, type AgentRouting } from '../../../handoff/assignment.js';

const agent = (username: string, extra: Partial<AgentRouting> = {}): AgentRouting => ({
  username,
  displayName: username,
  role: 'agent',
  languages: [],
  channels: [],
  groups: [],
  maxConcurrent: 2,
  ...extra,
});
const ticket = (lang = 'zh', channel = 'rest', group?: string) => ({
  lang,
  conversation: { channel, tenant: 't', conversation: 'c' },
  ...(group === undefined ? {} : { group }),
});

describe('handoff assignment', () => {
  describe('canServe', () => {
    const cases: [Partial<AgentRouting>, ReturnType<typeof ticket>, boolean][] = [
      [{}, ticket(), true],
      [{ languages: ['en'] }, ticket('zh'), false],
      [{ languages: ['zh-CN', 'en'] }, ticket('zh'), true],
      [{ languages: ['EN'] }, ticket('en-US'), true],
      [{ channels: ['wechat_official'] }, ticket('zh', 'rest'), false],
      [{ channels: ['rest'] }, ticket('zh', 'rest'), true],
      [{ groups: ['vip'] }, ticket('zh', 'rest', 'vip'), true],
      [{ groups: ['vip'] }, ticket('zh', 'rest', 'billing'), false],
      [{ groups: ['vip'] }, ticket('zh', 'rest'), true],
      [{}, ticket('zh', 'rest', 'vip'), true],
    ];
    cases.forEach(([skills, t, expected], i) => {
      it(`case ${i}: ${JSON.stringify(skills)} / ${t.lang} ${t.conversation.channel} ${t.group ?? '-'} -> ${expected}`, () => {
        assert.equal(canServe(agent('a', skills), t), expected);
      });
    });
  });

  it('keeps only online, skilled agents below capacity, sorted by name', () => {
    const agents = [agent('carol'), agent('bob', { languages: ['en'] }), agent('alice'), agent('dave')];
    const online = new Set(['alice', 'bob', 'carol']);
    const loads = new Map([['carol', 2]]);
    assert.deepEqual(
      eligibleAgents({ agents, online, loads, ticket: ticket('zh') }).map((a) => a.username),
      ['alice'],
    );
    assert.deepEqual(
      eligibleAgents({ agents, online, loads: new Map(), ticket: ticket('en') }).map((a) => a.username),
      ['alice', 'bob', 'carol'],
    );
  });

  it('goes round the eligible agents with the shared cursor', () => {
    const agents = [agent('a'), agent('b'), agent('c')];
    const online = new Set(['a', 'b', 'c']);
    const picks = [0, 1, 2, 3, 4, 5].map(
      (cursor) => pickAgent({ agents, online, loads: new Map(), ticket: ticket(), cursor })?.username,
    );
    assert.deepEqual(picks, ['a', 'b', 'c', 'a', 'b', 'c']);
    assert.equal(pickAgent({ agents, online: new Set(), loads: new Map(), ticket: ticket(), cursor: 1 }), undefined);
    assert.equal(
      pickAgent({ agents, online, loads: new Map(), ticket: ticket(), cursor: 0, exclude: new Set(['a']) })?.username,
      'b',
    );
  });

  const waits: [number, number, number, number][] = [
    // position, free slots, online agents -> minutes (3 min average)
    [1, 1, 1, 0],
    [2, 1, 1, 3],
    [1, 0, 0, 3],
    [5, 0, 2, 9],
    [4, 0, 2, 6],
    [3, 5, 3, 0],
  ];
  for (const [position, freeSlots, onlineAgents, minutes] of waits) {
    it(`estimates the wait at position ${position} with ${freeSlots} free seats, ${onlineAgents} online: ${minutes} min`, () => {
      assert.equal(estimateWaitMs({ position, freeSlots, onlineAgents, averageHandleMs: 180_000 }), minutes * 60_000);
    });
  }
});
