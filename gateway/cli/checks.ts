/**
 * Environment checks shared by `clawbot doctor` and the gateway's start-up output. Each returns a `CheckResult`
 * instead of printing, so callers decide how to show it.
 */
import { stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { freemem } from 'node:os';
import { resolve } from 'node:path';
import { Cluster } from 'ioredis';
import { createRedisClient, describeRedisTarget, type RedisTarget } from '../app/redis-client.js';

export interface CheckResult {
  readonly status: 'ok' | 'warn' | 'fail';
  readonly label: string;
  readonly detail: string;
}

const MIB = 1024 * 1024;

/** Node.js must be at least `minMajor` (default 20). */
export function checkNodeVersion(version: string = process.versions.node, minMajor = 20): CheckResult {
  const major = Number(version.split('.')[0]);
  return major >= minMajor
    ? { status: 'ok', label: 'Node.js', detail: `v${version} (>= ${minMajor} required)` }
    : { status: 'fail', label: 'Node.js', detail: `v${version} is too old; install Node.js ${minMajor} or newer` };
}

/** Free memory: fail below `failBelow` (256 MiB), warn below `warnBelow` (1 GiB). */
export function checkFreeMemory(
  freeBytes: number = freemem(),
  failBelow = 256 * MIB,
  warnBelow = 1024 * MIB,
): CheckResult {
  const detail = `${Math.round(freeBytes / MIB)} MiB free`;
  if (freeBytes < failBelow) {
    return { status: 'fail', label: 'memory', detail: `${detail}; at least ${Math.round(failBelow / MIB)} MiB needed` };
  }
  if (freeBytes < warnBelow) return { status: 'warn', label: 'memory', detail: `${detail}; models may load slowly` };
  return { status: 'ok', label: 'memory', detail };
}

/** Connects to Redis (one server or a cluster) and sends PING, giving up after `timeoutMs`. */
export async function checkRedis(target: RedisTarget, timeoutMs = 2000): Promise<CheckResult> {
  const shown = describeRedisTarget(target);
  const client = createRedisClient(target, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined); // reported through the rejected promise below
  const started = performance.now();
  try {
    await client.connect();
    await client.ping();
    let extra = '';
    if (client instanceof Cluster) {
      const info = String(await client.cluster('INFO'));
      if (!/cluster_state:ok/.test(info)) {
        return { status: 'fail', label: 'Redis', detail: `${shown}: cluster_state is not ok; fix the cluster first` };
      }
      extra = `, cluster_state:ok, ${client.nodes('master').length} masters`;
    }
    const ms = Math.round(performance.now() - started);
    return { status: 'ok', label: 'Redis', detail: `${shown} answers (${ms} ms${extra})` };
  } catch (error) {
    const fix = target.kind === 'cluster' ? 'redis.cluster.nodes' : 'redis.url / REDIS_URL';
    return {
      status: 'fail',
      label: 'Redis',
      detail: `${shown} is unreachable: ${(error as Error).message}; start Redis or fix ${fix}`,
    };
  } finally {
    client.disconnect();
  }
}

/** True when nothing listens on host:port yet. */
export async function checkPortFree(host: string, port: number): Promise<CheckResult> {
  const server = createServer();
  const label = 'port';
  try {
    await new Promise<void>((done, fail) => {
      server.once('error', fail);
      server.listen({ host, port, exclusive: true }, () => done());
    });
    return { status: 'ok', label, detail: `${host}:${port} is free` };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'EADDRINUSE'
        ? 'is in use (is a gateway already running? choose another with --port or gateway.port)'
        : `cannot be used: ${(error as Error).message}`;
    return { status: 'fail', label, detail: `${host}:${port} ${why}` };
  } finally {
    await new Promise<void>((done) => {
      if (server.listening) server.close(() => done());
      else done();
    });
  }
}

/** The bot folder from `bot.path` must exist; without it the bundled demo bot is used. */
export async function checkBotFolder(path: string | undefined, cwd: string): Promise<CheckResult> {
  if (path === undefined) return { status: 'ok', label: 'bot', detail: 'bundled demo bot (bot.path not set)' };
  const full = resolve(cwd, path);
  try {
    const info = await stat(full);
    return info.isDirectory()
      ? { status: 'ok', label: 'bot', detail: `${full}` }
      : { status: 'fail', label: 'bot', detail: `${full} is not a folder (bot.path)` };
  } catch {
    return {
      status: 'fail',
      label: 'bot',
      detail: `${full} does not exist; fix bot.path or remove it for the demo bot`,
    };
  }
}
