/** `clawbot config get|set`: read the effective configuration, edit config.yaml with validation. */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { parseDocument, stringify } from 'yaml';
import { BotError } from '../../core/errors.js';
import { getConfigValue, loadConfig, resolveConfigPath, setConfigValue } from '../config/index.js';
import { MARK, type CliContext } from './context.js';

interface GetFlags {
  readonly config?: string;
  readonly raw?: boolean;
  readonly json?: boolean;
}

interface SetFlags {
  readonly config?: string;
  readonly string?: boolean;
}

/** How a value is printed: scalars as they are, objects and lists as YAML (or JSON with `--json`). */
export function formatValue(value: unknown, json: boolean): string {
  if (json) return JSON.stringify(value, null, 2);
  if (typeof value === 'object' && value !== null) return stringify(value).trimEnd();
  return String(value);
}

async function readRaw(path: string): Promise<unknown> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT')
      throw new BotError('config.missing', `${path} does not exist; run \`clawbot onboard\``);
    throw error;
  });
  return parseDocument(text);
}

/** Registers `clawbot config get KEY` and `clawbot config set KEY VALUE`. */
export function registerConfigCommand(program: Command, ctx: CliContext): void {
  const config = program.command('config').description('read or change config.yaml');
  config
    .command('get')
    .description('print a value of the effective configuration (file + environment + defaults)')
    .argument('<key>', 'dotted key, e.g. gateway.port or auth.apiKeys.0.key')
    .option('-c, --config <path>', 'config file (default: $CLAWBOT_CONFIG or ./config.yaml)')
    .option('--raw', 'print what the file says, without defaults, ${ENV} or overrides')
    .option('--json', 'print JSON')
    .action(async (key: string, flags: GetFlags) => {
      const path = resolveConfigPath(flags.config, ctx.env, ctx.cwd);
      const source =
        flags.raw === true
          ? await readRaw(path)
          : await loadConfig({ path, env: ctx.env, cwd: ctx.cwd }).catch((error: unknown) => {
              if (error instanceof BotError && error.code === 'config.invalid') {
                throw new BotError('config.invalid', `${error.message}\n(use --raw to read the file as written)`, {
                  cause: error,
                });
              }
              throw error;
            });
      const value = getConfigValue(source, key);
      if (value === undefined) {
        throw new BotError('not_found', `${key} is not set${flags.raw === true ? ` in ${path}` : ''}`);
      }
      ctx.print(formatValue(value, flags.json === true));
    });
  config
    .command('set')
    .description('set a value in config.yaml (comments are kept); refused when the result is invalid')
    .argument('<key>', 'dotted key, e.g. inference.timeout')
    .argument('<value>', 'a YAML scalar: 60, 30m, true, "[a, b]"; quote to force a string')
    .option('-c, --config <path>', 'config file (default: $CLAWBOT_CONFIG or ./config.yaml; created when missing)')
    .option('--string', 'store the value as a string, never as a number or boolean')
    .action(async (key: string, value: string, flags: SetFlags) => {
      const path = resolveConfigPath(flags.config, ctx.env, ctx.cwd);
      const result = await setConfigValue(path, key, value, { env: ctx.env, asString: flags.string === true });
      const was = result.previous === undefined ? '' : ` (was ${formatValue(result.previous, true)})`;
      ctx.print(`${MARK.ok} ${key} = ${formatValue(result.value, true)}${was} in ${path}`);
      for (const problem of result.otherProblems) {
        ctx.printError(`${MARK.warn} ${problem.path}: ${problem.message} (already in the file)`);
      }
    });
}
