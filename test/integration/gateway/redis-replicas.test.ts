/**
 * Two gateways on different ports sharing one Redis (a unique key prefix per run), driven over real HTTP.
 * Both live in this process, so one observer sees the memory reads and writes of both: that is how the
 * tests check that the per-conversation lock serialises turns across replicas.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { MemoryTurn } from '../../../core/ports/memory.js';
import { chat, getSession, startGateway, type SessionAnswer, type TestGateway } from '../../helpers/gateway.js';
import { deleteKeysUnder, redisOrSkip, REDIS_URL, uniquePrefix } from '../../helpers/redis.js';

/** One memory access of the pipeline: `enter` = the turn read its history, `exit` = its turn was stored. */
interface Access {
  readonly kind: 'enter' | 'exit';
  readonly replica: string;
  readonly key: string;
  readonly turn?: MemoryTurn;
}

/** Records every memory read and append of `gw` into `log` (behaviour unchanged). */
function observeMemory(gw: TestGateway, replica: string, log: Access[]): void {
  const memory = gw.gateway.stores.memory;
  const recent = memory.recent.bind(memory);
  const appendTurn = memory.appendTurn.bind(memory);
  memory.recent = (key) => {
    log.push({ kind: 'enter', replica, key });
    return recent(key);
  };
  memory.appendTurn = async (key, turn) => {
    await appendTurn(key, turn);
    log.push({ kind: 'exit', replica, key, turn });
  };
}

/**
 * Asserts that the turns of `key` never overlapped (enter, exit, enter, exit, ...) and returns the stored
 * turns in the order they were processed.
 */
function serialisedTurns(log: readonly Access[], key: string): MemoryTurn[] {
  const accesses = log.filter((a) => a.key === key);
  const processed: MemoryTurn[] = [];
  accesses.forEach((access, i) => {
    const expected = i % 2 === 0 ? 'enter' : 'exit';
    assert.equal(
      access.kind,
      expected,
      `turns interleaved at access ${i}: ${accesses.map((a) => `${a.kind}@${a.replica}`).join(' ')}`,
    );
    if (access.turn !== undefined) processed.push(access.turn);
  });
  assert.equal(accesses.length % 2, 0, 'every turn that read memory stored its turn');
  return processed;
}

const parse = (iso: string): number => Date.parse(iso);

function assertNonDecreasing(values: readonly number[], what: string): void {
  for (let i = 1; i < values.length; i += 1) {
    assert.ok(values[i]! >= values[i - 1]!, `${what} must not decrease: ${values.join(', ')}`);
  }
}

/** Checks the shape and time order of a session's turns; returns the user texts. */
function checkTurns(session: SessionAnswer): string[] {
  for (const turn of session.turns) {
    assert.ok(turn.replies.length > 0, `turn ${JSON.stringify(turn.user)} has replies`);
    for (const reply of turn.replies) {
      assert.ok(reply.text.length > 0);
      assert.ok(parse(reply.at) >= parse(turn.at), 'a reply is not older than its message');
    }
  }
  // Memory keeps turns in arrival order, whatever order replicas processed them in.
  assertNonDecreasing(
    session.turns.map((t) => parse(t.at)),
    'arrival times in memory order',
  );
  return session.turns.map((t) => t.user);
}

