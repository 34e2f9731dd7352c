/** `clawbot token generate`: prints a JWT signed with auth.jwtSecret; `clawbot token hash`: an API key's keyHash. */
import type { Command } from 'commander';
import { systemClock } from '../../core/clock.js';
import { BotError } from '../../core/errors.js';
import { hashApiKey } from '../auth/api-keys.js';
import { generateToken } from '../auth/jwt.js';
import { loadConfig } from '../config/index.js';
import type { CliContext } from './context.js';
import { parseSeconds } from './parse-options.js';

interface TokenFlags {
  readonly expiry: number;
  readonly scope: string;
  readonly subject?: string;
  readonly group?: string[];
  readonly config?: string;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** Registers `clawbot token generate --expiry SECONDS --scope SCOPE [--subject S] [--config PATH]`. */
export function registerTokenCommand(program: Command, ctx: CliContext): void {
  const token = program.command('token').description('API tokens');
  token
    .command('generate')
    .description('print a JWT for `Authorization: Bearer <token>`, signed with auth.jwtSecret')
    .option('-e, --expiry <seconds>', 'lifetime in seconds', parseSeconds, 3600)
    .option('-s, --scope <scopes>', 'space- or comma-separated: chat, agent, admin', 'chat')
    .option('--subject <subject>', 'the sub claim (who the token is for)')
    .option(
      '-g, --group <name>',
      'add a group under auth.groups to the groups claim (repeatable)',
      (v: string, p: string[] = []) => [...p, v],
    )
    .option('-c, --config <path>', 'config file (default: $CLAWBOT_CONFIG or ./config.yaml)')
    .action(async (flags: TokenFlags) => {
      const config = await loadConfig({ path: flags.config, env: ctx.env, cwd: ctx.cwd });
      const secret = config.auth.jwtSecret;
      if (secret === undefined) {
        throw new BotError(
          'config.missing',
          'auth.jwtSecret is not configured: run `clawbot config set auth.jwtSecret "$(openssl rand -base64 48)"` ' +
            'or `clawbot onboard --auth-type jwt`',
        );
      }
      const jwt = await generateToken(
        {
          secret,
          issuer: config.auth.jwtIssuer,
          expirySeconds: flags.expiry,
          scope: flags.scope,
          subject: flags.subject,
          groups: flags.group,
          audience: config.auth.jwtAudience,
        },
        { clock: systemClock },
      );
      ctx.print(jwt);
    });
  token
    .command('hash')
    .description('print the keyHash of an API key, for `auth.apiKeys: [{ keyHash: sha256:... }]` in config.yaml')
    .argument('[key]', 'the API key; omit it (or give -) to read it from stdin, out of the shell history')
    .action(async (key: string | undefined) => {
      const value = key === undefined || key === '-' ? await readStdin() : key;
      ctx.print(hashApiKey(value));
    });
}
