import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, systemClock } from '../../../core/clock.js';
import {
  createFilePairingStore,
  createGroupPolicies,
  createPairingService,
  createTokenEndpoint,
  OAuthError,
  parseTokenRequest,
  requestedScopes,
  verifyToken,
  type OAuthErrorCode,
  type PairingService,
} from '../../../gateway/auth/index.js';

const JWT_SECRET = 'a-very-long-jwt-secret-for-tests-0123456789';
const SECRET = 'client-secret-0123456789';

function throwsOAuth(fn: () => unknown, error: OAuthErrorCode, message?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof OAuthError, String(e));
    assert.equal(e.error, error, e.message);
    if (message !== undefined) assert.match(e.message, message);
    return true;
  });
}

async function rejectsOAuth(promise: Promise<unknown>, error: OAuthErrorCode, status: number): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof OAuthError, String(e));
    assert.equal(e.error, error, e.message);
    assert.equal(e.status, status);
    return true;
  });
}

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

describe('OAuth2 client credentials', () => {
  describe('parseTokenRequest', () => {
    it('reads credentials from the body (client_secret_post)', () => {
      assert.deepEqual(
        parseTokenRequest({
          body: { grant_type: 'client_credentials', client_id: 'shop-web', client_secret: SECRET, scope: 'chat' },
        }),
        {
          grantType: 'client_credentials',
          clientId: 'shop-web',
          secrets: [SECRET],
          scope: 'chat',
          method: 'client_secret_post',
        },
      );
    });

    it('reads credentials from HTTP Basic, form-decoding them and keeping the raw secret as a fallback', () => {
      const parsed = parseTokenRequest({
        authorization: basic('shop%2Dweb', 'a+b%3Ac'),
        body: { grant_type: 'client_credentials' },
      });
      assert.equal(parsed.clientId, 'shop-web');
      assert.deepEqual(parsed.secrets, ['a b:c', 'a+b%3Ac']);
      assert.equal(parsed.method, 'client_secret_basic');
      assert.deepEqual(
        parseTokenRequest({
          authorization: basic('id', 'p:a:ss'),
          body: { grant_type: 'client_credentials', client_id: 'id' },
        }).secrets,
        ['p:a:ss'],
      );
    });

    it('maps every malformed request to its RFC 6749 error', () => {
      throwsOAuth(() => parseTokenRequest({ body: undefined }), 'invalid_request', /x-www-form-urlencoded/);
      throwsOAuth(() => parseTokenRequest({ body: [] }), 'invalid_request');
      throwsOAuth(
        () => parseTokenRequest({ body: { client_id: 'a', client_secret: 'b' } }),
        'invalid_request',
        /grant_type is required/,
      );
      throwsOAuth(
        () => parseTokenRequest({ body: { grant_type: 'password' } }),
        'unsupported_grant_type',
        /"password"/,
      );
      throwsOAuth(() => parseTokenRequest({ body: { grant_type: 'client_credentials' } }), 'invalid_client');
      throwsOAuth(
        () => parseTokenRequest({ body: { grant_type: 'client_credentials', client_id: 'a' } }),
        'invalid_client',
      );
      throwsOAuth(
        () => parseTokenRequest({ body: { grant_type: 'client_credentials', client_id: ['a'], client_secret: 'b' } }),
        'invalid_request',
        /client_id must be a string/,
      );
      throwsOAuth(
        () =>
          parseTokenRequest({
            authorization: basic('a', 'b'),
            body: { grant_type: 'client_credentials', client_secret: 'b' },
          }),
        'invalid_request',
        /one client authentication method/,
      );
      throwsOAuth(
        () =>
          parseTokenRequest({
            authorization: basic('a', 'b'),
            body: { grant_type: 'client_credentials', client_id: 'z' },
          }),
        'invalid_request',
        /differs/,
      );
      for (const header of ['Bearer abc', 'Basic !!!', `Basic ${Buffer.from('no-colon').toString('base64')}`]) {
        throwsOAuth(
          () => parseTokenRequest({ authorization: header, body: { grant_type: 'client_credentials' } }),
          'invalid_client',
          /malformed Authorization/,
        );
      }
    });

    it('carries RFC statuses: invalid_client 401, server problems 5xx, the rest 400', () => {
      assert.equal(new OAuthError('invalid_client', 'x').status, 401);
      assert.equal(new OAuthError('invalid_scope', 'x').status, 400);
      assert.equal(new OAuthError('temporarily_unavailable', 'x').status, 503);
      assert.deepEqual(new OAuthError('invalid_grant', 'why').toJSON(), {
        error: 'invalid_grant',
        error_description: 'why',
      });
    });
  });

  describe('requestedScopes', () => {
    it('grants what was asked within what the client has; everything when nothing is asked', () => {
      assert.deepEqual(requestedScopes(undefined, ['chat', 'agent']), ['chat', 'agent']);
      assert.deepEqual(requestedScopes('  ', ['chat']), ['chat']);
      assert.deepEqual(requestedScopes('agent chat agent', ['chat', 'agent']), ['agent', 'chat']);
      assert.deepEqual(requestedScopes('agent', ['admin']), ['agent']);
      throwsOAuth(() => requestedScopes('admin', ['chat']), 'invalid_scope', /"admin" is not granted/);
      throwsOAuth(() => requestedScopes('chat root', ['chat']), 'invalid_scope', /unknown scope "root"/);
    });
  });

  describe('createTokenEndpoint', () => {
    let dir: string;
    let pairing: PairingService;
    const clock = new ManualClock(Date.now());
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'clawbot-oauth-'));
      const store = createFilePairingStore({ path: join(dir, 'pairing.json') }, { clock: systemClock });
      pairing = createPairingService({ maxPending: 10 }, { store, clock });
      for (const [id, grant] of [
        ['shop-web', { scopes: ['chat', 'agent'] as const }],
        ['office-app', { scopes: ['admin'] as const, groups: ['office'] }],
      ] as const) {
        const { code } = await pairing.request({ clientId: id, secret: SECRET });
        await pairing.approve(code, { scopes: [...grant.scopes], groups: 'groups' in grant ? grant.groups : [] });
      }
      await pairing.request({ clientId: 'waiting-app', secret: SECRET });
    });
    after(() => rm(dir, { recursive: true, force: true }));

    const endpointWith = (secret: string | undefined) =>
      createTokenEndpoint(
        { secret, issuer: 'clawbot', expirySeconds: 900, audience: undefined },
        { pairing, clock, groups: createGroupPolicies({ office: { scopes: ['chat'], allowIps: ['10.0.0.0/8'] } }) },
      );
    const endpoint = () => endpointWith(JWT_SECRET);
    const body = (extra: Record<string, string> = {}) => ({
      grant_type: 'client_credentials',
      client_id: 'shop-web',
      client_secret: SECRET,
      ...extra,
    });

    it('issues a verifiable HS256 token for the client with its scopes', async () => {
      const token = await endpoint().issue({ body: body() });
      assert.equal(token.token_type, 'Bearer');
      assert.equal(token.expires_in, 900);
      assert.equal(token.scope, 'chat agent');
      const verified = await verifyToken(token.access_token, { secret: JWT_SECRET, issuer: 'clawbot' }, { clock });
      assert.equal(verified.subject, 'shop-web');
      assert.deepEqual(verified.scopes, ['chat', 'agent']);
      assert.equal(verified.expiresAt, Math.floor(clock.now() / 1000) * 1000 + 900_000);
      assert.equal((await endpoint().issue({ body: body({ scope: 'chat' }) })).scope, 'chat');
    });

    it('refuses a wrong secret, an unknown client and a client still pending with invalid_client (401)', async () => {
      await rejectsOAuth(endpoint().issue({ body: body({ client_secret: `${SECRET}x` }) }), 'invalid_client', 401);
      await rejectsOAuth(endpoint().issue({ body: body({ client_id: 'nobody' }) }), 'invalid_client', 401);
      await rejectsOAuth(endpoint().issue({ body: body({ client_id: 'waiting-app' }) }), 'invalid_client', 401);
    });

    it('refuses scopes beyond the grant, and applies group ceilings and allow-lists', async () => {
      await rejectsOAuth(endpoint().issue({ body: body({ scope: 'admin' }) }), 'invalid_scope', 400);
      const office = body({ client_id: 'office-app' });
      assert.equal((await endpoint().issue({ body: office, ip: '10.1.1.1' })).scope, 'chat');
      await rejectsOAuth(
        endpoint().issue({ body: { ...office, scope: 'agent' }, ip: '10.1.1.1' }),
        'invalid_scope',
        400,
      );
      await rejectsOAuth(endpoint().issue({ body: office, ip: '192.0.2.1' }), 'unauthorized_client', 400);
    });

    it('issues nothing without auth.jwtSecret', async () => {
      await rejectsOAuth(endpointWith(undefined).issue({ body: body() }), 'unsupported_grant_type', 400);
    });
  });
});
