import assert from 'node:assert/strict';
import { ManualClock } from '../../../core/clock.js';
import type { InboundMessage, OutboundMessage } from '../../../core/envelope.js';
import { BotError } from '../../../core/errors.js';
import { createAdmission, createBatcher } from '../../../inference/runtime/batcher.js';
import { createInProcessMemory } from '../../../memory/index.js';
import { instrumentDispatch, instrumentMemory, instrumentSend } from '../../../gateway/observability/instrument.js';
import { createGatewayMetrics } from '../../../gateway/observability/metrics.js';

const event: InboundMessage = {
  kind: 'message',
  id: 'm1',
  receivedAt: 0,
  conversation: { channel: 'dingtalk', tenant: 'corp', conversation: 'cid' },
  sender: { id: 'staff' },
  parts: [],
  text: 'hi',
  mentionsBot: true,
  raw: null,
};
const out: OutboundMessage = {
  conversation: event.conversation,
  parts: [{ type: 'text', text: 'x' }],
  author: { kind: 'bot' },
};

describe('instrumentation decorators', () => {
  it('dispatch: inbound per channel, duplicates, turn outcomes, refusals', async () => {
    const m = createGatewayMetrics({ processMetrics: false });
    const statuses = ['handled', 'duplicate', 'failed'] as const;
    let i = 0;
    const dispatch = instrumentDispatch(() => {
      const status = statuses[i++];
      if (status === undefined) return Promise.reject(new BotError('overloaded', 'full'));
      return Promise.resolve({ status, turnId: 't', replies: [] });
    }, m.families);
    for (let n = 0; n < 3; n++) await dispatch(event);
    await assert.rejects(dispatch(event), /full/);
    const text = await m.render();
    assert.match(text, /clawbot_channel_inbound_messages_total\{channel="dingtalk"\} 4/);
    assert.match(text, /clawbot_channel_duplicates_dropped_total\{channel="dingtalk"\} 1/);
    for (const status of ['handled', 'duplicate', 'failed', 'refused']) {
      assert.match(text, new RegExp(`clawbot_turns_total\\{channel="dingtalk",status="${status}"\\} 1`), status);
    }
    assert.match(text, /clawbot_turn_duration_seconds_count\{channel="dingtalk"\} 2/, 'duplicates are not timed');
  });

  it('send: replies sent and failed per channel, errors passed on', async () => {
    const m = createGatewayMetrics({ processMetrics: false });
    let fail = false;
    const send = instrumentSend(
      (_message: OutboundMessage) =>
        fail ? Promise.reject(new Error('platform down')) : Promise.resolve({ sentAt: 0 }),
      m.families,
    );
    await send(out);
    await send(out);
    fail = true;
    await assert.rejects(send(out), /platform down/);
    const text = await m.render();
    assert.match(text, /clawbot_channel_replies_sent_total\{channel="dingtalk"\} 2/);
    assert.match(text, /clawbot_channel_replies_failed_total\{channel="dingtalk"\} 1/);
  });

  it('memory: latency per operation and outcome, results unchanged', async () => {
    const m = createGatewayMetrics({ processMetrics: false });
    const memory = instrumentMemory(
      createInProcessMemory({ turns: 5, ttlMs: 60_000 }, { clock: new ManualClock() }),
      m.families,
    );
    await memory.appendTurn('k', { id: 't1', user: 'hi', replies: [], at: 0 });
    assert.equal((await memory.recent('k')).length, 1);
    const text = await m.render();
    assert.match(text, /clawbot_memory_store_duration_seconds_count\{op="append",outcome="ok"\} 1/);
    assert.match(text, /clawbot_memory_store_duration_seconds_count\{op="recent",outcome="ok"\} 1/);
  });

  it('inference batcher onBatch reports batch size, queue waits and compute time per model', async () => {
    const m = createGatewayMetrics({ processMetrics: false });
    const clock = new ManualClock();
    const seen: { requests: number; queueWaitMs: readonly number[]; computeMs: number }[] = [];
    const batcher = createBatcher<number, number>(
      { maxBatchSize: 4, maxWaitMs: 5, name: 'intent' },
      {
        clock,
        admission: createAdmission(10),
        execute: (payloads) => {
          clock.advance(30);
          return Promise.resolve(payloads.map((p) => p * 2));
        },
        onBatch: (batch) => {
          seen.push(batch);
          m.port.observe('inference.batch_size', batch.requests, { model: 'intent' });
        },
      },
    );
    const results = [batcher.submit(1)];
    clock.advance(2);
    results.push(batcher.submit(2), batcher.submit(3), batcher.submit(4));
    assert.deepEqual(await Promise.all(results), [2, 4, 6, 8]);
    await new Promise((resolve) => setImmediate(resolve)); // the observer runs once the batch has settled
    assert.deepEqual(seen, [{ requests: 4, rows: 4, queueWaitMs: [2, 0, 0, 0], computeMs: 30 }]);
    assert.match(await m.render(), /clawbot_inference_batch_size_sum\{model="intent"\} 4/);
  });
});
