import assert from 'node:assert/strict';
import { BotError } from '../../../../core/errors.js';
import { parseNvidiaSmiMemory } from '../../../../inference/runtime/gpu-memory.js';
import { createOnnxRuntime } from '../../../../inference/runtime/index.js';
import type { RuntimeOptions } from '../../../../inference/runtime/index.js';
import { nodeOrt } from '../../../../inference/runtime/session-factory.js';
import { affineModel, tinyBertModel } from '../../../../inference/runtime/synthetic-models.js';
import { recordingLogger, spyOrt } from './spy-ort.js';

const BASE: Omit<RuntimeOptions, 'device'> = { maxBatchSize: 4, maxWaitMs: 1, maxConcurrentRequests: 16 };
const providerOf = (o: { executionProviders?: readonly unknown[] }): string[] =>
  (o.executionProviders ?? []).map((p) => (typeof p === 'string' ? p : (p as { name: string }).name));

describe('inference/runtime execution providers', () => {
  it('auto falls back to the CPU on this machine (real onnxruntime, no CUDA build) and logs why', async () => {
    const log = recordingLogger();
    const rt = await createOnnxRuntime({ ...BASE, device: 'auto' }, { log });
    try {
      assert.deepEqual(rt.providers(), ['cpu']);
      const warn = log.records.find((r) => r.level === 'warn');
      assert.ok(warn, 'a warning with the fallback reason');
      assert.equal(warn.obj.fallback, 'cpu');
      assert.match(String(warn.obj.reason), /ONNXRUNTIME_NODE_INSTALL=cuda12/);
      const info = await rt.load('m', affineModel(2));
      assert.equal(info.provider, 'cpu');
      const out = await rt.run('m', { x: { type: 'float32', dims: [1, 2], data: Float32Array.of(1, 2) } });
      assert.deepEqual(Array.from(out.y!.data as Float32Array), [3, 5]);
    } finally {
      await rt.close();
    }
  });

  it('cuda (strict) fails with a clear error when the CUDA provider cannot be loaded', async () => {
    await assert.rejects(
      createOnnxRuntime({ ...BASE, device: 'cuda' }, { log: recordingLogger() }),
      (e: unknown) =>
        e instanceof BotError &&
        e.code === 'inference.unavailable' &&
        /inference\.device is "cuda"/.test(e.message) &&
        /ONNXRUNTIME_NODE_INSTALL=cuda12/.test(e.message),
    );
  });

  it('cpu never probes CUDA', async () => {
    const spy = spyOrt();
    const rt = await createOnnxRuntime({ ...BASE, device: 'cpu' }, { log: recordingLogger(), ort: spy.ort });
    await rt.load('m', affineModel(2));
    await rt.close();
    assert.ok(spy.options.length > 0);
    assert.ok(spy.options.every((o) => !providerOf(o).includes('cuda')));
  });

  it('when CUDA works, models load on it and GPU memory is read from nvidia-smi', async () => {
    const spy = spyOrt('works');
    const calls: string[][] = [];
    const rt = await createOnnxRuntime(
      { ...BASE, device: 'auto' },
      {
        log: recordingLogger(),
        ort: spy.ort,
        execFile: (file, args) => {
          calls.push([file, ...args]);
          return Promise.resolve('1024, 81559\n');
        },
      },
    );
    try {
      assert.deepEqual(rt.providers(), ['cuda', 'cpu']);
      const info = await rt.load('m', affineModel(2));
      assert.equal(info.provider, 'cuda');
      assert.deepEqual(providerOf(spy.options.at(-1)!), ['cuda', 'cpu']);
      assert.deepEqual(await rt.gpuMemory(), { usedMiB: 1024, totalMiB: 81559 });
      assert.equal(calls[0]?.[0], 'nvidia-smi');
    } finally {
      await rt.close();
    }
  });

  it('auto loads a model that CUDA rejects on the CPU (logged); cuda refuses it', async () => {
    const log = recordingLogger();
    const auto = await createOnnxRuntime({ ...BASE, device: 'auto' }, { log, ort: spyOrt('probe-only').ort });
    try {
      assert.deepEqual(auto.providers(), ['cuda', 'cpu']);
      const info = await auto.load('enc', tinyBertModel({ vocabSize: 8, hidden: 4 }));
      assert.equal(info.provider, 'cpu');
      assert.ok(log.records.some((r) => r.level === 'warn' && r.obj.model === 'enc'));
    } finally {
      await auto.close();
    }
    const strict = await createOnnxRuntime(
      { ...BASE, device: 'cuda' },
      { log: recordingLogger(), ort: spyOrt('probe-only').ort },
    );
    try {
      await assert.rejects(
        strict.load('enc', tinyBertModel({ vocabSize: 8, hidden: 4 })),
        (e: unknown) => e instanceof BotError && e.code === 'inference.unavailable',
      );
    } finally {
      await strict.close();
    }
  });

  it('rejects invalid runtime options', async () => {
    await assert.rejects(
      createOnnxRuntime({ ...BASE, device: 'cpu', maxBatchSize: 0 }, { log: recordingLogger(), ort: nodeOrt }),
      (e: unknown) => e instanceof BotError && e.code === 'config.invalid',
    );
  });

  it('parses nvidia-smi memory output, summing GPUs', () => {
    assert.deepEqual(parseNvidiaSmiMemory('100, 1000\n200, 2000\n'), { usedMiB: 300, totalMiB: 3000 });
    assert.equal(parseNvidiaSmiMemory(''), undefined);
    assert.equal(parseNvidiaSmiMemory('No devices were found\n'), undefined);
  });
});
