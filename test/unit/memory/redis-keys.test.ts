import assert from 'node:assert/strict';
import { isBotError } from '../../../core/errors.js';
import { hashTagOf, kvKey, lockKey, memoryKey, namespaceOf } from '../../../memory/index.js';

describe('Redis key layout', () => {
  it('namespaces keys as <keyPrefix>:<tenant>, with defaults', () => {
    assert.equal(namespaceOf({}), 'clawbot:default');
    assert.equal(namespaceOf({ keyPrefix: 'bot', tenant: 'acme' }), 'bot:acme');
  });

  it('refuses empty segments and braces in them', () => {
    for (const bad of [{ keyPrefix: '' }, { tenant: '' }, { keyPrefix: 'a{' }, { tenant: 'b}' }]) {
      assert.throws(
        () => namespaceOf(bad),
        (e: unknown) => isBotError(e) && e.code === 'config.invalid',
      );
    }
  });

  it('hash-tags memory, lock and kv keys on the caller key, so memory and lock of a conversation share a slot', () => {
    const ns = namespaceOf({ tenant: 'acme' });
    const conversation = 'wechat:acme:o6_bmjrPTlm6_2sgVt7hMZOPfL2M';
    assert.equal(memoryKey(ns, conversation), `clawbot:acme:mem:{${conversation}}`);
    assert.equal(lockKey(ns, conversation), `clawbot:acme:lock:{${conversation}}`);
    assert.equal(kvKey(ns, 'dedupe:1'), 'clawbot:acme:kv:{dedupe:1}');
    assert.equal(hashTagOf(memoryKey(ns, conversation)), conversation);
    assert.equal(hashTagOf(lockKey(ns, conversation)), conversation);
  });

  it('computes hash tags as the Redis Cluster spec does', () => {
    assert.equal(hashTagOf('{user1000}.following'), 'user1000');
    assert.equal(hashTagOf('foo{}{bar}'), 'foo{}{bar}');
    assert.equal(hashTagOf('foo{{bar}}zap'), '{bar');
    assert.equal(hashTagOf('foo{bar}{zap}'), 'bar');
    assert.equal(hashTagOf('no-tag'), 'no-tag');
    assert.equal(hashTagOf('open{only'), 'open{only');
  });
});
