import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { checkConfigDocument, getConfigValue, loadConfig, setConfigValue } from '../../../gateway/config/index.js';

const ORIGINAL = `# Clawbot config
gateway:
  # the port people connect to
  port: 18789 # trailing comment
inference:
  timeout: 30s # per request
channels:
  slack:
    signingSecret: \${SLACK_SS}
    botToken: \${SLACK_BT}
`;

describe('config get/set', () => {
  let dir: string;
  let path: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'clawbot-edit-'));
    path = join(dir, 'config.yaml');
    await writeFile(path, ORIGINAL, { mode: 0o640 });
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads dotted keys from objects and yaml documents', () => {
    const config = { gateway: { port: 1 }, auth: { apiKeys: [{ key: 'k' }] } };
    assert.equal(getConfigValue(config, 'gateway.port'), 1);
    assert.equal(getConfigValue(config, 'auth.apiKeys.0.key'), 'k');
    assert.equal(getConfigValue(config, 'gateway.nope'), undefined);
    const doc = parseDocument(ORIGINAL);
    assert.equal(getConfigValue(doc, 'gateway.port'), 18789);
    assert.deepEqual(getConfigValue(doc, 'gateway'), { port: 18789 });
    assert.throws(() => getConfigValue(doc, 'gateway..port'), /not a config key/);
  });

  it('sets a value, parsing it as a YAML scalar, and keeps every comment', async () => {
    const result = await setConfigValue(path, 'inference.timeout', '60', { env: {} });
    assert.equal(result.previous, '30s');
    assert.equal(result.value, 60);
    const text = await readFile(path, 'utf8');
    assert.equal(text, ORIGINAL.replace('timeout: 30s # per request', 'timeout: 60 # per request'));
    assert.equal((await stat(path)).mode & 0o777, 0o640, 'file mode kept');
    const config = await loadConfig({ path, env: { SLACK_SS: 'a', SLACK_BT: 'xoxb-b' } });
    assert.equal(config.inference.timeout, 60);
  });

  it('adds missing sections and keys', async () => {
    await setConfigValue(path, 'memory.ttl', '1h', { env: {} });
    await setConfigValue(path, 'auth.apiKeys', '[first-key, second-key]', { env: {} });
    const doc = parseDocument(await readFile(path, 'utf8'));
    assert.equal(doc.getIn(['memory', 'ttl']), '1h');
    assert.deepEqual(getConfigValue(doc, 'auth.apiKeys'), ['first-key', 'second-key']);
    assert.match(doc.toString(), /# the port people connect to/);
  });

  it('refuses an invalid value with the schema message and leaves the file untouched', async () => {
    for (const [key, value, message] of [
      ['inference.timeout', 'soon', /inference\.timeout: expected a number of seconds or a duration/],
      ['gateway.port', '70000', /gateway\.port: /],
      ['gateway.prot', '1', /gateway\.prot: unknown key/],
      ['mode', 'staging', /mode: /],
      ['gateway.port.inner', '1', /gateway\.port holds a value, not a mapping/],
    ] as const) {
      await assert.rejects(setConfigValue(path, key, value, { env: {} }), (error: Error) => {
        assert.match(error.message, message);
        return true;
      });
      assert.equal(await readFile(path, 'utf8'), ORIGINAL, `${key} left the file untouched`);
    }
  });

  it('stores strings with asString and creates a missing file', async () => {
    const fresh = join(dir, 'new.yaml');
    await assert.rejects(
      setConfigValue(fresh, 'channels.slack.signingSecret', 'x', { env: {} }),
      /channels\.slack\.botToken: is required[\s\S]*clawbot config set channels\.slack/,
    );
    await setConfigValue(fresh, 'channels.slack', '{ signingSecret: x, botToken: xoxb-1 }', { env: {} });
    await setConfigValue(fresh, 'channels.slack.signingSecret', '0123', { env: {}, asString: true });
    const config = await loadConfig({ path: fresh, env: {} });
    assert.equal(config.channels.slack?.signingSecret, '0123');
    assert.equal((await stat(fresh)).mode & 0o777, 0o600);
  });

  it('does not block an unrelated edit on a problem the file already had', async () => {
    await writeFile(path, 'gateway: { port: 70000 }\n');
    const result = await setConfigValue(path, 'log.level', 'debug', { env: {} });
    assert.deepEqual(
      result.otherProblems.map((p) => p.path),
      ['gateway.port'],
    );
    // ...but fixing the broken key is checked.
    await assert.rejects(setConfigValue(path, 'gateway.port', '-1', { env: {} }), /gateway\.port/);
    await setConfigValue(path, 'gateway.port', '8080', { env: {} });
    assert.equal((await loadConfig({ path, env: {} })).gateway.port, 8080);
  });

  it('judges ${ENV} references only once the variable is set', async () => {
    const doc = { gateway: { port: '${PORT}' }, auth: { type: 'jwt', jwtSecret: '${JWT_SECRET}' } };
    assert.deepEqual(checkConfigDocument(doc, {}), []);
    assert.deepEqual(
      checkConfigDocument(doc, { PORT: 'eighty', JWT_SECRET: 'short' }).map((p) => p.path),
      ['gateway.port', 'auth.jwtSecret'],
    );
    await setConfigValue(path, 'auth.jwtSecret', '${JWT_SECRET}', { env: {} });
    await assert.rejects(
      setConfigValue(path, 'auth.jwtSecret', '${JWT_SECRET}', { env: { JWT_SECRET: 'short' } }),
      /32/,
    );
  });
});
