/**
 * WeChat message encryption (WXBizMsgCrypt), pure:
 * AES-256-CBC, key = base64(EncodingAESKey + "="), IV = key[0..16), PKCS#7 padding to 32 bytes,
 * plaintext = random(16) ‖ uint32be(len(msg)) ‖ msg ‖ appId, ciphertext base64.
 * @see https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Message_encryption_and_decryption_instructions.html
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';

/** WeChat pads to 32-byte blocks, not AES's 16. */
const PAD_BLOCK = 32;

/** A decoded EncodingAESKey. */
export interface AesKey {
  readonly key: Buffer;
  readonly iv: Buffer;
}

/** Decodes a 43-character EncodingAESKey into the 32-byte AES key and its IV. Throws on a malformed key. */
export function decodeAesKey(encodingAESKey: string): AesKey {
  const key = Buffer.from(`${encodingAESKey}=`, 'base64');
  if (encodingAESKey.length !== 43 || key.length !== 32) {
    throw new Error('EncodingAESKey must be 43 base64 characters (32 bytes once decoded)');
  }
  return { key, iv: key.subarray(0, 16) };
}

/** PKCS#7 padding with WeChat's 32-byte block (always adds 1..32 bytes). */
export function pkcs7Pad(data: Buffer): Buffer {
  const pad = PAD_BLOCK - (data.length % PAD_BLOCK);
  return Buffer.concat([data, Buffer.alloc(pad, pad)]);
}

/** Removes PKCS#7 padding; undefined when the padding is not well formed. */
export function pkcs7Unpad(data: Buffer): Buffer | undefined {
  const pad = data[data.length - 1];
  if (pad === undefined || pad < 1 || pad > PAD_BLOCK || pad > data.length) return undefined;
  for (let i = data.length - pad; i < data.length; i++) if (data[i] !== pad) return undefined;
  return data.subarray(0, data.length - pad);
}

/** Encrypts `message` for `appId`; `random` must be 16 bytes (fresh per message; fixed only in tests). */
export function encryptMessage(key: AesKey, message: string, appId: string, random: Buffer): string {
  if (random.length !== 16) throw new Error('random must be 16 bytes');
  const msg = Buffer.from(message, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(msg.length, 0);
  const plain = pkcs7Pad(Buffer.concat([random, length, msg, Buffer.from(appId, 'utf8')]));
  const cipher = createCipheriv('aes-256-cbc', key.key, key.iv);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64');
}

/** A decrypted message. */
export interface Decrypted {
  readonly message: string;
  /** The AppID (receiveid) appended by WeChat: must equal ours. */
  readonly appId: string;
  readonly random: Buffer;
}

/** Why a ciphertext could not be decrypted. */
export type DecryptFailure = 'not_base64' | 'bad_length' | 'bad_padding' | 'bad_message_length';

/**
 * Decrypts a base64 `<Encrypt>` value. Returns a failure reason instead of throwing: with the wrong key
 * (e.g. a rotated EncodingAESKey) the padding or the length field comes out malformed.
 */
export function decryptMessage(key: AesKey, encrypt: string): Decrypted | { readonly failure: DecryptFailure } {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encrypt)) return { failure: 'not_base64' };
  const data = Buffer.from(encrypt, 'base64');
  if (data.length === 0 || data.length % 16 !== 0) return { failure: 'bad_length' };
  const decipher = createDecipheriv('aes-256-cbc', key.key, key.iv);
  decipher.setAutoPadding(false);
  const padded = Buffer.concat([decipher.update(data), decipher.final()]);
  const plain = pkcs7Unpad(padded);
  if (plain === undefined) return { failure: 'bad_padding' };
  if (plain.length < 20) return { failure: 'bad_message_length' };
  const length = plain.readUInt32BE(16);
  if (20 + length > plain.length) return { failure: 'bad_message_length' };
  return {
    random: plain.subarray(0, 16),
    message: plain.subarray(20, 20 + length).toString('utf8'),
    appId: plain.subarray(20 + length).toString('utf8'),
  };
}

/** Narrows a `decryptMessage` result. */
export function isDecrypted(value: Decrypted | { readonly failure: DecryptFailure }): value is Decrypted {
  return !('failure' in value);
}
