/**
 * Gateway throughput: autocannon against `POST /api/v1/chat` of a real gateway started as a child process
 * in production mode (JSON logs at level warn), with in-process memory and with Redis memory.
 * Requests cycle through demo questions (Chinese and English) over many session ids, so memory, locks,
 * dedupe and follow-up resolution all do real work.
 *
 *   npm run bench:gateway                                   # 100 and 1000 connections, 20 s each, both stores
 *   npm run bench:gateway -- --duration 5 --connections 50 --stores in-process --out /tmp/g.json
 *   BENCH_CPU_PROF=1 npm run bench:gateway -- --duration 10 --connections 100 --stores in-process
 *
 * Flags (or env): --duration BENCH_DURATION (s, 20), --connections BENCH_CONNECTIONS ("100,1000"),
 * --warmup BENCH_WARMUP (s, 3), --sessions BENCH_SESSIONS (1000), --stores BENCH_STORES ("in-process,redis"),
 * --out BENCH_OUT (bench/results/gateway.json), --cpu-prof BENCH_CPU_PROF (profile the child, print hotspots).
 * Redis is skipped with a notice when REDIS_URL (default redis://127.0.0.1:6379) does not answer.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { cpus, freemem, loadavg, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import { deleteKeysUnder } from '../test/helpers/redis.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const QUESTIONS = [
  '退货怎么办',
  'where is my order',
  '怎么付款',
  'what are your opening hours',
  'how much is the Claw Phone 15?',
  'what about the black one?',
  '爪机15多少钱',
  '那黑色的呢？',
];

const { values: flags } = parseArgs({
  options: {
    duration: { type: 'string' },
    connections: { type: 'string' },
    warmup: { type: 'string' },
    sessions: { type: 'string' },
    stores: { type: 'string' },
    out: { type: 'string' },
    'cpu-prof': { type: 'boolean' },
  },
});
const env = process.env;
const settings = {
  durationSec: Number(flags.duration ?? env['BENCH_DURATION'] ?? 20),
  connections: (flags.connections ?? env['BENCH_CONNECTIONS'] ?? '100,1000').split(',').map(Number),
  warmupSec: Number(flags.warmup ?? env['BENCH_WARMUP'] ?? 3),
  sessions: Number(flags.sessions ?? env['BENCH_SESSIONS'] ?? 1000),
  stores: (flags.stores ?? env['BENCH_STORES'] ?? 'in-process,redis').split(',') as ('in-process' | 'redis')[],
  out: path.resolve(flags.out ?? env['BENCH_OUT'] ?? path.join(ROOT, 'bench/results/gateway.json')),
  cpuProf: flags['cpu-prof'] === true || env['BENCH_CPU_PROF'] === '1',
};

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function redisReachable(): Promise<boolean> {
  const client = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 1000, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

interface Child {
  readonly url: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `clawbot gateway --config <file>` in its own node process and waits for /api/v1/health. */
