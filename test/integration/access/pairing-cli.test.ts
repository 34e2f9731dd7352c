// Pairing end to end through the real `clawbot` binary: the client pairs over HTTP, an operator decides with
// `clawbot pairing ...` in a child process against the store the gateway uses, the client gets tokens.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { AppConfigInput } from '../../../gateway/config/index.js';
import { chat, readAnswer, startGateway, type ApiError, type TestGateway } from '../../helpers/gateway.js';
import { deleteKeysUnder, REDIS_URL, redisOrSkip, uniquePrefix } from '../../helpers/redis.js';
import { clawbot, JWT_SECRET } from './support.js';

interface PairAnswer {
  code: string;
  status: string;
  client_id: string;
  expires_at: string;
  expires_in?: number;
  token_endpoint?: string;
}

async function pair(url: string, clientId: string, secret: string) {
  const response = await fetch(`${url}/api/v1/pair`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_id: clientId, secret }),
  });
  return { ...(await readAnswer<PairAnswer & ApiError>(response)), retryAfter: response.headers.get('retry-after') };
}

async function status(url: string, code: string) {
  return readAnswer<PairAnswer & ApiError>(await fetch(`${url}/api/v1/pair/${code}`));
}

async function clientToken(url: string, clientId: string, secret: string) {
  const response = await fetch(`${url}/api/v1/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: secret,
    }).toString(),
  });
  return readAnswer<{ access_token?: string; scope?: string; error?: string }>(response);
}

/** The whole flow against one gateway + one config file; run for each store. */
interface StoreSetup {
  readonly config: AppConfigInput;
  readonly cleanup?: () => Promise<void>;
}

function pairingFlow(label: string, storeConfig: (dir: string, ctx: Mocha.Context) => Promise<StoreSetup>) {
  describe(`pairing through the CLI (${label} store)`, function () {
    this.timeout(120_000);
    let dir: string;
    let configPath: string;
    let gw: TestGateway;
    let cleanup: () => Promise<void> = () => Promise.resolve();

    before(async function () {
      dir = await mkdtemp(join(tmpdir(), 'clawbot-pairing-cli-'));
      const setup = await storeConfig(dir, this);
      const extra = setup.config;
      const config: AppConfigInput = { ...extra, auth: { ...extra.auth, jwtSecret: JWT_SECRET } };
      configPath = join(dir, 'config.yaml');
      await writeFile(configPath, stringify(config));
      gw = await startGateway(config);
      cleanup = async () => {
        await gw.close();
        await setup.cleanup?.();
      };
    });
    after(async () => {
      await cleanup();
      await rm(dir, { recursive: true, force: true });
    });

    const cli = (...args: string[]) => clawbot([...args, '--config', configPath], dir);

    it('approve: pending code -> `clawbot pairing approve CODE` -> approved -> token -> chat', async () => {
      const secret = 'shop-web-secret-0123456789';
      const asked = await pair(gw.url, 'shop-web', secret);
      assert.equal(asked.status, 202, JSON.stringify(asked.body));
      assert.equal(asked.body.status, 'pending');
      assert.match(asked.body.code, /^[2-9A-HJKMNP-Z]{8}$/);
      assert.equal(asked.body.expires_in, 3600);

      const denied = await clientToken(gw.url, 'shop-web', secret);
      assert.equal(denied.status, 401);
      assert.equal(denied.body.error, 'invalid_client');

      const list = await cli('pairing', 'list');
      assert.equal(list.code, 0, list.stderr);
      assert.match(list.stdout, new RegExp(`${asked.body.code}\\s+shop-web\\s+from 127\\.0\\.0\\.1`));
      assert.match(list.stdout, /expires in (59m|1h)/);

      const approve = await cli('pairing', 'approve', asked.body.code.toLowerCase(), '--scope', 'chat');
      assert.equal(approve.code, 0, approve.stderr);
      assert.match(approve.stdout, new RegExp(`approved shop-web \\(code ${asked.body.code}, scopes: chat\\)`));

      const polled = await status(gw.url, asked.body.code);
      assert.equal(polled.status, 200);
      assert.equal(polled.body.status, 'approved');
      assert.equal(polled.body.token_endpoint, '/api/v1/oauth/token');

      const issued = await clientToken(gw.url, 'shop-web', secret);
      assert.equal(issued.status, 200, JSON.stringify(issued.body));
      assert.equal(issued.body.scope, 'chat');
      const reply = await chat(gw.url, issued.body.access_token ?? '', { query: 'hello' });
      assert.equal(reply.status, 200);

      const listed = await cli('pairing', 'list', '--json');
      const json = JSON.parse(listed.stdout) as { clients: { clientId: string; scopes: string[] }[] };
      assert.deepEqual(
        json.clients.map((c) => [c.clientId, c.scopes]),
        [['shop-web', ['chat']]],
      );
      assert.ok(!listed.stdout.includes(secret) && !listed.stdout.includes('scrypt$'), 'no secrets or hashes listed');

      const again = await cli('pairing', 'approve', asked.body.code);
      assert.equal(again.code, 1);
      assert.match(again.stderr, /already approved/);
    });

    it('reject: `clawbot pairing reject CODE` -> rejected, no tokens', async () => {
      const secret = 'crm-secret-0123456789abcdef';
      const asked = await pair(gw.url, 'crm-bridge', secret);
      const reject = await cli('pairing', 'reject', asked.body.code);
      assert.equal(reject.code, 0, reject.stderr);
      assert.match(reject.stdout, /rejected crm-bridge/);
      assert.equal((await status(gw.url, asked.body.code)).body.status, 'rejected');
      assert.equal((await clientToken(gw.url, 'crm-bridge', secret)).body.error, 'invalid_client');
      const late = await cli('pairing', 'approve', asked.body.code);
      assert.equal(late.code, 1);
      assert.match(late.stderr, /already rejected/);
    });

    it('unknown codes: 404 over HTTP, exit 1 with a message from the CLI', async () => {
      const polled = await status(gw.url, 'ABCDEFGH');
      assert.equal(polled.status, 404);
      assert.equal(polled.body.error.code, 'not_found');
      const approve = await cli('pairing', 'approve', 'ABCDEFGH');
      assert.equal(approve.code, 1);
      assert.match(approve.stderr, /no pairing request with code ABCDEFGH/);
    });

    it('at most 3 pending: the 4th gets 429 pairing.too_many_pending with Retry-After', async () => {
      const secret = 'waiting-secret-0123456789';
      for (const id of ['wait-1', 'wait-2', 'wait-3']) assert.equal((await pair(gw.url, id, secret)).status, 202);
      const fourth = await pair(gw.url, 'wait-4', secret);
      assert.equal(fourth.status, 429);
      assert.equal(fourth.body.error.code, 'pairing.too_many_pending');
      assert.match(fourth.body.error.message, /clawbot pairing list/);
      assert.ok(Number(fourth.retryAfter) > 3500 && Number(fourth.retryAfter) <= 3600, String(fourth.retryAfter));
      const first = await cli('pairing', 'list', '--json');
      const waiting = (
        JSON.parse(first.stdout) as { requests: { code: string; clientId: string; status: string }[] }
      ).requests.filter((r) => r.status === 'pending');
      assert.equal(waiting.length, 3);
      const reject = await cli('pairing', 'reject', waiting[0]!.code);
      assert.equal(reject.code, 0, reject.stderr);
      assert.equal((await pair(gw.url, 'wait-4', secret)).status, 202, 'a slot was freed');
    });

    it('revoke: the client gets no new tokens', async () => {
      const revoke = await cli('pairing', 'revoke', 'shop-web');
      assert.equal(revoke.code, 0, revoke.stderr);
      assert.match(revoke.stdout, /revoked shop-web/);
      assert.equal((await clientToken(gw.url, 'shop-web', 'shop-web-secret-0123456789')).status, 401);
    });

    it('validates requests', async () => {
      const short = await pair(gw.url, 'valid-id', 'short');
      assert.equal(short.status, 400);
      assert.equal(short.body.error.code, 'request.invalid');
      const bad = await fetch(`${gw.url}/api/v1/pair`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '["client_id"]',
      });
      assert.equal(bad.status, 400);
    });
  });
}

pairingFlow('JSON file', (dir) =>
  Promise.resolve({ config: { auth: { pairing: { file: join(dir, 'data', 'pairing.json') } } } }),
);

pairingFlow('Redis', async (_dir, ctx) => {
  const client = await redisOrSkip(ctx);
  const keyPrefix = uniquePrefix('pairing-cli');
  return {
    config: { redis: { url: REDIS_URL, keyPrefix } },
    cleanup: async () => {
      await deleteKeysUnder(client, keyPrefix);
      client.disconnect();
    },
  };
});
