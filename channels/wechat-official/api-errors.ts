/**
 * WeChat API error codes -> typed errors with messages that tell the operator what to do, pure.
 * @see https://developers.weixin.qq.com/doc/offiaccount/Getting_Started/Global_Return_Code.html
 */
import { ChannelApiError } from '../../core/errors.js';

/** Codes meaning "this access token is no longer good": refresh once and retry. */
export const TOKEN_REJECTED_CODES: ReadonlySet<number> = new Set([40001, 40014, 42001]);

/** Codes meaning the user's customer-service window is closed or its quota spent. */
export const WINDOW_CLOSED_CODES: ReadonlySet<number> = new Set([45015, 45047]);

const ADVICE: Readonly<Record<number, string>> = {
  [-1]: 'WeChat is busy; retry in a moment',
  40001:
    'the access token is invalid or not the latest; another process may be refreshing tokens for this AppID with /cgi-bin/token, so let only Clawbot fetch tokens (it uses stable_token)',
  40002: 'invalid grant_type',
  40003: 'invalid openid: the user does not follow this official account (or the openid belongs to another AppID)',
  40013: 'invalid AppID: check channels.wechat_official.appId',
  40014: 'invalid access token; a fresh one was requested',
  40125: 'invalid AppSecret: check channels.wechat_official.appSecret (reset it in the WeChat console if needed)',
  40164:
    "this server's IP address is not in the official account's IP whitelist: add it under 设置与开发 → 基本配置 → IP白名单",
  41001: 'access token missing',
  42001: 'the access token expired; a fresh one was requested',
  43004: 'the user has not followed (or has unfollowed) the official account',
  44002: 'empty request body',
  45009: "the API's daily call quota is used up; it resets at midnight (Beijing time) or can be reset in the console",
  45011: 'API calls too frequent; slow down',
  45015:
    "the user's 48-hour customer-service window is closed (no message from them in 48 hours, or they unfollowed); the answer waits for their next message",
  45047:
    'the customer-service quota for this user is used up (5 messages per 48 hours since their last message); the answer waits for their next message',
  48001:
    'this official account is not authorised for the API (customer-service messages need a verified service account): set customerServiceApi: false',
  50001: 'the user has not authorised this API',
  50002: 'the account is restricted; check the WeChat console',
};

/** Human advice for a WeChat error code. Pure. */
export function adviceFor(errcode: number): string {
  return (
    ADVICE[errcode] ?? 'see https://developers.weixin.qq.com/doc/offiaccount/Getting_Started/Global_Return_Code.html'
  );
}

/** The typed error for a WeChat API answer with a non-zero `errcode`. Pure. */
export function wechatApiError(
  method: string,
  errcode: number,
  errmsg: string | undefined,
  httpStatus?: number,
): ChannelApiError {
  // errmsg carries a request id ("rid: …") but never the token or secret; it is kept short for logs.
  const platform = (errmsg ?? '').slice(0, 200);
  return new ChannelApiError({
    channel: 'wechat_official',
    method,
    message: `WeChat ${method} failed with ${errcode} (${platform}): ${adviceFor(errcode)}`,
    platformCode: errcode,
    ...(httpStatus === undefined ? {} : { httpStatus }),
    ...(errcode === -1 || errcode === 45011 ? { retryAfterMs: 1_000 } : {}),
  });
}

/** Removes `access_token=…` and `secret=…` from text bound for logs or errors. Pure. */
export function redactSecrets(text: string): string {
  return text.replace(/(access_token|secret|appsecret)=[^&\s"']*/gi, '$1=[redacted]');
}
