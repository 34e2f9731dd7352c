import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../../../core/clock.js';
import { BotError } from '../../../../core/errors.js';
import { createOnnxRuntime } from '../../../../inference/runtime/index.js';
import type { OnnxRuntime, RuntimeOptions, Tensorish } from '../../../../inference/runtime/index.js';
import { affineModel, seededFloats, tinyBertModel } from '../../../../inference/runtime/synthetic-models.js';
import { gate, recordingLogger, spyOrt } from './spy-ort.js';
import type { SpyOrt } from './spy-ort.js';

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const isCode = (code: string) => (e: unknown) => e instanceof BotError && e.code === code;

const BASE: RuntimeOptions = { device: 'cpu', maxBatchSize: 8, maxWaitMs: 2, maxConcurrentRequests: 64 };

function bertFeeds(ids: readonly number[]): Record<string, Tensorish> {
  const n = ids.length;
  return {
    input_ids: { type: 'int64', dims: [1, n], data: BigInt64Array.from(ids.map((i) => BigInt(i))) },
    attention_mask: { type: 'int64', dims: [1, n], data: new BigInt64Array(n).fill(1n) },
    token_type_ids: { type: 'int64', dims: [1, n], data: new BigInt64Array(n) },
  };
}

const row = (values: number[]): Record<string, Tensorish> => ({
  x: { type: 'float32', dims: [1, values.length], data: Float32Array.from(values) },
});
const values = (t: Tensorish | undefined): number[] => Array.from((t?.data ?? []) as ArrayLike<number>);

function assertClose(actual: Tensorish | undefined, expected: Tensorish | undefined, what: string): void {
  assert.ok(actual !== undefined && expected !== undefined, what);
  assert.deepEqual(actual.dims, expected.dims, `${what}: dims`);
  const a = values(actual);
  const e = values(expected);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - e[i]!) < 1e-5, `${what}[${i}]: ${a[i]} vs ${e[i]}`);
}

