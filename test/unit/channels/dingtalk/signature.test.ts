import assert from 'node:assert/strict';
import {
  computeDingTalkSign,
  safeEqual,
  signGroupRobotUrl,
  verifyCallbackSignature,
} from '../../../../channels/dingtalk/signature.js';
import { checkOutboundUrl, isLoopbackHost, parseAllowedHost, redactUrl } from '../../../../channels/dingtalk/hosts.js';

// Reference §2.2 worked example (Node and Python agree; DingTalk publishes no official vector).
const SECRET = 'testAppSecret_0123456789abcdefghijklmnopqrstuvwxyzABCDEF';
const TS = '1577262236757';
const SIGN = 'ydjrthb50Q0viMWQp6ibIKP5v4u7xzMSIW5gpcdkFQQ=';

describe('dingtalk signature', () => {
  it('computes the reference callback sign', () => {
    assert.equal(computeDingTalkSign(TS, SECRET), SIGN);
  });

  it('accepts a good sign inside the window and reports the timestamp', () => {
    const r = verifyCallbackSignature({
      timestamp: TS,
      sign: SIGN,
      appSecret: SECRET,
      now: 1577262236757 + 1000,
      maxAgeMs: 300_000,
    });
    assert.deepEqual(r, { ok: true, timestampMs: 1577262236757 });
  });

  it('refuses a wrong sign, a wrong secret, missing headers and malformed timestamps', () => {
    const now = Number(TS);
    const base = { timestamp: TS, appSecret: SECRET, now, maxAgeMs: 300_000 };
    assert.deepEqual(verifyCallbackSignature({ ...base, sign: SIGN.replace('y', 'z') }), {
      ok: false,
      reason: 'mismatch',
    });
    assert.deepEqual(verifyCallbackSignature({ ...base, sign: SIGN, appSecret: 'other' }), {
      ok: false,
      reason: 'mismatch',
    });
    assert.deepEqual(verifyCallbackSignature({ ...base, sign: `${SIGN}x` }), { ok: false, reason: 'mismatch' });
    assert.deepEqual(verifyCallbackSignature({ ...base, sign: undefined }), { ok: false, reason: 'missing' });
    assert.deepEqual(verifyCallbackSignature({ ...base, timestamp: undefined, sign: SIGN }), {
      ok: false,
      reason: 'missing',
    });
    assert.deepEqual(verifyCallbackSignature({ ...base, timestamp: '1577262236.757', sign: SIGN }), {
      ok: false,
      reason: 'malformed_timestamp',
    });
  });

  it('has a symmetric window: stale and future-dated timestamps are refused', () => {
    const now = Number(TS);
    const base = { timestamp: TS, sign: SIGN, appSecret: SECRET, maxAgeMs: 300_000 };
    assert.equal(verifyCallbackSignature({ ...base, now: now + 300_000 }).ok, true);
    assert.deepEqual(verifyCallbackSignature({ ...base, now: now + 300_001 }), { ok: false, reason: 'stale' });
    assert.deepEqual(verifyCallbackSignature({ ...base, now: now - 300_001 }), { ok: false, reason: 'future' });
    assert.deepEqual(verifyCallbackSignature({ ...base, now: now + 2 * 3_600_000, maxAgeMs: 3_600_000 }), {
      ok: false,
      reason: 'stale',
    });
  });

  it('safeEqual compares whole strings', () => {
    assert.equal(safeEqual('abc', 'abc'), true);
    assert.equal(safeEqual('abc', 'abd'), false);
    assert.equal(safeEqual('abc', 'abcd'), false);
  });

  it('signs the custom robot URL like the reference (URL-encoded sign, ms timestamp)', () => {
    // Reference §2.5: three implementations agree.
    const secret = 'SECb2f8a4d8e5c7f8e6a1b3d5f7e9c1a3b5d7f9e1c3a5b7d9f1e3c5a7b9d1f3e5a7';
    const url = signGroupRobotUrl('https://oapi.dingtalk.com/robot/send?access_token=XXX', secret, 1_700_000_000_000);
    assert.equal(
      url,
      'https://oapi.dingtalk.com/robot/send?access_token=XXX&timestamp=1700000000000&sign=5PRYlY7R6RFk1FA9wx8rDxitgUy8SAM2b6oBrBySSyc%3D',
    );
  });
});

describe('dingtalk host allow-list', () => {
  const allowed = ['oapi.dingtalk.com', 'api.dingtalk.com', '127.0.0.1:8080', 'localhost'];

  it('parses host and host:port entries', () => {
    assert.deepEqual(parseAllowedHost('oapi.dingtalk.com'), { host: 'oapi.dingtalk.com', port: undefined });
    assert.deepEqual(parseAllowedHost('127.0.0.1:8080'), { host: '127.0.0.1', port: 8080 });
    assert.deepEqual(parseAllowedHost('[::1]:99'), { host: '[::1]', port: 99 });
    assert.equal(parseAllowedHost('https://x.com'), undefined);
    assert.equal(parseAllowedHost('x.com/path'), undefined);
    assert.equal(parseAllowedHost(''), undefined);
  });

  it('accepts https to allowed hosts and http to allowed loopback hosts only', () => {
    assert.equal(checkOutboundUrl('https://oapi.dingtalk.com/robot/sendBySession?session=1', allowed).ok, true);
    assert.equal(checkOutboundUrl('https://api.dingtalk.com:443/v1.0/x', allowed).ok, true);
    assert.equal(checkOutboundUrl('http://127.0.0.1:8080/robot', allowed).ok, true);
    assert.equal(checkOutboundUrl('http://localhost:1234/robot', allowed).ok, true);
    assert.deepEqual(checkOutboundUrl('http://127.0.0.1:8081/robot', allowed), {
      ok: false,
      reason: 'host',
      host: '127.0.0.1',
    });
    assert.deepEqual(checkOutboundUrl('http://oapi.dingtalk.com/robot', allowed), {
      ok: false,
      reason: 'plain_http_not_loopback',
      host: 'oapi.dingtalk.com',
    });
    assert.deepEqual(checkOutboundUrl('https://evil.example/robot', allowed), {
      ok: false,
      reason: 'host',
      host: 'evil.example',
    });
    assert.equal(checkOutboundUrl('https://oapi.dingtalk.com.evil.example/x', allowed).ok, false);
    assert.equal(checkOutboundUrl('https://user:pw@oapi.dingtalk.com/x', allowed).ok, false);
    assert.equal(checkOutboundUrl('file:///etc/passwd', allowed).ok, false);
    assert.deepEqual(checkOutboundUrl('not a url', allowed), { ok: false, reason: 'invalid_url' });
  });

  it('knows loopback hosts and redacts query strings', () => {
    assert.equal(isLoopbackHost('127.0.0.1'), true);
    assert.equal(isLoopbackHost('127.10.0.3'), true);
    assert.equal(isLoopbackHost('[::1]'), true);
    assert.equal(isLoopbackHost('10.0.0.1'), false);
    assert.equal(
      redactUrl('https://oapi.dingtalk.com/robot/send?access_token=SECRET'),
      'https://oapi.dingtalk.com/robot/send',
    );
  });
});
