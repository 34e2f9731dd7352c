/**
 * `clawbot pairing list|approve CODE|reject CODE|revoke CLIENT_ID`: decide on API clients that asked to pair
 * (`POST /api/v1/pair`). Works on the same store as the gateway: Redis when `redis.url` is set, else the JSON file
 * `auth.pairing.file` (relative to the working directory).
 */
import type { Command } from 'commander';
import { systemClock } from '../../core/clock.js';
import { BotError } from '../../core/errors.js';
import {
  createPairingServiceFromConfig,
  createPairingStoreFromConfig,
  parseScopes,
  type PairedClientView,
  type PairingService,
  type PairingStore,
  type PairingView,
} from '../auth/index.js';
import { loadConfig, type AppConfig } from '../config/index.js';
import { createCliAuditLog } from '../observability/cli-audit.js';
import { MARK, type CliContext } from './context.js';

interface CommonFlags {
  readonly config?: string;
  readonly json?: boolean;
}

interface ApproveFlags extends CommonFlags {
  readonly scope?: string;
  readonly group?: string[];
}

const CONFIG_OPTION = ['-c, --config <path>', 'config file (default: $CLAWBOT_CONFIG or ./config.yaml)'] as const;

/** `59m`, `2h 5m`, `40s`: a short duration for tables. */
export function shortDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours}h` : `${hours}h ${minutes % 60}m`;
}

/** Lines of `clawbot pairing list` (pure, for tests). */
export function formatPairingList(
  listing: { requests: readonly PairingView[]; clients: readonly PairedClientView[] },
  now: number,
  location: string,
): string[] {
  const lines = [`Pairing store: ${location}`, ''];
  const pending = listing.requests.filter((r) => r.status === 'pending');
  const decided = listing.requests.filter((r) => r.status !== 'pending');
  lines.push(
    pending.length === 0 ? 'No pending requests.' : 'Pending requests (approve with `clawbot pairing approve CODE`):',
  );
  for (const r of pending) {
    lines.push(
      `  ${r.code}  ${r.clientId.padEnd(24)} from ${(r.remoteAddress ?? '?').padEnd(16)} expires in ${shortDuration(r.expiresAt - now)}`,
    );
  }
  if (decided.length > 0) {
    lines.push('', 'Recent requests:');
    for (const r of decided) lines.push(`  ${r.code}  ${r.clientId.padEnd(24)} ${r.status}`);
  }
  lines.push('', listing.clients.length === 0 ? 'No paired clients.' : 'Paired clients:');
  for (const c of listing.clients) {
    const groups = c.groups.length === 0 ? '' : `  groups: ${c.groups.join(', ')}`;
    lines.push(
      `  ${c.clientId.padEnd(24)} scopes: ${c.scopes.join(' ')}${groups}  approved ${new Date(c.approvedAt).toISOString()}`,
    );
  }
  return lines;
}

/** Opens the configured store, runs `work`, closes the store. */
async function withPairing<T>(
  ctx: CliContext,
  flags: CommonFlags,
  work: (pairing: PairingService, store: PairingStore, config: AppConfig) => Promise<T>,
): Promise<T> {
  const config = await loadConfig({ path: flags.config, env: ctx.env, cwd: ctx.cwd });
  const store = createPairingStoreFromConfig(config, { clock: systemClock, cwd: ctx.cwd });
  try {
    return await work(createPairingServiceFromConfig(config, { store, clock: systemClock }), store, config);
  } finally {
    await store.close();
  }
}

function checkGroups(config: AppConfig, groups: readonly string[]): void {
  const known = Object.keys(config.auth.groups);
  for (const group of groups) {
    if (!known.includes(group)) {
      throw new BotError(
        'request.invalid',
        `no group "${group}" under auth.groups (known: ${known.join(', ') || 'none'}); add it to config.yaml first`,
      );
    }
  }
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Registers `clawbot pairing` and its subcommands. */
export function registerPairingCommand(program: Command, ctx: CliContext): void {
  const pairing = program.command('pairing').description('approve or reject API clients that asked to pair');
  pairing
    .command('list')
    .description('pending and recent pairing requests, and paired clients')
    .option(...CONFIG_OPTION)
    .option('--json', 'print JSON')
    .action((flags: CommonFlags) =>
      withPairing(ctx, flags, async (service, store) => {
        const listing = await service.list();
        if (flags.json === true) ctx.print(JSON.stringify(listing, null, 2));
        else for (const line of formatPairingList(listing, systemClock.now(), store.location)) ctx.print(line);
      }),
    );
  pairing
    .command('approve')
    .description('approve a pairing code; the client can then get tokens from POST /api/v1/oauth/token')
    .argument('<code>', 'the 8-character code the client shows')
    .option('-s, --scope <scopes>', 'space- or comma-separated: chat, agent, admin (default: auth.pairing.scopes)')
    .option('-g, --group <name>', 'a group under auth.groups (repeatable)', collect)
    .option(...CONFIG_OPTION)
    .option('--json', 'print JSON')
    .action((code: string, flags: ApproveFlags) =>
      withPairing(ctx, flags, async (service, _store, config) => {
        const groups = flags.group ?? [];
        checkGroups(config, groups);
        const scopes = flags.scope === undefined ? undefined : parseScopes(flags.scope);
        const client = await service.approve(code, { ...(scopes === undefined ? {} : { scopes }), groups });
        createCliAuditLog(ctx.env).record({
          action: 'pairing.approve',
          actor: { kind: 'operator', id: 'cli' },
          target: client.code,
          client: client.clientId,
          scopes: client.scopes,
        });
        if (flags.json === true) ctx.print(JSON.stringify(client, null, 2));
        else
          ctx.print(`${MARK.ok} approved ${client.clientId} (code ${client.code}, scopes: ${client.scopes.join(' ')})`);
      }),
    );
  pairing
    .command('reject')
    .description('reject a pairing code')
    .argument('<code>', 'the 8-character code')
    .option(...CONFIG_OPTION)
    .option('--json', 'print JSON')
    .action((code: string, flags: CommonFlags) =>
      withPairing(ctx, flags, async (service) => {
        const request = await service.reject(code);
        createCliAuditLog(ctx.env).record({
          action: 'pairing.reject',
          actor: { kind: 'operator', id: 'cli' },
          target: request.code,
          client: request.clientId,
        });
        if (flags.json === true) ctx.print(JSON.stringify(request, null, 2));
        else ctx.print(`${MARK.ok} rejected ${request.clientId} (code ${request.code})`);
      }),
    );
  pairing
    .command('revoke')
    .description('remove a paired client: no new tokens (tokens already issued run until they expire)')
    .argument('<client_id>', 'the client id')
    .option(...CONFIG_OPTION)
    .action((clientId: string, flags: CommonFlags) =>
      withPairing(ctx, flags, async (service, _store, config) => {
        const client = await service.revoke(clientId);
        ctx.print(
          `${MARK.ok} revoked ${client.clientId}; tokens already issued stay valid for up to ${config.auth.tokenExpiry} s`,
        );
      }),
    );
}
