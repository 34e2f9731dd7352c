import assert from 'node:assert/strict';
import * as wecom from '@wecom/crypto';
import {
  callbackResponse,
  callbackSignature,
  decryptCallback,
  encryptCallback,
  verifyCallbackCryptoSignature,
} from '../../../../channels/dingtalk/crypto.js';

// The official vector of open-dingtalk/DingTalk-Callback-Crypto (DingCallbackCrypto3.py), reference §2.6.
const KEYS = {
  token: 'mryue',
  aesKey: 'Yue0EfdN5900c1ce5cf6A152c63DDe1808a60c5ecd7',
  receiveId: 'ding6ccabc44d2c8d38b',
};
const TIMESTAMP = '1608001896814';
const NONCE = 'WL4PK6yA';
const SIGNATURE = '03044561471240d4a14bb09372dfcfd4fd0e40cb';
const ENCRYPT =
  '0vJiX6vliEpwG3U45CtXqi+m8PXbQRARJ8p8BbDuD1EMTDf0jKpQ79QS93qEk7XHpP6u+oTTrd15NRPvNvmBKyDCYxxOK+HZeKju4yhELOFchzNukR+t8SB/qk4ROMu3';

describe('dingtalk event-subscription crypto (official DingTalk-Callback-Crypto vector)', () => {
  it('recomputes the official msg_signature', () => {
    assert.equal(callbackSignature(KEYS.token, TIMESTAMP, NONCE, ENCRYPT), SIGNATURE);
    assert.equal(
      verifyCallbackCryptoSignature(KEYS, {
        signature: SIGNATURE,
        timestamp: TIMESTAMP,
        nonce: NONCE,
        encrypt: ENCRYPT,
      }),
      true,
    );
    assert.equal(
      verifyCallbackCryptoSignature(KEYS, {
        signature: SIGNATURE,
        timestamp: '1608001896815',
        nonce: NONCE,
        encrypt: ENCRYPT,
      }),
      false,
    );
  });

  it('decrypts the official ciphertext to check_url with the matching receiveId', () => {
    assert.equal(decryptCallback(KEYS, ENCRYPT), '{"EventType":"check_url"}');
  });

  it('refuses a ciphertext meant for another receiveId', () => {
    assert.throws(() => decryptCallback({ ...KEYS, receiveId: 'dingother' }, ENCRYPT), {
      code: 'channel.payload_invalid',
      message: /another receiveId/,
    });
  });

  it('refuses garbage ciphertext and bad keys', () => {
    assert.throws(() => decryptCallback(KEYS, 'AAAA'), { code: 'channel.payload_invalid' });
    assert.throws(() => decryptCallback({ ...KEYS, aesKey: 'short' }, ENCRYPT), { code: 'config.invalid' });
  });

  it('re-encrypts the vector byte for byte with its own random prefix (agrees with @wecom/crypto)', () => {
    const theirs = wecom.decrypt(KEYS.aesKey, ENCRYPT);
    assert.equal(theirs.message, '{"EventType":"check_url"}');
    assert.equal(theirs.id, KEYS.receiveId);
    assert.equal(encryptCallback(KEYS, theirs.message, theirs.random), ENCRYPT);
  });

  it('builds the encrypted "success" answer that @wecom/crypto decrypts and signs identically', () => {
    const random = Buffer.from('0123456789abcdef');
    const answer = callbackResponse(KEYS, { timestamp: TIMESTAMP, nonce: NONCE, random });
    assert.equal(answer.timeStamp, TIMESTAMP);
    assert.equal(answer.nonce, NONCE);
    assert.equal(answer.encrypt, wecom.encrypt(KEYS.aesKey, 'success', KEYS.receiveId, random));
    assert.equal(answer.msg_signature, wecom.getSignature(KEYS.token, TIMESTAMP, NONCE, answer.encrypt));
    const back = wecom.decrypt(KEYS.aesKey, answer.encrypt);
    assert.deepEqual([back.message, back.id], ['success', KEYS.receiveId]);
  });
});
