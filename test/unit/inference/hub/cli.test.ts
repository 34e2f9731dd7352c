import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { registerModelsCommand } from '../../../../inference/hub/index.js';
import type { ModelsCliIo } from '../../../../inference/hub/index.js';
import { startFakeHub } from './fake-hub.js';
import type { FakeHub } from './fake-hub.js';

const ID = 'acme/tiny-encoder';

describe('inference/hub clawbot models pull|list', () => {
  let hub: FakeHub;
  let cwd: string;
  let out: string[];

  function run(args: string[], env: Record<string, string> = {}): Promise<Command> {
    const io: ModelsCliIo = {
      env,
      cwd,
      interactive: false,
      print: (t) => out.push(t),
      printError: (t) => out.push(`ERR ${t}`),
      exitCode: 0,
    };
    const program = new Command('clawbot').exitOverride();
    registerModelsCommand(program, io);
    return program.parseAsync(['node', 'clawbot', ...args]);
  }

  beforeEach(async () => {
    hub = await startFakeHub();
    hub.files.set(`${ID}/model.onnx`, { content: new Uint8Array(5000).fill(7), lfs: true });
    hub.files.set(`${ID}/tokenizer.json`, { content: new TextEncoder().encode('{}') });
    cwd = mkdtempSync(join(tmpdir(), 'clawbot-models-cli-'));
    out = [];
  });
  afterEach(async () => {
    await hub.close();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('pulls into ./models/<owner>/<name> from $HF_ENDPOINT and lists it as ready', async () => {
    await run(['models', 'pull', ID], { HF_ENDPOINT: hub.endpoint });
    assert.ok(existsSync(join(cwd, 'models', 'acme', 'tiny-encoder', 'model.onnx')));
    assert.ok(out.some((l) => l.startsWith('✔ model.onnx') && l.includes('sha256 hub ok')));
    out.length = 0;
    await run(['models', 'list']);
    assert.equal(out.length, 1);
    assert.match(out[0]!, /^acme\/tiny-encoder .* ready/);
  });

  it('takes --endpoint, --dir and --revision', async () => {
    await run(['models', 'pull', ID, '--endpoint', hub.endpoint, '--dir', 'elsewhere', '--revision', 'r2']);
    assert.ok(existsSync(join(cwd, 'elsewhere', 'acme', 'tiny-encoder', 'tokenizer.json')));
    assert.ok(hub.requests.some((r) => r.url === `/${ID}/resolve/r2/model.onnx`));
  });

  it('lists nothing with a hint when the folder is empty', async () => {
    await run(['models', 'list', '--dir', 'none']);
    assert.match(out[0]!, /no models under .*none/);
  });

  it('rejects a malformed --sha256 pin', async () => {
    await assert.rejects(
      run(['models', 'pull', ID, '--endpoint', hub.endpoint, '--sha256', 'model.onnx=xyz']),
      /FILE=HEX/,
    );
  });
});
