/**
 * `clawbot agents add USERNAME --password PASSWORD [--role agent|supervisor|admin]`, `clawbot agents list`,
 * `clawbot agents remove USERNAME`: console accounts, in the same place the gateway reads them (Redis when
 * `redis.url` or `redis.cluster` is set, else `handoff.agentsFile`, relative to the working directory).
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { systemClock, type Clock } from '../../core/clock.js';
import { BotError } from '../../core/errors.js';
import {
  AGENT_ROLES,
  hashPassword,
  isValidUsername,
  publicAgent,
  type AgentAccount,
  type AgentDirectory,
  type AgentRole,
} from '../../handoff/index.js';
import { openAgentDirectory } from '../app/handoff.js';
import { createRedisClient, describeRedisTarget, redisTargetOf } from '../app/redis-client.js';
import { loadConfig, type AppConfig } from '../config/index.js';
import { MARK, type CliContext } from './context.js';

interface CommonFlags {
  readonly config?: string;
}

interface AddFlags extends CommonFlags {
  readonly password?: string;
  readonly role: AgentRole;
  readonly name?: string;
  readonly languages?: string[];
  readonly channels?: string[];
  readonly groups?: string[];
  readonly max: number;
  readonly force?: boolean;
}

/** What `agents add` needs besides the directory. */
export interface AddAgentInput {
  readonly username: string;
  readonly password: string;
  readonly role?: AgentRole;
  readonly displayName?: string;
  readonly languages?: readonly string[];
  readonly channels?: readonly string[];
  readonly groups?: readonly string[];
  readonly maxConcurrent?: number;
  /** Replace an existing account (e.g. to reset its password). */
  readonly replace?: boolean;
}

/** Creates (or, with `replace`, replaces) an account with a scrypt-hashed password. */
export async function addAgent(
  directory: AgentDirectory,
  input: AddAgentInput,
  deps: { clock: Clock } = { clock: systemClock },
): Promise<AgentAccount> {
  if (!isValidUsername(input.username)) {
    throw new BotError(
      'request.invalid',
      'usernames are 1-64 letters, digits, . _ @ - (starting with a letter or digit)',
    );
  }
  const existing = await directory.get(input.username);
  if (existing !== undefined && input.replace !== true) {
    throw new BotError('request.invalid', `agent "${input.username}" exists; add --force to replace it`);
  }
  const now = deps.clock.now();
  const account: AgentAccount = {
    username: input.username,
    displayName: input.displayName ?? existing?.displayName ?? input.username,
    role: input.role ?? existing?.role ?? 'agent',
    passwordHash: await hashPassword(input.password),
    languages: input.languages ?? existing?.languages ?? [],
    channels: input.channels ?? existing?.channels ?? [],
    groups: input.groups ?? existing?.groups ?? [],
    maxConcurrent: input.maxConcurrent ?? existing?.maxConcurrent ?? 5,
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
  };
  await directory.put(account);
  return account;
}

const list = (value: string, previous: string[] = []): string[] => [
  ...previous,
  ...value
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== ''),
];

function parseRole(value: string): AgentRole {
  if (!(AGENT_ROLES as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`expected one of ${AGENT_ROLES.join(', ')}`);
  }
  return value as AgentRole;
}

function parseMax(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 100) throw new InvalidArgumentError('expected a number from 1 to 100');
  return n;
}

/** Opens the directory the gateway uses, runs `fn`, and closes what it opened. */
async function withDirectory<T>(
  ctx: CliContext,
  flags: CommonFlags,
  fn: (directory: AgentDirectory, config: AppConfig, where: string) => Promise<T>,
): Promise<T> {
  const config = await loadConfig({ path: flags.config, env: ctx.env, cwd: ctx.cwd });
  const target = redisTargetOf(config);
  const redis =
    target === undefined
      ? undefined
      : createRedisClient(target, {
          lazyConnect: true,
          connectTimeout: 3000,
          maxRetriesPerRequest: 1,
          retryStrategy: () => null,
        });
  redis?.on('error', () => undefined);
  try {
    if (redis !== undefined) await redis.connect();
    const where = redis === undefined ? config.handoff.agentsFile : `Redis (${config.redis.keyPrefix})`;
    return await fn(openAgentDirectory(config, { cwd: ctx.cwd, redis }), config, where);
  } catch (error) {
    if (redis !== undefined && target !== undefined && !(error instanceof BotError) && redis.status !== 'ready') {
      throw new BotError(
        'kv.unavailable',
        `cannot reach Redis (${describeRedisTarget(target)}) to store agents: ${String(error)}`,
      );
    }
    throw error;
  } finally {
    redis?.disconnect();
  }
}

