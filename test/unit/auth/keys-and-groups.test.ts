import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { ManualClock } from '../../../core/clock.js';
import {
  createApiKeyMatcher,
  createAuthenticator,
  createGroupPolicies,
  generateToken,
  hashApiKey,
  narrowScopes,
} from '../../../gateway/auth/index.js';
import { appConfigSchema } from '../../../gateway/config/schema.js';
import { rejectsWithCode } from './support.js';

const SECRET = 'a-very-long-jwt-secret-for-tests-0123456789';
const HASHED_KEY = 'cb_hashed_key_0123456789abcdef';
const PARTNER_KEY = 'cb_partner_key_0123456789abcdef';

describe('API keys given by hash', () => {
  it('hashApiKey is sha256: plus the hex digest', () => {
    const expected = createHash('sha256').update(HASHED_KEY).digest('hex');
    assert.equal(hashApiKey(HASHED_KEY), `sha256:${expected}`);
    assert.throws(() => hashApiKey(''), /empty/);
  });

  it('a keyHash entry accepts the key it hashes and nothing else, with the same key id as the plain form', () => {
    const hashed = createApiKeyMatcher([{ keyHash: hashApiKey(HASHED_KEY), scopes: ['chat'] }]);
    const plain = createApiKeyMatcher([HASHED_KEY]);
    const match = hashed.match(HASHED_KEY, undefined);
    assert.ok(match);
    assert.deepEqual(match.scopes, ['chat']);
    assert.equal(match.keyId, plain.match(HASHED_KEY, undefined)?.keyId);
    assert.equal(hashed.match(`${HASHED_KEY}x`, undefined), undefined);
    assert.equal(hashed.match(hashApiKey(HASHED_KEY), undefined), undefined, 'the hash itself is not a key');
  });

  it('upper-case hex digits in keyHash work too', () => {
    const matcher = createApiKeyMatcher([
      { keyHash: hashApiKey(HASHED_KEY).toUpperCase().replace('SHA256', 'sha256') },
    ]);
    assert.ok(matcher.match(HASHED_KEY, undefined));
  });

  it('refuses an entry with neither key nor a well-formed keyHash', () => {
    assert.throws(() => createApiKeyMatcher([{ keyHash: 'md5:abc' }]), /keyHash/);
    assert.throws(() => createApiKeyMatcher([{}]), /keyHash/);
  });

  it('the config schema takes keyHash entries, and refuses both or neither of key/keyHash and unknown groups', () => {
    const ok = appConfigSchema.parse({
      mode: 'production',
      auth: { apiKeys: [{ keyHash: hashApiKey(HASHED_KEY), group: 'partners' }], groups: { partners: {} } },
    });
    assert.equal(ok.auth.apiKeys[0]?.keyHash, hashApiKey(HASHED_KEY));
    const bad = appConfigSchema.safeParse({
      auth: {
        apiKeys: [
          { key: HASHED_KEY, keyHash: hashApiKey(HASHED_KEY) },
          { scopes: ['chat'] },
          { keyHash: 'sha256:1234' },
          { key: PARTNER_KEY, group: 'nobody' },
        ],
      },
    });
    assert.equal(bad.success, false);
    const messages = bad.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
    assert.ok(messages.some((m) => m.startsWith('auth.apiKeys.0') && /exactly one of key and keyHash/.test(m)));
    assert.ok(messages.some((m) => m.startsWith('auth.apiKeys.1') && /exactly one/.test(m)));
    assert.ok(messages.some((m) => m.startsWith('auth.apiKeys.2.keyHash') && /clawbot token hash/.test(m)));
    assert.ok(messages.some((m) => m.startsWith('auth.apiKeys.3.group') && /no group "nobody"/.test(m)));
  });

  it('a JWKS URL alone satisfies production mode and auth.type jwt', () => {
    const parsed = appConfigSchema.safeParse({
      mode: 'production',
      auth: { type: 'jwt', jwksUrl: 'https://idp.example.com/.well-known/jwks.json' },
    });
    assert.equal(parsed.success, true, JSON.stringify(parsed.error?.issues));
    assert.equal(appConfigSchema.safeParse({ auth: { jwksUrl: 'ftp://idp.example.com/jwks' } }).success, false);
  });
});

