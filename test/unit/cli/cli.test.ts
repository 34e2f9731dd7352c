import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '../../../gateway/config/index.js';
import {
  channelFieldValidator,
  checkFreeMemory,
  checkNodeVersion,
  collectAnswers,
  runCli,
  runDoctor,
  runOnboard,
  type CliContext,
  type Prompter,
} from '../../../gateway/cli/index.js';

function fakeContext(cwd: string, env: Record<string, string> = {}): CliContext & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    env,
    cwd,
    interactive: false,
    print: (text) => out.push(text),
    printError: (text) => err.push(text),
    exitCode: 0,
    out,
    err,
  };
}

/** Answers questions from a script, in order, and records what was asked. */
function scriptedPrompter(answers: unknown[]): Prompter & { asked: string[] } {
  const asked: string[] = [];
  const next = <T>(message: string): Promise<T> => {
    asked.push(message);
    if (answers.length === 0) throw new Error(`unexpected question: ${message}`);
    return Promise.resolve(answers.shift() as T);
  };
  return {
    asked,
    select: (message) => next(message),
    checkbox: (message) => next(message),
    input: (message) => next(message),
    password: (message) => next(message),
    confirm: (message) => next(message),
  };
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return (server.address() as AddressInfo).port;
}

describe('clawbot CLI (in process)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'clawbot-cli-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  describe('gateway --health-check', () => {
    let server: Server;
    let port: number;
    before(async () => {
      server = createServer((req, res) => {
        res.statusCode = req.url === '/api/v1/health' ? 200 : 503;
        res.end(JSON.stringify({ status: res.statusCode === 200 ? 'ok' : 'down' }));
      });
      port = await listen(server);
    });
    after(() => new Promise<void>((done) => server.close(() => done())));

    it('exits 0 on a 2xx answer and prints it', async () => {
      const ctx = fakeContext(dir);
      const code = await runCli(
        ['node', 'clawbot', 'gateway', '--port', String(port), '--health-check', '/api/v1/health'],
        ctx,
      );
      assert.equal(code, 0, ctx.err.join('\n'));
      assert.match(ctx.out.join('\n'), new RegExp(`✔ http://127\\.0\\.0\\.1:${port}/api/v1/health 200 .*"ok"`));
    });

    it('exits 1 on a non-2xx answer or when nothing listens', async () => {
      const ctx = fakeContext(dir);
      assert.equal(
        await runCli(['node', 'clawbot', 'gateway', '--port', String(port), '--health-check', '/ready'], ctx),
        1,
      );
      assert.match(ctx.err.join('\n'), /✖ .* 503/);
      const closed = createNetServer();
      const freePort = await new Promise<number>((done) =>
        closed.listen(0, '127.0.0.1', () => done((closed.address() as AddressInfo).port)),
      );
      await new Promise<void>((done) => closed.close(() => done()));
      const ctx2 = fakeContext(dir);
      assert.equal(
        await runCli(['node', 'clawbot', 'gateway', '--port', String(freePort), '--health-check', '/x'], ctx2),
        1,
      );
      assert.match(ctx2.err.join('\n'), /unreachable/);
    });

    it('takes the port from the config when --port is absent', async () => {
      await writeFile(join(dir, 'config.yaml'), `gateway: { port: ${port} }\n`);
      const ctx = fakeContext(dir);
      assert.equal(await runCli(['node', 'clawbot', 'gateway', '--health-check', '/api/v1/health'], ctx), 0);
    });
  });

  it('gateway --config with a missing file fails before starting anything', async () => {
    const ctx = fakeContext(dir);
    assert.equal(await runCli(['node', 'clawbot', 'gateway', '--config', 'nope.yaml'], ctx), 1);
    assert.match(ctx.err.join('\n'), /nope\.yaml not found; create one with `clawbot onboard`/);
  });

  it('rejects bad arguments with commander messages', async () => {
    const ctx = fakeContext(dir);
    assert.equal(await runCli(['node', 'clawbot', 'gateway', '--port', 'http'], ctx), 1);
    assert.match(ctx.err.join('\n'), /port number/);
    const ctx2 = fakeContext(dir);
    assert.equal(await runCli(['node', 'clawbot', 'onboard', '--yes', '--channel', 'telegram'], ctx2), 1);
    assert.match(ctx2.err.join('\n'), /Allowed choices are wechat_official, dingtalk, slack/);
    const ctx3 = fakeContext(dir);
    assert.equal(await runCli(['node', 'clawbot', '--version'], ctx3), 0);
    assert.match(ctx3.out.join(''), /^\d+\.\d+\.\d+$/);
  });

  describe('onboard', () => {
    it('asks for mode, auth, channels and each channel option in the wizard', async () => {
      const prompter = scriptedPrompter([
        'production', // mode
        'api-key', // auth
        ['wechat_official', 'dingtalk'],
        'wxtoken123', // wechat token
        'wx1234567890', // appId
        '', // appSecret left empty -> ${WECHAT_APP_SECRET}
        '', // encodingAESKey left empty -> omitted
        true, // customerServiceApi
        'stream', // dingtalk transport
        'ding-key',
        'ding-secret',
        'ding-robot',
      ]);
      const ctx = fakeContext(dir);
      const path = await runOnboard({}, ctx, prompter);
      assert.equal(prompter.asked.length, 12);
      const raw = parse(await readFile(path, 'utf8')) as { mode: string; channels: Record<string, unknown> };
      assert.equal(raw.mode, 'production');
      assert.deepEqual(raw.channels, {
        wechat_official: {
          token: 'wxtoken123',
          appId: 'wx1234567890',
          appSecret: '${WECHAT_APP_SECRET}',
          customerServiceApi: true,
        },
        dingtalk: { transport: 'stream', appKey: 'ding-key', appSecret: 'ding-secret', robotCode: 'ding-robot' },
      });
      const config = await loadConfig({ path, env: { WECHAT_APP_SECRET: 'from-env' } });
      assert.equal(config.channels.wechat_official?.appSecret, 'from-env');
      assert.match(ctx.out.join('\n'), /export WECHAT_APP_SECRET=/);
    });

    it('skips the questions that flags answer', async () => {
      const prompter = scriptedPrompter(['sig', 'xoxb-2']);
      const answers = await collectAnswers({ mode: 'development', authType: 'jwt', channel: ['slack'] }, prompter);
      assert.deepEqual(answers.channels, { slack: { signingSecret: 'sig', botToken: 'xoxb-2' } });
      assert.equal(prompter.asked.length, 2);
    });

    it('asks before overwriting in the wizard and keeps the file on "no"', async () => {
      const path = join(dir, 'config.yaml');
      await writeFile(path, 'mode: development\n');
      await assert.rejects(runOnboard({}, fakeContext(dir), scriptedPrompter([false])), /already exists/);
      assert.equal(await readFile(path, 'utf8'), 'mode: development\n');
    });

    it('validates typed channel options against the channel schema at the prompt', () => {
      const url = channelFieldValidator('slack', { key: 'apiUrl', message: 'API URL', kind: 'text' });
      assert.equal(url('https://slack.example/api/'), true);
      assert.equal(typeof url('not a url'), 'string');
      const required = channelFieldValidator('slack', { key: 'botToken', message: 'token', kind: 'secret' });
      assert.equal(required(''), 'botToken is required');
      const fromEnv = channelFieldValidator('slack', { key: 'botToken', message: 'token', kind: 'secret', env: 'T' });
      assert.equal(fromEnv(''), true);
    });

    it('writes ${ENV} references for every channel with --yes', async () => {
      const answers = await collectAnswers({ yes: true, channel: ['wechat_official', 'dingtalk'] }, undefined);
      assert.deepEqual(answers.channels.wechat_official, {
        token: '${WECHAT_TOKEN}',
        appId: '${WECHAT_APP_ID}',
        appSecret: '${WECHAT_APP_SECRET}',
        encodingAESKey: '${WECHAT_ENCODING_AES_KEY}',
        customerServiceApi: false,
      });
      assert.deepEqual(answers.channels.dingtalk, {
        transport: 'http',
        appKey: '${DINGTALK_APP_KEY}',
        appSecret: '${DINGTALK_APP_SECRET}',
        robotCode: '${DINGTALK_ROBOT_CODE}',
      });
    });
  });

  describe('doctor', () => {
    it('passes on the defaults when the port is free', async () => {
      const probe = createNetServer();
      const port = await new Promise<number>((done) =>
        probe.listen(0, '127.0.0.1', () => done((probe.address() as AddressInfo).port)),
      );
      await new Promise<void>((done) => probe.close(() => done()));
      const ctx = fakeContext(dir, { CLAWBOT_GATEWAY__PORT: String(port), CLAWBOT_GATEWAY__HOST: '127.0.0.1' });
      assert.equal(await runCli(['node', 'clawbot', 'doctor'], ctx), 0, ctx.out.join('\n'));
      const text = ctx.out.join('\n');
      for (const label of ['Node.js', 'memory', 'config', 'Redis', 'port', 'bot'])
        assert.match(text, new RegExp(`✔ ${label}:`));
      assert.match(text, /overridden by CLAWBOT_GATEWAY__HOST, CLAWBOT_GATEWAY__PORT/);
    });

    it('fails on a busy port, an unreachable Redis and a missing bot folder', async () => {
      const busy = createNetServer();
      const port = await new Promise<number>((done) =>
        busy.listen(0, '127.0.0.1', () => done((busy.address() as AddressInfo).port)),
      );
      try {
        await writeFile(
          join(dir, 'config.yaml'),
          `gateway: { host: 127.0.0.1, port: ${port} }\nredis: { url: "redis://127.0.0.1:1" }\nbot: { path: ./no-bot }\n`,
        );
        const results = await runDoctor({}, fakeContext(dir));
        const status = Object.fromEntries(results.map((r) => [r.label, r.status]));
        assert.deepEqual(status, {
          'Node.js': 'ok',
          memory: status['memory'],
          config: 'ok',
          Redis: 'fail',
          port: 'fail',
          bot: 'fail',
        });
        assert.match(results.find((r) => r.label === 'port')?.detail ?? '', /in use/);
        const ctx = fakeContext(dir);
        assert.equal(await runCli(['node', 'clawbot', 'doctor'], ctx), 1);
        assert.match(ctx.out.join('\n'), /✖ bot: .*no-bot does not exist/);
      } finally {
        await new Promise<void>((done) => busy.close(() => done()));
      }
    });

    it('reports an invalid config with every problem', async () => {
      await writeFile(join(dir, 'config.yaml'), 'gateway: { port: -1 }\nmemory: { turns: 99 }\n');
      const ctx = fakeContext(dir);
      assert.equal(await runCli(['node', 'clawbot', 'doctor'], ctx), 1);
      assert.match(ctx.out.join('\n'), /✖ config: .*2 problems[\s\S]*gateway\.port[\s\S]*memory\.turns/);
    });

    it('checks Node.js and memory thresholds', () => {
      assert.equal(checkNodeVersion('20.0.0').status, 'ok');
      assert.equal(checkNodeVersion('18.19.0').status, 'fail');
      assert.equal(checkFreeMemory(100 * 1024 * 1024).status, 'fail');
      assert.equal(checkFreeMemory(512 * 1024 * 1024).status, 'warn');
      assert.equal(checkFreeMemory(4096 * 1024 * 1024).status, 'ok');
    });
  });
});
