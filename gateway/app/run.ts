import cluster from 'node:cluster';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { systemClock } from '../../core/clock.js';
import { BotError, describeError } from '../../core/errors.js';
import { createWorkerMetrics, runPrimary } from '../cluster/index.js';
import { createGatewayLogger, createRequestContext } from '../observability/index.js';
import { checkFreeMemory, checkNodeVersion, checkRedis, type CheckResult } from '../cli/checks.js';
import { loadConfigDetailed } from '../config/index.js';
import { developmentApiKey } from './dev-key.js';
import { buildGateway } from './gateway.js';
import { describeRedisTarget, redisTargetOf } from './redis-client.js';

export interface RunGatewayOptions {
  readonly configPath?: string;
  readonly port?: number;
  readonly verbose?: boolean;
  /** Where start-up lines go (default stdout). */
  readonly print?: (line: string) => void;
  readonly env?: Record<string, string | undefined>;
  /** Processes to run (`--workers N`; default `gateway.workers`); more than one needs `redis.url`. */
  readonly workers?: number;
}

const MARK: Record<CheckResult['status'], string> = { ok: '✔', warn: '!', fail: '✖' };

function packageVersion(): string {
  const file = path.resolve(import.meta.dirname, '../../package.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

/**
 * `clawbot gateway`: loads and validates config, prints start-up checks, builds and starts the gateway,
 * and shuts down gracefully on SIGTERM/SIGINT (stop accepting, finish in-flight requests, close stores).
 */
export async function runGateway(options: RunGatewayOptions = {}): Promise<void> {
  // Workers of `--workers N` stay quiet: the primary prints the start-up report once.
  const print = cluster.isWorker
    ? () => undefined
    : // eslint-disable-next-line no-console -- start-up report for the operator
      (options.print ?? ((line: string) => console.log(line)));
  const env = options.env ?? process.env;
  const started = performance.now();
  const loadedConfig = await loadConfigDetailed({
    path: options.configPath,
    env,
    ...(options.port === undefined ? {} : { overrides: { gateway: { port: options.port } } }),
  });
  const config = loadedConfig.config;
  const requestContext = createRequestContext();
  const rootLog = createGatewayLogger(config, {
    requestContext,
    ...(options.verbose === true ? { verbose: true } : {}),
  });
  const log = cluster.worker === undefined ? rootLog : rootLog.child({ worker: cluster.worker.id });
  const workers = options.workers ?? config.gateway.workers;
  const redisTarget = redisTargetOf(config);
  if (workers > 1 && redisTarget === undefined) {
    throw new BotError(
      'config.invalid',
      `--workers ${workers} needs redis.url or redis.cluster: workers share memory, dedupe, locks, rate limits and queues through Redis only (or run one worker)`,
    );
  }
  const version = packageVersion();
  print(
    `clawbot ${version} — ${config.mode} mode, config: ${loadedConfig.fileFound ? loadedConfig.path : 'none (embedded demo defaults)'}`,
  );
  const checks: CheckResult[] = [checkNodeVersion(), checkFreeMemory()];
  if (redisTarget !== undefined) checks.push(await checkRedis(redisTarget, 2000));
  for (const c of checks) print(`  ${MARK[c.status]} ${c.label}: ${c.detail}`);
  if (checks.some((c) => c.status === 'fail')) {
    throw new Error(
      `start-up checks failed: ${checks
        .filter((c) => c.status === 'fail')
        .map((c) => c.label)
        .join(', ')}`,
    );
  }

  const scheme = config.gateway.tls === undefined ? 'http' : 'https';
  if (workers > 1 && cluster.isPrimary) {
    const primary = runPrimary({ workers, shutdownTimeoutMs: config.gateway.shutdownTimeoutMs }, { log });
    await primary.ready;
    const { host, port } = config.gateway;
    const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
    print(
      `  ✔ ${workers} workers listening on ${scheme}://${shown}:${port} (ready in ${Math.round(performance.now() - started)} ms)`,
    );
    return;
  }
  const workerMetrics = cluster.isWorker
    ? createWorkerMetrics({
        send: (message) => process.send?.(message),
        on: (event, listener) => process.on(event, listener),
        off: (event, listener) => process.off(event, listener),
      })
    : undefined;

  const noCredentials = config.auth.apiKeys.length === 0 && config.auth.jwtSecret === undefined;
  const devKey =
    noCredentials && config.mode === 'development' ? await developmentApiKey(path.resolve('.cache')) : undefined;

  const gateway = await buildGateway(config, {
    log,
    clock: systemClock,
    version,
    ...(devKey === undefined ? {} : { extraApiKeys: [devKey] }),
    observability: {
      requestContext,
      ...(workerMetrics === undefined ? {} : { aggregate: (local) => workerMetrics.aggregate(local) }),
    },
  });
  workerMetrics?.serve(gateway.observability.metrics);
  const t = gateway.loaded.timings;
  print(
    `  ✔ bot: ${gateway.loaded.bot.name} from ${gateway.loaded.botDir} (${gateway.loaded.bot.intents.length} intents, ${gateway.loaded.bot.faq.length} FAQ) in ${Math.round(t['botLoadMs'] ?? 0)} ms`,
  );
  print(`  ✔ classifier: ${gateway.loaded.classifierName} built in ${Math.round(t['classifierBuildMs'] ?? 0)} ms`);
  if (gateway.intentModel !== undefined) {
    const rt = gateway.intentModel.runtime;
    print(`  ✔ inference: ONNX Runtime, providers ${rt.providers().join(', ')}`);
    for (const m of rt.models()) {
      print(
        `    model ${m.name} on ${m.provider}: loaded in ${Math.round(m.loadMs)} ms, ${(m.sizeBytes / 1024 / 1024).toFixed(1)} MB`,
      );
    }
    const gpu = await rt.gpuMemory();
    if (gpu !== undefined) print(`    GPU memory: ${gpu.usedMiB} / ${gpu.totalMiB} MiB`);
  }
  print(
    `  ✔ stores: ${gateway.stores.kind}${redisTarget === undefined ? '' : ` (${describeRedisTarget(redisTarget)})`}, memory ${config.memory.turns} turns / ${config.memory.ttl} s idle`,
  );
  print(
    `  ✔ channels: ${gateway.channels.map((c) => `${c.id}${c.webhook === undefined ? (c.httpHandler === undefined ? '' : ` ${c.httpHandler.path}`) : ` ${c.webhook.path}`}`).join(', ')}`,
  );

  const { host, port } = config.gateway;
  await gateway.listen(port, host);
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const url = `${scheme}://${shownHost}:${port}`;
  print(`  ✔ listening on ${url} (ready in ${Math.round(performance.now() - started)} ms)`);
  if (devKey !== undefined) {
    print('');
    print(`  Try it (development API key, kept in .cache/dev-api-key):`);
    print(
      `    curl -s ${url}/api/v1/chat -H 'Authorization: Bearer ${devKey}' -H 'Content-Type: application/json' -d '{"query":"退货怎么办"}'`,
    );
  }

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      log.error({ timeoutMs: config.gateway.shutdownTimeoutMs }, 'graceful shutdown timed out; exiting');
      process.exit(1);
    }, config.gateway.shutdownTimeoutMs);
    timer.unref();
    const finish = (code: number): void => {
      clearTimeout(timer);
      process.exitCode = code;
      // Exit once the last log lines are written; a cluster worker's IPC channel would keep it alive otherwise.
      rootLog.flush(() => {
        if (cluster.isWorker) process.disconnect();
        setTimeout(() => process.exit(code), 1000).unref();
      });
    };
    gateway
      .close()
      .then(() => {
        log.info('stopped');
        finish(0);
      })
      .catch((error: unknown) => {
        log.error({ err: describeError(error) }, 'shutdown failed');
        finish(1);
      });
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}
