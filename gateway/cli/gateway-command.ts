/** `clawbot gateway`: runs the gateway, or probes a running one with `--health-check PATH`. */
import { access } from 'node:fs/promises';
import { InvalidArgumentError, type Command } from 'commander';
import { BotError } from '../../core/errors.js';
import { loadConfig, resolveConfigPath } from '../config/index.js';
import { MARK, type CliContext } from './context.js';
import { probeHealth } from './health-check.js';
import { parsePort } from './parse-options.js';

/** `--workers N`: 1..256 processes. */
export function parseWorkers(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 256) throw new InvalidArgumentError('expected a number of workers, 1-256');
  return n;
}

interface GatewayFlags {
  readonly port?: number;
  readonly config?: string;
  readonly verbose?: boolean;
  readonly healthCheck?: string;
  readonly workers?: number;
}

async function healthCheck(flags: GatewayFlags & { healthCheck: string }, ctx: CliContext): Promise<void> {
  let host = '127.0.0.1';
  let port = flags.port;
  if (port === undefined) {
    const config = await loadConfig({ path: flags.config, env: ctx.env, cwd: ctx.cwd });
    host = config.gateway.host;
    port = config.gateway.port;
  }
  const result = await probeHealth({ host, port, path: flags.healthCheck });
  if (result.ok) {
    ctx.print(`${MARK.ok} ${result.url} ${result.status ?? ''} ${result.detail}`.trim());
  } else {
    ctx.printError(`${MARK.fail} ${result.url} ${result.status ?? 'unreachable'} ${result.detail}`.trim());
    ctx.exitCode = 1;
  }
}

/** Registers `clawbot gateway [--port N] [--config PATH] [--verbose] [--workers N] [--health-check PATH]`. */
export function registerGatewayCommand(program: Command, ctx: CliContext): void {
  program
    .command('gateway')
    .description('start the gateway (HTTP API and channel webhooks); with no config it serves the demo bot')
    .option('-p, --port <port>', 'listen on this port (overrides gateway.port)', parsePort)
    .option('-c, --config <path>', 'config file (default: $CLAWBOT_CONFIG or ./config.yaml)')
    .option('-v, --verbose', 'debug logging')
    .option('-w, --workers <n>', 'run N processes on this host (node:cluster; N > 1 needs redis.url)', parseWorkers)
    .option('--health-check <path>', 'probe http://127.0.0.1:<port><path> of a running gateway; exit 0 when 2xx')
    .action(async (flags: GatewayFlags) => {
      if (flags.healthCheck !== undefined) {
        await healthCheck({ ...flags, healthCheck: flags.healthCheck }, ctx);
        return;
      }
      if (flags.config !== undefined) {
        const path = resolveConfigPath(flags.config, ctx.env, ctx.cwd);
        await access(path).catch(() => {
          throw new BotError('config.missing', `config file ${path} not found; create one with \`clawbot onboard\``);
        });
      }
      // Imported here so that other commands start without loading the server and models.
      const { runGateway } = await import('../app/run.js');
      await runGateway({
        ...(flags.config === undefined ? {} : { configPath: resolveConfigPath(flags.config, ctx.env, ctx.cwd) }),
        ...(flags.port === undefined ? {} : { port: flags.port }),
        ...(flags.verbose === true ? { verbose: true } : {}),
        ...(flags.workers === undefined ? {} : { workers: flags.workers }),
      });
    });
}
