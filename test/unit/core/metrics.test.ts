import assert from 'node:assert/strict';
import { countOutcome, type Metrics } from '../../../core/ports/metrics.js';

describe('metrics port: countOutcome', () => {
  it('passes the result or error through and counts ok or failed, with the given labels', async () => {
    const counted: string[] = [];
    const metrics: Metrics = {
      increment: (name, labels) => counted.push(`${name} ${JSON.stringify(labels)}`),
      observe: () => undefined,
    };
    const labels = { channel: 'dingtalk' };
    assert.equal(await countOutcome(metrics, 'channel.token_refresh', labels, Promise.resolve('token')), 'token');
    await assert.rejects(
      countOutcome(metrics, 'channel.token_refresh', labels, Promise.reject(new Error('40125'))),
      /40125/,
    );
    assert.deepEqual(counted, [
      'channel.token_refresh {"channel":"dingtalk","outcome":"ok"}',
      'channel.token_refresh {"channel":"dingtalk","outcome":"failed"}',
    ]);
    assert.equal(await countOutcome(undefined, 'channel.token_refresh', labels, Promise.resolve(1)), 1);
  });
});
