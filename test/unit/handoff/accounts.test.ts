import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../../core/clock.js';
import { isBotError } from '../../../core/errors.js';
import { createFileAgentDirectory } from '../../../handoff/agents/file-directory.js';
import { hashPassword, verifyPassword } from '../../../handoff/agents/password.js';
import { createRedisAgentDirectory } from '../../../handoff/agents/redis-directory.js';
import type { AgentAccount, AgentDirectory } from '../../../handoff/agents/types.js';
import { isValidUsername, publicAgent } from '../../../handoff/agents/types.js';
import { createConsoleSessions, csrfMatches, readCookie, sessionCookie } from '../../../handoff/console/session.js';
import { addAgent } from '../../../gateway/cli/agents-command.js';
import { useRedis } from '../../helpers/redis.js';

const account = (username: string): AgentAccount => ({
  username,
  displayName: username.toUpperCase(),
  role: 'agent',
  passwordHash: 'h',
  languages: ['zh'],
  channels: [],
  groups: [],
  maxConcurrent: 3,
  createdAt: 1,
  updatedAt: 1,
});

function directoryContract(name: string, open: () => AgentDirectory): void {
  describe(`agent directory: ${name}`, () => {
    it('puts, gets, lists sorted, replaces and removes', async () => {
      const d = open();
      assert.deepEqual(await d.list(), []);
      await d.put(account('zoe'));
      await d.put(account('amy'));
      assert.deepEqual((await d.get('zoe'))?.displayName, 'ZOE');
      assert.deepEqual(
        (await d.list()).map((a) => a.username),
        ['amy', 'zoe'],
      );
      await d.put({ ...account('zoe'), displayName: 'Zoë' });
      assert.equal((await d.get('zoe'))?.displayName, 'Zoë');
      assert.equal(await d.remove('zoe'), true);
      assert.equal(await d.remove('zoe'), false);
      assert.equal(await d.get('zoe'), undefined);
      await d.close();
    });
  });
}

describe('agent accounts and console sessions', () => {
  it('hashes passwords with scrypt, salted, and verifies them', async () => {
    const a = await hashPassword('correct horse');
    const b = await hashPassword('correct horse');
    assert.match(a, /^scrypt\$16384\$8\$1\$[\w-]+\$[\w-]+$/);
    assert.notEqual(a, b, 'salted');
    assert.equal(await verifyPassword('correct horse', a), true);
    assert.equal(await verifyPassword('correct horsE', a), false);
    assert.equal(await verifyPassword('x', 'not-a-hash'), false);
    await assert.rejects(hashPassword('short'), (e: unknown) => isBotError(e) && e.code === 'request.invalid');
  });

  it('accepts sensible usernames only', () => {
    for (const ok of ['alice', 'a.b_c-d@corp', '7']) assert.equal(isValidUsername(ok), true, ok);
    for (const bad of ['', '.alice', 'a b', 'x'.repeat(65), 'a/b']) assert.equal(isValidUsername(bad), false, bad);
  });

  it('never shows password hashes in the public view', () => {
    assert.equal('passwordHash' in publicAgent(account('a')), false);
  });

  const dir = mkdtempSync(join(tmpdir(), 'clawbot-agents-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  directoryContract('JSON file', () => createFileAgentDirectory({ path: join(dir, `a${++n}`, 'agents.json') }));

  describe('agent directory: Redis', () => {
    const redis = useRedis('handoff-agents');
    directoryContract('redis', () =>
      createRedisAgentDirectory({ redis: redis.client, namespace: `${redis.prefix}:${++n}` }),
    );
  });

  it('writes the agents file with mode 0600 and sees changes another process makes', async () => {
    const path = join(dir, 'shared.json');
    const gateway = createFileAgentDirectory({ path });
    const cli = createFileAgentDirectory({ path });
    assert.equal(await gateway.get('amy'), undefined);
    await addAgent(cli, { username: 'amy', password: 'amy-password', role: 'supervisor' });
    assert.equal(statSync(path).mode & 0o777, 0o600);
    const seen = await gateway.get('amy');
    assert.equal(seen?.role, 'supervisor');
    assert.equal(await verifyPassword('amy-password', seen?.passwordHash ?? ''), true);
    await assert.rejects(addAgent(cli, { username: 'amy', password: 'other-password' }), /exists/);
    await addAgent(cli, { username: 'amy', password: 'new-password', replace: true });
    assert.equal(await verifyPassword('new-password', (await gateway.get('amy'))?.passwordHash ?? ''), true);
    assert.equal((await gateway.get('amy'))?.role, 'supervisor', 'replacing keeps what was not given');
    writeFileSync(path, '{ not json');
    await assert.rejects(gateway.list(), (e: unknown) => isBotError(e) && e.code === 'config.invalid');
  });

  describe('console sessions', () => {
    const clock = new ManualClock();
    const secret = new Uint8Array(32).fill(7);
    const sessions = createConsoleSessions({ secret: () => Promise.resolve(secret), ttlSeconds: 3600 }, { clock });

    it('issues and verifies a session with a CSRF token; refuses it once expired or forged', async () => {
      const { token, claims } = await sessions.issue('alice', 'agent');
      const back = await sessions.verify(token);
      assert.equal(back.username, 'alice');
      assert.equal(back.role, 'agent');
      assert.equal(back.csrf, claims.csrf);
      const other = createConsoleSessions(
        { secret: () => Promise.resolve(new Uint8Array(32).fill(8)), ttlSeconds: 60 },
        { clock },
      );
      await assert.rejects(other.verify(token), (e: unknown) => isBotError(e) && e.code === 'auth.invalid');
      clock.advance(3601_000);
      await assert.rejects(sessions.verify(token), (e: unknown) => isBotError(e) && /expired/.test(e.message));
    });

    it('compares CSRF tokens exactly and reads cookies', () => {
      assert.equal(csrfMatches('abc', 'abc'), true);
      assert.equal(csrfMatches('abc', 'abd'), false);
      assert.equal(csrfMatches('abc', undefined), false);
      assert.equal(readCookie('a=1; clawbot_console=tok%3D; b=2', 'clawbot_console'), 'tok=');
      assert.equal(readCookie(undefined, 'x'), undefined);
      assert.equal(
        sessionCookie('t', 60, true),
        'clawbot_console=t; Path=/; HttpOnly; SameSite=Strict; Max-Age=60; Secure',
      );
    });

    it('refuses short secrets and reports an unreadable one as kv.unavailable', async () => {
      const short = createConsoleSessions(
        { secret: () => Promise.resolve(new Uint8Array(8)), ttlSeconds: 60 },
        { clock },
      );
      await assert.rejects(short.issue('a', 'agent'), (e: unknown) => isBotError(e) && e.code === 'config.invalid');
      const down = createConsoleSessions(
        { secret: () => Promise.reject(new Error('ECONNREFUSED')), ttlSeconds: 60 },
        { clock },
      );
      await assert.rejects(down.issue('a', 'agent'), (e: unknown) => isBotError(e) && e.code === 'kv.unavailable');
    });
  });
});
