// Runs the real `clawbot` binary (bin/clawbot.js) as a child process in a temporary folder.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { systemClock } from '../../../core/clock.js';
import { verifyToken } from '../../../gateway/auth/index.js';
import { loadConfig } from '../../../gateway/config/index.js';

const BIN = resolve(import.meta.dirname, '../../../bin/clawbot.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The parent's environment without anything that would change the configuration. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('CLAWBOT_') && name !== 'REDIS_URL'),
  );
  return { ...env, ...extra };
}

function clawbot(args: readonly string[], cwd: string, env: Record<string, string> = {}): Promise<Run> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd, env: cleanEnv(env), timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        done({ code, stdout, stderr });
      },
    );
  });
}

describe('clawbot CLI (child process)', function () {
  this.timeout(60_000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'clawbot-cli-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('onboard --yes writes a valid production config with a JWT secret and ${ENV} references for Slack', async () => {
    const path = join(dir, 'onboard.yaml');
    const run = await clawbot(
      ['onboard', '--yes', '--mode', 'production', '--auth-type', 'jwt', '--channel', 'slack', '--config', path],
      dir,
    );
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Wrote .*onboard\.yaml/);
    assert.match(run.stdout, /export SLACK_SIGNING_SECRET=/);
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    const text = await readFile(path, 'utf8');
    assert.match(text, /^# Clawbot configuration/);
    const raw = parse(text) as {
      mode: string;
      auth: { type: string; apiKeys: string[]; jwtSecret: string };
      channels: { slack: Record<string, string> };
    };
    assert.equal(raw.mode, 'production');
    assert.equal(raw.auth.type, 'jwt');
    assert.match(raw.auth.apiKeys[0] ?? '', /^cb_[A-Za-z0-9_-]{43}$/);
    assert.ok(raw.auth.jwtSecret.length >= 32);
    assert.deepEqual(raw.channels.slack, { signingSecret: '${SLACK_SIGNING_SECRET}', botToken: '${SLACK_BOT_TOKEN}' });
    const config = await loadConfig({ path, env: { SLACK_SIGNING_SECRET: 'sig', SLACK_BOT_TOKEN: 'xoxb-1' } });
    assert.equal(config.channels.slack?.botToken, 'xoxb-1');

    const again = await clawbot(['onboard', '--yes', '--config', path], dir);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already exists; pass --force/);
    assert.equal(await readFile(path, 'utf8'), text, 'not overwritten');

    const forced = await clawbot(['onboard', '--yes', '--force', '--config', path], dir);
    assert.equal(forced.code, 0, forced.stderr);
    const replaced = parse(await readFile(path, 'utf8')) as { mode: string; auth: { apiKeys: string[] } };
    assert.equal(replaced.mode, 'development');
    assert.notEqual(replaced.auth.apiKeys[0], raw.auth.apiKeys[0], 'a new key each time');
  });

  it('onboard without --yes fails clearly when stdin is not a terminal', async () => {
    const run = await clawbot(['onboard', '--config', join(dir, 'never.yaml')], dir);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /stdin is not a terminal.*--yes/);
    await assert.rejects(stat(join(dir, 'never.yaml')));
  });

  it('config set/get edit with validation and token generate signs with auth.jwtSecret', async () => {
    const path = join(dir, 'edit.yaml');
    const created = await clawbot(['onboard', '--yes', '--auth-type', 'jwt', '--config', path], dir);
    assert.equal(created.code, 0, created.stderr);

    const set = await clawbot(['config', 'set', 'inference.timeout', '60', '--config', path], dir);
    assert.equal(set.code, 0, set.stderr);
    assert.match(set.stdout, /inference\.timeout = 60 \(was "30s"\)/);
    const get = await clawbot(['config', 'get', 'inference.timeout', '--config', path], dir);
    assert.equal(get.code, 0, get.stderr);
    assert.equal(get.stdout.trim(), '60');
    assert.match(await readFile(path, 'utf8'), /# Local inference/, 'comments kept');

    const before = await readFile(path, 'utf8');
    const bad = await clawbot(['config', 'set', 'inference.timeout', 'later', '--config', path], dir);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /inference\.timeout: expected a number of seconds or a duration/);
    assert.equal(await readFile(path, 'utf8'), before, 'file untouched');

    const missing = await clawbot(['config', 'get', 'bot.path', '--config', path], dir);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /bot\.path is not set/);

    const token = await clawbot(['token', 'generate', '--expiry', '600', '--scope', 'agent', '--config', path], dir);
    assert.equal(token.code, 0, token.stderr);
    const config = await loadConfig({ path, env: {} });
    const verified = await verifyToken(
      token.stdout.trim(),
      { secret: config.auth.jwtSecret ?? '', issuer: config.auth.jwtIssuer },
      { clock: systemClock },
    );
    assert.deepEqual(verified.scopes, ['agent']);
  });
});
