/**
 * A private Redis Cluster for tests: three `redis-server` masters (no replicas) on free loopback ports in 7000-7999,
 * each in its own temporary folder with persistence off, joined by `redis-cli --cluster create`.
 *
 *   const cluster = useRedisCluster();          // in a describe: starts in before(), stops in after()
 *   ... cluster.nodes, cluster.client, cluster.prefix ...
 *
 * When `redis-server` or `redis-cli` is missing the suite is skipped with one printed notice. The processes are
 * killed in the after() hook, when starting fails half-way, and when the test process exits.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster, Redis } from 'ioredis';
import { fastForwardKeys, keysUnder, uniquePrefix } from './redis.js';

const HOST = '127.0.0.1';
const NODE_COUNT = 3;
const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 3_000;
const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** `redis-server` / `redis-cli` to use: REDIS_SERVER / REDIS_CLI, else /usr/bin/..., else whatever PATH finds. */
function binary(name: 'redis-server' | 'redis-cli'): string | undefined {
  const env = process.env[name === 'redis-server' ? 'REDIS_SERVER' : 'REDIS_CLI'];
  for (const candidate of [env, `/usr/bin/${name}`, name]) {
    if (candidate === undefined || candidate === '') continue;
    if (spawnSync(candidate, ['--version'], { stdio: 'ignore' }).status === 0) return candidate;
  }
  return undefined;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** True when nothing listens on HOST:port. */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, HOST, () => server.close(() => resolve(true)));
  });
}

/** `count` ports in 7000-7999 whose cluster bus ports (+10000) are free too. */
async function freePorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  for (let tries = 0; ports.length < count && tries < 500; tries++) {
    const port = 7000 + Math.floor(Math.random() * 1000);
    if (ports.includes(port)) continue;
    if ((await portFree(port)) && (await portFree(port + 10_000))) ports.push(port);
  }
  if (ports.length < count) throw new Error('no free ports in 7000-7999 for a test Redis Cluster');
  return ports;
}

/** A running test cluster. */
interface RedisClusterHandle {
  /** `redis://127.0.0.1:<port>` of every master. */
  readonly nodes: readonly string[];
  /** Kills every process and removes the folders (idempotent). */
  stop(): Promise<void>;
}

interface Node {
  readonly port: number;
  readonly dir: string;
  readonly proc: ChildProcess;
  log: string;
}

function spawnNode(server: string, port: number): Node {
  const dir = mkdtempSync(join(tmpdir(), `clawbot-cluster-${port}-`));
  // prettier-ignore
  const args = [
    '--port', String(port), '--bind', HOST, '--protected-mode', 'no', '--dir', dir,
    '--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '5000',
    '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--loglevel', 'warning',
  ];
  const proc = spawn(server, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const node: Node = { port, dir, proc, log: '' };
  const keep = (chunk: Buffer): void => {
    node.log = (node.log + chunk.toString()).slice(-4000);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  proc.on('error', (error) => keep(Buffer.from(String(error))));
  return node;
}

const alive = (node: Node): boolean => node.proc.exitCode === null && node.proc.signalCode === null;

/** Sends one command to one node (no cluster routing); undefined when it does not answer. */
async function ask(port: number, ...command: [string, ...string[]]): Promise<string | undefined> {
  const client = new Redis({
    host: HOST,
    port,
    lazyConnect: true,
    connectTimeout: 300,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return String(await client.call(...command));
  } catch {
    return undefined;
  } finally {
    client.disconnect();
  }
}

async function waitFor(what: string, nodes: readonly Node[], check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const dead = nodes.find((n) => !alive(n));
    if (dead !== undefined) throw new Error(`redis-server on ${dead.port} exited: ${dead.log}`);
    if (await check()) return;
    await sleep(50);
  }
  throw new Error(`test Redis Cluster: timed out waiting for ${what}`);
}

function runCli(cli: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const proc = spawn(cli, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout.on('data', (c: Buffer) => (out += c.toString()));
    proc.stderr.on('data', (c: Buffer) => (out += c.toString()));
    proc.once('error', reject);
    proc.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`redis-cli --cluster create failed (${code}):\n${out}`)),
    );
  });
}

async function killAll(nodes: readonly Node[]): Promise<void> {
  await Promise.all(
    nodes.map(async (node) => {
      if (alive(node)) {
        let timer: NodeJS.Timeout | undefined;
        const exited = new Promise((resolve) => node.proc.once('exit', resolve));
        node.proc.kill('SIGKILL');
        await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, STOP_TIMEOUT_MS)))]);
        clearTimeout(timer);
      }
      rmSync(node.dir, { recursive: true, force: true });
    }),
  );
}

