import assert from 'node:assert/strict';
import { ManualClock } from '../../../core/clock.js';
import { isBotError } from '../../../core/errors.js';
import { createInProcessRateLimiter, unlimited } from '../../../gateway/flow/rate-limit.js';
import { createRestAdmission, principalSubject } from '../../../gateway/flow/rest-limits.js';
import { throttleTexts } from '../../../gateway/flow/throttle-message.js';

const principal = { kind: 'api-key', subject: 'key_abc', scopes: ['chat'], groups: [] };

describe('REST admission (429 rate_limited)', () => {
  it('limits per user_id: the 4th message of one user is refused with the polite text and Retry-After seconds', async () => {
    const clock = new ManualClock();
    const throttled: string[] = [];
    const admit = createRestAdmission({
      perKey: unlimited,
      perUser: createInProcessRateLimiter({ points: 3, windowMs: 60_000, prefix: 'u' }, { clock }),
      texts: throttleTexts(),
      fallbackLanguage: () => 'zh',
      onThrottled: (scope) => throttled.push(scope),
    });
    const input = { principal, userId: 'u1', sessionId: 's', tenant: 'default', text: 'where is my order' };
    for (let i = 0; i < 3; i++) await admit(input);
    clock.advance(15_000);
    await assert.rejects(admit(input), (error: unknown) => {
      assert.ok(isBotError(error));
      assert.equal(error.code, 'rate_limited');
      assert.equal(error.status, 429);
      assert.equal(error.details?.['retryAfterSeconds'], 45);
      assert.match(error.message, /a little quickly.*45 seconds/);
      return true;
    });
    await admit({ ...input, userId: 'u2' });
    await admit({ ...input, userId: undefined, sessionId: 'other-session' });
    assert.deepEqual(throttled, ['user']);
  });

  it('limits per API key subject before the user limit', async () => {
    const clock = new ManualClock();
    const admit = createRestAdmission({
      perKey: createInProcessRateLimiter({ points: 2, windowMs: 60_000, prefix: 'k' }, { clock }),
      perUser: unlimited,
      texts: throttleTexts(),
      fallbackLanguage: () => 'en',
    });
    const base = { sessionId: 's', tenant: 'default', text: '你好' };
    await admit({ ...base, principal, userId: 'a' });
    await admit({ ...base, principal, userId: 'b' });
    await assert.rejects(admit({ ...base, principal, userId: 'c' }), (e: unknown) => {
      assert.ok(isBotError(e) && e.details?.['scope'] === 'api_key');
      assert.match(e.message, /请稍等/);
      return true;
    });
    await admit({ ...base, principal: { ...principal, subject: 'key_other' }, userId: 'c' });
  });

  it('principalSubject reads only a string subject', () => {
    assert.equal(principalSubject(principal), 'key_abc');
    assert.equal(principalSubject({ subject: '' }), undefined);
    assert.equal(principalSubject(null), undefined);
    assert.equal(principalSubject('key'), undefined);
  });
});
