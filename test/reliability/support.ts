/**
 * Reliability suite support: the profile (full in `npm run test:reliability`, short in CI), a load generator, signed WeChat pushes, RSS of a process, and reports written to test-artifacts/reliability/.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Agent, request as httpRequest } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { computeSignature } from '../../channels/wechat-official/signature.js';
import { buildXml } from '../../channels/wechat-official/xml.js';
import { ROOT, WECHAT } from '../integration/production/support.js';

export {
  freePort,
  hasRedisServer,
  postChat,
  privateRedis,
  spawnGateway,
  WECHAT,
} from '../integration/production/support.js';

/** `RELIABILITY_PROFILE=short` (CI) or full (default). */
export const FULL = process.env['RELIABILITY_PROFILE'] !== 'short';

/** The API key of every reliability gateway. */
export const KEY = 'reliability-key-0123456789abcdef';

/** A unique-enough id for bodies. */
export const uid = (): string => randomBytes(8).toString('hex');

/** A random 63-bit WeChat MsgId. */
export const msgId = (): string => BigInt.asUintN(63, randomBytes(8).readBigUInt64BE()).toString();

/** Path (with signed query) and XML body of a plaintext WeChat text push. */
export function wechatPush(openid: string, id: string, text: string): { path: string; body: string } {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = String(randomInt(100_000_000, 9_999_999_999));
  const q = new URLSearchParams({
    signature: computeSignature(WECHAT.token, timestamp, nonce),
    timestamp,
    nonce,
    openid,
  });
  const body = buildXml({
    ToUserName: 'gh_reliability',
    FromUserName: openid,
    CreateTime: Number(timestamp),
    MsgType: 'text',
    Content: text,
    MsgId: id,
  });
  return { path: `/wechat?${q.toString()}`, body };
}

/** What a load run reports. */
export interface LoadSummary {
  readonly target: string;
  readonly connections: number;
  readonly durationSec: number;
  readonly requests: number;
  readonly rps: number;
  readonly latencyMs: { p50: number; p90: number; p99: number; max: number };
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
  readonly statusCodes: Record<string, number>;
  /**
   * Event-loop delay of the load client itself (this process), ms: when it is large, part of the client-side
   * latency is the client waiting for a core, not the server.
   */
  readonly clientLoopDelayMs: { p99: number; max: number };
  /** Requests over 1 s, in all and among those that opened a connection (a lost SYN costs 1 s, then 3 s). */
  readonly over1s: number;
  readonly newConnections: { count: number; over1s: number; maxMs: number };
  /**
   * Requests on a connection that was already open. Under saturation Node accepts new connections late (the
   * same shows with a bare node:http server), so the first request of each connection carries the tail.
   */
  readonly openConnectionLatencyMs: { p50: number; p99: number };
}

/**
 * Opens `connections` keep-alive connections (ramped over the first 2 s) and keeps them busy for `durationSec`, each sending the next request as soon as the
 * previous one is answered (a body rebuilt for every request). A plain node:http client: every request is counted
 * exactly once as answered (by status), timed out (`timeoutSec`, default 30) or failed (socket error).
 */
export async function load(options: {
  readonly url: string;
  readonly target: string;
  readonly connections: number;
  readonly durationSec: number;
  readonly request: () => { path: string; body: string; headers: Record<string, string> };
  readonly timeoutSec?: number;
  readonly rampMs?: number;
}): Promise<LoadSummary> {
  const { hostname, port } = new URL(options.url);
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const latencies: number[] = [];
  /** Latencies of requests that opened their connection (connect included). */
  const firstOnSocket: number[] = [];
  /** Latencies of the rest (a connection already open). */
  const onOpenSocket: number[] = [];
  const codes: Record<string, number> = {};
  let errors = 0;
  let timeouts = 0;
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const started = performance.now();
  const end = Date.now() + options.durationSec * 1000;
  const one = (): Promise<void> =>
    new Promise((resolve) => {
      const next = options.request();
      const t0 = performance.now();
      const req = httpRequest(
        {
          host: hostname,
          port,
          method: 'POST',
          path: next.path,
          agent,
          timeout: (options.timeoutSec ?? 30) * 1000,
          headers: { ...next.headers, 'content-length': String(Buffer.byteLength(next.body)) },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            latencies.push(performance.now() - t0);
            if (req.reusedSocket) onOpenSocket.push(performance.now() - t0);
            else firstOnSocket.push(performance.now() - t0);
            const code = String(res.statusCode ?? 0);
            codes[code] = (codes[code] ?? 0) + 1;
            resolve();
          });
        },
      );
      req.on('timeout', () => {
        timeouts += 1;
        req.destroy(new Error('timeout'));
      });
      req.on('error', () => {
        errors += 1;
        resolve();
      });
      req.end(next.body);
    });
  // Connections open over the first `rampMs` (default 2 s), 1/20 at a time, then stay busy until the end.
  const rampMs = options.rampMs ?? 2000;
  await Promise.all(
    Array.from({ length: options.connections }, async (_, i) => {
      await sleep((Math.floor((i * 20) / options.connections) * rampMs) / 20);
      while (Date.now() < end) await one();
    }),
  );
  agent.destroy();
  loopDelay.disable();
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))] ?? 0);
  const non2xx = Object.entries(codes)
    .filter(([code]) => !code.startsWith('2'))
    .reduce((n, [, c]) => n + c, 0);
  return {
    target: options.target,
    connections: options.connections,
    durationSec: options.durationSec,
    requests: latencies.length,
    rps: Math.round(latencies.length / seconds),
    latencyMs: { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: Math.round(latencies.at(-1) ?? 0) },
    errors: errors - timeouts, // a timed-out request also ends with an error event
    timeouts,
    non2xx,
    statusCodes: codes,
    newConnections: {
      count: firstOnSocket.length,
      over1s: firstOnSocket.filter((ms) => ms > 1000).length,
      maxMs: Math.round(Math.max(0, ...firstOnSocket)),
    },
    over1s: latencies.filter((ms) => ms > 1000).length,
    openConnectionLatencyMs: {
      p50: Math.round(onOpenSocket.sort((a, b) => a - b)[Math.floor(onOpenSocket.length * 0.5)] ?? 0),
      p99: Math.round(onOpenSocket[Math.min(onOpenSocket.length - 1, Math.floor(onOpenSocket.length * 0.99))] ?? 0),
    },
    clientLoopDelayMs: {
      p99: Math.round(loopDelay.percentile(99) / 1e6),
      max: Math.round(loopDelay.max / 1e6),
    },
  };
}

/** Resident set size of a process in bytes (Linux /proc). */
export async function rssOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
  if (kb === undefined) throw new Error(`no VmRSS for ${pid}`);
  return Number(kb) * 1024;
}

/** Writes a report to test-artifacts/reliability/<name>.json and prints it. */
export async function report(name: string, data: unknown): Promise<void> {
  const dir = join(ROOT, 'test-artifacts', 'reliability');
  await mkdir(dir, { recursive: true });
  const text = JSON.stringify(
    { profile: FULL ? 'full' : 'short', at: new Date().toISOString(), ...(data as object) },
    null,
    2,
  );
  await writeFile(join(dir, `${name}.json`), `${text}\n`);
  console.log(`      ${name}: ${JSON.stringify(data)}`);
}
