/**
 * `clawbot deadletter list|retry`: outbound messages (agent replies, notices) that failed every delivery attempt.
 * Works on the shared queue in Redis (`redis.url`); without Redis the dead letters live in the gateway process and
 * are reached through its admin API (`GET /api/v1/admin/deadletters`).
 */
import { InvalidArgumentError, type Command } from 'commander';
import { systemClock } from '../../core/clock.js';
import { BotError } from '../../core/errors.js';
import { silentLogger } from '../../core/logger.js';
import { redisTargetOf } from '../app/redis-client.js';
import { loadConfig } from '../config/index.js';
import { deadLetterJson } from '../flow/deadletter-routes.js';
import { createRedisDeliveryQueue, type DeadLetter, type DeliveryQueue } from '../flow/delivery/index.js';
import { deliveryOptions } from '../flow/wiring.js';
import { createCliAuditLog } from '../observability/cli-audit.js';
import { MARK, type CliContext } from './context.js';

interface Flags {
  readonly config?: string;
  readonly json?: boolean;
  readonly limit?: number;
  readonly all?: boolean;
}

const CONFIG_OPTION = ['-c, --config <path>', 'config file (default: $CLAWBOT_CONFIG or ./config.yaml)'] as const;

function parseLimit(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 1000) throw new InvalidArgumentError('expected 1-1000');
  return n;
}

/** One line per dead letter (pure). */
export function formatDeadLetters(letters: readonly DeadLetter[], pending: number): string[] {
  const lines = [`${letters.length} dead letter(s), ${pending} message(s) waiting for a retry`];
  for (const l of letters) {
    const text = deadLetterJson(l)['text'] as string;
    lines.push(
      `  ${l.id}  ${new Date(l.failedAt).toISOString()}  ${l.channel}:${l.conversation.conversation}  ` +
        `${l.attempts} attempts  ${l.error}`,
      `      ${text.length > 80 ? `${text.slice(0, 77)}...` : text}`,
    );
  }
  return lines;
}

async function withQueue<T>(ctx: CliContext, flags: Flags, work: (queue: DeliveryQueue) => Promise<T>): Promise<T> {
  const config = await loadConfig({ path: flags.config, env: ctx.env, cwd: ctx.cwd });
  const target = redisTargetOf(config);
  if (target === undefined) {
    throw new BotError(
      'config.missing',
      'without redis.url or redis.cluster dead letters are kept in the gateway process: ' +
        'list them with GET /api/v1/admin/deadletters ' +
        'and retry with POST /api/v1/admin/deadletters/ID/retry (admin scope)',
    );
  }
  const queue = createRedisDeliveryQueue(
    { ...deliveryOptions(config), redis: target, keyPrefix: config.redis.keyPrefix },
    {
      send: () => Promise.reject(new BotError('internal', 'the CLI does not send')),
      clock: systemClock,
      log: silentLogger,
      worker: false,
    },
  );
  try {
    return await work(queue);
  } finally {
    await queue.close(2000);
  }
}

/** Registers `clawbot deadletter list|retry`. */
export function registerDeadletterCommand(program: Command, ctx: CliContext): void {
  const command = program
    .command('deadletter')
    .description('outbound messages that failed every delivery attempt (needs redis.url)');
  command
    .command('list')
    .description('list dead letters, newest first')
    .option(...CONFIG_OPTION)
    .option('-n, --limit <n>', 'at most this many (default 100)', parseLimit)
    .option('--json', 'print JSON')
    .action((flags: Flags) =>
      withQueue(ctx, flags, async (queue) => {
        const letters = await queue.deadLetters(flags.limit ?? 100);
        const pending = await queue.pending();
        if (flags.json === true) {
          ctx.print(JSON.stringify({ pending, dead_letters: letters.map(deadLetterJson) }, null, 2));
        } else for (const line of formatDeadLetters(letters, pending)) ctx.print(line);
      }),
    );
  command
    .command('retry')
    .description('put dead letters back in the delivery queue (tried again at once by a running gateway)')
    .argument('[ids...]', 'dead letter ids (from `clawbot deadletter list`)')
    .option('--all', 'every dead letter')
    .option(...CONFIG_OPTION)
    .action((ids: string[], flags: Flags) =>
      withQueue(ctx, flags, async (queue) => {
        const targets = flags.all === true ? (await queue.deadLetters(1000)).map((l) => l.id) : ids;
        if (targets.length === 0) throw new BotError('request.invalid', 'give dead letter ids, or --all');
        const audit = createCliAuditLog(ctx.env);
        let missing = 0;
        for (const id of targets) {
          const ok = await queue.retryDeadLetter(id);
          audit.record({
            action: 'deadletter.retry',
            actor: { kind: 'operator', id: 'cli' },
            target: id,
            outcome: ok ? 'ok' : 'failed',
          });
          if (ok) ctx.print(`${MARK.ok} ${id} queued again`);
          else {
            ctx.printError(`${MARK.fail} no dead letter ${id}`);
            missing += 1;
          }
        }
        if (missing > 0) ctx.exitCode = 1;
      }),
    );
}