async function startChild(config: string, dir: string, profDir: string | undefined): Promise<Child> {
  const port = await freePort(); // a race with other processes is possible but harmless: startup then fails loudly
  const file = path.join(dir, 'config.yaml');
  writeFileSync(file, config.replace('PORT', String(port)));
  const args = [
    ...(profDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profDir}`]),
    '--import',
    'tsx',
    path.join(ROOT, 'gateway/main.ts'),
    'gateway',
    '--config',
    file,
  ];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...env } });
  let out = '';
  const keep = (chunk: Buffer): void => {
    out = (out + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`gateway exited with ${child.exitCode}:\n${out}`);
    const ok = await fetch(`${url}/api/v1/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`gateway did not answer /api/v1/health within 60 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    process: child,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The figures kept from one autocannon run. */
function toRunResult(store: string, connections: number, r: autocannon.Result, pid: number | undefined, cpu: Cpu) {
  const { p50, p90, p99, max, mean } = r.latency;
  const codes = Object.entries(r.statusCodeStats ?? {}) as [string, { count?: number }][];
  return {
    store,
    connections,
    durationSec: settings.durationSec,
    rps: Math.round(r.requests.total / r.duration),
    requests: r.requests.total,
    latencyMs: { p50, p90, p99, max, mean },
    errors: r.errors,
    timeouts: r.timeouts,
    non2xx: r.non2xx,
    statusCodes: Object.fromEntries(codes.map(([code, c]) => [code, c.count ?? 0])),
    gatewayRssMiB: rssMiB(pid),
    /** CPU used during the run, in % of one core: the gateway (child) and autocannon (this process). */
    cpuPct: cpu,
    /** Throughput per core the gateway actually got: comparable across machine load (the figure to watch). */
    rpsPerGatewayCore:
      cpu.gateway === undefined || cpu.gateway === 0
        ? undefined
        : Math.round(r.requests.total / r.duration / (cpu.gateway / 100)),
  };
}

interface Cpu {
  gateway: number | undefined;
  client: number;
}

/** CPU seconds (user + system) of a process from /proc (undefined off Linux). */
function cpuSeconds(pid: number | undefined): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in USER_HZ (100 on Linux)
  } catch {
    return undefined;
  }
}

/** Runs `work` and measures the CPU the gateway and this process used meanwhile. */
async function measured<T>(pid: number | undefined, work: () => Promise<T>): Promise<[T, Cpu]> {
  const gw0 = cpuSeconds(pid);
  const self0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await work();
  const wall = (performance.now() - t0) / 1000;
  const gw1 = cpuSeconds(pid);
  const self = process.cpuUsage(self0);
  const pct = (sec: number) => Math.round((100 * sec) / wall);
  return [
    result,
    {
      gateway: gw0 === undefined || gw1 === undefined ? undefined : pct(gw1 - gw0),
      client: pct((self.user + self.system) / 1e6),
    },
  ];
}

function rssMiB(pid: number | undefined): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+)/.exec(status)?.[1];
    return kb === undefined ? undefined : Math.round(Number(kb) / 1024);
  } catch {
    return undefined;
  }
}

/** One autocannon run; request k goes to session k mod `sessions` with the next question of that session. */
async function load(url: string, key: string, connections: number, durationSec: number, runId: string) {
  let k = 0;
  const bodies = Array.from({ length: settings.sessions * QUESTIONS.length }, (_, i) =>
    JSON.stringify({
      query: QUESTIONS[Math.floor(i / settings.sessions) % QUESTIONS.length],
      session_id: `bench-${runId}-${i % settings.sessions}`,
    }),
  );
  return autocannon({
    url,
    connections,
    duration: durationSec,
    timeout: 10,
    requests: [
      {
        method: 'POST',
        path: '/api/v1/chat',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        setupRequest: (req) => ({ ...req, body: bodies[k++ % bodies.length] }),
      },
    ],
  });
}

/** Top self-time functions of a .cpuprofile, as "pct% name (file:line)". */
function hotspots(file: string, top = 20): string[] {
  interface Node {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    hitCount?: number;
  }
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Node[]; samples: number[] };
  const byNode = new Map<number, number>();
  for (const id of profile.samples) byNode.set(id, (byNode.get(id) ?? 0) + 1);
  const bySite = new Map<string, number>();
  for (const node of profile.nodes) {
    const hits = byNode.get(node.id) ?? 0;
    if (hits === 0) continue;
    const f = node.callFrame;
    const where = f.url === '' ? '' : ` (${f.url.replace(`file://${ROOT}/`, '')}:${f.lineNumber + 1})`;
    const site = `${f.functionName || '(anonymous)'}${where}`;
    bySite.set(site, (bySite.get(site) ?? 0) + hits);
  }
  const total = profile.samples.length;
  return [...bySite.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([site, hits]) => `${((100 * hits) / total).toFixed(1).padStart(5)}%  ${site}`);
}

function configYaml(store: string, key: string, keyPrefix: string): string {
  const redis = store === 'redis' ? `redis:\n  url: ${REDIS_URL}\n  keyPrefix: ${keyPrefix}\n` : '';
  return `mode: production\ngateway:\n  host: 127.0.0.1\n  port: PORT\nauth:\n  apiKeys:\n    - ${key}\nlog:\n  level: warn\n# throughput of the chat path itself: the per-user flood limit (20/min by default) would answer 429s\nlimits:\n  perUser: 0\n  maxConcurrentTurns: 4096\n${redis}`;
}

type Run = ReturnType<typeof toRunResult>;

/** Starts a gateway with `store` memory, warms it up, runs every connection count; returns the runs and hotspots. */
async function benchStore(store: 'in-process' | 'redis', key: string): Promise<{ runs: Run[]; hotspots?: string[] }> {
  const keyPrefix = `clawbot-bench-${process.pid}-${randomBytes(4).toString('hex')}`;
  const dir = mkdtempSync(path.join(tmpdir(), 'clawbot-bench-'));
  const profDir = settings.cpuProf ? path.join(dir, 'prof') : undefined;
  const child = await startChild(configYaml(store, key, keyPrefix), dir, profDir);
  const runs: Run[] = [];
  try {
    const probe = await fetch(`${child.url}/api/v1/chat`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '退货怎么办' }),
    });
    if (probe.status !== 200) throw new Error(`probe request answered ${probe.status}: ${await probe.text()}`);
    if (settings.warmupSec > 0) await load(child.url, key, 50, settings.warmupSec, `${keyPrefix}-warm`);
    for (const connections of settings.connections) {
      const [r, cpu] = await measured(child.process.pid, () =>
        load(child.url, key, connections, settings.durationSec, `${keyPrefix}-${connections}`),
      );
      const run = toRunResult(store, connections, r, child.process.pid, cpu);
      runs.push(run);
      const { p50, p99 } = run.latencyMs;
      console.log(
        `${store.padEnd(10)} ${String(connections).padStart(5)} conns: ${String(run.rps).padStart(6)} req/s  p50 ${p50} ms  p99 ${p99} ms  errors ${run.errors}  timeouts ${run.timeouts}  non-2xx ${run.non2xx}  cpu gateway ${cpu.gateway ?? '?'}% client ${cpu.client}%`,
      );
    }
  } finally {
    await child.stop();
    if (store === 'redis') {
      const redis = new Redis(REDIS_URL, { lazyConnect: true, retryStrategy: () => null });
      await redis.connect();
      await deleteKeysUnder(redis, keyPrefix);
      redis.disconnect();
    }
  }
  let top: string[] | undefined;
  if (profDir !== undefined) {
    // The main thread's profile is the biggest (the others are tsx's loader worker).
    const main = readdirSync(profDir)
      .filter((n) => n.endsWith('.cpuprofile'))
      .map((n) => path.join(profDir, n))
      .sort((x, y) => statSync(y).size - statSync(x).size)[0];
    if (main !== undefined) {
      const kept = path.join(tmpdir(), `clawbot-gateway-${store}-${path.basename(main)}`);
      copyFileSync(main, kept);
      top = hotspots(kept);
      console.log(`\nCPU profile of the ${store} gateway: ${kept}\nTop self time:\n${top.join('\n')}\n`);
    }
  }
  rmSync(dir, { recursive: true, force: true });
  return top === undefined ? { runs } : { runs, hotspots: top };
}

