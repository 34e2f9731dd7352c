import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ManualClock, systemClock } from '../../../../core/clock.js';
import type { Clock } from '../../../../core/clock.js';
import { isBotError } from '../../../../core/errors.js';
import type { Logger } from '../../../../core/logger.js';
import {
  createIntentModelEmbedder,
  createTrainedIntentClassifier,
  ensureModel,
  inCanary,
} from '../../../../inference/intent-model/index.js';
import type { TrainedIntentClassifier } from '../../../../inference/intent-model/index.js';
import { createOnnxRuntime } from '../../../../inference/runtime/index.js';
import type { OnnxRuntime } from '../../../../inference/runtime/index.js';
import { reorder, SYNTHETIC_EXAMPLES } from '../fasttext/synthetic-data.js';

const CONFIG = { train: { dim: 16, epochs: 20 } };
const V2 = SYNTHETIC_EXAMPLES.map((e) => ({ text: e.text, intent: `v2_${e.intent}` }));

/** A logger that keeps every message. */
function recordingLogger(): Logger & { messages: string[]; records: { obj: unknown; msg: string }[] } {
  const records: { obj: unknown; msg: string }[] = [];
  const log = (obj: object | string, msg?: string): void => {
    records.push(typeof obj === 'string' ? { obj: {}, msg: obj } : { obj, msg: msg ?? '' });
  };
  const logger = {
    records,
    get messages() {
      return records.map((r) => r.msg);
    },
    debug: log,
    info: log,
    warn: log,
    error: log,
    child: () => logger,
  };
  return logger;
}

