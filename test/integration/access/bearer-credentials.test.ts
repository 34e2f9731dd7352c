// Bearer credentials over HTTP beyond plain keys and HS256: keys configured only by hash, and ES256 JWTs from a
// loopback identity provider's JWKS.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { hashApiKey } from '../../../gateway/auth/index.js';
import { readAnswer, startGateway, type ApiError, type TestGateway } from '../../helpers/gateway.js';

const HASHED_KEY = 'cb_only-its-hash-is-in-config-0123456789';
const ISSUER = 'https://idp.example.test/';

async function chatWith(url: string, authorization: string) {
  const response = await fetch(`${url}/api/v1/chat`, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/json' },
    body: JSON.stringify({ query: 'hello' }),
  });
  return readAnswer<ApiError & { reply?: string }>(response);
}

describe('bearer credentials: hashed keys and JWKS-verified JWTs (HTTP)', () => {
  let idp: Server;
  let jwksUp = true;
  let gw: TestGateway;
  let signingKey: CryptoKey;
  const jwksUrl = () => `http://127.0.0.1:${(idp.address() as AddressInfo).port}/jwks.json`;

  const idToken = async (claims: Record<string, unknown>, kid = 'idp-key-1') => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid })
      .setIssuer(ISSUER)
      .setSubject('alice@example.test')
      .setIssuedAt(now)
      .setExpirationTime(now + 300)
      .sign(signingKey);
  };

  before(async () => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    signingKey = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'idp-key-1', alg: 'ES256', use: 'sig' };
    idp = createServer((_req, res) => {
      if (!jwksUp) res.writeHead(503).end();
      else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', resolve));
    gw = await startGateway({
      mode: 'production',
      auth: {
        apiKeys: [{ keyHash: hashApiKey(HASHED_KEY), scopes: ['chat'] }],
        jwksUrl: jwksUrl(),
        jwksIssuer: ISSUER,
      },
    });
  });
  after(async () => {
    await gw.close();
    await new Promise<void>((resolve) => idp.close(() => resolve()));
  });

  it('accepts a key configured only as keyHash, and not its hash as a key', async () => {
    assert.equal((await chatWith(gw.url, `Bearer ${HASHED_KEY}`)).status, 200);
    const hashAsKey = await chatWith(gw.url, `Bearer ${hashApiKey(HASHED_KEY)}`);
    assert.equal(hashAsKey.status, 401);
    assert.equal(hashAsKey.body.error.code, 'auth.invalid');
  });

  it('accepts an ES256 token from the identity provider with the chat scope', async () => {
    const answer = await chatWith(gw.url, `Bearer ${await idToken({ scope: 'chat' })}`);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
  });

  it('answers 403 for a valid token without the chat scope and 401 for an unknown kid', async () => {
    const noScope = await chatWith(gw.url, `Bearer ${await idToken({ scope: 'agent' })}`);
    assert.equal(noScope.status, 403);
    assert.equal(noScope.body.error.code, 'auth.forbidden');
    const unknownKid = await chatWith(gw.url, `Bearer ${await idToken({ scope: 'chat' }, 'idp-key-2')}`);
    assert.equal(unknownKid.status, 401);
    assert.match(unknownKid.body.error.message, /unknown kid/);
  });

  it('answers 503 auth.unavailable, not 401, while the identity provider cannot be reached; recovers after', async () => {
    const fresh = await startGateway({ auth: { jwksUrl: jwksUrl() } });
    jwksUp = false;
    try {
      const answer = await chatWith(fresh.url, `Bearer ${await idToken({ scope: 'chat' })}`);
      assert.equal(answer.status, 503, JSON.stringify(answer.body));
      assert.equal(answer.body.error.code, 'auth.unavailable');
      jwksUp = true;
      const recovered = await chatWith(fresh.url, `Bearer ${await idToken({ scope: 'chat' })}`);
      assert.equal(recovered.status, 200, JSON.stringify(recovered.body));
    } finally {
      jwksUp = true;
      await fresh.close();
    }
  });
});
