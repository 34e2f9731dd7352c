import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BotError } from '../../../../core/errors.js';
import { silentLogger } from '../../../../core/logger.js';
import { createPretrainedEncoder } from '../../../../inference/encoders/index.js';
import { createOnnxRuntime } from '../../../../inference/runtime/index.js';
import type { OnnxRuntime, Tensorish } from '../../../../inference/runtime/index.js';
import { HIDDEN, writeEncoderFolder } from './fixtures.js';

const isCode = (code: string) => (e: unknown) => e instanceof BotError && e.code === code;
const norm = (v: Float32Array): number => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

function assertVectorsClose(a: Float32Array | undefined, b: Float32Array | undefined, what: string): void {
  assert.ok(a !== undefined && b !== undefined, what);
  assert.equal(a.length, b.length, what);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) < 1e-5, `${what}[${i}]: ${a[i]} vs ${b[i]}`);
}

describe('inference/encoders pretrained encoder (tiny generated BERT)', () => {
  let runtime: OnnxRuntime;
  const dirs: string[] = [];
  const folder = (extra: Parameters<typeof writeEncoderFolder>[0] = {}): string => {
    const dir = writeEncoderFolder(extra);
    dirs.push(dir);
    return dir;
  };

  beforeEach(async () => {
    runtime = await createOnnxRuntime(
      { device: 'cpu', maxBatchSize: 8, maxWaitMs: 2, maxConcurrentRequests: 64 },
      { log: silentLogger },
    );
  });
  afterEach(async () => {
    await runtime.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  /** The reference: run the model alone on one encoding and pool by hand. */
  async function reference(encoderName: string, ids: number[], pooling: 'mean' | 'cls'): Promise<Float32Array> {
    const n = ids.length;
    const feeds: Record<string, Tensorish> = {
      input_ids: { type: 'int64', dims: [1, n], data: BigInt64Array.from(ids, (i) => BigInt(i)) },
      attention_mask: { type: 'int64', dims: [1, n], data: new BigInt64Array(n).fill(1n) },
      token_type_ids: { type: 'int64', dims: [1, n], data: new BigInt64Array(n) },
    };
    const hidden = (await runtime.runBatch(`encoder:${encoderName}`, feeds)).last_hidden_state!.data as Float32Array;
    const v = new Float32Array(HIDDEN);
    if (pooling === 'cls') v.set(hidden.subarray(0, HIDDEN));
    else for (let t = 0; t < n; t++) for (let j = 0; j < HIDDEN; j++) v[j]! += hidden[t * HIDDEN + j]! / n;
    const l = norm(v);
    return v.map((x) => x / l);
  }

  it('embeds texts into unit vectors equal to a hand-pooled unbatched run (mean pooling)', async () => {
    const enc = await createPretrainedEncoder({ dir: folder(), name: 'tiny' }, { runtime, log: silentLogger });
    assert.equal(enc.name, 'tiny');
    assert.equal(enc.dimensions, HIDDEN);
    assert.equal(enc.pooling, 'mean');
    const texts = ['hello world', '我想退货，', 'unaffable card!', 'my refunds', 'hello', 'a b c d e f g hello world'];
    const vectors = await enc.embed(texts);
    assert.equal(vectors.length, texts.length);
    for (const [i, text] of texts.entries()) {
      assert.ok(Math.abs(norm(vectors[i]!) - 1) < 1e-5);
      assertVectorsClose(vectors[i], await reference('tiny', enc.tokenizer.encode(text).ids, 'mean'), text);
    }
    assert.ok(Math.abs(vectors[0]![0]! - vectors[1]![0]!) > 1e-6, 'different texts, different vectors');
  });

  it('gives the same vectors under concurrency (batched with other callers) as alone', async () => {
    const enc = await createPretrainedEncoder({ dir: folder(), name: 'tiny' }, { runtime, log: silentLogger });
    const texts = Array.from({ length: 20 }, (_, i) =>
      ['hello', 'world', 'my card', '我想退货'].slice(0, 1 + (i % 4)).join(' '),
    );
    const together = (await Promise.all(texts.map((t) => enc.embed([t])))).map((r) => r[0]);
    for (const [i, text] of texts.entries()) assertVectorsClose(together[i], (await enc.embed([text]))[0], text);
  });

  it('embeds more texts than the runtime queue holds without overloading it', async () => {
    const small = await createOnnxRuntime(
      { device: 'cpu', maxBatchSize: 8, maxWaitMs: 1, maxConcurrentRequests: 64 },
      { log: silentLogger },
    );
    try {
      const enc = await createPretrainedEncoder({ dir: folder(), name: 'bulk' }, { runtime: small, log: silentLogger });
      const texts = Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? 'hello world' : '我想退货'));
      const vectors = await enc.embed(texts);
      assert.equal(vectors.length, 200);
      assertVectorsClose(vectors[198], vectors[0], 'same text, same vector');
    } finally {
      await small.close();
    }
  });

  it('uses CLS pooling from 1_Pooling/config.json, and an explicit option over it', async () => {
    const dir = folder({ pooling: 'cls' });
    const cls = await createPretrainedEncoder({ dir, name: 'cls' }, { runtime, log: silentLogger });
    assert.equal(cls.pooling, 'cls');
    const [v] = await cls.embed(['hello world']);
    assertVectorsClose(v, await reference('cls', cls.tokenizer.encode('hello world').ids, 'cls'), 'cls');
    const mean = await createPretrainedEncoder({ dir, name: 'mean', pooling: 'mean' }, { runtime, log: silentLogger });
    assert.equal(mean.pooling, 'mean');
  });

  it('can skip normalisation', async () => {
    const enc = await createPretrainedEncoder(
      { dir: folder(), name: 'raw', normalize: false },
      { runtime, log: silentLogger },
    );
    const [v] = await enc.embed(['hello world my card']);
    assert.ok(Math.abs(norm(v!) - 1) > 1e-3);
  });

  it('checks the pinned sha256 of model.onnx', async () => {
    const dir = folder();
    const sha = createHash('sha256')
      .update(readFileSync(join(dir, 'model.onnx')))
      .digest('hex');
    const ok = await createPretrainedEncoder(
      { dir, name: 'pinned', sha256: sha.toUpperCase() },
      { runtime, log: silentLogger },
    );
    assert.equal(ok.dimensions, HIDDEN);
    await assert.rejects(
      createPretrainedEncoder({ dir, name: 'tampered', sha256: '0'.repeat(64) }, { runtime, log: silentLogger }),
      (e: unknown) => isCode('inference.model_invalid')(e) && /sha256/.test((e as Error).message),
    );
    assert.ok(!runtime.models().some((m) => m.name === 'encoder:tampered'));
  });

  it('refuses a folder without a tokenizer or model', async () => {
    await assert.rejects(
      createPretrainedEncoder({ dir: folder({ tokenizer: null }), name: 'x' }, { runtime, log: silentLogger }),
      isCode('inference.model_invalid'),
    );
    const dir = folder();
    rmSync(join(dir, 'model.onnx'));
    await assert.rejects(
      createPretrainedEncoder({ dir, name: 'y' }, { runtime, log: silentLogger }),
      isCode('inference.model_invalid'),
    );
  });

  it('passes an abort signal through to the runtime', async () => {
    const enc = await createPretrainedEncoder({ dir: folder(), name: 'tiny' }, { runtime, log: silentLogger });
    await assert.rejects(enc.embed(['hello'], { signal: AbortSignal.abort() }));
  });
});