/** Registers `clawbot agents add|list|remove`. */
export function registerAgentsCommand(program: Command, ctx: CliContext): void {
  const agents = program.command('agents').description('agent console accounts (human handoff)');
  agents
    .command('add <username>')
    .description('create an agent, supervisor or admin account')
    .option('-p, --password <password>', 'login password, 8+ characters (or set CLAWBOT_AGENT_PASSWORD)')
    .option('-r, --role <role>', 'agent, supervisor or admin', parseRole, 'agent' as AgentRole)
    .option('-n, --name <name>', 'display name shown to customers (default: the username)')
    .option('--languages <list>', 'customer languages served, e.g. zh,en (default: any)', list)
    .option('--channels <list>', 'channels served, e.g. rest,wechat_official (default: any)', list)
    .option('--groups <list>', 'groups (skill queues) served (default: any)', list)
    .option('--max <n>', 'most conversations at once', parseMax, 5)
    .option('-f, --force', 'replace an existing account (e.g. reset its password)')
    .option('-c, --config <path>', 'config file (default: $CLAWBOT_CONFIG or ./config.yaml)')
    .action(async (username: string, flags: AddFlags) => {
      const password = flags.password ?? ctx.env['CLAWBOT_AGENT_PASSWORD'];
      if (password === undefined || password === '') {
        throw new BotError('request.invalid', 'give a password with --password or CLAWBOT_AGENT_PASSWORD');
      }
      await withDirectory(ctx, flags, async (directory, _config, where) => {
        const account = await addAgent(directory, {
          username,
          password,
          role: flags.role,
          ...(flags.name === undefined ? {} : { displayName: flags.name }),
          ...(flags.languages === undefined ? {} : { languages: flags.languages }),
          ...(flags.channels === undefined ? {} : { channels: flags.channels }),
          ...(flags.groups === undefined ? {} : { groups: flags.groups }),
          maxConcurrent: flags.max,
          replace: flags.force === true,
        });
        ctx.print(`${MARK.ok} ${account.role} "${account.username}" saved in ${where}; log in at /console`);
      });
    });
  agents
    .command('list')
    .description('list accounts (never passwords)')
    .option('--json', 'print JSON')
    .option('-c, --config <path>', 'config file (default: $CLAWBOT_CONFIG or ./config.yaml)')
    .action(async (flags: CommonFlags & { json?: boolean }) => {
      await withDirectory(ctx, flags, async (directory, _config, where) => {
        const all = await directory.list();
        if (flags.json === true) {
          ctx.print(JSON.stringify(all.map(publicAgent), null, 2));
          return;
        }
        ctx.print(`Agents in ${where}:`);
        if (all.length === 0) ctx.print('  none yet: clawbot agents add USERNAME --password PASSWORD');
        for (const a of all) {
          const skills = [
            a.languages.length > 0 ? `languages ${a.languages.join(',')}` : '',
            a.channels.length > 0 ? `channels ${a.channels.join(',')}` : '',
            a.groups.length > 0 ? `groups ${a.groups.join(',')}` : '',
          ].filter((s) => s !== '');
          ctx.print(
            `  ${a.username.padEnd(20)} ${a.role.padEnd(10)} ${a.displayName.padEnd(20)} max ${a.maxConcurrent}${skills.length > 0 ? `  ${skills.join('; ')}` : ''}`,
          );
        }
      });
    });
  agents
    .command('remove <username>')
    .description('delete an account (its console sessions stop working at once)')
    .option('-c, --config <path>', 'config file (default: $CLAWBOT_CONFIG or ./config.yaml)')
    .action(async (username: string, flags: CommonFlags) => {
      await withDirectory(ctx, flags, async (directory, _config, where) => {
        if (!(await directory.remove(username))) {
          throw new BotError('not_found', `no agent "${username}" in ${where}`);
        }
        ctx.print(`${MARK.ok} removed "${username}" from ${where}`);
      });
    });
}
