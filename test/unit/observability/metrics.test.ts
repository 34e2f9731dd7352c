import assert from 'node:assert/strict';
import { createGatewayMetrics } from '../../../gateway/observability/metrics.js';
import { gpuRefresher, parseGpuSamples } from '../../../gateway/observability/gpu.js';

describe('gateway metrics registry', () => {
  it('registers every family with the clawbot_ prefix, in its own registry', async () => {
    const a = createGatewayMetrics({ processMetrics: false });
    const b = createGatewayMetrics({ processMetrics: false });
    a.families.inbound.inc({ channel: 'slack' });
    const text = await a.render();
    for (const family of [
      'clawbot_http_requests_total',
      'clawbot_http_request_duration_seconds',
      'clawbot_channel_inbound_messages_total',
      'clawbot_channel_duplicates_dropped_total',
      'clawbot_channel_replies_sent_total',
      'clawbot_channel_replies_failed_total',
      'clawbot_wechat_passive_reply_deadline_missed_total',
      'clawbot_channel_token_refreshes_total',
      'clawbot_handoffs_opened_total',
      'clawbot_handoff_queue_length',
      'clawbot_handoff_wait_seconds',
      'clawbot_handoff_satisfaction_score',
      'clawbot_inference_batch_size',
      'clawbot_inference_queue_wait_seconds',
      'clawbot_inference_batch_duration_seconds',
      'clawbot_qa_cache_hit_ratio',
      'clawbot_memory_store_duration_seconds',
      'clawbot_rate_limited_total',
      'clawbot_turns_in_flight',
      'clawbot_deliveries_total',
      'clawbot_delivery_dead_letters',
    ]) {
      assert.match(text, new RegExp(`^# TYPE ${family} `, 'm'), family);
    }
    assert.match(text, /^clawbot_channel_inbound_messages_total\{channel="slack"\} 1$/m);
    assert.doesNotMatch(await b.render(), /channel="slack"/, 'registries do not share series');
  });

  it('Node process metrics are on by default', async () => {
    const text = await createGatewayMetrics().render();
    assert.match(text, /^clawbot_process_resident_memory_bytes /m);
    assert.match(text, /^clawbot_nodejs_eventloop_lag_seconds /m);
  });

  it('the core Metrics port feeds the channel and inference families', async () => {
    const m = createGatewayMetrics({ processMetrics: false });
    m.port.increment('channel.token_refresh', { channel: 'dingtalk', outcome: 'failed' });
    m.port.increment('channel.token_refresh', { channel: 'dingtalk', outcome: 'ok' }, 2);
    m.port.increment('channel.passive_deadline_missed', { channel: 'wechat_official' });
    m.port.observe('inference.batch_size', 8, { model: 'intent' });
    m.port.observe('inference.queue_wait_seconds', 0.002, { model: 'intent' });
    m.port.observe('inference.batch_seconds', 0.03, { model: 'intent' });
    const text = await m.render();
    assert.match(text, /clawbot_channel_token_refreshes_total\{channel="dingtalk",outcome="failed"\} 1/);
    assert.match(text, /clawbot_channel_token_refreshes_total\{channel="dingtalk",outcome="ok"\} 2/);
    assert.match(text, /clawbot_wechat_passive_reply_deadline_missed_total\{channel="wechat_official"\} 1/);
    assert.match(text, /clawbot_inference_batch_size_sum\{model="intent"\} 8/);
    assert.match(text, /clawbot_inference_queue_wait_seconds_count\{model="intent"\} 1/);
    assert.match(text, /clawbot_inference_batch_duration_seconds_bucket\{le="0.05",model="intent"\} 1/);
  });

  it('scrape refreshers run before each render; a failing one does not break the scrape', async () => {
    const m = createGatewayMetrics({ processMetrics: false });
    let n = 0;
    m.onScrape(() => m.families.handoffQueueLength.set(++n));
    m.onScrape(() => Promise.reject(new Error('redis down')));
    assert.match(await m.render(), /^clawbot_handoff_queue_length 1$/m);
    assert.match(await m.render(), /^clawbot_handoff_queue_length 2$/m);
  });
});

describe('GPU metrics from nvidia-smi', () => {
  it('parses index, utilisation %, used and total MiB per GPU and skips junk', () => {
    assert.deepEqual(parseGpuSamples('0, 37, 1024, 81559\n1, 100, 2, 4\nNot supported\n2, [N/A], 1, 1\n'), [
      { index: '0', utilization: 0.37, memoryUsedBytes: 1024 * 1048576, memoryTotalBytes: 81559 * 1048576 },
      { index: '1', utilization: 1, memoryUsedBytes: 2 * 1048576, memoryTotalBytes: 4 * 1048576 },
    ]);
    assert.deepEqual(parseGpuSamples(''), []);
  });

  it('sets one series per GPU, and none when nvidia-smi is missing', async () => {
    const m = createGatewayMetrics({ processMetrics: false });
    let answer: string | undefined = '0, 50, 100, 200\n';
    m.onScrape(gpuRefresher(m.families, () => Promise.resolve(answer)));
    assert.match(await m.render(), /^clawbot_gpu_utilization_ratio\{gpu="0"\} 0.5$/m);
    answer = undefined;
    assert.doesNotMatch(await m.render(), /gpu="0"/);
  });
});