async function main(): Promise<void> {
  const key = `bench-${randomBytes(16).toString('hex')}`;
  const runs: Run[] = [];
  const skipped: string[] = [];
  const profiles: Record<string, string[]> = {};
  const date = new Date().toISOString();
  const loadavgBefore = loadavg().map((l) => Number(l.toFixed(2)));
  for (const store of settings.stores) {
    if (store === 'redis' && !(await redisReachable())) {
      console.warn(`Redis not reachable at ${REDIS_URL}; skipping the Redis runs`);
      skipped.push('redis (unreachable)');
      continue;
    }
    const result = await benchStore(store, key);
    runs.push(...result.runs);
    if (result.hotspots !== undefined) profiles[store] = result.hotspots;
  }

  const at100 = runs.find((r) => r.store === 'in-process' && r.connections === 100);
  const at1000 = runs.filter((r) => r.connections === 1000);
  const targets = {
    definition: '>= 2000 req/s and p99 <= 50 ms at 100 connections in-process; zero errors at 1000',
    inProcess100: at100 && {
      rps: at100.rps,
      p99Ms: at100.latencyMs.p99,
      met: at100.rps >= 2000 && at100.latencyMs.p99 <= 50 && at100.errors + at100.timeouts + at100.non2xx === 0,
    },
    zeroErrorsAt1000:
      at1000.length === 0 ? undefined : { met: at1000.every((r) => r.errors + r.timeouts + r.non2xx === 0) },
  };
  const machine = {
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cpus: cpus().length,
    totalMemMiB: Math.round(totalmem() / 2 ** 20),
    freeMemMiB: Math.round(freemem() / 2 ** 20),
    loadavgBefore,
    loadavgAfter: loadavg().map((l) => Number(l.toFixed(2))),
  };
  const setup = {
    client: 'autocannon 9 in the parent process, same machine',
    gateway: 'child process `clawbot gateway --config`, mode production, log.level warn, demo bot, lexical classifier',
    request: 'POST /api/v1/chat',
    questions: QUESTIONS,
    sessions: settings.sessions,
    warmupSec: settings.warmupSec,
  };
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  const report = { benchmark: 'gateway', date, commit, machine, setup, targets, runs, skipped, hotspots: profiles };
  mkdirSync(path.dirname(settings.out), { recursive: true });
  writeFileSync(settings.out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nloadavg before ${machine.loadavgBefore.join(' ')}, after ${machine.loadavgAfter.join(' ')}`);
  console.log(`targets: ${JSON.stringify(targets)}`);
  console.log(`saved ${path.relative(process.cwd(), settings.out)}`);
}

await main();
