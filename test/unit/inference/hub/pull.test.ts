import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../../../core/clock.js';
import { BotError } from '../../../../core/errors.js';
import { pullModel } from '../../../../inference/hub/index.js';
import type { DownloadProgress } from '../../../../inference/hub/index.js';
import { seededFloats } from '../../../../inference/runtime/synthetic-models.js';
import { sha256, startFakeHub } from './fake-hub.js';
import type { FakeHub } from './fake-hub.js';

const ID = 'acme/tiny-encoder';
const isCode = (code: string) => (e: unknown) => e instanceof BotError && e.code === code;
/** A clock whose sleeps return at once (retry back-off without waiting). */
const instantClock = (): ManualClock => Object.assign(new ManualClock(), { sleep: () => Promise.resolve() });

describe('inference/hub pullModel (loopback fake hub)', () => {
  let hub: FakeHub;
  let dir: string;
  const weights = new Uint8Array(seededFloats(64 * 1024, 5).buffer); // 256 KiB of "weights"
  const tokenizer = new TextEncoder().encode(JSON.stringify({ model: { type: 'WordPiece', vocab: { a: 0 } } }));
  const config = new TextEncoder().encode('{"hidden_size": 8}');

  beforeEach(async () => {
    hub = await startFakeHub();
    hub.files.set(`${ID}/onnx/model.onnx`, { content: weights, lfs: true });
    hub.files.set(`${ID}/tokenizer.json`, { content: tokenizer });
    hub.files.set(`${ID}/config.json`, { content: config });
    dir = mkdtempSync(join(tmpdir(), 'clawbot-hub-'));
  });
  afterEach(async () => {
    await hub.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('downloads the encoder layout, verifying the LFS file against X-Linked-Etag, skipping absent optional files', async () => {
    const result = await pullModel({ id: ID, endpoint: hub.endpoint, dir }, { clock: instantClock() });
    assert.deepEqual(readFileSync(join(dir, 'onnx', 'model.onnx')), Buffer.from(weights));
    assert.deepEqual(readFileSync(join(dir, 'tokenizer.json')), Buffer.from(tokenizer));
    const model = result.files.find((f) => f.file === 'onnx/model.onnx');
    assert.equal(model?.verified, 'hub');
    assert.equal(model?.sha256, sha256(weights));
    assert.equal(
      result.files.find((f) => f.file === 'tokenizer.json')?.verified,
      'none',
      'a git-blob ETag is no sha256',
    );
    assert.ok(result.missing.includes('vocab.txt'));
    assert.ok(!result.files.some((f) => f.file === 'model.onnx'), 'onnx/model.onnx found, model.onnx not tried');
    assert.ok(hub.requests.some((r) => r.url === `/${ID}/resolve/main/onnx/model.onnx`));
    assert.ok(!existsSync(join(dir, 'onnx', 'model.onnx.part')));
  });

  it('resumes with a Range request after the connection drops mid-file', async () => {
    hub.faults.dropAfterBytes = 100_000;
    const progress: DownloadProgress[] = [];
    const result = await pullModel(
      { id: ID, endpoint: hub.endpoint, dir, files: ['onnx/model.onnx'], onProgress: (p) => progress.push(p) },
      { clock: instantClock() },
    );
    assert.deepEqual(readFileSync(join(dir, 'onnx', 'model.onnx')), Buffer.from(weights));
    const blobGets = hub.requests.filter((r) => r.method === 'GET' && r.url.includes('/lfs/'));
    assert.equal(blobGets.length, 2);
    assert.equal(blobGets[0]?.range, undefined);
    const resumedFrom = Number(/^bytes=(\d+)-$/.exec(blobGets[1]?.range ?? '')?.[1]);
    assert.ok(resumedFrom > 0 && resumedFrom <= 100_000, `resumed from ${resumedFrom}`);
    assert.equal(result.files[0]?.resumed, true);
    assert.equal(result.files[0]?.verified, 'hub');
    assert.equal(progress.at(-1)?.receivedBytes, weights.length);
    assert.equal(progress.at(-1)?.totalBytes, weights.length);
  });

  it('resumes a .part file left by an earlier, interrupted run', async () => {
    mkdirSync(join(dir, 'onnx'));
    writeFileSync(join(dir, 'onnx', 'model.onnx.part'), weights.subarray(0, 12345));
    const result = await pullModel({ id: ID, endpoint: hub.endpoint, dir, files: ['onnx/model.onnx'] });
    assert.equal(hub.requests.find((r) => r.method === 'GET' && r.url.includes('/lfs/'))?.range, 'bytes=12345-');
    assert.equal(result.files[0]?.resumed, true);
    assert.deepEqual(readFileSync(join(dir, 'onnx', 'model.onnx')), Buffer.from(weights));
  });

  it('starts over when the server ignores the Range header', async () => {
    mkdirSync(join(dir, 'onnx'));
    writeFileSync(join(dir, 'onnx', 'model.onnx.part'), Buffer.from('garbage that must not stay'));
    hub.faults.ignoreRange = true;
    await pullModel({ id: ID, endpoint: hub.endpoint, dir, files: ['onnx/model.onnx'] });
    assert.deepEqual(readFileSync(join(dir, 'onnx', 'model.onnx')), Buffer.from(weights));
  });

  it('discards a download whose sha256 does not match the hub and leaves no file', async () => {
    hub.faults.corrupt = true;
    await assert.rejects(
      pullModel({ id: ID, endpoint: hub.endpoint, dir, files: ['onnx/model.onnx'] }),
      (e: unknown) => isCode('inference.model_invalid')(e) && /sha256/.test((e as Error).message),
    );
    assert.ok(!existsSync(join(dir, 'onnx', 'model.onnx')));
    assert.ok(!existsSync(join(dir, 'onnx', 'model.onnx.part')));
  });

  it('checks a pinned sha256 (mismatch refused, match accepted as pinned)', async () => {
    await assert.rejects(
      pullModel({
        id: ID,
        endpoint: hub.endpoint,
        dir,
        files: ['config.json'],
        sha256: { 'config.json': 'f'.repeat(64) },
      }),
      isCode('inference.model_invalid'),
    );
    const ok = await pullModel({
      id: ID,
      endpoint: hub.endpoint,
      dir,
      files: ['config.json'],
      sha256: { 'config.json': sha256(config) },
    });
    assert.equal(ok.files[0]?.verified, 'pinned');
  });

  it('works with a mirror that refuses HEAD (pinned hash still checked)', async () => {
    hub.faults.noHead = true;
    const pull = (pin: string) =>
      pullModel({
        id: ID,
        endpoint: hub.endpoint,
        dir,
        files: ['onnx/model.onnx'],
        sha256: { 'onnx/model.onnx': pin },
      });
    // `verified: 'pinned'` only says a pin was given: a wrong pin must still be refused without HEAD's hash.
    await assert.rejects(pull('f'.repeat(64)), isCode('inference.model_invalid'));
    assert.ok(!existsSync(join(dir, 'onnx', 'model.onnx')));
    const result = await pull(sha256(weights));
    assert.ok(hub.requests.some((r) => r.method === 'HEAD'));
    assert.deepEqual(readFileSync(join(dir, 'onnx', 'model.onnx')), Buffer.from(weights));
    assert.equal(result.files[0]?.verified, 'pinned');
  });

  it('skips files already present and intact (HEAD only)', async () => {
    await pullModel({ id: ID, endpoint: hub.endpoint, dir, files: ['onnx/model.onnx'] });
    hub.requests.length = 0;
    const again = await pullModel({ id: ID, endpoint: hub.endpoint, dir, files: ['onnx/model.onnx'] });
    assert.equal(again.files[0]?.skipped, true);
    assert.ok(hub.requests.every((r) => r.method === 'HEAD'));
  });

  it('works through a mirror under a path prefix, at a revision, sending the token', async () => {
    hub.faults.prefix = '/mirror';
    await pullModel({
      id: ID,
      endpoint: `${hub.endpoint}/mirror/`,
      revision: 'v1.0',
      dir,
      files: ['tokenizer.json'],
      token: 'hf_secret',
    });
    assert.ok(hub.requests.some((r) => r.url === `/mirror/${ID}/resolve/v1.0/tokenizer.json`));
    assert.ok(hub.requests.every((r) => r.authorization === 'Bearer hf_secret'));
  });

  it('fails with not_found for a required file or a repository without weights', async () => {
    await assert.rejects(pullModel({ id: ID, endpoint: hub.endpoint, dir, files: ['nope.bin'] }), isCode('not_found'));
    hub.files.delete(`${ID}/onnx/model.onnx`);
    await assert.rejects(pullModel({ id: ID, endpoint: hub.endpoint, dir }), isCode('not_found'));
  });

  it('refuses ids and file paths that could escape the folder', async () => {
    await assert.rejects(pullModel({ id: '../etc', endpoint: hub.endpoint, dir }), isCode('request.invalid'));
    await assert.rejects(
      pullModel({ id: ID, endpoint: hub.endpoint, dir, files: ['../../x'] }),
      isCode('request.invalid'),
    );
  });
});
