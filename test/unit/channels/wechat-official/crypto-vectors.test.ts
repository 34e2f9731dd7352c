/**
 * Tencent's official WXBizMsgCrypt vectors (reference §1.2: A, B, C, D, plus WeCom's echostr sample) and
 * `@wecom/crypto` as a second implementation of the same algorithm.
 */
import assert from 'node:assert/strict';
import { decrypt as wecomDecrypt, encrypt as wecomEncrypt, getSignature as wecomSignature } from '@wecom/crypto';
import fc from 'fast-check';
import {
  decodeAesKey,
  decryptMessage,
  encryptMessage,
  isDecrypted,
  pkcs7Pad,
  pkcs7Unpad,
} from '../../../../channels/wechat-official/crypto.js';
import { openEncrypted } from '../../../../channels/wechat-official/envelope-crypto.js';
import { computeMsgSignature, computeSignature } from '../../../../channels/wechat-official/signature.js';
import { OTHER_KEY } from './requests.js';

const B = {
  token: 'spamtest',
  key: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
  appId: 'wx2c2769f8efd9abc2',
  timestamp: '1409735669',
  nonce: '1320562132',
  msgSignature: '5d197aaffba7e9b25a30732f161a50dee96bd5fa',
  encrypt:
    'hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=',
  xml: '<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>\n<FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName>\n<CreateTime>1409735668</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[abcdteT]]></Content>\n<MsgId>6054768590064713728</MsgId>\n</xml>',
  random: '89465c840c5f116f',
};

const C = {
  token: 'QDG6eK',
  key: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
  appId: 'wx5823bf96d3bd56c7',
  timestamp: '1409659813',
  nonce: '1372623149',
  msgSignature: '477715d11cdb4164915debcba66cb864d751f3e6',
  encrypt:
    'RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==',
};

describe('wechat-official crypto: official vectors', () => {
  it('vector A: URL signature over sorted [token, timestamp, nonce]', () => {
    assert.equal(computeSignature('spamtest', '1409735669', '1320562132'), '16120ec1b8dbb870f510d87ce6bc2463eae6ca1a');
  });

  it('vector B (Tencent WXBizMsgCrypt Sample.py): msg_signature, decryption, appid and layout', () => {
    assert.equal(computeMsgSignature(B.token, B.timestamp, B.nonce, B.encrypt), B.msgSignature);
    assert.equal(Buffer.from(B.encrypt, 'base64').length, 320);
    const out = decryptMessage(decodeAesKey(B.key), B.encrypt);
    assert.ok(isDecrypted(out));
    assert.equal(out.message, B.xml);
    assert.equal(Buffer.byteLength(out.message), 280);
    assert.equal(out.appId, B.appId);
    assert.equal(out.random.toString('ascii'), B.random);
  });

  it('vector B: our encryption with the original random reproduces Tencent’s ciphertext byte for byte', () => {
    const ours = encryptMessage(decodeAesKey(B.key), B.xml, B.appId, Buffer.from(B.random, 'ascii'));
    assert.equal(ours, B.encrypt);
    assert.equal(wecomEncrypt(B.key, B.xml, B.appId, Buffer.from(B.random, 'ascii')), B.encrypt);
  });

  it('vector C (WeCom official C# sample): signature and decryption to the "hello" text with AgentID 218', () => {
    assert.equal(computeMsgSignature(C.token, C.timestamp, C.nonce, C.encrypt), C.msgSignature);
    const out = openEncrypted(C.encrypt, [decodeAesKey(C.key)], C.appId);
    assert.ok(out.ok);
    assert.match(out.xml, /<Content><!\[CDATA\[hello\]\]><\/Content>/);
    assert.match(out.xml, /<AgentID>218<\/AgentID>/);
  });

  it('WeCom URL-verification sample: encrypted echostr decrypts to its plain value', () => {
    const echostr = 'P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==';
    assert.equal(
      computeMsgSignature(C.token, '1409659589', '263014780', echostr),
      '5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3',
    );
    const out = decryptMessage(decodeAesKey(C.key), echostr);
    assert.ok(isDecrypted(out));
    assert.equal(out.message, '1616140317555161061'); // the value the sample's VerifyURL returns
    assert.equal(out.message, wecomDecrypt(C.key, echostr).message);
    assert.equal(out.appId, C.appId);
  });

  it('vector D (wechat-crypto test): getSignature("timestamp","nonce","encrypt")', () => {
    assert.equal(
      computeMsgSignature('RMNlACHlV5ThzfRlVS4D4', 'timestamp', 'nonce', 'encrypt'),
      '8edac0945683c119ee71c9f6256d76c48aa08a96',
    );
    assert.equal(
      wecomSignature('RMNlACHlV5ThzfRlVS4D4', 'timestamp', 'nonce', 'encrypt'),
      '8edac0945683c119ee71c9f6256d76c48aa08a96',
    );
  });
});

describe('wechat-official crypto: against @wecom/crypto', () => {
  it('decrypts what @wecom/crypto encrypts and the other way round, for any text and random', () => {
    const key = decodeAesKey(B.key);
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        (text, rnd) => {
          const random = Buffer.from(rnd);
          const theirs = wecomEncrypt(B.key, text, B.appId, random);
          assert.equal(encryptMessage(key, text, B.appId, random), theirs);
          const mine = decryptMessage(key, theirs);
          assert.ok(isDecrypted(mine));
          assert.equal(mine.message, text);
          assert.equal(wecomDecrypt(B.key, encryptMessage(key, text, B.appId, random)).message, text);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('pads to 32-byte blocks, a full block when already aligned', () => {
    assert.equal(pkcs7Pad(Buffer.alloc(32)).length, 64);
    assert.equal(pkcs7Pad(Buffer.alloc(31)).length, 32);
    assert.equal(pkcs7Unpad(Buffer.concat([Buffer.alloc(3), Buffer.alloc(29, 29)]))?.length, 3);
    assert.equal(pkcs7Unpad(Buffer.from([1, 2, 3, 0])), undefined);
    assert.equal(pkcs7Unpad(Buffer.from([1, 2, 9, 2])), undefined, 'inconsistent pad bytes');
  });

  it('a wrong key fails cleanly; rotation opens with the previous key; a foreign AppID is refused', () => {
    const enc = wecomEncrypt(B.key, '<xml/>', B.appId);
    const wrong = openEncrypted(enc, [decodeAesKey(OTHER_KEY)], B.appId);
    assert.deepEqual(wrong.ok, false);
    const rotated = openEncrypted(enc, [decodeAesKey(OTHER_KEY), decodeAesKey(B.key)], B.appId);
    assert.ok(rotated.ok && rotated.rotated);
    const foreign = openEncrypted(wecomEncrypt(B.key, '<xml/>', 'wxOTHER'), [decodeAesKey(B.key)], B.appId);
    assert.ok(!foreign.ok && foreign.reason === 'appid_mismatch');
    assert.deepEqual(decryptMessage(decodeAesKey(B.key), 'not base64!'), { failure: 'not_base64' });
    assert.deepEqual(decryptMessage(decodeAesKey(B.key), Buffer.alloc(15).toString('base64')), {
      failure: 'bad_length',
    });
  });

  it('rejects malformed EncodingAESKeys', () => {
    assert.throws(() => decodeAesKey('short'), /43 base64 characters/);
  });
});
