/**
 * Opening and sealing encrypted pushes (compatible and safe mode), pure apart from the injected random.
 * The current EncodingAESKey is tried first, then the previous one (key rotation); the reply is sealed
 * with the key that opened the request, as WeChat's rotation guide asks.
 * @see https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Message_encryption_and_decryption_instructions.html
 */
import { type AesKey, decryptMessage, encryptMessage, isDecrypted } from './crypto.js';
import { renderEncryptedEnvelope } from './outbound.js';
import { computeMsgSignature } from './signature.js';

export type OpenResult =
  | { readonly ok: true; readonly xml: string; readonly key: AesKey; readonly rotated: boolean }
  | { readonly ok: false; readonly reason: 'undecryptable' | 'appid_mismatch'; readonly detail: string };

/** Decrypts an `<Encrypt>` value with the first key that yields a well-formed message for `appId`. Pure. */
export function openEncrypted(encrypt: string, keys: readonly AesKey[], appId: string): OpenResult {
  let mismatch: string | undefined;
  for (const [i, key] of keys.entries()) {
    const result = decryptMessage(key, encrypt);
    if (!isDecrypted(result)) continue;
    if (result.appId !== appId) {
      mismatch = result.appId;
      continue;
    }
    return { ok: true, xml: result.message, key, rotated: i > 0 };
  }
  if (mismatch !== undefined) {
    return {
      ok: false,
      reason: 'appid_mismatch',
      detail:
        'the decrypted AppID does not match channels.wechat_official.appId (check the AppID in the WeChat console)',
    };
  }
  return {
    ok: false,
    reason: 'undecryptable',
    detail: 'the message does not decrypt with the configured EncodingAESKey (or previousEncodingAESKey)',
  };
}

/** Encrypts a reply and wraps it with its msg_signature (safe-mode reply format). */
export function sealReply(
  xml: string,
  s: {
    readonly key: AesKey;
    readonly appId: string;
    readonly token: string;
    readonly timestamp: string;
    readonly nonce: string;
    readonly random: Buffer;
  },
): string {
  const encrypt = encryptMessage(s.key, xml, s.appId, s.random);
  const msgSignature = computeMsgSignature(s.token, s.timestamp, s.nonce, encrypt);
  return renderEncryptedEnvelope({ encrypt, msgSignature, timestamp: s.timestamp, nonce: s.nonce });
}
