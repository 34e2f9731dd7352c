/**
 * Support for the access-control integration tests: gateways on chosen hosts, the pairing store of a gateway
 * opened from the outside (as `clawbot pairing` does), the `clawbot` binary as a child process, Express routes.
 */
import { execFile } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { systemClock } from '../../../core/clock.js';
import { silentLogger } from '../../../core/logger.js';
import { buildGateway } from '../../../gateway/app/gateway.js';
import {
  createPairingServiceFromConfig,
  createPairingStoreFromConfig,
  type PairingService,
} from '../../../gateway/auth/index.js';
import { parseConfig, type AppConfigInput } from '../../../gateway/config/index.js';
import type { TestGateway } from '../../helpers/gateway.js';

export const JWT_SECRET = 'access-tests-jwt-secret-0123456789-abcdefgh';

/** Starts a gateway from a config object on `host` (e.g. `::1`, `::`), with no extra key. */
export async function startGatewayOn(config: AppConfigInput, host: string): Promise<TestGateway> {
  const gateway = await buildGateway(parseConfig(config, 'access test config'), {
    log: silentLogger,
    clock: systemClock,
    version: '0.0.0-test',
  });
  const server = await gateway.listen(0, host);
  const { port } = server.address() as AddressInfo;
  const shown = host.includes(':') ? (host === '::' ? '127.0.0.1' : `[${host}]`) : host;
  let closing: Promise<void> | undefined;
  return { url: `http://${shown}:${port}`, key: '', gateway, close: () => (closing ??= gateway.close()) };
}

/** The pairing service over the store a gateway with `config` uses, opened separately (like the CLI). */
export function outsidePairing(config: AppConfigInput): { pairing: PairingService; close: () => Promise<void> } {
  const parsed = parseConfig(config, 'access test config');
  const store = createPairingStoreFromConfig(parsed, { clock: systemClock, cwd: process.cwd() });
  return { pairing: createPairingServiceFromConfig(parsed, { store, clock: systemClock }), close: () => store.close() };
}

/** Pairs and approves a client through the store; returns its credentials. */
export async function pairedClient(
  config: AppConfigInput,
  clientId: string,
  secret: string,
  grant: { scopes?: ('chat' | 'agent' | 'admin')[]; groups?: string[] } = {},
): Promise<{ clientId: string; secret: string }> {
  const { pairing, close } = outsidePairing(config);
  try {
    const { code } = await pairing.request({ clientId, secret });
    await pairing.approve(code, grant);
  } finally {
    await close();
  }
  return { clientId, secret };
}

const BIN = resolve(import.meta.dirname, '../../../bin/clawbot.js');

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node bin/clawbot.js ...args` in `cwd` with an environment free of CLAWBOT_* and REDIS_URL. */
export function clawbot(args: readonly string[], cwd: string): Promise<CliRun> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('CLAWBOT_') && name !== 'REDIS_URL'),
  );
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { cwd, env, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      done({ code, stdout, stderr });
    });
  });
}

/** An Express route: its path and methods (`_all` for `router.all`, `use` for a mounted handler). */
export interface RouteInfo {
  readonly path: string;
  readonly methods: readonly string[];
}

interface LayerLike {
  readonly name?: string;
  readonly rawPath?: string;
  readonly route?: { readonly path: string; readonly methods: Record<string, boolean> };
  readonly handle?: { readonly stack?: readonly LayerLike[] };
}

/**
 * Every endpoint registered on an Express 5 app: route layers (`get`, `post`, `all`) and handlers mounted with
 * `use` at a path that is not just a prefix of other routes (an SDK receiver such as Slack's).
 */
export function expressRoutes(app: unknown): RouteInfo[] {
  const routes: RouteInfo[] = [];
  const mounted: string[] = [];
  const walk = (stack: readonly LayerLike[]): void => {
    for (const layer of stack) {
      if (layer.route !== undefined) {
        routes.push({ path: layer.route.path, methods: Object.keys(layer.route.methods) });
      } else if (layer.handle?.stack !== undefined) {
        walk(layer.handle.stack);
      } else if (layer.rawPath !== undefined && layer.rawPath !== '/') {
        mounted.push(layer.rawPath);
      }
    }
  };
  walk((app as { router: { stack: readonly LayerLike[] } }).router.stack);
  for (const path of mounted) {
    const isPrefix = routes.some((r) => r.path.startsWith(`${path}/`));
    if (!isPrefix) routes.push({ path, methods: ['use'] });
  }
  return routes;
}
