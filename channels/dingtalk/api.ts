/**
 * DingTalk HTTP client: every outbound POST goes through `post()`, which enforces the host allow-list,
 * refuses redirects (an allowed host must not bounce us elsewhere) and bounds the call with a timeout.
 * OpenAPI: `POST /v1.0/oauth2/accessToken` -> robot `oToMessages/batchSend` / `groupMessages/send` with header
 * `x-acs-dingtalk-access-token`.
 * @see https://open.dingtalk.com/document/orgapp/obtain-the-access_token-of-an-internal-app
 */
import type { Clock } from '../../core/clock.js';
import { BotError, ChannelApiError, describeError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { countOutcome, type Metrics } from '../../core/ports/metrics.js';
import { checkOutboundUrl, redactUrl } from './hosts.js';
import { createTokenBroker, type TokenBroker } from './token-broker.js';

export interface DingTalkApiOptions {
  readonly apiBaseUrl: string;
  readonly appKey: string;
  readonly appSecret: string;
  readonly allowedHosts: readonly string[];
  readonly tokenRefreshMarginMs: number;
  readonly requestTimeoutMs: number;
}

export interface DingTalkApiDeps {
  readonly clock: Clock;
  readonly log: Logger;
  /** Injectable for tests; defaults to the global fetch. */
  readonly fetch?: typeof fetch;
  /** Counts token refreshes (`channel.token_refresh`, outcome ok | failed). */
  readonly metrics?: Metrics;
}

/** A parsed JSON response. */
export interface JsonResponse {
  readonly status: number;
  readonly json: unknown;
}

/** The DingTalk calls the channel makes. */
export interface DingTalkApi {
  /** POSTs JSON to an allow-listed URL; `channel.host_not_allowed` otherwise. */
  post(
    url: string,
    body: unknown,
    init?: { headers?: Record<string, string>; signal?: AbortSignal },
  ): Promise<JsonResponse>;
  /** The cached OpenAPI access token (single-flight refresh before expiry). */
  readonly tokens: TokenBroker;
  /** Replies through a callback's sessionWebhook. */
  sendBySessionWebhook(url: string, body: object, signal?: AbortSignal): Promise<void>;
  /** `POST /v1.0/robot/oToMessages/batchSend`. */
  batchSend(body: object, signal?: AbortSignal): Promise<void>;
  /** `POST /v1.0/robot/groupMessages/send`. */
  groupSend(body: object, signal?: AbortSignal): Promise<void>;
}

const CHANNEL = 'dingtalk';

/** Actionable wording for DingTalk OpenAPI error codes (`{code, message}` bodies). */
export function explainOpenApiError(method: string, status: number, code: string | undefined, message: string): string {
  const base = `DingTalk ${method} failed (HTTP ${status}${code === undefined ? '' : `, ${code}`}): ${message}`;
  const c = (code ?? '').toLowerCase();
  if (c.includes('invalidauthentication') || status === 401) {
    return `${base}. The access token was rejected; it is refreshed once automatically — if this persists check appKey/appSecret.`;
  }
  if (c.includes('permissiondenied') || c.includes('accessdenied')) {
    return `${base}. The app lacks this API permission: grant it in the DingTalk developer console (权限管理), e.g. 企业内机器人发送消息权限.`;
  }
  if (c.includes('ipnotinwhitelist') || c.includes('whitelist')) {
    return `${base}. Add this server's egress IP to the app's IP whitelist in the developer console.`;
  }
  if (c.includes('throttl') || c.includes('flowcontrol') || status === 429) {
    return `${base}. Rate limited by DingTalk; slow down and retry later.`;
  }
  if (c.includes('robotcode') || c.includes('robot')) {
    return `${base}. Check channels.dingtalk.robotCode (the robot's code, usually the AppKey) and that the robot is published.`;
  }
  if (method === 'oauth2.accessToken') return `${base}. Check channels.dingtalk.appKey and appSecret.`;
  return base;
}

function readString(value: unknown, key: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const field = (value as Record<string, unknown>)[key];
  return typeof field === 'string' ? field : typeof field === 'number' ? String(field) : undefined;
}

function readArray(value: unknown, key: string): unknown[] {
  if (typeof value !== 'object' || value === null) return [];
  const field = (value as Record<string, unknown>)[key];
  return Array.isArray(field) ? field : [];
}

/** Creates the client. Holds the token cache; no module state. */
export function createDingTalkApi(options: DingTalkApiOptions, deps: DingTalkApiDeps): DingTalkApi {
  const doFetch = deps.fetch ?? fetch;
  const base = options.apiBaseUrl.replace(/\/+$/, '');

  const post: DingTalkApi['post'] = async (url, body, init = {}) => {
    const check = checkOutboundUrl(url, options.allowedHosts);
    if (!check.ok) {
      deps.log.warn(
        { host: check.host, reason: check.reason },
        'dingtalk: refused an outbound request to a host outside channels.dingtalk.allowedHosts',
      );
      throw new BotError(
        'channel.host_not_allowed',
        `refusing to POST to ${check.host ?? 'an invalid URL'} (${check.reason}); add the host to channels.dingtalk.allowedHosts if it is a real DingTalk host`,
        { details: { host: check.host, reason: check.reason } },
      );
    }
    const timeout = AbortSignal.timeout(options.requestTimeoutMs);
    const signal = init.signal === undefined ? timeout : AbortSignal.any([init.signal, timeout]);
    let response: Response;
    try {
      response = await doFetch(check.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', accept: 'application/json', ...init.headers },
        body: JSON.stringify(body),
        redirect: 'error',
        signal,
      });
    } catch (error: unknown) {
      throw new ChannelApiError({
        channel: CHANNEL,
        method: `POST ${redactUrl(url)}`,
        message: `DingTalk request to ${redactUrl(url)} failed: ${describeError(error)}`,
      });
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, json };
  };

  const fetchAccessToken = async () => {
    const res = await post(`${base}/v1.0/oauth2/accessToken`, {
      appKey: options.appKey,
      appSecret: options.appSecret,
    });
    const token = readString(res.json, 'accessToken');
    const expireIn = Number(readString(res.json, 'expireIn') ?? '7200');
    if (res.status >= 400 || token === undefined) {
      const code = readString(res.json, 'code');
      throw new ChannelApiError({
        channel: CHANNEL,
        method: 'oauth2.accessToken',
        httpStatus: res.status,
        ...(code === undefined ? {} : { platformCode: code }),
        message: explainOpenApiError(
          'oauth2.accessToken',
          res.status,
          code,
          readString(res.json, 'message') ?? 'no accessToken in the response',
        ),
      });
    }
    return { token, expiresInMs: (Number.isFinite(expireIn) ? expireIn : 7200) * 1000 };
  };

  const tokens = createTokenBroker(
    { refreshMarginMs: options.tokenRefreshMarginMs },
    {
      clock: deps.clock,
      fetchToken: () => countOutcome(deps.metrics, 'channel.token_refresh', { channel: CHANNEL }, fetchAccessToken()),
    },
  );

  /** Calls an OpenAPI method; one forced token refresh when the token is rejected. */
  const openApi = async (method: string, path: string, body: object, signal?: AbortSignal): Promise<unknown> => {
    for (let attempt = 0; ; attempt++) {
      const token = await tokens.get(attempt > 0);
      const res = await post(`${base}${path}`, body, {
        headers: { 'x-acs-dingtalk-access-token': token },
        ...(signal === undefined ? {} : { signal }),
      });
      if (res.status < 400) return res.json;
      const code = readString(res.json, 'code');
      const tokenRejected = res.status === 401 || (code ?? '').toLowerCase().includes('invalidauthentication');
      if (tokenRejected && attempt === 0) {
        tokens.invalidate();
        continue;
      }
      const retryAfter = res.status === 429 ? 60_000 : undefined;
      throw new ChannelApiError({
        channel: CHANNEL,
        method,
        httpStatus: res.status,
        ...(code === undefined ? {} : { platformCode: code }),
        ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter }),
        message: explainOpenApiError(method, res.status, code, readString(res.json, 'message') ?? 'no message'),
      });
    }
  };

  const checkRecipients = (method: string, json: unknown): void => {
    const invalid = readArray(json, 'invalidStaffIdList');
    const limited = readArray(json, 'flowControlledStaffIdList');
    if (invalid.length > 0) {
      throw new ChannelApiError({
        channel: CHANNEL,
        method,
        platformCode: 'invalidStaffIdList',
        message: `DingTalk ${method}: the recipient is not a valid staff id for this robot (is the user in the robot's organisation and visible range?)`,
      });
    }
    if (limited.length > 0) {
      throw new ChannelApiError({
        channel: CHANNEL,
        method,
        platformCode: 'flowControlledStaffIdList',
        retryAfterMs: 60_000,
        message: `DingTalk ${method}: the recipient is flow-controlled by DingTalk; retry later`,
      });
    }
  };

  return {
    post,
    tokens,
    async sendBySessionWebhook(url, body, signal) {
      const res = await post(url, body, signal === undefined ? {} : { signal });
      const errcode = readString(res.json, 'errcode');
      if (res.status >= 400 || (errcode !== undefined && errcode !== '0')) {
        throw new ChannelApiError({
          channel: CHANNEL,
          method: 'sessionWebhook',
          httpStatus: res.status,
          ...(errcode === undefined ? {} : { platformCode: errcode }),
          message: `DingTalk sessionWebhook refused the reply (HTTP ${res.status}, errcode ${errcode ?? '-'}: ${
            readString(res.json, 'errmsg') ?? 'no message'
          }); the session may have expired — the OpenAPI is used instead when possible`,
        });
      }
    },
    async batchSend(body, signal) {
      checkRecipients(
        'robot.batchSend',
        await openApi('robot.batchSend', '/v1.0/robot/oToMessages/batchSend', body, signal),
      );
    },
    async groupSend(body, signal) {
      await openApi('robot.groupSend', '/v1.0/robot/groupMessages/send', body, signal);
    },
  };
}
