/**
 * `clawbot onboard`: writes a commented config.yaml, interactively (@inquirer/prompts) or from flags with `--yes`.
 */
import { access, mkdir, writeFile, chmod } from 'node:fs/promises';
import { dirname, relative } from 'node:path';
import { Option, type Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { BotError } from '../../core/errors.js';
import { channelSchemas, CONFIGURABLE_CHANNELS, type ConfigurableChannel } from '../config/channels.js';
import { childSchema } from '../config/schema-walk.js';
import { checkConfigDocument, configError, resolveConfigPath } from '../config/index.js';
import { MARK, type CliContext } from './context.js';
import {
  CHANNEL_FIELDS,
  CHANNEL_PATHS,
  defaultChannelOptions,
  envReference,
  generateApiKey,
  generateJwtSecret,
  referencedEnv,
  renderOnboardConfig,
  type AuthType,
  type ChannelField,
  type Mode,
  type OnboardAnswers,
} from './onboard-config.js';
import { createInquirerPrompter, type Prompter, type Validate } from './prompter.js';

export interface OnboardFlags {
  readonly mode?: Mode;
  readonly authType?: AuthType;
  readonly channel?: ConfigurableChannel[];
  readonly yes?: boolean;
  readonly config?: string;
  readonly force?: boolean;
}

const MODES: readonly Mode[] = ['development', 'production'];
const AUTH_TYPES: readonly AuthType[] = ['api-key', 'jwt', 'oauth2'];

/** Checks a typed answer against the channel's own schema for that key, so mistakes are caught at the prompt. */
export function channelFieldValidator(channel: ConfigurableChannel, field: ChannelField): Validate {
  const schema = childSchema(channelSchemas[channel], field.key);
  return (value) => {
    const answer = value.trim();
    if (answer === '') {
      return field.optional === true || field.env !== undefined ? true : `${field.key} is required`;
    }
    const parsed = schema?.safeParse(answer);
    return parsed === undefined || parsed.success ? true : (parsed.error.issues[0]?.message ?? 'invalid value');
  };
}

async function askField(
  channel: ConfigurableChannel,
  field: ChannelField,
  prompter: Prompter,
): Promise<string | boolean | undefined> {
  switch (field.kind) {
    case 'confirm':
      return prompter.confirm(field.message, field.default === true);
    case 'select':
      return prompter.select(
        field.message,
        (field.choices ?? []).map((c) => ({ value: c, name: c })),
        typeof field.default === 'string' ? field.default : undefined,
      );
    case 'text':
    case 'secret': {
      const hint = field.env === undefined ? '' : ` (empty: read ${envReference(field.env)} from the environment)`;
      const validate = channelFieldValidator(channel, field);
      const message = `${field.message}${hint}`;
      const answer = (
        field.kind === 'secret'
          ? await prompter.password(message, { validate })
          : await prompter.input(message, { validate })
      ).trim();
      if (answer !== '') return answer;
      if (field.optional === true) return undefined;
      return field.env === undefined ? undefined : envReference(field.env);
    }
  }
}

async function askChannel(channel: ConfigurableChannel, prompter: Prompter): Promise<Record<string, string | boolean>> {
  const options: Record<string, string | boolean> = {};
  for (const field of CHANNEL_FIELDS[channel]) {
    const value = await askField(channel, field, prompter);
    if (value !== undefined) options[field.key] = value;
  }
  return options;
}

/** Decides every answer from flags, asking `prompter` for what the flags leave open (unless `--yes`). */
export async function collectAnswers(flags: OnboardFlags, prompter: Prompter | undefined): Promise<OnboardAnswers> {
  const ask = flags.yes === true ? undefined : prompter;
  const mode =
    flags.mode ??
    ((await ask?.select(
      'Mode',
      [
        { value: 'development', name: 'development (readable logs, demo-friendly)' },
        { value: 'production', name: 'production (JSON logs, credentials required)' },
      ],
      'development',
    )) as Mode | undefined) ??
    'development';
  const authType =
    flags.authType ??
    ((await ask?.select(
      'How do REST clients authenticate?',
      [
        { value: 'api-key', name: 'api-key: static keys in config.yaml or CLAWBOT_API_KEYS' },
        { value: 'jwt', name: 'jwt: short-lived tokens from `clawbot token generate`' },
        { value: 'oauth2', name: 'oauth2: HS256 bearer tokens from your authorization server' },
      ],
      'api-key',
    )) as AuthType | undefined) ??
    'api-key';
  const channels =
    flags.channel ??
    ((await ask?.checkbox(
      'Chat channels to connect (space to select)',
      CONFIGURABLE_CHANNELS.map((c) => ({ value: c, name: c })),
    )) as ConfigurableChannel[] | undefined) ??
    [];
  const channelOptions: Partial<Record<ConfigurableChannel, Record<string, string | boolean>>> = {};
  for (const channel of [...new Set(channels)]) {
    channelOptions[channel] = ask === undefined ? defaultChannelOptions(channel) : await askChannel(channel, ask);
  }
  return { mode, authType, apiKey: generateApiKey(), jwtSecret: generateJwtSecret(), channels: channelOptions };
}

function nextSteps(answers: OnboardAnswers, path: string, ctx: CliContext): string[] {
  const shown = relative(ctx.cwd, path) || path;
  const configFlag = shown === 'config.yaml' ? '' : ` --config ${shown}`;
  const lines = ['', 'Next steps:'];
  const env = referencedEnv(answers);
  let step = 1;
  if (env.length > 0) {
    lines.push(`  ${step++}. Export the environment variables the config refers to:`);
    for (const name of env) lines.push(`       export ${name}=...`);
  }
  lines.push(`  ${step++}. Check the setup:    clawbot doctor${configFlag}`);
  lines.push(`  ${step++}. Start the gateway:  clawbot gateway${configFlag}`);
  lines.push(
    `  ${step++}. Ask the bot:        curl -s http://127.0.0.1:18789/api/v1/chat -H 'content-type: application/json' \\`,
    `       -H "Authorization: Bearer $(clawbot config get auth.apiKeys.0 --raw${configFlag})" -d '{"query":"hello"}'`,
  );
  if (answers.authType !== 'api-key') {
    lines.push(`  ${step}. Issue a JWT:        clawbot token generate --expiry 3600 --scope chat${configFlag}`);
  }
  for (const channel of Object.keys(answers.channels) as ConfigurableChannel[]) {
    lines.push(`     ${channel}: point the platform's callback URL at https://<your host>${CHANNEL_PATHS[channel]}`);
  }
  return lines;
}

/** Runs onboarding: decides answers, writes the file (mode 600) and prints the next steps. */
export async function runOnboard(flags: OnboardFlags, ctx: CliContext, prompter?: Prompter): Promise<string> {
  if (flags.yes !== true && !ctx.interactive && prompter === undefined) {
    throw new BotError(
      'request.invalid',
      'clawbot onboard asks questions, but stdin is not a terminal. Run it non-interactively with --yes ' +
        '(plus --mode, --auth-type and --channel as needed), e.g. `clawbot onboard --yes --mode production --channel slack`',
    );
  }
  const ask = flags.yes === true ? undefined : (prompter ?? createInquirerPrompter());
  const path = resolveConfigPath(flags.config, ctx.env, ctx.cwd);
  const exists = await access(path).then(
    () => true,
    () => false,
  );
  if (exists && flags.force !== true) {
    const overwrite = ask === undefined ? false : await ask.confirm(`${path} exists. Overwrite it?`, false);
    if (!overwrite) {
      throw new BotError('request.invalid', `${path} already exists; pass --force to overwrite it`);
    }
  }
  const answers = await collectAnswers(flags, ask);
  const text = renderOnboardConfig(answers, new Date());
  const problems = checkConfigDocument(parseYaml(text), {});
  if (problems.length > 0) throw configError(`the generated ${path}`, problems);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text, { mode: 0o600 });
  await chmod(path, 0o600);
  const channels = Object.keys(answers.channels);
  ctx.print(
    `${MARK.ok} Wrote ${path} (mode ${answers.mode}, auth ${answers.authType}, channels: ${channels.join(', ') || 'none'})`,
  );
  ctx.print('  A new API key and JWT secret were generated and stored in it.');
  for (const line of nextSteps(answers, path, ctx)) ctx.print(line);
  return path;
}

/** Registers `clawbot onboard`. */
export function registerOnboardCommand(program: Command, ctx: CliContext): void {
  program
    .command('onboard')
    .description('create config.yaml: a wizard, or non-interactive with --yes and flags')
    .addOption(new Option('--mode <mode>', 'development or production').choices(MODES))
    .addOption(new Option('--auth-type <type>', 'how REST clients authenticate').choices(AUTH_TYPES))
    .addOption(new Option('--channel <name...>', 'connect a chat channel (repeatable)').choices(CONFIGURABLE_CHANNELS))
    .option('-y, --yes', 'accept defaults without asking; channel secrets become ${ENV} references')
    .option('-c, --config <path>', 'where to write (default: $CLAWBOT_CONFIG or ./config.yaml)')
    .option('-f, --force', 'overwrite an existing file')
    .action(async (flags: OnboardFlags) => {
      await runOnboard(flags, ctx);
    });
}
