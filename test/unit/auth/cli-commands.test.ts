import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashApiKey, verifyToken } from '../../../gateway/auth/index.js';
import { runCli, type CliContext } from '../../../gateway/cli/index.js';
import { formatPairingList, shortDuration } from '../../../gateway/cli/pairing-command.js';
import { systemClock } from '../../../core/clock.js';

function context(cwd: string): CliContext & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    env: {},
    cwd,
    interactive: false,
    print: (t) => out.push(t),
    printError: (t) => err.push(t),
    exitCode: 0,
    out,
    err,
  };
}

describe('clawbot token hash / generate --group / pairing (in process)', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'clawbot-auth-cli-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('`token hash KEY` prints the keyHash for config.yaml', async () => {
    const ctx = context(dir);
    assert.equal(await runCli(['node', 'clawbot', 'token', 'hash', 'cb_some-key-0123456789'], ctx), 0);
    assert.deepEqual(ctx.out, [hashApiKey('cb_some-key-0123456789')]);
  });

  it('`token generate --group` puts the groups claim in the token', async () => {
    const secret = 'cli-test-jwt-secret-0123456789-abcdefgh';
    const path = join(dir, 'config.yaml');
    await writeFile(path, `auth:\n  jwtSecret: ${secret}\n  groups:\n    partners: {}\n`);
    const ctx = context(dir);
    const code = await runCli(
      ['node', 'clawbot', 'token', 'generate', '--scope', 'chat', '-g', 'partners', '-g', 'emea', '--config', path],
      ctx,
    );
    assert.equal(code, 0, ctx.err.join('\n'));
    const verified = await verifyToken(ctx.out[0] ?? '', { secret, issuer: 'clawbot' }, { clock: systemClock });
    assert.deepEqual(verified.groups, ['partners', 'emea']);
  });

  it('`pairing approve --group` refuses groups that are not configured', async () => {
    const path = join(dir, 'pairing-config.yaml');
    await writeFile(path, `auth:\n  pairing:\n    file: ${join(dir, 'pairing.json')}\n`);
    const ctx = context(dir);
    const code = await runCli(
      ['node', 'clawbot', 'pairing', 'approve', 'ABCDEFGH', '-g', 'ghost', '--config', path],
      ctx,
    );
    assert.equal(code, 1);
    assert.match(ctx.err.join('\n'), /no group "ghost" under auth\.groups/);
  });

  it('`pairing list` shows pending requests with their expiry, decided ones and clients', () => {
    const now = 1_700_000_000_000;
    const lines = formatPairingList(
      {
        requests: [
          {
            code: 'ABCDEFGH',
            clientId: 'shop-web',
            status: 'pending',
            createdAt: now,
            expiresAt: now + 3_540_000,
            remoteAddress: '10.0.0.7',
          },
          {
            code: 'JKMNPQRS',
            clientId: 'old-app',
            status: 'expired',
            createdAt: now - 7_200_000,
            expiresAt: now - 3_600_000,
          },
        ],
        clients: [
          { clientId: 'crm', scopes: ['chat', 'agent'], groups: ['partners'], approvedAt: now, code: 'TUVWXYZ2' },
        ],
      },
      now,
      '/srv/.data/pairing.json',
    );
    const text = lines.join('\n');
    assert.match(text, /Pairing store: \/srv\/\.data\/pairing\.json/);
    assert.match(text, /ABCDEFGH {2}shop-web\s+from 10\.0\.0\.7\s+expires in 59m/);
    assert.match(text, /JKMNPQRS {2}old-app\s+expired/);
    assert.match(text, /crm\s+scopes: chat agent {2}groups: partners/);
    assert.deepEqual([0, 59_000, 61_000, 3_600_000, 3_900_000].map(shortDuration), ['0s', '59s', '1m', '1h', '1h 5m']);
  });
});
