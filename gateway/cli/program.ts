/**
 * The `clawbot` program. Each command lives in its own file and exports `registerXxxCommand(program, ctx)`;
 * add a new one to `COMMANDS` below.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { describeError } from '../../core/errors.js';
import { registerConfigCommand } from './config-command.js';
import { MARK, type CliContext } from './context.js';
import { registerDoctorCommand } from './doctor-command.js';
import { registerGatewayCommand } from './gateway-command.js';
import { registerOnboardCommand } from './onboard-command.js';
import { registerPairingCommand } from './pairing-command.js';
import { registerTokenCommand } from './token-command.js';
import { registerSimulateCommand } from './simulate-command.js';
import { registerModelsCommand } from '../../inference/hub/cli.js';
import { registerKbCommand } from './kb-command.js';
import { registerEvalCommand, registerTrainCommand } from '../../inference/eval/cli.js';
import { loadBotFolder } from '../../knowledge/bot-folder/index.js';
import { registerAgentsCommand } from './agents-command.js';
import { registerDeadletterCommand } from './deadletter-command.js';

/** Adds one command (with its subcommands) to the program. */
export type RegisterCommand = (program: Command, ctx: CliContext) => void;

/** Every command of `clawbot`, in help order. */
export const COMMANDS: readonly RegisterCommand[] = [
  registerGatewayCommand,
  registerOnboardCommand,
  registerConfigCommand,
  registerTokenCommand,
  registerPairingCommand,
  registerAgentsCommand,
  registerDeadletterCommand,
  registerDoctorCommand,
  registerSimulateCommand,
  (program, ctx) => registerModelsCommand(program, ctx),
  registerKbCommand,
  (program, ctx) => registerTrainCommand(program, ctx, { loadBot: loadBotFolder }),
  (program, ctx) => registerEvalCommand(program, ctx),
];

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** Builds the program; errors and exits are turned into exceptions so `runCli` decides the exit code. */
export function createProgram(ctx: CliContext, commands: readonly RegisterCommand[] = COMMANDS): Command {
  const program = new Command('clawbot')
    .description('Clawbot: a customer-service bot gateway for WeChat, DingTalk, Slack and REST')
    .version(packageVersion(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => ctx.print(text.trimEnd()),
      writeErr: (text) => ctx.printError(text.trimEnd()),
    });
  for (const register of commands) register(program, ctx);
  return program;
}

/**
 * Runs the CLI with `argv` (as in `process.argv`, so two leading entries) and resolves to the exit code.
 *
 * @example process.exitCode = await runCli(process.argv, createProcessContext());
 */
export async function runCli(
  argv: readonly string[],
  ctx: CliContext,
  commands?: readonly RegisterCommand[],
): Promise<number> {
  const program = createProgram(ctx, commands);
  try {
    await program.parseAsync([...argv]);
    return ctx.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    ctx.printError(`${MARK.fail} ${describeError(error)}`);
    return 1;
  }
}