describe('groups', () => {
  it('narrowScopes keeps what the ceiling permits; admin held under a narrower ceiling becomes the ceiling', () => {
    assert.deepEqual(narrowScopes(['chat', 'agent'], ['chat']), ['chat']);
    assert.deepEqual(narrowScopes(['admin'], ['chat']), ['chat']);
    assert.deepEqual(narrowScopes(['admin'], ['chat', 'agent']), ['chat', 'agent']);
    assert.deepEqual(narrowScopes(['agent'], ['admin']), ['agent']);
    assert.deepEqual(narrowScopes(['agent'], ['chat']), []);
  });

  it('applies every configured group the principal is in; unknown groups only label', () => {
    const policies = createGroupPolicies({
      partners: { scopes: ['chat', 'agent'], allowIps: ['10.0.0.0/8'] },
      chatters: { scopes: ['chat'] },
    });
    assert.ok(policies.has('partners'));
    assert.ok(!policies.has('idp-group'));
    assert.deepEqual(policies.apply(['admin'], ['partners'], '10.1.1.1'), {
      scopes: ['chat', 'agent'],
      refusedBy: undefined,
    });
    assert.deepEqual(policies.apply(['admin'], ['partners', 'chatters'], '10.1.1.1').scopes, ['chat']);
    assert.equal(policies.apply(['chat'], ['partners'], '192.168.0.1').refusedBy, 'partners');
    assert.equal(policies.apply(['chat'], ['partners'], undefined).refusedBy, 'partners');
    assert.deepEqual(policies.apply(['agent'], ['idp-group'], undefined), { scopes: ['agent'], refusedBy: undefined });
  });

  describe('in the authenticator', () => {
    const clock = new ManualClock();
    const auth = createAuthenticator(
      {
        apiKeys: [
          { key: PARTNER_KEY, group: 'partners' },
          { keyHash: hashApiKey(HASHED_KEY), scopes: ['chat', 'agent'], allowIps: ['10.0.0.0/8'], group: 'partners' },
        ],
        jwtSecret: SECRET,
        groups: { partners: { scopes: ['chat'], allowIps: ['10.0.0.0/8', '2001:db8::/32'] } },
      },
      { clock },
    );

    it('a key in a group gets at most the group scopes, from the group addresses', async () => {
      const principal = await auth.authenticate(`Bearer ${PARTNER_KEY}`, 'chat', { ip: '10.2.3.4' });
      assert.deepEqual(principal.scopes, ['chat']);
      assert.deepEqual(principal.groups, ['partners']);
      await rejectsWithCode(
        auth.authenticate(`Bearer ${PARTNER_KEY}`, 'agent', { ip: '10.2.3.4' }),
        'auth.forbidden',
        /"agent"/,
      );
      await rejectsWithCode(
        auth.authenticate(`Bearer ${PARTNER_KEY}`, 'chat', { ip: '203.0.113.7' }),
        'auth.forbidden',
        /group "partners" is not allowed from 203\.0\.113\.7/,
      );
      assert.ok(await auth.authenticate(`Bearer ${PARTNER_KEY}`, 'chat', { ip: '2001:db8::1' }));
    });

    it('key and group allow-lists both apply', async () => {
      assert.ok(await auth.authenticate(`Bearer ${HASHED_KEY}`, 'chat', { ip: '::ffff:10.0.0.9' }));
      await rejectsWithCode(
        auth.authenticate(`Bearer ${HASHED_KEY}`, 'chat', { ip: '2001:db8::1' }),
        'auth.forbidden',
        /this API key is not allowed/,
      );
    });

    it('a JWT with a groups claim is held to the group', async () => {
      const jwt = await generateToken(
        { secret: SECRET, issuer: 'clawbot', expirySeconds: 600, scope: 'admin', groups: ['partners'] },
        { clock },
      );
      const principal = await auth.authenticate(`Bearer ${jwt}`, 'chat', { ip: '10.0.0.1' });
      assert.deepEqual(principal, { kind: 'jwt', subject: 'clawbot-cli', scopes: ['chat'], groups: ['partners'] });
      await rejectsWithCode(auth.authenticate(`Bearer ${jwt}`, 'admin', { ip: '10.0.0.1' }), 'auth.forbidden');
      await rejectsWithCode(auth.authenticate(`Bearer ${jwt}`, 'chat', { ip: '127.0.0.1' }), 'auth.forbidden', /group/);
    });

    it('a token with an audience is refused when another audience is required, and accepted with the right one', async () => {
      const withAudience = createAuthenticator(
        { apiKeys: [], jwtSecret: SECRET, jwtAudience: 'clawbot-api' },
        { clock },
      );
      const sign = (audience?: string) =>
        generateToken({ secret: SECRET, issuer: 'clawbot', expirySeconds: 600, scope: 'chat', audience }, { clock });
      assert.ok(await withAudience.authenticate(`Bearer ${await sign('clawbot-api')}`, 'chat'));
      await rejectsWithCode(
        withAudience.authenticate(`Bearer ${await sign('other')}`, 'chat'),
        'auth.invalid',
        /audience/,
      );
      await rejectsWithCode(withAudience.authenticate(`Bearer ${await sign()}`, 'chat'), 'auth.invalid');
    });
  });
});