describe('inference/runtime OnnxRuntime (generated models, CPU)', () => {
  let runtime: OnnxRuntime | undefined;
  let spy: SpyOrt;

  async function start(options: Partial<RuntimeOptions> = {}, clock?: ManualClock): Promise<OnnxRuntime> {
    spy = spyOrt();
    runtime = await createOnnxRuntime(
      { ...BASE, ...options },
      { log: recordingLogger(), ort: spy.ort, ...(clock === undefined ? {} : { clock }) },
    );
    return runtime;
  }

  afterEach(async () => {
    for (const s of spy?.sessions ?? []) s.gate = undefined;
    await runtime?.close();
    runtime = undefined;
  });

  it('coalesces concurrent variable-length requests and answers each what an unbatched run gives', async () => {
    const rt = await start({ maxBatchSize: 8, maxWaitMs: 5 });
    await rt.load('bert', tinyBertModel({ vocabSize: 64, hidden: 16 }));
    const noise = seededFloats(200, 3);
    const requests = Array.from({ length: 24 }, (_, r) =>
      Array.from({ length: 1 + (r % 9) }, (_, i) => 1 + Math.floor(Math.abs(noise[r * 8 + i]!) * 62)),
    );
    const batched = await Promise.all(requests.map((ids) => rt.run('bert', bertFeeds(ids))));
    const session = spy.sessions.at(-1)!;
    const coalesced = session.runs.slice(1); // the first run is the warm-up
    assert.ok(
      coalesced.some((n) => n > 1),
      `expected coalesced batches, got ${coalesced.join(',')}`,
    );
    assert.ok(coalesced.every((n) => n <= 8));
    assert.equal(
      coalesced.reduce((a, b) => a + b, 0),
      24,
    );
    for (const [i, ids] of requests.entries()) {
      const alone = await rt.runBatch('bert', bertFeeds(ids));
      assertClose(batched[i]!.last_hidden_state, alone.last_hidden_state, `request ${i}`);
      assert.deepEqual(batched[i]!.last_hidden_state!.dims, [1, ids.length, 16]);
    }
  });

  it('pads each input with its own pad value when lengths differ', async () => {
    const rt = await start({ maxBatchSize: 2, maxWaitMs: 50 });
    await rt.load('bert', tinyBertModel({ vocabSize: 32, hidden: 4 }), { padValues: { input_ids: 3 } });
    await Promise.all([rt.run('bert', bertFeeds([5])), rt.run('bert', bertFeeds([6, 7]))]);
    const fed = spy.sessions.at(-1)!.feeds.at(-1)!;
    assert.deepEqual(fed.input_ids!.dims, [2, 2]);
    assert.deepEqual(Array.from(fed.input_ids!.data as BigInt64Array, Number), [5, 3, 6, 7]);
    assert.deepEqual(Array.from(fed.attention_mask!.data as BigInt64Array, Number), [1, 0, 1, 1]);
  });

  it('keeps a multi-row request together and gives its rows back', async () => {
    const rt = await start({ maxBatchSize: 8, maxWaitMs: 5 });
    await rt.load('affine', affineModel(2));
    const two: Record<string, Tensorish> = { x: { type: 'float32', dims: [2, 2], data: Float32Array.of(1, 2, 3, 4) } };
    const [a, b] = await Promise.all([rt.run('affine', row([0, 1])), rt.run('affine', two)]);
    assert.deepEqual(values(a.y), [1, 3]);
    assert.deepEqual(b.y!.dims, [2, 2]);
    assert.deepEqual(values(b.y), [3, 5, 7, 9]);
  });

  it('hot reload: the in-flight batch finishes on the old session, later requests use the new, then the old is released', async () => {
    const rt = await start({ maxWaitMs: 0 });
    await rt.load('m', affineModel(2, { scale: 2, bias: 1 }));
    const old = spy.sessions.at(-1)!;
    const held = gate();
    old.gate = held.promise;
    const inFlight = rt.run('m', row([1, 1]));
    await settle();
    assert.equal(old.runs.length, 2, 'warm-up + the held request');
    const info = await rt.load('m', affineModel(2, { scale: 3, bias: 0 }));
    assert.equal(info.name, 'm');
    const fresh = spy.sessions.at(-1)!;
    assert.notEqual(fresh, old);
    const after = rt.run('m', row([2, 2]));
    await settle();
    assert.equal(old.released, false, 'released while a batch still computes on it');
    held.open();
    assert.deepEqual(values((await inFlight).y), [3, 3]);
    assert.deepEqual(values((await after).y), [6, 6], 'new weights: 2 * 3 + 0 (the old would give 5)');
    assert.equal(fresh.runs.length, 2, 'warm-up + the later request');
    await settle();
    assert.equal(old.released, true);
    assert.equal(rt.models().length, 1);
  });

  it('drops a queued request whose deadline passes, without computing it', async () => {
    const clock = new ManualClock();
    const rt = await start({ maxWaitMs: 0 }, clock);
    await rt.load('m', affineModel(2));
    const session = spy.sessions.at(-1)!;
    const held = gate();
    session.gate = held.promise;
    const first = rt.run('m', row([0, 0]));
    await settle();
    const late = rt.run('m', row([5, 5]), { deadlineMs: 10 });
    const lateOutcome = assert.rejects(late, isCode('inference.deadline_exceeded'));
    clock.advance(10);
    await lateOutcome;
    held.open();
    assert.deepEqual(values((await first).y), [1, 1]);
    await settle();
    assert.equal(session.runs.length, 2, 'warm-up + first only');
    await assert.rejects(rt.run('m', row([1, 1]), { deadlineMs: 0 }), isCode('inference.deadline_exceeded'));
  });

  it('answers inference.overloaded once maxConcurrentRequests are queued or computing', async () => {
    const rt = await start({ maxWaitMs: 0, maxConcurrentRequests: 2, maxBatchSize: 1 });
    await rt.load('m', affineModel(2));
    const held = gate();
    spy.sessions.at(-1)!.gate = held.promise;
    const admitted = [rt.run('m', row([0, 0])), rt.run('m', row([1, 1]))];
    await settle();
    await assert.rejects(rt.run('m', row([2, 2])), isCode('inference.overloaded'));
    held.open();
    assert.deepEqual(
      (await Promise.all(admitted)).map((r) => values(r.y)),
      [
        [1, 1],
        [3, 3],
      ],
    );
  });

  it('an aborted queued request is rejected and never computed', async () => {
    const rt = await start({ maxWaitMs: 0, maxBatchSize: 1 });
    await rt.load('m', affineModel(2));
    const session = spy.sessions.at(-1)!;
    const held = gate();
    session.gate = held.promise;
    const first = rt.run('m', row([0, 0]));
    const controller = new AbortController();
    const aborted = rt.run('m', row([9, 9]), { signal: controller.signal });
    controller.abort(new Error('client went away'));
    await assert.rejects(aborted, /client went away/);
    held.open();
    await first;
    await settle();
    assert.deepEqual(session.runs, [1, 1]);
  });

  it('reports models: provider, size from the file, input and output names', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clawbot-rt-'));
    try {
      const bytes = tinyBertModel({ vocabSize: 16, hidden: 4 });
      const file = join(dir, 'model.onnx');
      writeFileSync(file, bytes);
      const rt = await start();
      const info = await rt.load('enc', file);
      assert.equal(info.provider, 'cpu');
      assert.equal(info.sizeBytes, bytes.byteLength);
      assert.ok(info.loadMs >= 0);
      assert.deepEqual(info.inputNames, ['input_ids', 'attention_mask', 'token_type_ids']);
      assert.deepEqual(info.outputNames, ['last_hidden_state']);
      assert.deepEqual(rt.models(), [info]);
      assert.deepEqual(rt.providers(), ['cpu']);
      assert.equal(await rt.gpuMemory(), undefined);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects bad requests and bad models with typed errors', async () => {
    const rt = await start();
    await assert.rejects(rt.run('nope', row([1, 1])), isCode('inference.unavailable'));
    await assert.rejects(rt.load('bad', Uint8Array.of(1, 2, 3)), isCode('inference.model_invalid'));
    await assert.rejects(
      rt.load('m', affineModel(2), { warmup: { wrong: row([1, 1]).x! } }),
      isCode('inference.model_invalid'),
    );
    await rt.load('m', affineModel(2));
    await assert.rejects(rt.run('m', {}), isCode('request.invalid'));
    await assert.rejects(rt.run('m', { ...row([1, 1]), extra: row([1]).x! }), isCode('request.invalid'));
    await assert.rejects(
      rt.run('m', { x: { type: 'float32', dims: [1, 2], data: new Float32Array(3) } }),
      isCode('request.invalid'),
    );
  });

  it('unload drains queued work, then refuses; close refuses loads', async () => {
    const rt = await start({ maxWaitMs: 50 });
    await rt.load('m', affineModel(2));
    const queued = rt.run('m', row([1, 2]));
    await rt.unload('m');
    assert.deepEqual(values((await queued).y), [3, 5]);
    assert.equal(spy.sessions.at(-1)!.released, true);
    await assert.rejects(rt.run('m', row([1, 2])), isCode('inference.unavailable'));
    assert.deepEqual(rt.models(), []);
    await rt.close();
    await assert.rejects(rt.load('m', affineModel(2)), isCode('inference.unavailable'));
  });
});
