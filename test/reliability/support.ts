/**
 * Reliability suite support: the profile (full in `npm run test:reliability`, short in CI), autocannon runs with a
 * summary, signed WeChat pushes, RSS of a process, and reports written to test-artifacts/reliability/.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import autocannon from 'autocannon';
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
}

/** Runs autocannon against one request shape whose body is rebuilt for every request. */
export async function load(options: {
  readonly url: string;
  readonly target: string;
  readonly connections: number;
  readonly durationSec: number;
  readonly request: () => { path: string; body: string; headers: Record<string, string> };
  readonly timeoutSec?: number;
}): Promise<LoadSummary> {
  const first = options.request();
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationSec,
    timeout: options.timeoutSec ?? 30,
    requests: [
      {
        method: 'POST',
        path: first.path,
        headers: first.headers,
        body: first.body,
        setupRequest: (req) => {
          const next = options.request();
          return { ...req, path: next.path, body: next.body, headers: next.headers };
        },
      },
    ],
  });
  const codes: Record<string, number> = {};
  for (const [code, n] of Object.entries(result.statusCodeStats ?? {})) codes[code] = (n as { count: number }).count;
  return {
    target: options.target,
    connections: options.connections,
    durationSec: options.durationSec,
    requests: result.requests.total,
    rps: Math.round(result.requests.average),
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
    },
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    statusCodes: codes,
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
