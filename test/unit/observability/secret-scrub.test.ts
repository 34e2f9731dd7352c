import assert from 'node:assert/strict';
import { knownSecrets, scrubbedDestination, scrubLine } from '../../../gateway/observability/secret-scrub.js';

describe('scrubbing known secrets from log lines', () => {
  const config = {
    auth: {
      apiKeys: ['plain-api-key-123456', { key: 'object-api-key-654321', scopes: ['chat'] }, { keyHash: 'sha256:ab' }],
      jwtSecret: 'jwt-secret-0123456789abcdefghijklmnop',
    },
    redis: { url: 'redis://:r3dis-pa%24%24word@redis:6379/0', keyPrefix: 'clawbot' },
    channels: {
      wechat_official: { token: 'abc', appId: 'wx0123456789abcdef', appSecret: 'wechat-app-secret' },
      slack: { signingSecret: 'slack-signing-secret', botToken: 'xoxb-1234-5678-abcdef' },
    },
    log: { level: 'info' },
  };

  it('finds secret-named values, API keys and URL passwords; not ids, not short values', () => {
    const secrets = knownSecrets(config);
    for (const s of [
      'plain-api-key-123456',
      'object-api-key-654321',
      'jwt-secret-0123456789abcdefghijklmnop',
      'r3dis-pa$$word',
      'wechat-app-secret',
      'slack-signing-secret',
      'xoxb-1234-5678-abcdef',
    ]) {
      assert.ok(secrets.includes(s), s);
    }
    assert.equal(secrets.includes('abc'), false, 'a 3-letter token would mangle ordinary text');
    assert.equal(secrets.includes('wx0123456789abcdef'), false, 'the AppID is not a secret');
    assert.equal(secrets.includes('clawbot'), false);
  });

  it('replaces them, and JWT-shaped strings, anywhere in a line', () => {
    const secrets = knownSecrets(config);
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhYmMxMjM0NSJ9.c2lnbmF0dXJlMTIz';
    const line = `{"text":"my key is plain-api-key-123456 and token ${jwt}","msg":"turn started"}`;
    assert.equal(
      scrubLine(line, secrets),
      '{"text":"my key is [redacted] and token [redacted-jwt]","msg":"turn started"}',
    );
    assert.equal(scrubLine('nothing here', secrets), 'nothing here');
  });

  it('the destination scrubs every write and passes flush through', () => {
    const written: string[] = [];
    let flushed = false;
    const dest = scrubbedDestination(
      { write: (s: string) => written.push(s), flush: (cb?: () => void) => ((flushed = true), cb?.()) } as never,
      ['s3cret-value'],
    );
    dest.write('a s3cret-value b\n');
    dest.flush?.();
    assert.deepEqual(written, ['a [redacted] b\n']);
    assert.equal(flushed, true);
  });
});