/** Starts a 3-master cluster; rejects (leaving nothing behind) when it cannot. */
async function startRedisCluster(bins: { server: string; cli: string }): Promise<RedisClusterHandle> {
  const nodes: Node[] = [];
  // A test process that ends without running after() hooks (mocha --exit, a crash, Ctrl-C, kill) still kills its
  // servers: on exit, and on a terminating signal, which is then re-raised unless someone else handles it.
  const onExit = (): void => {
    for (const node of nodes) if (alive(node)) node.proc.kill('SIGKILL');
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    onExit();
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  process.once('exit', onExit);
  for (const signal of SIGNALS) process.once(signal, onSignal);
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= killAll(nodes).finally(() => {
      process.removeListener('exit', onExit);
      for (const signal of SIGNALS) process.removeListener(signal, onSignal);
    }));
  try {
    for (const port of await freePorts(NODE_COUNT)) nodes.push(spawnNode(bins.server, port));
    await waitFor('the servers to answer PING', nodes, async () =>
      (await Promise.all(nodes.map((n) => ask(n.port, 'PING')))).every((r) => r === 'PONG'),
    );
    await runCli(bins.cli, [
      '--cluster',
      'create',
      ...nodes.map((n) => `${HOST}:${n.port}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    await waitFor('cluster_state:ok', nodes, async () =>
      (await Promise.all(nodes.map((n) => ask(n.port, 'CLUSTER', 'INFO')))).every(
        (info) => info?.includes('cluster_state:ok') === true,
      ),
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { nodes: nodes.map((n) => `redis://${HOST}:${n.port}`), stop };
}

/** A Cluster client for tests: fails fast, no reconnect loop after the cluster is stopped. */
function newClusterClient(nodes: readonly string[]): Cluster {
  const client = new Cluster(
    nodes.map((url) => {
      const { hostname, port } = new URL(url);
      return { host: hostname, port: Number(port) };
    }),
    {
      lazyConnect: true,
      enableOfflineQueue: true,
      clusterRetryStrategy: () => null,
      redisOptions: { connectTimeout: 1000, maxRetriesPerRequest: 1 },
    },
  );
  client.on('error', () => undefined);
  return client;
}

/** Every key starting with `prefix` on every master (SCAN per node). */
export async function clusterKeysUnder(client: Cluster, prefix: string): Promise<string[]> {
  const found = new Set<string>();
  for (const node of client.nodes('master')) for (const key of await keysUnder(node, prefix)) found.add(key);
  return [...found];
}

/** Simulates `ms` passing for every key under `prefix` (shortens TTLs; see `fastForward` in redis.ts). */
export async function clusterFastForward(client: Cluster, prefix: string, ms: number): Promise<void> {
  await fastForwardKeys(client, await clusterKeysUnder(client, prefix), ms);
}

/** What `useRedisCluster()` gives a describe. Read the fields inside tests and hooks, after before() ran. */
export interface RedisClusterFixture {
  readonly nodes: readonly string[];
  /** A connected Cluster client owned by the fixture. */
  readonly client: Cluster;
  /** This run's key prefix (no braces). */
  readonly prefix: string;
  /** Another connected Cluster client (a second "replica"), closed by the fixture. */
  extraClient(): Promise<Cluster>;
}

/**
 * Registers before/after hooks in the current describe: start a private cluster (or skip with a notice), and
 * afterwards close every client and kill the servers (also when a test or hook failed).
 */
export function useRedisCluster(label = 'cluster'): RedisClusterFixture {
  let handle: RedisClusterHandle | undefined;
  const clients: Cluster[] = [];
  const prefix = uniquePrefix(label);
  const connected = async (): Promise<Cluster> => {
    if (handle === undefined) throw new Error('useRedisCluster: used before the before() hook ran');
    const client = newClusterClient(handle.nodes);
    clients.push(client);
    await client.connect();
    return client;
  };
  before(async function () {
    this.timeout(START_TIMEOUT_MS + 10_000);
    const server = binary('redis-server');
    const cli = binary('redis-cli');
    if (server === undefined || cli === undefined) {
      console.warn('redis-server / redis-cli not found; skipping the Redis Cluster tests');
      this.skip();
    }
    handle = await startRedisCluster({ server, cli });
    await connected();
  });
  after(async function () {
    this.timeout(STOP_TIMEOUT_MS * 3);
    for (const client of clients.splice(0)) client.disconnect();
    await handle?.stop();
  });
  const need = (): RedisClusterHandle => {
    if (handle === undefined) throw new Error('useRedisCluster: used before the before() hook ran');
    return handle;
  };
  return {
    get nodes() {
      return need().nodes;
    },
    get client() {
      const first = clients[0];
      if (first === undefined) throw new Error('useRedisCluster: used before the before() hook ran');
      return first;
    },
    prefix,
    extraClient: connected,
  };
}
