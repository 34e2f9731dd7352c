import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, systemClock } from '../../../core/clock.js';
import {
  createFilePairingStore,
  createPairingService,
  createRedisPairingStore,
  pairingKey,
  type PairingService,
  type PairingStore,
} from '../../../gateway/auth/index.js';
import { useRedis } from '../../helpers/redis.js';
import { rejectsWithCode } from './support.js';

const SECRET = 'shop-web-secret-0123456789';
const HOUR = 3_600_000;

/** The same behaviour over every store. `makeStore` gives a fresh, empty store; `again` another handle on it. */
function pairingContract(name: string, setup: () => { makeStore(): Promise<PairingStore>; again(): PairingStore }) {
  describe(`pairing service over the ${name} store`, () => {
    const fixture = setup();
    let store: PairingStore;
    let clock: ManualClock;
    let pairing: PairingService;
    beforeEach(async () => {
      store = await fixture.makeStore();
      clock = new ManualClock(Date.now());
      pairing = createPairingService({}, { store, clock });
    });
    afterEach(() => store.close());

    it('pairs a client end to end: request, status, approve, authenticate', async () => {
      const request = await pairing.request({ clientId: 'shop-web', secret: SECRET, remoteAddress: '10.0.0.7' });
      assert.match(request.code, /^[2-9A-HJKMNP-Z]{8}$/);
      assert.equal(request.status, 'pending');
      assert.equal(request.expiresAt - request.createdAt, HOUR);
      assert.deepEqual(await pairing.status(request.code.toLowerCase()), request);
      assert.equal(await pairing.authenticateClient('shop-web', SECRET), undefined, 'not before approval');
      const client = await pairing.approve(request.code, { scopes: ['chat', 'agent'] });
      assert.deepEqual(client.scopes, ['chat', 'agent']);
      assert.equal((await pairing.status(request.code)).status, 'approved');
      assert.deepEqual(await pairing.authenticateClient('shop-web', SECRET), client);
      assert.equal(await pairing.authenticateClient('shop-web', `${SECRET}x`), undefined);
      assert.equal(await pairing.authenticateClient('nobody', SECRET), undefined);
    });

    it('never stores the secret itself', async () => {
      await pairing.request({ clientId: 'shop-web', secret: SECRET });
      assert.ok(!JSON.stringify(await store.read()).includes(SECRET));
    });

    it('returns the same code when the same client asks again with the same secret; another secret conflicts', async () => {
      const first = await pairing.request({ clientId: 'shop-web', secret: SECRET });
      assert.deepEqual(await pairing.request({ clientId: 'shop-web', secret: SECRET }), first);
      await rejectsWithCode(pairing.request({ clientId: 'shop-web', secret: `${SECRET}-other` }), 'pairing.conflict');
    });

    it('validates client_id and secret', async () => {
      await rejectsWithCode(pairing.request({ clientId: 'x', secret: SECRET }), 'request.invalid', /client_id/);
      await rejectsWithCode(pairing.request({ clientId: 'has space', secret: SECRET }), 'request.invalid');
      await rejectsWithCode(pairing.request({ clientId: 'shop-web', secret: 'short' }), 'request.invalid', /16/);
      await rejectsWithCode(
        pairing.request({ clientId: undefined as unknown as string, secret: SECRET }),
        'request.invalid',
        /client_id is required/,
      );
    });

    it('allows 3 pending requests, refuses the 4th with 429, and frees slots on expiry', async () => {
      for (const id of ['client-a', 'client-b', 'client-c']) await pairing.request({ clientId: id, secret: SECRET });
      await rejectsWithCode(pairing.request({ clientId: 'client-d', secret: SECRET }), 'pairing.too_many_pending');
      clock.advance(HOUR);
      const fourth = await pairing.request({ clientId: 'client-d', secret: SECRET });
      assert.equal(fourth.status, 'pending');
    });

    it('rejected and expired codes read as such and cannot be approved; the client may ask again', async () => {
      const rejected = await pairing.request({ clientId: 'client-r', secret: SECRET });
      assert.equal((await pairing.reject(rejected.code)).status, 'rejected');
      assert.equal((await pairing.status(rejected.code)).status, 'rejected');
      await rejectsWithCode(pairing.approve(rejected.code), 'pairing.not_pending');
      await rejectsWithCode(pairing.reject(rejected.code), 'pairing.not_pending');

      const expired = await pairing.request({ clientId: 'client-e', secret: SECRET });
      clock.advance(HOUR + 1);
      assert.equal((await pairing.status(expired.code)).status, 'expired');
      await rejectsWithCode(pairing.approve(expired.code), 'pairing.expired', /ask for a new one/);
      assert.equal(await pairing.authenticateClient('client-e', SECRET), undefined);

      const again = await pairing.request({ clientId: 'client-r', secret: SECRET });
      assert.notEqual(again.code, rejected.code);
    });

    it('forgets decided requests after a day (404), but keeps the client', async () => {
      const request = await pairing.request({ clientId: 'shop-web', secret: SECRET });
      await pairing.approve(request.code);
      clock.advance(25 * HOUR);
      await rejectsWithCode(pairing.status(request.code), 'not_found');
      await pairing.request({ clientId: 'other-client', secret: SECRET }); // an update prunes
      assert.equal((await store.read()).requests.length, 1);
      assert.ok(await pairing.authenticateClient('shop-web', SECRET));
    });

    it('answers not_found for unknown and malformed codes', async () => {
      await rejectsWithCode(pairing.status('ABCDEFGH'), 'not_found');
      await rejectsWithCode(pairing.status('not a code'), 'not_found');
      await rejectsWithCode(pairing.approve('ABCDEFGH'), 'not_found');
    });

    it('lists requests newest first and clients; revokes clients', async () => {
      const a = await pairing.request({ clientId: 'client-a', secret: SECRET });
      clock.advance(1000);
      const b = await pairing.request({ clientId: 'client-b', secret: SECRET });
      await pairing.approve(a.code, { groups: ['partners'] });
      const listing = await pairing.list();
      assert.deepEqual(
        listing.requests.map((r) => [r.code, r.status]),
        [
          [b.code, 'pending'],
          [a.code, 'approved'],
        ],
      );
      assert.deepEqual(
        listing.clients.map((c) => [c.clientId, c.scopes, c.groups]),
        [['client-a', ['chat'], ['partners']]],
      );
      assert.equal((await pairing.revoke('client-a')).clientId, 'client-a');
      assert.equal(await pairing.authenticateClient('client-a', SECRET), undefined);
      await rejectsWithCode(pairing.revoke('client-a'), 'not_found');
    });

    it('loses no update when two processes (two store handles) change the state at once', async () => {
      const other = createPairingService({ maxPending: 50 }, { store: fixture.again(), clock });
      const mine = createPairingService({ maxPending: 50 }, { store, clock });
      const ids = Array.from({ length: 12 }, (_, i) => `client-${i}`);
      const made = await Promise.all(
        ids.map((id, i) => (i % 2 === 0 ? mine : other).request({ clientId: id, secret: SECRET })),
      );
      assert.equal(new Set(made.map((m) => m.code)).size, ids.length);
      const listed = (await mine.list()).requests.map((r) => r.clientId).sort();
      assert.deepEqual(listed, [...ids].sort());
      await Promise.all(made.map((m, i) => (i % 2 === 0 ? other : mine).approve(m.code)));
      assert.equal((await other.list()).clients.length, ids.length);
    });
  });
}

