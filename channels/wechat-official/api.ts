/**
 * The WeChat API client: customer-service messages (客服消息) and the typing indicator, with the access
 * token from the broker and one retry with a fresh token when WeChat rejects it.
 * @see https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Service_Center_messages.html
 */
import { ChannelApiError, describeError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { redactSecrets, TOKEN_REJECTED_CODES, wechatApiError } from './api-errors.js';
import type { TokenBroker } from './token-broker.js';

export interface WechatApiOptions {
  /** e.g. `https://api.weixin.qq.com` (no trailing slash). */
  readonly apiBaseUrl: string;
  readonly timeoutMs: number;
}

export interface WechatApiDeps {
  readonly broker: TokenBroker;
  readonly log: Logger;
  readonly fetch?: typeof fetch;
}

/** The calls the channel makes. */
export interface WechatApi {
  /** `POST /cgi-bin/message/custom/send`; throws ChannelApiError (45015 window closed, 45047 quota, 48001 ...). */
  sendCustomMessage(body: Readonly<Record<string, unknown>>, signal?: AbortSignal): Promise<void>;
  /** `POST /cgi-bin/message/custom/typing` ("Typing" | "CancelTyping"); best effort. */
  typing(openid: string, command: 'Typing' | 'CancelTyping', signal?: AbortSignal): Promise<void>;
}

interface WechatAnswer {
  readonly errcode?: number;
  readonly errmsg?: string;
}

export function createWechatApi(options: WechatApiOptions, deps: WechatApiDeps): WechatApi {
  const doFetch = deps.fetch ?? fetch;

  const post = async (
    method: string,
    path: string,
    token: string,
    body: unknown,
    signal?: AbortSignal,
  ): Promise<WechatAnswer> => {
    const timeout = AbortSignal.timeout(options.timeoutMs);
    let response: Response;
    try {
      response = await doFetch(`${options.apiBaseUrl}${path}?access_token=${encodeURIComponent(token)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        // WeChat wants raw UTF-8, not \u escapes, in message content; JSON.stringify already does that.
        body: JSON.stringify(body),
        signal: signal === undefined ? timeout : AbortSignal.any([signal, timeout]),
      });
    } catch (error: unknown) {
      throw new ChannelApiError({
        channel: 'wechat_official',
        method,
        message: `WeChat ${method} request failed: ${redactSecrets(describeError(error))}; check that ${options.apiBaseUrl} is reachable`,
      });
    }
    const text = await response.text();
    try {
      return JSON.parse(text) as WechatAnswer;
    } catch {
      throw new ChannelApiError({
        channel: 'wechat_official',
        method,
        httpStatus: response.status,
        message: `WeChat ${method} answered HTTP ${response.status} without JSON`,
      });
    }
  };

  const call = async (method: string, path: string, body: unknown, signal?: AbortSignal): Promise<void> => {
    const token = await deps.broker.getToken(signal);
    let answer = await post(method, path, token, body, signal);
    if (answer.errcode !== undefined && TOKEN_REJECTED_CODES.has(answer.errcode)) {
      deps.log.warn({ method, errcode: answer.errcode }, 'WeChat rejected the access token; refreshing once');
      const fresh = await deps.broker.refreshAfterRejection(token, signal);
      answer = await post(method, path, fresh, body, signal);
    }
    if (answer.errcode !== undefined && answer.errcode !== 0)
      throw wechatApiError(method, answer.errcode, answer.errmsg);
  };

  return {
    sendCustomMessage: (body, signal) => call('message/custom/send', '/cgi-bin/message/custom/send', body, signal),
    typing: (openid, command, signal) =>
      call('message/custom/typing', '/cgi-bin/message/custom/typing', { touser: openid, command }, signal),
  };
}
