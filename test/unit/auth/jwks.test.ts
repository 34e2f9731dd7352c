import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { ManualClock } from '../../../core/clock.js';
import { createAuthenticator, createJwksVerifier } from '../../../gateway/auth/index.js';
import { rejectsWithCode } from './support.js';

const ISSUER = 'https://idp.example.test/';
const HS_SECRET = 'a-very-long-jwt-secret-for-tests-0123456789';

interface KeyPair {
  readonly kid: string;
  readonly alg: string;
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
}

async function keyPair(alg: 'RS256' | 'ES256', kid: string): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, publicKey };
}

async function publicJwk(pair: KeyPair): Promise<JWK> {
  return { ...(await exportJWK(pair.publicKey)), kid: pair.kid, alg: pair.alg, use: 'sig' };
}

/** A loopback JWKS endpoint: `GET /jwks.json` answers `{ keys }` (or `status` when set). */
async function jwksServer(
  keys: () => JWK[],
): Promise<{ url: string; fetches: () => number; status: (s: number) => void; server: Server }> {
  let fetches = 0;
  let status = 200;
  const server = createServer((req, res) => {
    if (req.url !== '/jwks.json') {
      res.writeHead(404).end();
      return;
    }
    fetches += 1;
    res
      .writeHead(status, { 'content-type': 'application/json' })
      .end(status === 200 ? JSON.stringify({ keys: keys() }) : '{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/jwks.json`,
    fetches: () => fetches,
    status: (s) => {
      status = s;
    },
    server,
  };
}

describe('JWTs verified against a JWKS URL (loopback identity provider)', () => {
  const clock = new ManualClock(Date.now());
  let rsa: KeyPair;
  let ec: KeyPair;
  let stranger: KeyPair;
  let idp: Awaited<ReturnType<typeof jwksServer>>;

  const sign = (
    pair: KeyPair,
    claims: Record<string, unknown> = { scope: 'chat' },
    options: { alg?: string; kid?: string | null; issuer?: string; expiresIn?: number } = {},
  ) => {
    const now = Math.floor(clock.now() / 1000);
    const header: { alg: string; kid?: string } = { alg: options.alg ?? pair.alg };
    if (options.kid !== null) header.kid = options.kid ?? pair.kid;
    return new SignJWT(claims)
      .setProtectedHeader(header)
      .setIssuer(options.issuer ?? ISSUER)
      .setSubject('user-42')
      .setIssuedAt(now)
      .setExpirationTime(now + (options.expiresIn ?? 600))
      .sign(pair.privateKey);
  };

  before(async () => {
    rsa = await keyPair('RS256', 'rsa-1');
    ec = await keyPair('ES256', 'ec-1');
    stranger = await keyPair('RS256', 'rsa-1'); // same kid as a published key, different key
    const published = [await publicJwk(rsa), await publicJwk(ec)];
    idp = await jwksServer(() => published);
  });
  after(() => new Promise<void>((resolve) => idp.server.close(() => resolve())));

  const authFor = (extra: { jwtSecret?: string; jwksIssuer?: string } = {}) =>
    createAuthenticator({ apiKeys: [], jwksUrl: idp.url, jwksIssuer: ISSUER, ...extra }, { clock });

  it('accepts an RS256 token from the identity provider with its scope claim', async () => {
    const principal = await authFor().authenticate(`Bearer ${await sign(rsa, { scope: 'chat agent' })}`, 'agent');
    assert.deepEqual(principal, { kind: 'jwt', subject: 'user-42', scopes: ['chat', 'agent'], groups: [] });
    assert.ok(idp.fetches() >= 1);
  });

  it('accepts an ES256 token, reading scopes from scp (a list) and groups', async () => {
    const token = await sign(ec, { scp: ['chat', 'unknown-scope'], groups: ['support', 'emea'] });
    const principal = await authFor().authenticate(`Bearer ${token}`, 'chat');
    assert.deepEqual(principal.scopes, ['chat']);
    assert.deepEqual(principal.groups, ['support', 'emea']);
  });

  it('refuses a token whose kid is not in the JWKS', async () => {
    await rejectsWithCode(
      authFor().authenticate(`Bearer ${await sign(rsa, { scope: 'chat' }, { kid: 'rotated-away' })}`, 'chat'),
      'auth.invalid',
      /unknown kid/,
    );
  });

  it('refuses a token signed by another key under a published kid', async () => {
    await rejectsWithCode(
      authFor().authenticate(`Bearer ${await sign(stranger)}`, 'chat'),
      'auth.invalid',
      /signature/,
    );
  });

  it('refuses algorithms other than RS256/ES256, even under a published kid', async () => {
    for (const alg of ['RS512', 'PS256', 'ES384'] as const) {
      const { privateKey } = await generateKeyPair(alg);
      const now = Math.floor(clock.now() / 1000);
      const token = await new SignJWT({ scope: 'chat' })
        .setProtectedHeader({ alg, kid: rsa.kid })
        .setIssuer(ISSUER)
        .setExpirationTime(now + 600)
        .sign(privateKey);
      await rejectsWithCode(
        authFor().authenticate(`Bearer ${token}`, 'chat'),
        'auth.invalid',
        new RegExp(`algorithm "${alg}" is not accepted`),
      );
    }
  });

  it('refuses HS256 tokens made with the public key as HMAC secret (algorithm confusion)', async () => {
    const pem = await exportSPKI(rsa.publicKey);
    const now = Math.floor(clock.now() / 1000);
    const forged = await new SignJWT({ scope: 'admin' })
      .setProtectedHeader({ alg: 'HS256', kid: rsa.kid })
      .setIssuer(ISSUER)
      .setExpirationTime(now + 600)
      .sign(new TextEncoder().encode(pem));
    await rejectsWithCode(
      authFor().authenticate(`Bearer ${forged}`, 'chat'),
      'auth.invalid',
      /auth\.jwtSecret is not configured/,
    );
    await rejectsWithCode(authFor({ jwtSecret: HS_SECRET }).authenticate(`Bearer ${forged}`, 'chat'), 'auth.invalid');
  });

  it('refuses RS256 tokens when no JWKS URL is configured', async () => {
    const hsOnly = createAuthenticator({ apiKeys: [], jwtSecret: HS_SECRET }, { clock });
    await rejectsWithCode(
      hsOnly.authenticate(`Bearer ${await sign(rsa)}`, 'chat'),
      'auth.invalid',
      /jwksUrl is not configured/,
    );
  });

  it('refuses an expired token and one from another issuer', async () => {
    const expired = await sign(rsa, { scope: 'chat' }, { expiresIn: 60 });
    const later = new ManualClock(clock.now() + 120_000);
    const verify = createJwksVerifier({ url: idp.url, issuer: ISSUER }, { clock: later });
    await rejectsWithCode(verify(expired), 'auth.invalid', /expired/);
    await rejectsWithCode(
      authFor().authenticate(`Bearer ${await sign(rsa, { scope: 'chat' }, { issuer: 'https://evil.test/' })}`, 'chat'),
      'auth.invalid',
      /issuer/,
    );
  });

  it('still lets the wrong scope through verification but not authorisation', async () => {
    await rejectsWithCode(
      authFor().authenticate(`Bearer ${await sign(rsa, { scope: 'chat' })}`, 'admin'),
      'auth.forbidden',
    );
  });

  it('answers auth.unavailable (not auth.invalid) when the JWKS cannot be fetched', async () => {
    const down = await jwksServer(() => []);
    down.status(500);
    const verify = createJwksVerifier({ url: down.url }, { clock });
    await rejectsWithCode(verify(await sign(rsa)), 'auth.unavailable', /auth\.jwksUrl/);
    await new Promise<void>((resolve) => down.server.close(() => resolve()));
    const gone = createJwksVerifier({ url: down.url }, { clock });
    await rejectsWithCode(gone(await sign(rsa)), 'auth.unavailable');
  });
});
