/**
 * An owed answer whose turn is running on another, live replica is left to that replica: the owed-answer loop of
 * the replica that owes it does not dispatch the message again every second (each attempt was a duplicate: one
 * `channel_duplicates_dropped_total` increment and one "turn finished" log line), yet still delivers the answer
 * once the turn has finished there, or takes the turn over once that replica is dead.
 * Deterministic: in-process stores shared by the replicas, a ManualClock, kill -9 = the replica hangs forever.
 */
import assert from 'node:assert/strict';
import { createWorld, retryOwedByB, type Replica, type World } from './replicas.js';
import { DEMO } from './requests.js';

/** What `GET /metrics` would say about `channel_duplicates_dropped_total` for WeChat on this replica. */
const duplicatesOf = async (r: Replica): Promise<number> =>
  (await r.metrics.families.duplicates.get()).values.find((v) => v.labels['channel'] === 'wechat_official')?.value ?? 0;

/** Info and warn lines logged by a replica so far. */
const loudLinesOf = (world: World, r: Replica): string[] =>
  world.log.lines.filter((line) => {
    const parsed = JSON.parse(line) as { level: string; replica?: string };
    return parsed.replica === r.name && (parsed.level === 'info' || parsed.level === 'warn');
  });

describe('wechat-official: an owed answer whose turn runs on a live replica is not dispatched again', () => {
  let world: World;
  afterEach(() => world?.stop());

  /** A's turn is running (held by its engine); B acknowledged WeChat's retry of it, so B owes the answer. */
  const bOwesWhileARuns = async () => {
    world = createWorld({ customerServiceApi: true });
    const owed = await retryOwedByB(world, 'where is my order');
    assert.equal(await duplicatesOf(owed.b), 1);
    return owed;
  };

  it('10 s more of A’s turn: no dispatch, no duplicate counted, nothing logged by B; A’s answer arrives once', async () => {
    const { a, b, open } = await bOwesWhileARuns();
    const loud = loudLinesOf(world, b).length;
    await world.tick(10_000); // ten passes of B's owed-answer loop
    assert.deepEqual(
      b.outcomes.map((o) => o.status),
      ['duplicate'],
      'B’s loop dispatched nothing',
    );
    assert.equal(await duplicatesOf(b), 1, 'no duplicate counted by the loop');
    assert.deepEqual(loudLinesOf(world, b).slice(loud), [], 'B logged nothing at info or warn');
    assert.deepEqual(world.apiSent, []);
    assert.equal(a.engine.calls.length, 1);

    open(); // A's turn finishes: A sends the answer (API), B finds it stored and the ledger claimed
    await world.tick(2_000);
    assert.deepEqual(world.apiSent, [`${DEMO.openid}:答：where is my order`]);
    await world.tick(30_000);
    assert.deepEqual(world.apiSent, [`${DEMO.openid}:答：where is my order`], 'once');
    assert.deepEqual(
      b.outcomes.map((o) => o.status),
      ['duplicate'],
      'B never ran it',
    );
    assert.equal(b.engine.calls.length, 0);
  });

  it('then A dies: once its lease has lapsed B’s loop takes the turn over and delivers the answer once', async () => {
    const { a, b } = await bOwesWhileARuns();
    await world.tick(10_000);
    assert.equal(b.outcomes.length, 1);
    a.kill();
    await world.tick(2_500); // A's lease (3 s) has not lapsed yet: still A's turn
    assert.equal(b.outcomes.length, 1, 'not taken over while A’s lease lives');
    await world.tick(40_000); // the lease and A's conversation lock lapse; B takes the turn over
    assert.deepEqual(world.apiSent, [`${DEMO.openid}:答：where is my order`]);
    assert.deepEqual(
      b.outcomes.map((o) => o.status),
      ['duplicate', 'handled'],
      'one dispatch from the loop, which ran the turn',
    );
    assert.equal(b.engine.calls.length, 1);
    assert.equal(await duplicatesOf(b), 1);
    await world.tick(30_000);
    assert.equal(world.apiSent.length, 1, 'once');
  });
});
