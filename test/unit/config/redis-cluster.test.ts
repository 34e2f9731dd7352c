import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isBotError } from '../../../core/errors.js';
import { clusterOptionsOf, describeRedisTarget, redisTargetOf } from '../../../gateway/app/redis-client.js';
import { loadConfig, parseConfig } from '../../../gateway/config/index.js';

function problemOf(input: unknown): string {
  try {
    parseConfig(input, 'test');
  } catch (error) {
    assert.ok(isBotError(error), `expected a BotError, got ${String(error)}`);
    return error.message;
  }
  assert.fail('expected config.invalid');
}

describe('redis.cluster config', () => {
  it('names no Redis by default, one server with url, a cluster with cluster.nodes', () => {
    assert.equal(redisTargetOf(parseConfig({}, 'test')), undefined);
    assert.deepEqual(redisTargetOf(parseConfig({ redis: { url: 'redis://r:6379' } }, 'test')), {
      kind: 'single',
      url: 'redis://r:6379',
    });
    const c = parseConfig({ redis: { cluster: { nodes: ['redis://a:7000', 'rediss://b:7001/'] } } }, 'test');
    assert.deepEqual(redisTargetOf(c), { kind: 'cluster', nodes: ['redis://a:7000', 'rediss://b:7001/'] });
  });

  it('accepts the nodes as one comma-separated string (environment variables)', () => {
    const c = parseConfig({ redis: { cluster: { nodes: 'redis://a:7000, redis://b:7000' } } }, 'test');
    assert.deepEqual(c.redis.cluster?.nodes, ['redis://a:7000', 'redis://b:7000']);
  });

  it('refuses url and cluster together, an empty node list, non-Redis URLs and database numbers', () => {
    assert.match(
      problemOf({ redis: { url: 'redis://r:6379', cluster: { nodes: ['redis://a:7000'] } } }),
      /redis\.cluster.*not both/,
    );
    assert.match(problemOf({ redis: { cluster: { nodes: [] } } }), /redis\.cluster\.nodes.*at least one node/);
    assert.match(problemOf({ redis: { cluster: { nodes: ['http://a:7000'] } } }), /redis:\/\/ or rediss:\/\//);
    assert.match(problemOf({ redis: { cluster: { nodes: ['redis://a:7000/2'] } } }), /without a database number/);
    assert.match(problemOf({ redis: { cluster: { nodes: ['redis://a:7000'], seeds: 1 } } }), /seeds/);
  });

  it('lets several workers run on a cluster (they share state through it)', () => {
    const c = parseConfig({ gateway: { workers: 2 }, redis: { cluster: { nodes: ['redis://a:7000'] } } }, 'test');
    assert.equal(c.gateway.workers, 2);
    assert.match(problemOf({ gateway: { workers: 2 } }), /redis\.url or redis\.cluster/);
  });

  describe('with the environment', () => {
    let dir: string;
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'clawbot-cluster-config-'));
    });
    after(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('ignores REDIS_URL when the file names a cluster; CLAWBOT_REDIS__CLUSTER__NODES sets the nodes', async () => {
      const path = join(dir, 'config.yaml');
      await writeFile(path, 'redis: { cluster: { nodes: [redis://file:7000] } }\n');
      const c = await loadConfig({ path, env: { REDIS_URL: 'redis://env:6379' } });
      assert.equal(c.redis.url, undefined);
      assert.deepEqual(c.redis.cluster?.nodes, ['redis://file:7000']);
      const fromEnv = await loadConfig({
        path: join(dir, 'absent.yaml'),
        env: { CLAWBOT_REDIS__CLUSTER__NODES: 'redis://e1:7000,redis://e2:7000' },
      });
      assert.deepEqual(redisTargetOf(fromEnv), { kind: 'cluster', nodes: ['redis://e1:7000', 'redis://e2:7000'] });
    });
  });
});

describe('Redis Cluster client options', () => {
  it('takes host and port of every seed, credentials and TLS from the first node', () => {
    const { startupNodes, options } = clusterOptionsOf(['rediss://app:s%3Acret@cache-1:7000', 'rediss://cache-2'], {
      maxRetriesPerRequest: null,
      retryStrategy: () => 100,
      enableOfflineQueue: false,
    });
    assert.deepEqual(startupNodes, [
      { host: 'cache-1', port: 7000 },
      { host: 'cache-2', port: 6379 },
    ]);
    assert.equal(options.redisOptions?.username, 'app');
    assert.equal(options.redisOptions?.password, 's:cret');
    assert.deepEqual(options.redisOptions?.tls, {});
    assert.equal(options.redisOptions?.maxRetriesPerRequest, null);
    assert.equal(options.enableOfflineQueue, false);
    assert.equal(options.clusterRetryStrategy?.(3), 100);
    assert.equal(typeof options.dnsLookup, 'function', 'TLS keeps host names for certificate checks');
  });

  it('sets no credentials or TLS for plain nodes', () => {
    const { options } = clusterOptionsOf(['redis://a:7000'], {});
    assert.deepEqual(options.redisOptions, {});
    assert.equal(options.dnsLookup, undefined);
  });

  it('describes a target without passwords', () => {
    assert.equal(
      describeRedisTarget({ kind: 'cluster', nodes: ['redis://:pw@a:7000', 'redis://b:7000'] }),
      'cluster redis://:***@a:7000, redis://b:7000',
    );
    assert.equal(describeRedisTarget({ kind: 'single', url: 'redis://:pw@r:6379' }), 'redis://:***@r:6379');
  });
});
