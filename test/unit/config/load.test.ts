import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isBotError, type BotError } from '../../../core/errors.js';
import { loadConfig, loadConfigDetailed, parseConfig, resolveConfigPath } from '../../../gateway/config/index.js';

async function rejectsWith(promise: Promise<unknown>): Promise<BotError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(isBotError(error), `expected a BotError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a rejection');
}

describe('loadConfig', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'clawbot-config-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const file = async (text: string): Promise<string> => {
    const path = join(dir, 'config.yaml');
    await writeFile(path, text);
    return path;
  };

  it('uses every default when there is no file (the embedded demo)', async () => {
    const loaded = await loadConfigDetailed({ path: join(dir, 'absent.yaml'), env: {} });
    assert.equal(loaded.fileFound, false);
    const c = loaded.config;
    assert.equal(c.mode, 'development');
    assert.deepEqual(c.gateway, {
      host: '0.0.0.0',
      port: 18789,
      bodyLimit: 1024 * 1024,
      trustProxy: false,
      shutdownTimeoutMs: 10_000,
      workers: 1,
    });
    assert.deepEqual(c.auth, {
      type: 'api-key',
      apiKeys: [],
      jwtIssuer: 'clawbot',
      tokenExpiry: 3600,
      groups: {},
      pairing: { file: '.data/pairing.json', ttl: 3600, maxPending: 3, scopes: ['chat'] },
    });
    assert.deepEqual(c.redis, { keyPrefix: 'clawbot' });
    assert.deepEqual(c.memory, { turns: 5, ttl: 1800 });
    assert.deepEqual(c.bot, {
      retrieval: {
        vectorIndex: 'auto',
        quantizedThreshold: 20_000,
        hnswThreshold: 2_000_000,
        hnsw: { connectivity: 16, efConstruction: 128, efSearch: 64 },
      },
    });
    assert.deepEqual(c.handoff, {
      threshold: 0.8,
      lowConfidenceStreak: 2,
      timeout: 300,
      fallback: 'resume_bot',
      assignment: 'manual',
      averageHandleTime: 180,
      sweepInterval: 5,
      survey: true,
      agentsFile: '.data/agents.json',
      sessionTtl: 28_800,
      retention: 604_800,
      console: true,
      cannedReplies: [],
      messages: {},
    });
    assert.deepEqual(c.inference, {
      device: 'auto',
      intentModel: 'lexical',
      timeout: 30,
      maxBatchSize: 16,
      maxWaitMs: 2,
      maxConcurrentRequests: 256,
      modelDir: '.cache/models',
    });
    assert.deepEqual(c.log, { level: 'info', maskPii: true });
    assert.deepEqual(c.channels, {});
  });

  it('treats an empty file as all defaults', async () => {
    const c = await loadConfig({ path: await file('# nothing yet\n'), env: {} });
    assert.equal(c.gateway.port, 18789);
  });

  it('returns a deep-frozen object', async () => {
    const c = await loadConfig({ path: await file('auth:\n  apiKeys: [abc]\n'), env: {} });
    assert.ok(Object.isFrozen(c));
    assert.ok(Object.isFrozen(c.gateway));
    assert.ok(Object.isFrozen(c.auth.apiKeys));
    assert.ok(Object.isFrozen(c.auth.apiKeys[0]));
    assert.throws(() => {
      (c.gateway as { port: number }).port = 1;
    }, TypeError);
  });

  it('reads values from the file and normalises API keys and durations', async () => {
    const c = await loadConfig({
      path: await file(
        [
          'mode: production',
          'gateway: { port: 8080, bodyLimit: 64kb }',
          'auth:',
          '  apiKeys:',
          '    - plain-key-0123456789',
          '    - { key: scoped-key-0123456789, scopes: [chat], allowIps: [10.0.0.0/8, "::1"] }',
          'memory: { turns: 3, ttl: 1h }',
          'inference: { timeout: 90s }',
        ].join('\n'),
      ),
      env: {},
    });
    assert.equal(c.gateway.port, 8080);
    assert.equal(c.gateway.bodyLimit, 65_536);
    assert.deepEqual(c.auth.apiKeys, [
      { key: 'plain-key-0123456789', scopes: ['chat', 'agent', 'admin'], allowIps: [] },
      { key: 'scoped-key-0123456789', scopes: ['chat'], allowIps: ['10.0.0.0/8', '::1'] },
    ]);
    assert.equal(c.memory.turns, 3);
    assert.equal(c.memory.ttl, 3600);
    assert.equal(c.inference.timeout, 90);
  });

  it('interpolates ${ENV} references in string values', async () => {
    const path = await file(
      [
        'gateway: { port: "${PORT}" }',
        'redis: { url: "redis://${REDIS_HOST}:6379", keyPrefix: "${PREFIX:-cb}" }',
        'channels:',
        '  slack: { signingSecret: "${SLACK_SS}", botToken: "xoxb-$${literal}" }',
      ].join('\n'),
    );
    const c = await loadConfig({ path, env: { PORT: '9090', REDIS_HOST: 'cache', SLACK_SS: 's3cret' } });
    assert.equal(c.gateway.port, 9090);
    assert.equal(c.redis.url, 'redis://cache:6379');
    assert.equal(c.redis.keyPrefix, 'cb');
    assert.equal(c.channels.slack?.signingSecret, 's3cret');
    assert.equal(c.channels.slack?.botToken, 'xoxb-${literal}');
  });

  it('lists every unset ${ENV} reference with its path', async () => {
    const path = await file('channels:\n  slack: { signingSecret: "${SLACK_SS}", botToken: "${SLACK_BT}" }\n');
    const error = await rejectsWith(loadConfig({ path, env: {} }));
    assert.equal(error.code, 'config.invalid');
    assert.match(error.message, /channels\.slack\.signingSecret: environment variable SLACK_SS is not set/);
    assert.match(error.message, /channels\.slack\.botToken: environment variable SLACK_BT is not set/);
    assert.match(error.message, /2 problems/);
  });

  it('applies CLAWBOT_* overrides with YAML scalar values', async () => {
    const path = await file('gateway: { port: 1000 }\nlog: { level: warn }\n');
    const loaded = await loadConfigDetailed({
      path,
      env: {
        CLAWBOT_GATEWAY__PORT: '8080',
        CLAWBOT_GATEWAY__BODY_LIMIT: '2mb',
        CLAWBOT_GATEWAY__TRUSTPROXY: 'true',
        CLAWBOT_MODE: 'production',
        CLAWBOT_AUTH__JWT_SECRET: 'x'.repeat(40),
        CLAWBOT_MEMORY__TTL: '10m',
        CLAWBOT_LOG__MASK_PII: 'false',
        CLAWBOT_CHANNELS__SLACK__SIGNING_SECRET: 'sig',
        CLAWBOT_CHANNELS__SLACK__BOT_TOKEN: 'xoxb-1',
        CLAWBOT_UNRELATED: 'x',
        PORT: '1234',
      },
    });
    const c = loaded.config;
    assert.equal(c.mode, 'production');
    assert.equal(c.gateway.port, 8080, 'PORT is not special');
    assert.equal(c.gateway.bodyLimit, 2 * 1024 * 1024);
    assert.equal(c.gateway.trustProxy, true);
    assert.equal(c.auth.jwtSecret, 'x'.repeat(40));
    assert.equal(c.memory.ttl, 600);
    assert.equal(c.log.level, 'warn');
    assert.equal(c.log.maskPii, false);
    assert.equal(c.channels.slack?.signingSecret, 'sig');
    assert.equal(c.channels.slack?.botToken, 'xoxb-1');
    assert.deepEqual(loaded.ignoredEnv, ['CLAWBOT_UNRELATED']);
    assert.ok(loaded.envOverrides.some((o) => o.variable === 'CLAWBOT_GATEWAY__PORT' && o.path === 'gateway.port'));
  });

  it('keeps unquoted override strings exactly and lets an override replace an unset ${ENV}', async () => {
    const path = await file('channels:\n  slack: { signingSecret: "${SLACK_SS}", botToken: xoxb-b }\n');
    const c = await loadConfig({ path, env: { CLAWBOT_CHANNELS__SLACK__SIGNING_SECRET: 'abc #not-a-comment' } });
    assert.equal(c.channels.slack?.signingSecret, 'abc #not-a-comment');
  });

  it('adds CLAWBOT_API_KEYS to the configured keys', async () => {
    const path = await file('auth:\n  apiKeys: [from-file]\n');
    const c = await loadConfig({ path, env: { CLAWBOT_API_KEYS: ' one, two ,,' } });
    assert.deepEqual(
      c.auth.apiKeys.map((k) => k.key),
      ['from-file', 'one', 'two'],
    );
  });

  it('takes redis.url from REDIS_URL when the file does not set it', async () => {
    const none = await loadConfig({ path: join(dir, 'absent.yaml'), env: { REDIS_URL: 'redis://r:6379' } });
    assert.equal(none.redis.url, 'redis://r:6379');
    const path = await file('redis: { url: "redis://file:6379" }\n');
    const fromFile = await loadConfig({ path, env: { REDIS_URL: 'redis://env:6379' } });
    assert.equal(fromFile.redis.url, 'redis://file:6379');
    const overridden = await loadConfig({
      path,
      env: { REDIS_URL: 'redis://env:6379', CLAWBOT_REDIS__URL: 'redis://override:6379' },
    });
    assert.equal(overridden.redis.url, 'redis://override:6379');
  });

  it('applies programmatic overrides last', async () => {
    const path = await file('gateway: { port: 1000, host: 127.0.0.1 }\n');
    const c = await loadConfig({
      path,
      env: { CLAWBOT_GATEWAY__PORT: '2000' },
      overrides: { gateway: { port: 3000 } },
    });
    assert.equal(c.gateway.port, 3000);
    assert.equal(c.gateway.host, '127.0.0.1');
  });

  it('lists every problem with its dotted path in one config.invalid error', async () => {
    const path = await file(
      [
        'mode: staging',
        'gateway: { port: 70000, prot: 1 }',
        'auth:',
        '  type: jwt',
        '  apiKeys: [{ key: abc, scopes: [chat, superuser], allowIps: [10.0.0.0/33] }]',
        'memory: { turns: 0, ttl: soon }',
        'handoff: { threshold: 1.5 }',
        'inference: { device: tpu }',
        'channels:',
        '  slack: { signingSecret: s }',
        'extra: true',
      ].join('\n'),
    );
    const error = await rejectsWith(loadConfig({ path, env: { CLAWBOT_LOG__LEVEL: 'loud' } }));
    assert.equal(error.code, 'config.invalid');
    const expected = [
      /- mode: /,
      /- gateway\.port: /,
      /- gateway\.prot: unknown key/,
      /- auth\.apiKeys\.0\.scopes\.1: /,
      /- auth\.apiKeys\.0\.allowIps\.0: expected an IP address or CIDR block/,
      /- auth\.jwtSecret: is required when auth\.type is jwt/,
      /- memory\.turns: /,
      /- memory\.ttl: expected a number of seconds or a duration/,
      /- handoff\.threshold: /,
      /- inference\.device: /,
      /- log\.level: .*\(set by CLAWBOT_LOG__LEVEL\)/,
      /- channels\.slack\.botToken: is required/,
      /- extra: unknown key/,
    ];
    for (const pattern of expected) assert.match(error.message, pattern);
    assert.match(error.message, new RegExp(`\\(${expected.length} problems\\)`));
    assert.ok(error.message.includes(path));
    const problems = error.details?.['problems'] as { path: string }[];
    assert.equal(problems.length, expected.length);
  });

  it('reports YAML syntax errors and non-mapping files', async () => {
    const broken = await rejectsWith(loadConfig({ path: await file('gateway: [1, 2\n'), env: {} }));
    assert.match(broken.message, /YAML syntax/);
    const list = await rejectsWith(loadConfig({ path: await file('- a\n- b\n'), env: {} }));
    assert.match(list.message, /must contain a YAML mapping/);
  });

  it('requires credentials and long keys in production mode', async () => {
    const empty = await rejectsWith(loadConfig({ path: await file('mode: production\n'), env: {} }));
    assert.match(empty.message, /auth\.apiKeys: production mode needs at least one API key/);
    const short = await rejectsWith(
      loadConfig({ path: await file('mode: production\nauth: { apiKeys: [short] }\n'), env: {} }),
    );
    assert.match(short.message, /auth\.apiKeys\.0\.key: API keys must be at least 16 characters/);
    const ok = await loadConfig({ path: await file('mode: production\n'), env: { CLAWBOT_API_KEYS: 'k'.repeat(32) } });
    assert.equal(ok.auth.apiKeys.length, 1);
  });

  it('resolves the config path from the argument, CLAWBOT_CONFIG, then ./config.yaml', () => {
    assert.equal(resolveConfigPath('a.yaml', { CLAWBOT_CONFIG: 'b.yaml' }, '/srv'), '/srv/a.yaml');
    assert.equal(resolveConfigPath(undefined, { CLAWBOT_CONFIG: 'b.yaml' }, '/srv'), '/srv/b.yaml');
    assert.equal(resolveConfigPath(undefined, {}, '/srv'), '/srv/config.yaml');
  });

  it('parseConfig validates an in-memory value', () => {
    assert.equal(parseConfig({ gateway: { port: 1 } }).gateway.port, 1);
    assert.throws(() => parseConfig({ gateway: { port: 'x' } }), /gateway\.port/);
  });
});
