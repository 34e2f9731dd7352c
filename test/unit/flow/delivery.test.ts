import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { ManualClock, systemClock } from '../../../core/clock.js';
import type { OutboundMessage, SendReceipt } from '../../../core/envelope.js';
import { BotError, ChannelApiError } from '../../../core/errors.js';
import { silentLogger } from '../../../core/logger.js';
import {
  backoffDelay,
  createInProcessDeliveryQueue,
  createRedisDeliveryQueue,
  deliveryId,
  isRetryable,
  type ChannelSend,
  type DeliveryOptions,
} from '../../../gateway/flow/delivery/index.js';
import { useRedis } from '../../helpers/redis.js';

const message = (text: string): OutboundMessage => ({
  conversation: { channel: 'wechat_official', tenant: 'wx1', conversation: 'openid-1' },
  parts: [{ type: 'text', text }],
  author: { kind: 'agent', agentId: 'alice' },
});

const flaky = (status: number) =>
  new ChannelApiError({
    channel: 'wechat_official',
    method: 'message/custom/send',
    message: 'boom',
    httpStatus: status,
  });

/** A channel send that fails `failures` times (with `error`) and then succeeds, recording what it delivered. */
function channel(failures: number, error: () => Error = () => flaky(502)) {
  const delivered: string[] = [];
  let calls = 0;
  const send: ChannelSend = (m): Promise<SendReceipt> => {
    calls += 1;
    if (calls <= failures) return Promise.reject(error());
    delivered.push((m.parts[0] as { text: string }).text);
    return Promise.resolve({ sentAt: 0, via: 'api' });
  };
  return { send, delivered, calls: () => calls };
}

const OPTIONS: DeliveryOptions = {
  attempts: 4,
  backoffMs: 1000,
  maxBackoffMs: 60_000,
  concurrency: 2,
  deadLetterTtlMs: 60_000,
};

/** Lets promise callbacks run. */
const flush = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