describe('trained intent classifier', function () {
  this.timeout(60_000);
  let dir: string;
  let runtime: OnnxRuntime;
  const open: TrainedIntentClassifier[] = [];

  const runtimeWith = (clock: Clock, maxWaitMs: number): Promise<OnnxRuntime> =>
    createOnnxRuntime(
      { device: 'cpu', maxBatchSize: 64, maxWaitMs, maxConcurrentRequests: 256 },
      { log: recordingLogger(), clock },
    );

  const create = (
    examples = SYNTHETIC_EXAMPLES,
    log = recordingLogger(),
    rt = runtime,
    clock: Clock = systemClock,
  ): TrainedIntentClassifier => {
    const c = createTrainedIntentClassifier({
      runtime: rt,
      modelDir: join(dir, 'models'),
      examples,
      log,
      clock,
      config: CONFIG,
    });
    open.push(c);
    return c;
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'clawbot-intent-'));
    runtime = await runtimeWith(systemClock, 1);
  });

  afterEach(async () => {
    for (const c of open.splice(0)) await c.close();
    await runtime.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('trains on start, then classifies English and Chinese through the runtime', async () => {
    const c = create();
    assert.equal(c.ready(), false);
    await assert.rejects(c.classify('hello'), (e: unknown) => isBotError(e) && e.code === 'inference.unavailable');
    await c.whenReady();
    assert.equal(c.ready(), true);
    const zh = await c.classify('我想退款');
    assert.equal(zh.intent, 'refund');
    assert.ok(zh.confidence > 0 && zh.confidence <= 1);
    assert.equal(zh.ranking[0]?.intent, 'refund');
    assert.ok(zh.nearestExample !== undefined && SYNTHETIC_EXAMPLES.some((e) => e.text === zh.nearestExample));
    assert.equal((await c.classify('where is my package')).intent, 'order_status');
    const gibberish = await c.classify('qqxv zzkt wfpl');
    assert.ok(gibberish.confidence < c.thresholdFor(gibberish.intent));
    assert.ok(runtime.models().some((m) => m.name === c.current()?.modelName));
    const empty = await c.classify('?!');
    assert.deepEqual(empty, { intent: undefined, confidence: 0, ranking: [] });
  });

  it('reuses the cached model while examples and config are unchanged, retrains when stale', async () => {
    const log1 = recordingLogger();
    await create(SYNTHETIC_EXAMPLES, log1).whenReady();
    assert.ok(log1.messages.includes('intent model trained'));
    const log2 = recordingLogger();
    const again = create(reorder(SYNTHETIC_EXAMPLES), log2);
    await again.whenReady();
    assert.ok(log2.messages.includes('intent model up to date; using the cached one'));
    assert.ok(!log2.messages.includes('intent model trained'));
    const log3 = recordingLogger();
    const changed = create([...SYNTHETIC_EXAMPLES, { text: 'good night', intent: 'greeting' }], log3);
    await changed.whenReady();
    assert.ok(log3.messages.includes('intent model trained'));
    assert.notEqual(changed.current()?.contentHash, again.current()?.contentHash);
  });

  it('hot swap: requests in flight finish on the old model, new ones use the new one', async () => {
    const clock = new ManualClock();
    const rt = await runtimeWith(clock, 50);
    try {
      const other = await ensureModel(
        { modelDir: join(dir, 'other'), examples: V2, config: CONFIG },
        { log: recordingLogger(), clock },
      );
      const c = create(SYNTHETIC_EXAMPLES, recordingLogger(), rt, clock);
      await c.whenReady();
      const oldName = c.current()?.modelName;
      // The requests queue in the runtime's batcher (nothing is computed until the manual clock moves).
      const inflight = ['hello', '我想退款', 'where is my order', '今天天气怎么样'].map((t) => c.classify(t));
      const swapped = await c.swap(other.dir);
      assert.equal(c.current()?.modelName, swapped.modelName);
      assert.ok(
        rt.models().some((m) => m.name === oldName),
        'old version stays loaded while requests are in flight',
      );
      clock.advance(50);
      const results = await Promise.all(inflight);
      assert.ok(results.every((r) => r.intent !== undefined && !r.intent.startsWith('v2_')));
      assert.ok(!rt.models().some((m) => m.name === oldName), 'old version unloaded once idle');
      const next = c.classify('我想退款');
      await new Promise((r) => setImmediate(r)); // let the batcher arm its wait timer on the manual clock
      clock.advance(50);
      assert.equal((await next).intent, 'v2_refund');
    } finally {
      for (const c of open.splice(0)) await c.close();
      await rt.close();
    }
  });

  it('shadow: the candidate is scored and logged, never served', async () => {
    const log = recordingLogger();
    const c = create(SYNTHETIC_EXAMPLES, log);
    await c.whenReady();
    await c.retrain(V2, { mode: 'shadow' });
    assert.equal(c.candidate()?.mode, 'shadow');
    const served = await c.classify('我想退款');
    assert.equal(served.intent, 'refund');
    for (let i = 0; i < 50 && (c.candidate()?.scored ?? 0) < 1; i++) await new Promise((r) => setTimeout(r, 5));
    assert.equal(c.candidate()?.scored, 1);
    assert.equal(c.candidate()?.agreed, 0);
    const shadowLog = log.records.find((r) => r.msg === 'intent shadow prediction');
    assert.equal((shadowLog?.obj as { shadow: { intent: string } }).shadow.intent, 'v2_refund');
    await c.promote();
    assert.equal(c.candidate(), undefined);
    assert.equal((await c.classify('我想退款')).intent, 'v2_refund');
  });

  it('canary: a stable share of conversations is served by the candidate', async () => {
    const c = create();
    await c.whenReady();
    await c.retrain(V2, { mode: 'canary', canaryShare: 0.5 });
    const keys = Array.from({ length: 24 }, (_, i) => `conv-${i}`);
    let canary = 0;
    for (const key of keys) {
      const r = await c.classify('我想退款', { conversationKey: key });
      assert.equal(r.intent, inCanary(key, 0.5) ? 'v2_refund' : 'refund', key);
      assert.equal((await c.classify('我想退款', { conversationKey: key })).intent, r.intent, 'stable per key');
      if (r.intent === 'v2_refund') canary++;
    }
    assert.ok(canary > 0 && canary < keys.length, `canary served ${canary}/${keys.length}`);
    await c.discardCandidate();
    assert.equal((await c.classify('我想退款', { conversationKey: keys[0]! })).intent, 'refund');
  });

  it('exposes the Embedder port from the same model', async () => {
    const c = create();
    const embedder = createIntentModelEmbedder(c);
    assert.equal(embedder.dimensions, 0);
    await c.whenReady();
    assert.equal(embedder.dimensions, 16);
    const [a, b, z] = await embedder.embed(['我想退款', '申请退款', 'what is the weather today']);
    const dot = (x: Float32Array, y: Float32Array): number => x.reduce((s, v, i) => s + v * (y[i] as number), 0);
    assert.ok(Math.abs(dot(a!, a!) - 1) < 1e-5);
    assert.ok(dot(a!, b!) > dot(a!, z!));
    const p = await c.predict('我想退款');
    assert.deepEqual(
      [...p.embedding].map((v) => v.toFixed(5)),
      [...a!].map((v) => v.toFixed(5)),
    );
  });
});
