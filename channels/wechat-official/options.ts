/**
 * `channels.wechat_official` in config.yaml: a WeChat official account (公众号 / 服务号) receiving
 * message pushes at one URL.
 */
import { z } from 'zod';

const secret = (name: string) => z.string().min(1, `${name} must not be empty`);

/** A boolean that also accepts "true"/"false" strings (environment overrides). */
const flag = () => z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);

/** 43 characters of base64 without the trailing "=" (WeChat 公众平台 → 基本配置 → EncodingAESKey). */
const encodingAesKey = (name: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9+/]{43}$/, `${name} must be the 43-character EncodingAESKey shown in the WeChat console`);

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** True for https URLs, or http URLs on a loopback host (tests' fake WeChat API). Pure. */
export function isAllowedApiBaseUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && LOOPBACK.has(url.hostname);
}

/** Texts the channel itself says (the bot's own answers come from the dialogue engine). */
export const wechatNoticesSchema = z.object({
  /** Answer to message types the bot cannot read (e.g. mini-program cards). */
  unsupported: z.string().min(1).default('抱歉，暂时无法处理这类消息，请用文字描述您的问题。'),
  /** Put before an answer that missed WeChat's 5-second window and is delivered with the next message. */
  pending: z.string().min(1).default('【您上一个问题的回复】'),
  /** Put before the answer to the current message when a pending answer precedes it. */
  current: z.string().min(1).default('【本条消息的回复】'),
  /** Appended when a reply had to be cut to fit one passive reply (customer-service API off). */
  truncated: z.string().min(1).default('……（内容过长，已截断）'),
});

/** The WeChat official-account channel's options. Key names are a contract (issue 3); extra keys are optional. */
export const wechatOfficialOptionsSchema = z
  .object({
    /** The server URL path configured in the WeChat console (服务器地址 URL). */
    path: z.string().startsWith('/').default('/wechat'),
    /** 令牌 Token from the WeChat console: signs every push. */
    token: secret('token').regex(/^[A-Za-z0-9]{3,32}$/, 'token must be 3-32 letters or digits, as WeChat requires'),
    /** 开发者ID AppID (`wx…`): the tenant of every conversation, and the id inside encrypted messages. */
    appId: secret('appId'),
    /** 开发者密码 AppSecret: only used to obtain access tokens for the customer-service API. */
    appSecret: secret('appSecret'),
    /** EncodingAESKey (消息加解密密钥); required in compatible and safe mode. */
    encodingAESKey: encodingAesKey('encodingAESKey').optional(),
    /** The EncodingAESKey before the last rotation: still accepted so in-flight messages keep working. */
    previousEncodingAESKey: encodingAesKey('previousEncodingAESKey').optional(),
    /**
     * 消息加解密方式: `plaintext` (明文), `compatible` (兼容: plaintext and encrypted both accepted) or
     * `safe` (安全: only encrypted). Default: `safe` when an EncodingAESKey is set, else `plaintext`.
     */
    mode: z.enum(['plaintext', 'compatible', 'safe']).optional(),
    /** Send late or extra replies through the customer-service API (verified service accounts only). */
    customerServiceApi: flag().default(false),
    /** WeChat API base URL; tests point it at a loopback fake (plain http only for loopback hosts). */
    apiBaseUrl: z
      .string()
      .default('https://api.weixin.qq.com')
      .refine(isAllowedApiBaseUrl, 'apiBaseUrl must be an https URL (http only for localhost/127.0.0.1)')
      .transform((u) => u.replace(/\/+$/, '')),
    /** How long a delivery waits for the bot's answer before giving up on a passive reply (WeChat allows 5 s). */
    passiveReplyBudgetMs: z.coerce.number().int().min(100).max(4_900).default(4_500),
    /** Answer to a new follower (subscribe event); when absent the bot greets through a `conversation.started` turn. */
    welcome: z.string().min(1).optional(),
    /** Where a handoff goes: the Clawbot console, or WeChat's own customer-service system (transfer_customer_service). */
    handoffTarget: z.enum(['console', 'transfer_customer_service']).default('console'),
    /** Optional 客服账号 (`kf2001@gh_…`) for transfer_customer_service. */
    kfAccount: z.string().min(1).optional(),
    /** Accepted clock difference, both directions, for the signed `timestamp` (seconds); 0 disables the check. */
    timestampToleranceSec: z.coerce.number().int().min(0).default(300),
    /** Largest accepted request body in bytes (WeChat pushes are a few KB). */
    bodyLimit: z.coerce
      .number()
      .int()
      .positive()
      .default(64 * 1024),
    /** Longest text in one WeChat message, in UTF-8 bytes (WeChat cuts or rejects beyond about 2,047). */
    maxReplyBytes: z.coerce.number().int().min(200).max(2_047).default(2_000),
    /** How long an answer that missed the 5-second window waits for the user's next message. */
    pendingReplyTtlMs: z.coerce
      .number()
      .int()
      .positive()
      .default(48 * 60 * 60 * 1000),
    /** Deliveries WeChat makes of one message (the first plus retries). */
    maxDeliveries: z.coerce.number().int().min(1).max(5).default(3),
    /** Customer-service / token API request timeout. */
    apiTimeoutMs: z.coerce.number().int().positive().default(10_000),
    notices: wechatNoticesSchema.default(() => wechatNoticesSchema.parse({})),
  })
  .superRefine((o, ctx) => {
    const mode = o.mode ?? (o.encodingAESKey === undefined ? 'plaintext' : 'safe');
    if (mode !== 'plaintext' && o.encodingAESKey === undefined) {
      ctx.addIssue({ code: 'custom', path: ['encodingAESKey'], message: `encodingAESKey is required in ${mode} mode` });
    }
    if (o.previousEncodingAESKey !== undefined && o.encodingAESKey === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['previousEncodingAESKey'],
        message: 'previousEncodingAESKey needs encodingAESKey (the current key)',
      });
    }
  })
  .transform((o) => ({ ...o, mode: o.mode ?? (o.encodingAESKey === undefined ? 'plaintext' : 'safe') }));

/** Options as written in config.yaml (defaults not yet applied). */
export type WechatOfficialOptionsInput = z.input<typeof wechatOfficialOptionsSchema>;

/** Validated options with defaults applied (`mode` always resolved). */
export type WechatOfficialOptions = z.output<typeof wechatOfficialOptionsSchema>;

/** The channel's own texts, defaults applied. */
export type WechatNotices = z.output<typeof wechatNoticesSchema>;

/** The message-encryption mode in force. */
export type WechatMode = WechatOfficialOptions['mode'];
