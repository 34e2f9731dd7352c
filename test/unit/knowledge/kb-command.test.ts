import assert from 'node:assert/strict';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliContext } from '../../../gateway/cli/context.js';
import { runCli } from '../../../gateway/cli/program.js';
import { DEMO_BOT_DIR } from '../../../knowledge/bot-folder/index.js';

function context(): CliContext & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    env: {},
    cwd: tmpdir(),
    interactive: false,
    print: (t) => out.push(t),
    printError: (t) => err.push(t),
    exitCode: 0,
    out,
    err,
  };
}

describe('clawbot kb', function () {
  this.timeout(60_000);

  it('validate: a valid folder passes with its counts', async () => {
    const ctx = context();
    assert.equal(await runCli(['node', 'clawbot', 'kb', 'validate', DEMO_BOT_DIR], ctx), 0);
    assert.match(ctx.out.join('\n'), /Claw Shop — 13 intents, 15 FAQ entries, 10 entities/);
  });

  it('validate: an invalid folder lists every problem and exits 1', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'clawbot-kb-'));
    try {
      await cp(DEMO_BOT_DIR, dir, { recursive: true });
      await writeFile(
        join(dir, 'graph.yaml'),
        'entities:\n  - {id: a, type: product, name: A, attributes: {size: 1}}\n',
      );
      const ctx = context();
      assert.equal(await runCli(['node', 'clawbot', 'kb', 'validate', dir], ctx), 1);
      assert.match(
        ctx.err.join('\n'),
        /graph\.yaml: entities\[0\]\.attributes\.size: attribute "size" is not declared/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('stats --json --build: counts and how retrieval was built', async () => {
    const ctx = context();
    assert.equal(await runCli(['node', 'clawbot', 'kb', 'stats', DEMO_BOT_DIR, '--json', '--build'], ctx), 0);
    const stats = JSON.parse(ctx.out.join('\n')) as Record<string, unknown> & { build: Record<string, unknown> };
    assert.equal(stats['faqEntries'], 15);
    assert.equal(stats['entities.product'], 4);
    assert.equal(stats.build['vectorIndex'], 'exact');
    assert.ok(typeof stats.build['heldOutTop1'] === 'number');
  });
});