describe('two gateways sharing one Redis (HTTP)', function () {
  const prefix = uniquePrefix('gw-replicas');
  let redis: Redis | undefined;
  const gateways: TestGateway[] = [];
  let a: TestGateway;
  let b: TestGateway;
  const log: Access[] = [];

  const start = async (replica: string, turns?: number): Promise<TestGateway> => {
    const gw = await startGateway({
      redis: { url: REDIS_URL, keyPrefix: prefix },
      ...(turns === undefined ? {} : { memory: { turns } }),
    });
    gateways.push(gw);
    observeMemory(gw, replica, log);
    return gw;
  };

  before(async function () {
    redis = await redisOrSkip(this);
    a = await start('A');
    b = await start('B');
    assert.notEqual(a.url, b.url);
  });

  after(async () => {
    for (const gw of gateways) await gw.close();
    if (redis !== undefined) {
      await deleteKeysUnder(redis, prefix);
      redis.disconnect();
    }
  });

  beforeEach(() => {
    log.length = 0;
  });

  it('alternating messages of one session keep a single memory, visible from both, in order', async () => {
    const session_id = `alt-${randomUUID()}`;
    const queries = [
      'how much is the Claw Phone 15?',
      'what about the black one?',
      '退货怎么办',
      'where is my order',
      '怎么付款',
      'what are your opening hours',
      '爪机15多少钱',
    ];
    const sent: string[] = [];
    const turnAccesses: Access[] = [];
    for (const [i, query] of queries.entries()) {
      const gw = i % 2 === 0 ? a : b;
      const { status, body } = await chat(gw.url, gw.key, { query, session_id });
      turnAccesses.push(...log.splice(0)); // the session reads below are not turns
      assert.equal(status, 200);
      assert.ok(body.reply.length > 0);
      if (i === 1) {
        // Asked on B, resolved against the turn A stored.
        assert.match(body.reply, /Claw Phone 15 \(black\)/);
      }
      sent.push(query);
      const fromA = await getSession(a.url, a.key, session_id);
      const fromB = await getSession(b.url, b.key, session_id);
      assert.equal(fromA.status, 200);
      assert.deepEqual(fromB.body, fromA.body, 'both replicas see the same memory');
      assert.deepEqual(checkTurns(fromA.body), sent.slice(-5));
      log.length = 0;
    }
    // Turns were processed one after another, alternating replicas.
    const processed = serialisedTurns(turnAccesses, `rest:default:${session_id}`);
    assert.deepEqual(
      processed.map((t) => t.user),
      queries,
    );
    assert.deepEqual(
      turnAccesses.filter((x) => x.kind === 'exit').map((x) => x.replica),
      queries.map((_, i) => (i % 2 === 0 ? 'A' : 'B')),
    );
  });

  const burst = async (targets: readonly TestGateway[], label: string, count = 20) => {
    const session_id = `${label}-${randomUUID()}`;
    const queries = Array.from(
      { length: count },
      (_, i) => `${i % 2 === 0 ? 'where is my order' : '退货怎么办'} #${i}`,
    );
    const answers = await Promise.all(
      queries.map((query, i) => {
        const gw = targets[i % targets.length]!;
        return chat(gw.url, gw.key, { query, session_id });
      }),
    );
    assert.deepEqual(
      answers.map((r) => r.status),
      queries.map(() => 200),
    );
    for (const answer of answers) {
      assert.ok(answer.body.reply.length > 0, 'every message got a non-empty reply');
      assert.equal(answer.body.session_id, session_id);
    }
    const processed = serialisedTurns(log, `rest:default:${session_id}`);
    assert.deepEqual(
      processed.map((t) => t.user).sort(),
      [...queries].sort(),
      'each message was processed exactly once',
    );
    return { session_id, queries, processed };
  };

  for (const [label, pick] of [
    ['split across both gateways', () => [a, b]],
    ['all to one gateway', () => [a]],
  ] as const) {
    it(`20 concurrent messages to one session (${label}): 20 replies, memory = the last 5 in arrival order`, async () => {
      const { session_id, processed } = await burst(pick(), label.replaceAll(' ', '-'));
      // Arrival order: the gateway's receive time of each message (ties keep processing order).
      const byArrival = [...processed].sort((x, y) => x.at - y.at);
      const expected = byArrival.slice(-5).map((t) => t.user);
      for (const gw of [a, b]) {
        const { status, body } = await getSession(gw.url, gw.key, session_id);
        assert.equal(status, 200);
        assert.equal(body.turns.length, 5);
        assert.deepEqual(checkTurns(body), expected);
        assertNonDecreasing(
          body.turns.map((t) => parse(t.at)),
          'arrival times in memory order',
        );
        const keptFrom = Math.min(...body.turns.map((t) => parse(t.at)));
        for (const dropped of byArrival.slice(0, -5)) {
          assert.ok(dropped.at <= keptFrom, `${dropped.user} arrived before the kept turns`);
        }
      }
    });
  }

  it('never loses a turn: with a 30-turn window, 20 concurrent messages across replicas are all kept, in arrival order', async () => {
    const c = await start('C', 30);
    const d = await start('D', 30);
    const { session_id, processed } = await burst([c, d], 'wide');
    const { status, body } = await getSession(c.url, c.key, session_id);
    assert.equal(status, 200);
    assert.deepEqual(
      checkTurns(body),
      [...processed].sort((x, y) => x.at - y.at).map((t) => t.user),
    );
  });
});
