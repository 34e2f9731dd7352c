/** `clawbot doctor`: checks the machine and the configuration, one ✔/⚠/✖ line each; exit 1 on any ✖. */
import type { Command } from 'commander';
import { describeError } from '../../core/errors.js';
import { redisTargetOf } from '../app/redis-client.js';
import { loadConfigDetailed, type LoadedConfig } from '../config/index.js';
import {
  checkBotFolder,
  checkFreeMemory,
  checkNodeVersion,
  checkPortFree,
  checkRedis,
  type CheckResult,
} from './checks.js';
import { MARK, type CliContext } from './context.js';

/** Runs every check for a config file path (or the default). */
export async function runDoctor(
  options: { readonly config?: string | undefined },
  ctx: CliContext,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [checkNodeVersion(), checkFreeMemory()];
  let loaded: LoadedConfig | undefined;
  try {
    loaded = await loadConfigDetailed({ path: options.config, env: ctx.env, cwd: ctx.cwd });
    const overrides = loaded.envOverrides.map((o) => o.variable);
    results.push({
      status: 'ok',
      label: 'config',
      detail:
        (loaded.fileFound ? `${loaded.path} is valid` : `no file at ${loaded.path}: defaults (embedded demo bot)`) +
        ` (mode ${loaded.config.mode})` +
        (overrides.length > 0 ? `; overridden by ${overrides.join(', ')}` : ''),
    });
    for (const name of loaded.ignoredEnv) {
      results.push({ status: 'warn', label: 'config', detail: `${name} matches no config key and is ignored` });
    }
  } catch (error) {
    results.push({ status: 'fail', label: 'config', detail: describeError(error) });
  }
  if (loaded !== undefined) {
    const { config } = loaded;
    const target = redisTargetOf(config);
    if (target !== undefined) results.push(await checkRedis(target));
    else results.push({ status: 'ok', label: 'Redis', detail: 'not configured: in-process memory, dedupe and locks' });
    results.push(await checkPortFree(config.gateway.host, config.gateway.port));
    results.push(await checkBotFolder(config.bot.path, ctx.cwd));
  }
  return results;
}

/** Registers `clawbot doctor [--config PATH]`. */
export function registerDoctorCommand(program: Command, ctx: CliContext): void {
  program
    .command('doctor')
    .description('check Node.js, memory, config, Redis, the port and the bot folder')
    .option('-c, --config <path>', 'config file (default: $CLAWBOT_CONFIG or ./config.yaml)')
    .action(async (flags: { config?: string }) => {
      const results = await runDoctor(flags, ctx);
      for (const result of results) {
        ctx.print(`${MARK[result.status]} ${result.label}: ${result.detail}`);
      }
      if (results.some((r) => r.status === 'fail')) ctx.exitCode = 1;
    });
}
