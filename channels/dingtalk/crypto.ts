/**
 * DingTalk event-subscription callback crypto (事件订阅, HTTP): not chat messages, but org events, encrypted
 * with the WXBizMsgCrypt algorithm (pure functions).
 *
 * - `msg_signature = sha1(sort([token, timestamp, nonce, encrypt]).join(''))`, hex.
 * - `AESKey = base64(aesKey + "=")` (43 chars -> 32 bytes), AES-256-CBC, IV = AESKey[0..16), PKCS#7 with block 32.
 * - plaintext = random(16) ‖ uint32_be(len(msg)) ‖ msg ‖ receiveId (the AppKey, corpId or suiteKey).
 * - The answer to every event is `{msg_signature, timeStamp, nonce, encrypt}` with `encrypt` = encrypted "success".
 * @see https://github.com/open-dingtalk/DingTalk-Callback-Crypto
 * @see https://open.dingtalk.com/document/orgapp/configure-event-subcription
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { BotError } from '../../core/errors.js';
import { safeEqual } from './signature.js';

/** The app's callback crypto settings. */
export interface CallbackCryptoKeys {
  readonly token: string;
  /** The 43-character 加密 aes_key. */
  readonly aesKey: string;
  /** AppKey (internal app), corpId or suiteKey: checked after decryption. */
  readonly receiveId: string;
}

const BLOCK = 32;

function keyBytes(aesKey: string): Buffer {
  const key = Buffer.from(`${aesKey}=`, 'base64');
  if (aesKey.length !== 43 || key.length !== 32) {
    throw new BotError('config.invalid', 'the DingTalk callback aes_key must be 43 characters (32 bytes base64)');
  }
  return key;
}

/** `sha1(sort([token, timestamp, nonce, encrypt]).join(''))`, lowercase hex. */
export function callbackSignature(token: string, timestamp: string, nonce: string, encrypt: string): string {
  return createHash('sha1').update([token, timestamp, nonce, encrypt].sort().join(''), 'utf8').digest('hex');
}

/** Timing-safe check of a callback's `msg_signature` (or `signature`). */
export function verifyCallbackCryptoSignature(
  keys: Pick<CallbackCryptoKeys, 'token'>,
  input: { readonly signature: string; readonly timestamp: string; readonly nonce: string; readonly encrypt: string },
): boolean {
  return safeEqual(
    callbackSignature(keys.token, input.timestamp, input.nonce, input.encrypt),
    input.signature.toLowerCase(),
  );
}

/** Decrypts `encrypt` and checks the trailing receiveId; throws `channel.payload_invalid` otherwise. */
export function decryptCallback(keys: Pick<CallbackCryptoKeys, 'aesKey' | 'receiveId'>, encrypt: string): string {
  const key = keyBytes(keys.aesKey);
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
    decipher.setAutoPadding(false);
    plain = Buffer.concat([decipher.update(Buffer.from(encrypt, 'base64')), decipher.final()]);
  } catch {
    throw new BotError('channel.payload_invalid', 'the callback ciphertext could not be decrypted');
  }
  const pad = plain[plain.length - 1] ?? 0;
  if (pad < 1 || pad > BLOCK || pad > plain.length) {
    throw new BotError('channel.payload_invalid', 'bad padding in the decrypted callback');
  }
  const content = plain.subarray(0, plain.length - pad);
  if (content.length < 20) throw new BotError('channel.payload_invalid', 'decrypted callback too short');
  const length = content.readUInt32BE(16);
  if (20 + length > content.length)
    throw new BotError('channel.payload_invalid', 'bad length in the decrypted callback');
  const message = content.subarray(20, 20 + length).toString('utf8');
  const receiveId = content.subarray(20 + length).toString('utf8');
  if (!safeEqual(receiveId, keys.receiveId)) {
    throw new BotError('channel.payload_invalid', 'the callback was encrypted for another receiveId (AppKey/corpId)');
  }
  return message;
}

/** Encrypts `message` for `receiveId`. `random` (16 bytes) is injectable for deterministic tests. */
export function encryptCallback(
  keys: Pick<CallbackCryptoKeys, 'aesKey' | 'receiveId'>,
  message: string,
  random: Buffer = randomBytes(16),
): string {
  if (random.length !== 16) throw new BotError('internal', 'the callback random prefix must be 16 bytes');
  const key = keyBytes(keys.aesKey);
  const body = Buffer.from(message, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length, 0);
  const content = Buffer.concat([random, length, body, Buffer.from(keys.receiveId, 'utf8')]);
  const pad = BLOCK - (content.length % BLOCK);
  const padded = Buffer.concat([content, Buffer.alloc(pad, pad)]);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(padded), cipher.final()]).toString('base64');
}

/** The JSON answer to an event callback: the encrypted `success` with its signature. */
export function callbackResponse(
  keys: CallbackCryptoKeys,
  input: { readonly timestamp: string; readonly nonce: string; readonly random?: Buffer },
): { msg_signature: string; timeStamp: string; nonce: string; encrypt: string } {
  const encrypt = encryptCallback(keys, 'success', input.random);
  return {
    msg_signature: callbackSignature(keys.token, input.timestamp, input.nonce, encrypt),
    timeStamp: input.timestamp,
    nonce: input.nonce,
    encrypt,
  };
}
