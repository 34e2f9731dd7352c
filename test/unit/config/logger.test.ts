import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger, isSecretKey, luhnValid, maskPii, scrubLogObject } from '../../../gateway/logger.js';

function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  return { stream, text: () => chunks.join('') };
}

const SECRET = 'sk-live-abcdef0123456789';
const PHONE = '13812345678';

describe('gateway logger', () => {
  it('writes JSON lines in production and never the secrets', () => {
    const out = sink();
    const log = createLogger({ mode: 'production', level: 'info', destination: out.stream });
    log.info(
      {
        req: { headers: { authorization: `Bearer ${SECRET}`, 'x-api-key': SECRET, Cookie: SECRET } },
        config: {
          auth: { apiKeys: [SECRET], jwtSecret: SECRET },
          channels: { wechat_official: { appSecret: SECRET, encodingAESKey: SECRET, token: SECRET } },
          slack: { signingSecret: SECRET, botToken: SECRET },
        },
        deep: { a: { b: { c: { d: { e: { access_token: SECRET, password: SECRET } } } } } },
        token: SECRET,
      },
      'hello',
    );
    log.child({ secret: SECRET }).warn('child line');
    const lines = out
      .text()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.equal(lines.length, 2);
    assert.equal(lines[0]?.['level'], 'info');
    assert.equal(lines[0]?.['msg'], 'hello');
    assert.ok(!out.text().includes(SECRET), out.text());
    assert.ok(out.text().includes('[redacted]'));
  });

  it('masks phone numbers in message text fields and messages', () => {
    const out = sink();
    const log = createLogger({ mode: 'production', level: 'debug', destination: out.stream });
    log.debug({ text: `我的手机是${PHONE}`, query: `call ${PHONE}`, turn: { reply: `ok ${PHONE}` } }, `from ${PHONE}`);
    assert.ok(!out.text().includes(PHONE), out.text());
    const line = JSON.parse(out.text()) as { text: string; msg: string };
    assert.equal(line.text, '我的手机是[PHONE]');
    assert.equal(line.msg, 'from [PHONE]');
  });

  it('keeps text as-is when maskPii is off (secrets still redacted)', () => {
    const out = sink();
    const log = createLogger({ mode: 'production', level: 'info', destination: out.stream, maskPii: false });
    log.info({ text: PHONE, password: SECRET });
    assert.ok(out.text().includes(PHONE));
    assert.ok(!out.text().includes(SECRET));
  });

  it('writes readable lines synchronously in development, also without secrets or phone numbers', () => {
    const out = sink();
    const log = createLogger({ mode: 'development', level: 'info', destination: out.stream });
    log.info({ botToken: SECRET, text: PHONE }, 'pretty line');
    const text = out.text();
    assert.match(text, /INFO.*pretty line/);
    assert.ok(!text.startsWith('{'), 'not JSON');
    assert.ok(!text.includes(SECRET) && !text.includes(PHONE), text);
  });

  it('respects the level', () => {
    const out = sink();
    const log = createLogger({ mode: 'production', level: 'warn', destination: out.stream });
    log.info('dropped');
    log.warn('kept');
    assert.doesNotMatch(out.text(), /dropped/);
    assert.match(out.text(), /kept/);
  });

  it('keeps dates, errors and cycles intact while scrubbing', () => {
    const cyclic: Record<string, unknown> = { name: 'x' };
    cyclic['self'] = cyclic;
    const date = new Date(0);
    const out = scrubLogObject({ at: date, cyclic, list: [{ apiKey: 'k' }] }, true) as Record<string, unknown>;
    assert.equal(out['at'], date);
    assert.deepEqual(out['list'], [{ apiKey: '[redacted]' }]);
  });

  it('recognises secret keys by name and suffix', () => {
    for (const key of [
      'authorization',
      'Authorization',
      'jwtSecret',
      'appSecret',
      'encodingAESKey',
      'refresh_token',
      'x-api-key',
      'clientSecret',
    ]) {
      assert.ok(isSecretKey(key), key);
    }
    for (const key of ['text', 'turnId', 'tokens', 'maxTokens', 'keyPrefix']) assert.ok(!isSecretKey(key), key);
  });
});

describe('maskPii', () => {
  const cases: [string, string][] = [
    ['手机 13812345678 联系', '手机 [PHONE] 联系'],
    ['+86 138 1234 5678', '[PHONE]'],
    ['86-13912345678', '[PHONE]'],
    ['call +1 415 555 2671 now', 'call [PHONE] now'],
    ['office 010-12345678', 'office [PHONE]'],
    ['(555) 123-4567', '[PHONE]'],
    ['id 11010519491231002X ok', 'id [ID] ok'],
    ['id 110105194912310021', 'id [ID]'],
    ['mail zhang.san+shop@example.com.cn', 'mail [EMAIL]'],
    ['card 6222021234567890128', 'card [CARD]'],
    ['card 4111 1111 1111 1111', 'card [CARD]'],
    ['card 4111-1111-1111-1111', 'card [CARD]'],
  ];
  for (const [input, expected] of cases) {
    it(`masks ${JSON.stringify(input)}`, () => assert.equal(maskPii(input), expected));
  }

  it('leaves ordinary numbers alone', () => {
    for (const text of [
      'order 20240101123456789',
      'port 18789',
      'on 2024-01-15',
      'v1.2.3',
      'price 1299.00',
      '订单号 1234567890',
    ]) {
      assert.equal(maskPii(text), text);
    }
  });

  it('checks the Luhn digit', () => {
    assert.ok(luhnValid('4111111111111111'));
    assert.ok(!luhnValid('4111111111111112'));
  });
});
