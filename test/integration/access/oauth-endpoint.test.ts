import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppConfigInput } from '../../../gateway/config/index.js';
import { chat, readAnswer, startGateway, type TestGateway } from '../../helpers/gateway.js';
import { JWT_SECRET, pairedClient } from './support.js';

const SECRET = 'p+ss:word/with%chars-0123456789';

interface OAuthAnswer {
  access_token?: string;
  token_type?: string;
  expires_in?: number;
  scope?: string;
  error?: string;
  error_description?: string;
}

async function token(url: string, init: { body: string; type?: string; authorization?: string }) {
  const response = await fetch(`${url}/api/v1/oauth/token`, {
    method: 'POST',
    headers: {
      'content-type': init.type ?? 'application/x-www-form-urlencoded',
      ...(init.authorization === undefined ? {} : { authorization: init.authorization }),
    },
    body: init.body,
  });
  return { ...(await readAnswer<OAuthAnswer>(response)), headers: response.headers };
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
/** RFC 6749 §2.3.1: form-encode id and secret, then Base64 `id:secret`. */
const basicEncoded = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
const basicRaw = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

function assertOAuthError(answer: Awaited<ReturnType<typeof token>>, status: number, error: string): void {
  assert.equal(answer.status, status, JSON.stringify(answer.body));
  assert.match(answer.contentType, /application\/json/);
  assert.equal(answer.body.error, error);
  assert.equal(typeof answer.body.error_description, 'string');
  assert.deepEqual(Object.keys(answer.body).sort(), ['error', 'error_description'], 'RFC 6749 shape, not ours');
  assert.equal(answer.headers.get('cache-control'), 'no-store');
}

describe('POST /api/v1/oauth/token (HTTP)', () => {
  let dir: string;
  let gw: TestGateway;
  let config: AppConfigInput;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'clawbot-oauth-http-'));
    config = { auth: { jwtSecret: JWT_SECRET, tokenExpiry: 600, pairing: { file: join(dir, 'pairing.json') } } };
    gw = await startGateway(config);
    await pairedClient(config, 'shop-web', SECRET, { scopes: ['chat', 'agent'] });
  });
  after(async () => {
    await gw.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('issues a token for form-encoded client_secret_post, usable on /api/v1/chat', async () => {
    const answer = await token(gw.url, {
      body: form({ grant_type: 'client_credentials', client_id: 'shop-web', client_secret: SECRET }),
    });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(answer.body.token_type, 'Bearer');
    assert.equal(answer.body.expires_in, 600);
    assert.equal(answer.body.scope, 'chat agent');
    assert.equal(answer.headers.get('cache-control'), 'no-store');
    assert.equal(answer.headers.get('pragma'), 'no-cache');
    const reply = await chat(gw.url, answer.body.access_token ?? '', { query: '退货怎么办' });
    assert.equal(reply.status, 200);
    assert.ok(reply.body.reply.length > 0);
  });

  it('issues a token for a JSON body, with a narrower scope on request', async () => {
    const answer = await token(gw.url, {
      type: 'application/json',
      body: JSON.stringify({
        grant_type: 'client_credentials',
        client_id: 'shop-web',
        client_secret: SECRET,
        scope: 'chat',
      }),
    });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(answer.body.scope, 'chat');
  });

  it('issues a token for HTTP Basic, encoded per RFC 6749 or raw (curl -u)', async () => {
    for (const authorization of [basicEncoded('shop-web', SECRET), basicRaw('shop-web', SECRET)]) {
      const answer = await token(gw.url, { authorization, body: form({ grant_type: 'client_credentials' }) });
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.ok((answer.body.access_token ?? '').split('.').length === 3);
    }
  });

  it('answers invalid_client 401 with WWW-Authenticate for a wrong secret, an unknown client or no credentials', async () => {
    for (const body of [
      form({ grant_type: 'client_credentials', client_id: 'shop-web', client_secret: `${SECRET}x` }),
      form({ grant_type: 'client_credentials', client_id: 'nobody', client_secret: SECRET }),
      form({ grant_type: 'client_credentials' }),
    ]) {
      const answer = await token(gw.url, { body });
      assertOAuthError(answer, 401, 'invalid_client');
      assert.match(answer.headers.get('www-authenticate') ?? '', /^Basic realm="clawbot"/);
      assert.ok(!JSON.stringify(answer.body).includes(SECRET));
    }
    assertOAuthError(
      await token(gw.url, {
        authorization: basicEncoded('shop-web', 'wrong'),
        body: form({ grant_type: 'client_credentials' }),
      }),
      401,
      'invalid_client',
    );
  });

  it('answers unsupported_grant_type, invalid_request and invalid_scope with 400', async () => {
    assertOAuthError(
      await token(gw.url, { body: form({ grant_type: 'password', username: 'a', password: 'b' }) }),
      400,
      'unsupported_grant_type',
    );
    assertOAuthError(
      await token(gw.url, { body: form({ client_id: 'shop-web', client_secret: SECRET }) }),
      400,
      'invalid_request',
    );
    assertOAuthError(
      await token(gw.url, {
        authorization: basicEncoded('shop-web', SECRET),
        body: form({ grant_type: 'client_credentials', client_secret: SECRET }),
      }),
      400,
      'invalid_request',
    );
    assertOAuthError(
      await token(gw.url, { type: 'text/plain', body: 'grant_type=client_credentials' }),
      400,
      'invalid_request',
    );
    assertOAuthError(
      await token(gw.url, {
        body: form({ grant_type: 'client_credentials', client_id: 'shop-web', client_secret: SECRET, scope: 'admin' }),
      }),
      400,
      'invalid_scope',
    );
  });

  it('malformed JSON is refused before the endpoint, in the API error shape (documented)', async () => {
    const answer = await token(gw.url, { type: 'application/json', body: '{"grant_type":' });
    assert.equal(answer.status, 400);
    assert.deepEqual(Object.keys(answer.body), ['error']);
    assert.equal((answer.body as unknown as { error: { code: string } }).error.code, 'request.invalid_json');
  });

  it('a gateway without auth.jwtSecret issues no tokens', async () => {
    const bare = await startGateway({ auth: { pairing: { file: join(dir, 'bare.json') } } });
    try {
      const answer = await token(bare.url, {
        body: form({ grant_type: 'client_credentials', client_id: 'shop-web', client_secret: SECRET }),
      });
      assertOAuthError(answer, 400, 'unsupported_grant_type');
      assert.match(answer.body.error_description ?? '', /auth\.jwtSecret/);
    } finally {
      await bare.close();
    }
  });
});
