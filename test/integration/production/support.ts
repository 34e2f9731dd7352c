/**
 * Support for production checks: real gateway processes (`clawbot gateway` as a child process), a private
 * redis-server on its own port (never the shared 6379 instance), WeChat pushes signed like WeChat's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stringify } from 'yaml';
import { Redis } from 'ioredis';
import { simulateWechatOfficial, wechatOfficialOptionsSchema } from '../../../channels/wechat-official/index.js';
import { createFileAgentDirectory, hashPassword } from '../../../handoff/index.js';

/** The repository root. */
export const ROOT = resolve(import.meta.dirname, '../../..');

/** A plaintext-mode WeChat channel config (no customer-service API: every answer is a passive reply). */
export const WECHAT = { token: 'prodtoken123', appId: 'wx0123456789abcdef', appSecret: 'wechat-app-secret-value' };

/** Sends a signed text push as `openid` to `{url}/wechat` and decodes the passive reply. */
export function wechatSay(url: string, openid: string, text: string) {
  return simulateWechatOfficial({
    url: `${url}/wechat`,
    text,
    user: openid,
    options: wechatOfficialOptionsSchema.parse(WECHAT),
  });
}

/** A temporary `handoff.agentsFile` holding one agent account (a cheap scrypt cost); returns its path. */
export async function agentsFileWith(agent: { username: string; displayName: string; password: string }) {
  const path = join(await mkdtemp(join(tmpdir(), 'clawbot-agents-')), 'agents.json');
  const agents = createFileAgentDirectory({ path });
  await agents.put({
    username: agent.username,
    displayName: agent.displayName,
    role: 'agent',
    passwordHash: await hashPassword(agent.password, { N: 1024, r: 8, p: 1 }),
    languages: [],
    channels: [],
    groups: [],
    maxConcurrent: 5,
    createdAt: 0,
    updatedAt: 0,
  });
  await agents.close();
  return path;
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** A `clawbot gateway` child process. */
export interface GatewayProcess {
  readonly url: string;
  readonly proc: ChildProcess;
  readonly output: () => string;
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal?: NodeJS.Signals): void;
}

/**
 * Writes `config` to a temporary config.yaml and starts `clawbot gateway -c it` (plus `args`) in a child process;
 * resolves once it prints that it listens (rejects with its output when it exits first or after `timeoutMs`).
 */
export async function spawnGateway(
  config: Record<string, unknown>,
  options: { args?: readonly string[]; timeoutMs?: number; env?: Record<string, string> } = {},
): Promise<GatewayProcess> {
  const dir = await mkdtemp(join(tmpdir(), 'clawbot-prod-'));
  const file = join(dir, 'config.yaml');
  await writeFile(file, stringify(config));
  const proc = spawn(process.execPath, [join(ROOT, 'bin/clawbot.js'), 'gateway', '-c', file, ...(options.args ?? [])], {
    cwd: dir,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout?.setEncoding('utf8').on('data', (d: string) => (out += d));
  proc.stderr?.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    proc.once('exit', (code, signal) => r({ code, signal })),
  );
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let done = false;
  void exited.then(() => (done = true));
  for (;;) {
    const m = /listening on (https?:\/\/[\d.]+:\d+)/.exec(out);
    if (m?.[1] !== undefined) {
      return {
        url: m[1],
        proc,
        output: () => out,
        exited,
        kill: (signal = 'SIGTERM') => void proc.kill(signal),
      };
    }
    if (done || Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`gateway did not start:\n${out}`);
    }
    await sleep(50);
  }
}

/** A private redis-server on `port`, for tests that stop and restart Redis. */
export interface PrivateRedis {
  readonly url: string;
  readonly port: number;
  start(): Promise<void>;
  /** kill -9 (no goodbye). */
  crash(): Promise<void>;
  stop(): Promise<void>;
}

/** True when a redis-server binary is on PATH. */
export async function hasRedisServer(): Promise<boolean> {
  return new Promise((r) => {
    const p = spawn('redis-server', ['--version'], { stdio: 'ignore' });
    p.once('error', () => r(false));
    p.once('exit', (code) => r(code === 0));
  });
}

/** Creates (not yet started) a private Redis on `port`: no persistence, loopback only. */
export function privateRedis(port: number): PrivateRedis {
  let proc: ChildProcess | undefined;
  const url = `redis://127.0.0.1:${port}`;
  const ping = async (): Promise<boolean> => {
    const c = new Redis(url, {
      lazyConnect: true,
      retryStrategy: () => null,
      maxRetriesPerRequest: 0,
      connectTimeout: 300,
    });
    c.on('error', () => undefined);
    try {
      await c.connect();
      return (await c.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      c.disconnect();
    }
  };
  const gone = async (p: ChildProcess | undefined) => {
    if (p === undefined || p.exitCode !== null || p.signalCode !== null) return;
    await new Promise((r) => p.once('exit', r));
  };
  return {
    url,
    port,
    async start() {
      proc = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no'],
        { stdio: 'ignore' },
      );
      for (let i = 0; i < 100; i++) {
        if (await ping()) return;
        await sleep(50);
      }
      throw new Error(`redis-server on ${port} did not start`);
    },
    async crash() {
      const p = proc;
      p?.kill('SIGKILL');
      await gone(p);
    },
    async stop() {
      const p = proc;
      p?.kill('SIGTERM');
      await gone(p);
    },
  };
}

/** POST /api/v1/chat with a key; the parsed answer and headers. */
export async function postChat(
  url: string,
  key: string,
  body: unknown,
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(`${url}/api/v1/chat`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = { raw: text };
  }
  return { status: res.status, body: parsed, headers: res.headers };
}
