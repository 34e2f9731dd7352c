/**
 * `clawbot deadletter list|retry` on the shared Redis queue, and its audit line; a clear error without Redis.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { systemClock } from '../../../core/clock.js';
import { ChannelApiError } from '../../../core/errors.js';
import { silentLogger } from '../../../core/logger.js';
import type { CliContext } from '../../../gateway/cli/context.js';
import { runCli } from '../../../gateway/cli/program.js';
import { createRedisDeliveryQueue } from '../../../gateway/flow/delivery/index.js';
import { useRedis } from '../../helpers/redis.js';

async function cli(args: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const ctx: CliContext = {
    env,
    cwd: tmpdir(),
    interactive: false,
    print: (t) => out.push(t),
    printError: (t) => err.push(t),
    exitCode: 0,
  };
  const code = await runCli(['node', 'clawbot', ...args], ctx);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('clawbot deadletter (CLI)', function () {
  this.timeout(60_000);
  const redis = useRedis('deadletter-cli');

  it('lists a dead letter and puts it back in the queue, writing an audit line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'clawbot-dl-'));
    const config = join(dir, 'config.yaml');
    await writeFile(
      config,
      `redis:\n  url: redis://127.0.0.1:6379\n  keyPrefix: ${redis.prefix}\ndelivery:\n  attempts: 2\n  backoffMs: 10\n`,
    );
    const failing = () =>
      Promise.reject(
        new ChannelApiError({
          channel: 'slack',
          method: 'chat.postMessage',
          message: 'slack is down',
          httpStatus: 503,
        }),
      );
    const queue = createRedisDeliveryQueue(
      {
        attempts: 2,
        backoffMs: 10,
        maxBackoffMs: 20,
        concurrency: 1,
        deadLetterTtlMs: 60_000,
        redis: { kind: 'single' as const, url: 'redis://127.0.0.1:6379' },
        keyPrefix: redis.prefix,
      },
      { send: failing, clock: systemClock, log: silentLogger },
    );
    await queue.send({
      conversation: { channel: 'slack', tenant: 'T1', conversation: 'C1' },
      parts: [{ type: 'text', text: 'an agent reply that could not be delivered' }],
      author: { kind: 'agent', agentId: 'alice' },
    });
    for (let i = 0; i < 100 && (await queue.deadLetters()).length === 0; i++) await sleep(50);
    await queue.close(2000);

    const list = await cli(['deadletter', 'list', '--json', '-c', config]);
    assert.equal(list.code, 0, list.err);
    const listing = JSON.parse(list.out) as {
      dead_letters: { id: string; text: string; channel: string; error: string }[];
    };
    assert.equal(listing.dead_letters.length, 1);
    const [letter] = listing.dead_letters;
    assert.equal(letter?.text, 'an agent reply that could not be delivered');
    assert.equal(letter?.channel, 'slack');
    assert.match(letter?.error ?? '', /slack is down/);
    const human = await cli(['deadletter', 'list', '-c', config]);
    assert.match(human.out, /1 dead letter\(s\)/);

    const auditFile = join(dir, 'audit.log');
    const retry = await cli(['deadletter', 'retry', letter?.id ?? '', '-c', config], { CLAWBOT_AUDIT_FILE: auditFile });
    assert.equal(retry.code, 0, retry.err);
    assert.match(retry.out, /queued again/);
    const audit = JSON.parse((await readFile(auditFile, 'utf8')).trim()) as Record<string, unknown>;
    assert.equal(audit['audit'], true);
    assert.equal(audit['action'], 'deadletter.retry');
    assert.equal(audit['target'], letter?.id);
    const missing = await cli(['deadletter', 'retry', 'no-such-id', '-c', config], { CLAWBOT_AUDIT_FILE: auditFile });
    assert.equal(missing.code, 1);
    assert.match(missing.err, /no dead letter no-such-id/);
  });

  it('without redis.url it explains where the dead letters are', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'clawbot-dl-'));
    const config = join(dir, 'config.yaml');
    await writeFile(config, 'log:\n  level: info\n');
    const r = await cli(['deadletter', 'list', '-c', config]);
    assert.equal(r.code, 1);
    assert.match(r.err, /GET \/api\/v1\/admin\/deadletters/);
  });
});