describe('pairing stores', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'clawbot-pairing-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  let path = '';
  let n = 0;
  pairingContract('file', () => ({
    makeStore: () => {
      n += 1;
      path = join(dir, `run-${n}`, 'pairing.json');
      return Promise.resolve(createFilePairingStore({ path }, { clock: systemClock }));
    },
    again: () => createFilePairingStore({ path }, { clock: systemClock }),
  }));

  describe('file store specifics', () => {
    it('writes a private file in a private folder, with no temporary or lock file left behind', async () => {
      const file = join(dir, 'specifics', 'pairing.json');
      const store = createFilePairingStore({ path: file }, { clock: systemClock });
      const pairing = createPairingService({}, { store, clock: systemClock });
      await pairing.request({ clientId: 'shop-web', secret: SECRET });
      assert.equal((await stat(file)).mode & 0o777, 0o600);
      assert.equal((await stat(join(dir, 'specifics'))).mode & 0o777, 0o700);
      const { readdir } = await import('node:fs/promises');
      assert.deepEqual(await readdir(join(dir, 'specifics')), ['pairing.json']);
      assert.equal(JSON.parse(await readFile(file, 'utf8')).requests.length, 1);
    });

    it('breaks a stale lock left by a crashed process, and times out on a live one', async () => {
      const file = join(dir, 'locks', 'pairing.json');
      const clock = new ManualClock(Date.now());
      const store = createFilePairingStore(
        { path: file, lockTimeoutMs: 200, staleLockMs: 60_000 },
        { clock: systemClock },
      );
      const pairing = createPairingService({}, { store, clock });
      await pairing.request({ clientId: 'client-a', secret: SECRET });
      await writeFile(`${file}.lock`, '999999\n');
      await rejectsWithCode(pairing.request({ clientId: 'client-b', secret: SECRET }), 'lock.timeout');
      const impatient = createFilePairingStore({ path: file, staleLockMs: 0 }, { clock: systemClock });
      await createPairingService({}, { store: impatient, clock }).request({ clientId: 'client-b', secret: SECRET });
      assert.equal((await pairing.list()).requests.length, 2);
    });

    it('reports a corrupted file clearly instead of starting over', async () => {
      const file = join(dir, 'corrupt.json');
      await writeFile(file, '{"version": 1, "requests": [');
      const store = createFilePairingStore({ path: file }, { clock: systemClock });
      await rejectsWithCode(store.read(), 'internal', /not valid JSON; fix or remove it/);
      await writeFile(file, '{"something": "else"}');
      await rejectsWithCode(store.read(), 'internal', /does not hold a pairing state/);
    });
  });

  describe('Redis', () => {
    const redis = useRedis('pairing');
    let run = 0;
    let prefix = '';
    pairingContract('Redis', () => ({
      makeStore: () => {
        run += 1;
        prefix = `${redis.prefix}:${run}`;
        return Promise.resolve(createRedisPairingStore({ redis: redis.client, keyPrefix: prefix }));
      },
      again: () => createRedisPairingStore({ redis: redis.client, keyPrefix: prefix }),
    }));

    it('keeps everything under one key (Redis Cluster safe) and does not close a shared client', async () => {
      const keyPrefix = `${redis.prefix}:one-key`;
      const store = createRedisPairingStore({ redis: redis.client, keyPrefix });
      await createPairingService({}, { store, clock: systemClock }).request({ clientId: 'shop-web', secret: SECRET });
      await store.close();
      assert.equal(redis.client.status, 'ready');
      const { keysUnder } = await import('../../helpers/redis.js');
      assert.deepEqual(await keysUnder(redis.client, keyPrefix), [pairingKey(keyPrefix)]);
      assert.equal(pairingKey(keyPrefix), `${keyPrefix}:auth:pairing`);
    });
  });
});
