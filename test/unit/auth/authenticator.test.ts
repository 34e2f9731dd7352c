import assert from 'node:assert/strict';
import { ManualClock } from '../../../core/clock.js';
import {
  createApiKeyMatcher,
  createAuthenticator,
  generateToken,
  hasScope,
  parseScopes,
  verifyToken,
} from '../../../gateway/auth/index.js';
import { rejectsWithCode } from './support.js';

const SECRET = 'a-very-long-jwt-secret-for-tests-0123456789';
const KEY = 'cb_test_key_0123456789abcdef';

describe('authenticator', () => {
  const clock = new ManualClock();
  const auth = createAuthenticator(
    {
      apiKeys: [
        KEY,
        { key: 'chat-only-key-0123456789', scopes: ['chat'] },
        { key: 'office-key-0123456789', scopes: ['agent'], allowIps: ['10.0.0.0/8', '2001:db8::/32'] },
      ],
      jwtSecret: SECRET,
      jwtIssuer: 'clawbot',
    },
    { clock },
  );

  describe('API keys', () => {
    it('accepts a configured key with any scope when it has no scope list', async () => {
      const principal = await auth.authenticate(`Bearer ${KEY}`, 'admin');
      assert.equal(principal.kind, 'api-key');
      assert.match(principal.subject, /^key_[0-9a-f]{12}$/);
      assert.ok(!principal.subject.includes(KEY));
      assert.deepEqual(principal.scopes, ['chat', 'agent', 'admin']);
      assert.equal((await auth.authenticate(`bearer   ${KEY}`, 'chat')).kind, 'api-key');
    });

    it('refuses a wrong key, a missing header and a malformed one', async () => {
      await rejectsWithCode(auth.authenticate(`Bearer ${KEY}x`, 'chat'), 'auth.invalid', /invalid API key or token/);
      await rejectsWithCode(auth.authenticate(`Bearer ${KEY.slice(0, -1)}`, 'chat'), 'auth.invalid');
      await rejectsWithCode(auth.authenticate(undefined, 'chat'), 'auth.missing', /Authorization: Bearer/);
      await rejectsWithCode(auth.authenticate('', 'chat'), 'auth.missing');
      await rejectsWithCode(auth.authenticate(`Basic ${KEY}`, 'chat'), 'auth.invalid', /expected `Bearer/);
      await rejectsWithCode(auth.authenticate('Bearer', 'chat'), 'auth.invalid');
    });

    it('enforces key scopes', async () => {
      assert.equal((await auth.authenticate('Bearer chat-only-key-0123456789', 'chat')).kind, 'api-key');
      await rejectsWithCode(
        auth.authenticate('Bearer chat-only-key-0123456789', 'admin'),
        'auth.forbidden',
        /"admin" scope/,
      );
    });

    it('enforces IP allow-lists, including IPv4-mapped IPv6 addresses', async () => {
      const key = 'Bearer office-key-0123456789';
      assert.equal((await auth.authenticate(key, 'agent', { ip: '10.1.2.3' })).kind, 'api-key');
      assert.equal((await auth.authenticate(key, 'agent', { ip: '::ffff:10.9.9.9' })).kind, 'api-key');
      assert.equal((await auth.authenticate(key, 'agent', { ip: '2001:db8::5' })).kind, 'api-key');
      await rejectsWithCode(auth.authenticate(key, 'agent', { ip: '192.168.1.1' }), 'auth.forbidden', /192\.168\.1\.1/);
      await rejectsWithCode(auth.authenticate(key, 'agent'), 'auth.forbidden');
    });

    it('keeps only digests of the keys', () => {
      const matcher = createApiKeyMatcher([KEY]);
      assert.ok(!JSON.stringify(matcher).includes(KEY));
      assert.equal(matcher.size, 1);
      assert.equal(matcher.match('other', undefined), undefined);
    });
  });

  describe('JWTs', () => {
    const token = (overrides: Partial<Parameters<typeof generateToken>[0]> = {}) =>
      generateToken(
        { secret: SECRET, issuer: 'clawbot', expirySeconds: 3600, scope: 'chat agent', ...overrides },
        { clock },
      );

    it('accepts a valid token with the scope', async () => {
      const principal = await auth.authenticate(`Bearer ${await token({ subject: 'crm' })}`, 'agent');
      assert.deepEqual(principal, { kind: 'jwt', subject: 'crm', scopes: ['chat', 'agent'], groups: [] });
    });

    it('refuses an expired token', async () => {
      const jwt = await token({ expirySeconds: 60 });
      clock.advance(61_000);
      await rejectsWithCode(auth.authenticate(`Bearer ${jwt}`, 'chat'), 'auth.invalid', /expired/);
    });

    it('refuses a token without the required scope', async () => {
      await rejectsWithCode(
        auth.authenticate(`Bearer ${await token({ scope: 'chat' })}`, 'agent'),
        'auth.forbidden',
        /"agent" scope/,
      );
    });

    it('lets admin tokens through every scope', async () => {
      assert.equal((await auth.authenticate(`Bearer ${await token({ scope: 'admin' })}`, 'agent')).kind, 'jwt');
      assert.ok(hasScope(['admin'], 'chat'));
      assert.ok(!hasScope(['chat'], 'agent'));
    });

    it('refuses a token signed with another secret or for another issuer', async () => {
      await rejectsWithCode(
        auth.authenticate(`Bearer ${await token({ secret: `${SECRET}-other` })}`, 'chat'),
        'auth.invalid',
        /signature/,
      );
      await rejectsWithCode(
        auth.authenticate(`Bearer ${await token({ issuer: 'someone-else' })}`, 'chat'),
        'auth.invalid',
        /issuer/,
      );
    });

    it('refuses a tampered payload and alg=none tokens', async () => {
      const [header, , signature] = (await token()).split('.');
      const payload = Buffer.from(JSON.stringify({ scope: 'admin', iss: 'clawbot', exp: 9_999_999_999 })).toString(
        'base64url',
      );
      await rejectsWithCode(auth.authenticate(`Bearer ${header}.${payload}.${signature}`, 'chat'), 'auth.invalid');
      const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
      await rejectsWithCode(auth.authenticate(`Bearer ${none}.${payload}.`, 'chat'), 'auth.invalid');
    });

    it('refuses JWTs when no secret is configured', async () => {
      const keysOnly = createAuthenticator({ apiKeys: [KEY] }, { clock });
      await rejectsWithCode(
        keysOnly.authenticate(`Bearer ${await token()}`, 'chat'),
        'auth.invalid',
        /jwtSecret is not configured/,
      );
    });

    it('generates tokens only from valid input', async () => {
      await rejectsWithCode(token({ scope: 'chat superuser' }), 'auth.invalid', /unknown scope "superuser"/);
      await rejectsWithCode(token({ scope: '' }), 'request.invalid');
      await rejectsWithCode(token({ expirySeconds: 0 }), 'request.invalid');
      await rejectsWithCode(token({ secret: 'short' }), 'config.invalid', /32 characters/);
      assert.throws(() => createAuthenticator({ apiKeys: [], jwtSecret: 'short' }, { clock }), /32 characters/);
    });

    it('verifies what it generates, with scopes, subject and expiry', async () => {
      const jwt = await token({ scope: 'chat,admin', expirySeconds: 120 });
      const verified = await verifyToken(jwt, { secret: SECRET, issuer: 'clawbot' }, { clock });
      assert.deepEqual(verified.scopes, ['chat', 'admin']);
      assert.equal(verified.subject, 'clawbot-cli');
      assert.equal(verified.expiresAt, Math.floor(clock.now() / 1000) * 1000 + 120_000);
      assert.deepEqual(parseScopes(['agent', 'agent']), ['agent']);
    });
  });
});
