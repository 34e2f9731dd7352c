import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { AggregatorRegistry } from 'prom-client';
import { isMessage, type ClusterMessage } from '../../../gateway/cluster/messages.js';
import { createWorkerMetrics } from '../../../gateway/cluster/worker.js';
import { createGatewayMetrics } from '../../../gateway/observability/metrics.js';

/** A fake worker process: what it sends goes to `onSend`; `deliver` plays a message from the primary. */
function fakeProcess(onSend: (m: ClusterMessage) => void) {
  const emitter = new EventEmitter();
  return {
    send: (m: ClusterMessage) => onSend(m),
    on: (e: 'message', l: (m: unknown) => void) => emitter.on(e, l),
    off: (e: 'message', l: (m: unknown) => void) => emitter.off(e, l),
    deliver: (m: unknown) => emitter.emit('message', m),
  };
}

describe('--workers metrics (cluster IPC)', () => {
  it('isMessage checks the type and a numeric id', () => {
    assert.equal(isMessage({ type: 'clawbot:metrics:request', id: 1 }, 'clawbot:metrics:request'), true);
    assert.equal(isMessage({ type: 'clawbot:metrics:request', id: '1' }, 'clawbot:metrics:request'), false);
    assert.equal(isMessage({ type: 'prom-client:getMetricsReq', id: 1 }, 'clawbot:metrics:request'), false);
    assert.equal(isMessage(null, 'clawbot:metrics:request'), false);
  });

  it('two workers: a scrape on one returns the sum of both, with scrape-time gauges refreshed', async () => {
    const w1 = createGatewayMetrics({ processMetrics: false });
    const w2 = createGatewayMetrics({ processMetrics: false });
    w1.families.inbound.inc({ channel: 'rest' }, 3);
    w2.families.inbound.inc({ channel: 'rest' }, 4);
    w1.onScrape(() => w1.families.handoffQueueLength.set(5)); // read from Redis: the same in every worker
    w2.onScrape(() => w2.families.handoffQueueLength.set(5));
    // The "primary": collects each worker's JSON and answers the asking worker with the aggregate.
    const parts: object[][] = [];
    let asking: ReturnType<typeof fakeProcess> | undefined;
    const procs: ReturnType<typeof fakeProcess>[] = [];
    const primary = (from: () => ReturnType<typeof fakeProcess>) => (m: ClusterMessage) => {
      if (m.type === 'clawbot:metrics:request') {
        asking = from();
        parts.length = 0;
        for (const p of procs) p.deliver({ type: 'clawbot:metrics:collect', id: 7 });
      } else if (m.type === 'clawbot:metrics:json') {
        parts.push([...m.metrics]);
        if (parts.length === procs.length) {
          void Promise.resolve(AggregatorRegistry.aggregate(parts).metrics()).then((text) =>
            asking?.deliver({ type: 'clawbot:metrics:response', id: 0, text }),
          );
        }
      }
    };
    const p1: ReturnType<typeof fakeProcess> = fakeProcess((m) => primary(() => p1)(m));
    const p2: ReturnType<typeof fakeProcess> = fakeProcess((m) => primary(() => p2)(m));
    procs.push(p1, p2);
    createWorkerMetrics(p1).serve(w1);
    createWorkerMetrics(p2).serve(w2);
    const { text } = await createWorkerMetrics(p1).aggregate(w1);
    assert.match(text, /clawbot_channel_inbound_messages_total\{channel="rest"\} 7/);
    assert.match(text, /clawbot_handoff_queue_length 5/, 'shared gauges are not multiplied by the worker count');
  });

  it("falls back to the worker's own figures when the primary does not answer", async () => {
    const w = createGatewayMetrics({ processMetrics: false });
    w.families.inbound.inc({ channel: 'slack' });
    const { text } = await createWorkerMetrics(
      fakeProcess(() => undefined),
      { timeoutMs: 20 },
    ).aggregate(w);
    assert.match(text, /clawbot_channel_inbound_messages_total\{channel="slack"\} 1/);
  });
});