describe('outbound delivery', () => {
  describe('policy (pure)', () => {
    it('retries network errors, platform 5xx and 429, stores reconnecting; not refusals', () => {
      assert.equal(isRetryable(flaky(502)), true);
      assert.equal(isRetryable(flaky(429)), true);
      assert.equal(isRetryable(new ChannelApiError({ channel: 'x', method: 'm', message: 'reset' })), true);
      assert.equal(isRetryable(flaky(400)), false);
      assert.equal(isRetryable(flaky(403)), false);
      assert.equal(isRetryable(new BotError('channel.window_closed', 'closed')), false);
      assert.equal(isRetryable(new BotError('not_found', 'no channel')), false);
      assert.equal(isRetryable(new BotError('kv.unavailable', 'redis')), true);
      assert.equal(isRetryable(new TypeError('fetch failed')), true);
    });

    it('backs off exponentially with ±20 % jitter, capped, honouring a longer Retry-After', () => {
      const policy = { baseMs: 1000, maxMs: 30_000 };
      assert.deepEqual(
        [1, 2, 3, 4].map((n) => backoffDelay(n, policy, 0.5)),
        [1000, 2000, 4000, 8000],
      );
      assert.equal(backoffDelay(1, policy, 0), 800);
      assert.equal(backoffDelay(1, policy, 0.999999), 1200);
      assert.equal(backoffDelay(20, policy, 0.99), 30_000, 'capped');
      assert.equal(backoffDelay(1, policy, 0.5, 7000), 7000, 'Retry-After wins when longer');
    });

    it('delivery ids are stable for one message and nonce, and differ otherwise', () => {
      assert.equal(deliveryId(message('a'), 'n1'), deliveryId(message('a'), 'n1'));
      assert.notEqual(deliveryId(message('a'), 'n1'), deliveryId(message('a'), 'n2'));
      assert.notEqual(deliveryId(message('a'), 'n1'), deliveryId(message('b'), 'n1'));
      assert.match(deliveryId(message('a'), 'n1'), /^[0-9a-f]{32}$/);
    });
  });

  describe('in process', () => {
    it('a failed send is queued, retried after the back-off and delivered once', async () => {
      const clock = new ManualClock();
      const ch = channel(2);
      const outcomes: string[] = [];
      const queue = createInProcessDeliveryQueue(OPTIONS, {
        send: ch.send,
        clock,
        log: silentLogger,
        random: () => 0.5,
        onOutcome: (o) => outcomes.push(o),
      });
      const receipt = await queue.send(message('hello'));
      assert.equal(receipt.via, 'queued');
      assert.equal(await queue.pending(), 1);
      clock.advance(999);
      await flush();
      assert.equal(ch.calls(), 1, 'not before the back-off');
      clock.advance(1);
      await flush();
      assert.equal(ch.calls(), 2);
      clock.advance(2000);
      await flush();
      assert.deepEqual(ch.delivered, ['hello']);
      assert.equal(await queue.pending(), 0);
      assert.deepEqual(outcomes, ['queued', 'retried', 'retried', 'sent']);
      await queue.close(10);
    });

    it('permanent failures are thrown to the caller (the agent sees them), not queued', async () => {
      const clock = new ManualClock();
      const ch = channel(1, () => new BotError('channel.window_closed', 'the 48-hour window is closed'));
      const queue = createInProcessDeliveryQueue(OPTIONS, { send: ch.send, clock, log: silentLogger });
      await assert.rejects(queue.send(message('x')), /48-hour/);
      assert.equal(await queue.pending(), 0);
      assert.deepEqual(await queue.deadLetters(), []);
    });

    it('after every attempt failed the message is a dead letter; retrying it delivers it', async () => {
      const clock = new ManualClock();
      const ch = channel(4);
      const queue = createInProcessDeliveryQueue(OPTIONS, { send: ch.send, clock, log: silentLogger, random: () => 0 });
      await queue.send(message('lost?'));
      for (let i = 0; i < 5; i++) {
        clock.advance(60_000);
        await flush();
      }
      const [letter, ...rest] = await queue.deadLetters();
      assert.equal(rest.length, 0);
      assert.equal(letter?.attempts, 4);
      assert.equal(letter?.channel, 'wechat_official');
      assert.match(letter?.error ?? '', /boom/);
      assert.equal(await queue.retryDeadLetter(letter?.id ?? ''), true);
      await flush();
      assert.deepEqual(ch.delivered, ['lost?']);
      assert.deepEqual(await queue.deadLetters(), []);
      assert.equal(await queue.retryDeadLetter('nope'), false);
    });

    it('close() flushes retries not yet due (one last attempt each)', async () => {
      const clock = new ManualClock();
      const ch = channel(1);
      const queue = createInProcessDeliveryQueue(OPTIONS, { send: ch.send, clock, log: silentLogger });
      await queue.send(message('flush me'));
      await queue.close(1000);
      assert.deepEqual(ch.delivered, ['flush me']);
    });
  });

  describe('Redis (BullMQ)', function () {
    this.timeout(30_000);
    const redis = useRedis('delivery');

    /** Polls `check` until it holds (bounded). */
    async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
      for (let i = 0; i < 200; i++) {
        if (await check()) return;
        await sleep(50);
      }
      assert.fail(`timed out waiting for ${what}`);
    }

    it('retries through the queue, delivers once; dead letters can be listed and retried', async () => {
      const options = {
        ...OPTIONS,
        backoffMs: 20,
        maxBackoffMs: 100,
        attempts: 3,
        redis: { kind: 'single' as const, url: 'redis://127.0.0.1:6379' },
        keyPrefix: redis.prefix,
      };
      const ok = channel(2);
      const a = createRedisDeliveryQueue(options, { send: ok.send, clock: systemClock, log: silentLogger });
      const receipt = await a.send(message('through bullmq'));
      assert.equal(receipt.via, 'queued');
      await eventually(() => Promise.resolve(ok.delivered.length === 1), 'the retried delivery');
      await a.close(2000);

      // A replica whose channel keeps failing: the message ends as a dead letter.
      const never = channel(99);
      const b = createRedisDeliveryQueue(options, { send: never.send, clock: systemClock, log: silentLogger });
      await b.send(message('dead'));
      await eventually(async () => (await b.deadLetters()).length === 1, 'a dead letter');
      const [letter] = await b.deadLetters();
      assert.equal(letter?.attempts, 3, 'the inline attempt and two queued retries');
      assert.equal((letter?.message.parts[0] as { text: string }).text, 'dead');
      await b.close(2000);

      // An operator retries it (no worker in the CLI); a replica whose channel works delivers it.
      const cli = createRedisDeliveryQueue(options, {
        send: never.send,
        clock: systemClock,
        log: silentLogger,
        worker: false,
      });
      assert.equal(await cli.retryDeadLetter(letter?.id ?? ''), true);
      assert.equal(await cli.retryDeadLetter('no-such-id'), false);
      await cli.close(2000);
      const c = createRedisDeliveryQueue(options, { send: ok.send, clock: systemClock, log: silentLogger });
      await eventually(() => Promise.resolve(ok.delivered.includes('dead')), 'the retried dead letter');
      assert.deepEqual(ok.delivered, ['through bullmq', 'dead'], 'each message delivered exactly once');
      assert.deepEqual(await c.deadLetters(), []);
      const keys = await redis.client.keys(`${redis.prefix}:*`);
      assert.ok(keys.length > 0 && keys.every((k) => k.startsWith(`${redis.prefix}:{delivery}:`)), keys.join(' '));
      await c.close(2000);
    });
  });
});
