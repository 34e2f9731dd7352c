/**
 * The Slack Web API calls this channel makes (through Bolt's `@slack/web-api` client, configured with
 * `slackApiUrl` and no retries) and slash-command `response_url` posts, with Slack error codes turned
 * into typed errors that say what to fix.
 * @see https://api.slack.com/methods/chat.postMessage#errors
 */
import type { webApi } from '@slack/bolt';
import { BotError, ChannelApiError, describeError } from '../../core/errors.js';
import { isAllowedResponseUrl, type SlackPostMessage, type SlackResponseUrlBody } from './outbound.js';

/** Who the bot is (from `auth.test`). */
export interface SlackIdentity {
  readonly userId?: string;
  readonly botId?: string;
  readonly teamId?: string;
}

/** The Web API surface the channel uses. */
export interface SlackApi {
  /** `auth.test`: the bot's user id and bot id. */
  authTest(): Promise<SlackIdentity>;
  /** `chat.postMessage`; resolves with the posted message's ts. */
  postMessage(message: SlackPostMessage): Promise<{ readonly ts: string | undefined; readonly channel: string }>;
  /** POSTs a slash-command answer to its `response_url` (allow-listed hosts only). */
  respond(url: string, body: SlackResponseUrlBody, signal?: AbortSignal): Promise<void>;
}

export interface SlackApiOptions {
  readonly botToken: string;
  readonly apiUrl: string;
  readonly timeoutMs: number;
}

export interface SlackApiDeps {
  /** Bolt's Web API client (`app.client`), built with `slackApiUrl` and `retryConfig: { retries: 0 }`. */
  readonly client: webApi.WebClient;
  readonly fetch: typeof fetch;
}

const HINTS: Readonly<Record<string, string>> = {
  not_in_channel:
    'the bot is not a member of this channel: invite it (/invite @your-app) or add the chat:write.public scope',
  channel_not_found:
    'the bot cannot see this channel: check the channel id and that the app is installed in this workspace',
  is_archived: 'the channel is archived',
  missing_scope: 'the bot token lacks a scope: add it under OAuth & Permissions and reinstall the app',
  invalid_auth: 'channels.slack.botToken is not valid: copy the Bot User OAuth Token (xoxb-…) again',
  not_authed: 'no token was sent: set channels.slack.botToken',
  token_revoked: 'channels.slack.botToken was revoked: reinstall the app and copy the new token',
  account_inactive: 'the bot token belongs to a deactivated user or uninstalled app: reinstall the app',
  ratelimited: 'Slack rate limit (chat.postMessage allows about 1 message per second per channel)',
  msg_too_long: 'the message text is too long for Slack',
  no_text: 'the message has no text',
  invalid_blocks: 'Slack rejected the message blocks',
  restricted_action: 'a workspace setting prevents the bot from posting here',
};

/** An actionable explanation of a Slack error code. */
export function slackErrorHint(code: string, needed?: string): string {
  const hint = HINTS[code] ?? 'see https://api.slack.com/methods for this error code';
  return needed === undefined ? hint : `${hint} (needed: ${needed})`;
}

const field = (v: unknown, key: string): unknown =>
  typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[key] : undefined;

/** Maps an error thrown by `@slack/web-api` to a ChannelApiError. Never includes the token. */
export function toSlackApiError(method: string, error: unknown): ChannelApiError {
  const code = field(error, 'code');
  if (code === 'slack_webapi_platform_error') {
    const data = field(error, 'data');
    const err = field(data, 'error');
    const platformCode = typeof err === 'string' ? err : 'unknown_error';
    const needed = field(data, 'needed');
    return new ChannelApiError({
      channel: 'slack',
      method,
      platformCode,
      httpStatus: 200,
      message: `Slack ${method} failed: ${platformCode}: ${slackErrorHint(platformCode, typeof needed === 'string' ? needed : undefined)}`,
    });
  }
  if (code === 'slack_webapi_rate_limited_error') {
    const retryAfter = Number(field(error, 'retryAfter') ?? 1);
    return new ChannelApiError({
      channel: 'slack',
      method,
      platformCode: 'ratelimited',
      httpStatus: 429,
      retryAfterMs: retryAfter * 1000,
      message: `Slack ${method} failed: ${slackErrorHint('ratelimited')}; retry after ${retryAfter} s`,
    });
  }
  if (code === 'slack_webapi_http_error') {
    const status = Number(field(error, 'statusCode'));
    return new ChannelApiError({
      channel: 'slack',
      method,
      httpStatus: status,
      message: `Slack ${method} failed: HTTP ${status} from the Web API (check channels.slack.apiUrl)`,
    });
  }
  return new ChannelApiError({
    channel: 'slack',
    method,
    cause: error,
    message: `Slack ${method} failed: ${describeError(field(error, 'original') ?? error)} (is channels.slack.apiUrl reachable?)`,
  });
}

/** Builds the Slack API client. Web API calls use the bot token from config on every call. */
export function createSlackApi(options: SlackApiOptions, deps: SlackApiDeps): SlackApi {
  const { client } = deps;
  const call = async (method: string, args: Record<string, unknown>): Promise<Record<string, unknown>> => {
    try {
      const result: unknown = await client.apiCall(method, { token: options.botToken, ...args });
      return result as Record<string, unknown>;
    } catch (error: unknown) {
      throw toSlackApiError(method, error);
    }
  };
  return {
    async authTest() {
      const r = await call('auth.test', {});
      const userId = r['user_id'];
      const botId = r['bot_id'];
      const teamId = r['team_id'];
      return {
        ...(typeof userId === 'string' ? { userId } : {}),
        ...(typeof botId === 'string' ? { botId } : {}),
        ...(typeof teamId === 'string' ? { teamId } : {}),
      };
    },
    async postMessage(message) {
      const r = await call('chat.postMessage', { ...message });
      const ts = r['ts'];
      return { ts: typeof ts === 'string' ? ts : undefined, channel: message.channel };
    },
    async respond(url, body, signal) {
      if (!isAllowedResponseUrl(url, options.apiUrl)) {
        throw new BotError(
          'channel.host_not_allowed',
          'refusing to POST to a response_url outside hooks.slack.com and the apiUrl host',
          { details: { host: safeHost(url) } },
        );
      }
      const timeout = AbortSignal.timeout(options.timeoutMs);
      let res: Response;
      try {
        res = await deps.fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json; charset=utf-8' },
          body: JSON.stringify(body),
          redirect: 'error',
          signal: signal === undefined ? timeout : AbortSignal.any([signal, timeout]),
        });
      } catch (error: unknown) {
        throw new ChannelApiError({
          channel: 'slack',
          method: 'response_url',
          cause: error,
          message: `Slack response_url POST failed: ${describeError(error)}`,
        });
      }
      const text = (await res.text()).slice(0, 200);
      if (!res.ok) {
        throw new ChannelApiError({
          channel: 'slack',
          method: 'response_url',
          httpStatus: res.status,
          platformCode: text,
          message: `Slack response_url POST failed: HTTP ${res.status} ${text} (a response_url takes 5 answers within 30 minutes)`,
        });
      }
    },
  };
}

/** The host of a URL, for logs (the path of a response_url is a credential). */
export function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '(invalid url)';
  }
}
