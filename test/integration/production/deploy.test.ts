/**
 * deploy/ stays in step with the gateway: the example and Kubernetes configs validate against the config schema
 * (with their ${ENV} values supplied), probes point at the health and readiness routes, nginx balances both compose
 * replicas, the systemd unit runs workers and stops with SIGTERM, and the images run as a non-root user.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { loadConfig } from '../../../gateway/config/index.js';
import { ROOT } from './support.js';

const read = (path: string) => readFile(join(ROOT, 'deploy', path), 'utf8');

const ENV = {
  REDIS_URL: 'redis://:pw@redis:6379/0',
  CLAWBOT_API_KEYS: 'a-long-enough-production-api-key',
  CLAWBOT_JWT_SECRET: 'x'.repeat(40),
  WECHAT_TOKEN: 'token123',
  WECHAT_APP_ID: 'wx0123456789abcdef',
  WECHAT_APP_SECRET: 'app-secret',
  WECHAT_AES_KEY: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
};

async function validate(yamlText: string) {
  const dir = await mkdtemp(join(tmpdir(), 'clawbot-deploy-'));
  const file = join(dir, 'config.yaml');
  await writeFile(file, yamlText);
  return loadConfig({ path: file, env: ENV, cwd: dir });
}

describe('deploy/ manifests', () => {
  it('config.example.yaml validates as a production config with Redis', async () => {
    const config = await validate(await read('config.example.yaml'));
    assert.equal(config.mode, 'production');
    assert.equal(config.redis.url, ENV.REDIS_URL);
    assert.equal(config.limits.perUser, 20);
  });

  it('the Kubernetes ConfigMap holds a valid config; probes use /api/v1/health and /api/v1/ready', async () => {
    const configMap = parse(await read('kubernetes/configmap.yaml')) as { data: Record<string, string> };
    const config = await validate(configMap.data['config.yaml'] ?? '');
    assert.equal(config.channels.wechat_official?.appId, ENV.WECHAT_APP_ID);
    const deployment = parse(await read('kubernetes/deployment.yaml')) as {
      spec: {
        replicas: number;
        template: { spec: Record<string, unknown> & { containers: Record<string, unknown>[] } };
      };
    };
    const pod = deployment.spec.template.spec;
    const container = pod.containers[0] as Record<string, { httpGet?: { path: string } }>;
    assert.equal(container['livenessProbe']?.httpGet?.path, '/api/v1/health');
    assert.equal(container['readinessProbe']?.httpGet?.path, '/api/v1/ready');
    assert.ok(deployment.spec.replicas >= 2);
    assert.equal((pod['securityContext'] as { runAsNonRoot: boolean }).runAsNonRoot, true);
    assert.ok(
      (pod['terminationGracePeriodSeconds'] as number) * 1000 > config.gateway.shutdownTimeoutMs,
      'Kubernetes must wait longer than the graceful shutdown',
    );
    for (const file of ['service.yaml', 'hpa.yaml', 'secret.yaml', 'pdb.yaml', 'namespace.yaml']) {
      const docs = parseAllDocuments(await read(`kubernetes/${file}`));
      assert.ok(docs.length > 0 && docs.every((d) => d.errors.length === 0), file);
    }
    const kustomization = parse(await read('kubernetes/kustomization.yaml')) as { resources: string[] };
    assert.deepEqual([...kustomization.resources].sort(), [
      'configmap.yaml',
      'deployment.yaml',
      'hpa.yaml',
      'namespace.yaml',
      'pdb.yaml',
      'secret.yaml',
      'service.yaml',
    ]);
  });

  it('docker-compose runs two gateways, Redis and nginx; nginx balances both', async () => {
    const compose = parse(await read('docker-compose.yml')) as { services: Record<string, unknown> };
    assert.deepEqual(Object.keys(compose.services).sort(), ['gateway1', 'gateway2', 'nginx', 'redis']);
    const nginx = await read('nginx.conf');
    assert.match(nginx, /server gateway1:18789/);
    assert.match(nginx, /server gateway2:18789/);
    assert.match(nginx, /X-Request-Id/);
  });

  it('the images run as a non-root user; the systemd unit runs workers and stops with SIGTERM', async () => {
    assert.match(await read('Dockerfile'), /^USER node$/m);
    assert.match(await read('Dockerfile.cuda'), /^USER clawbot$/m);
    assert.match(await read('Dockerfile'), /^FROM .* AS deps$/m, 'multi-stage');
    const unit = await read('systemd/clawbot.service');
    assert.match(unit, /^ExecStart=.*gateway --config \S+ --workers \d+$/m);
    assert.match(unit, /^KillSignal=SIGTERM$/m);
    assert.match(unit, /^User=clawbot$/m);
  });
});
