/**
 * Outbound custom group robot (自定义机器人) for agent notifications such as "new ticket waiting".
 * `POST <webhook>&timestamp=<ms>&sign=<urlencode(base64(HMAC-SHA256(secret, ts + "\n" + secret)))>`.
 * DingTalk allows 20 messages per minute per robot and throttles it for 10 minutes beyond that, so sends are
 * queued through a sliding-window limiter (never dropped).
 * @see https://open.dingtalk.com/document/robots/custom-robot-access
 * @see https://open.dingtalk.com/document/robots/customize-robot-security-settings
 */
import type { Clock } from '../../core/clock.js';
import { BotError, ChannelApiError, describeError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { checkOutboundUrl, redactUrl } from './hosts.js';
import { createSlidingWindowLimiter } from './rate-limiter.js';
import { signGroupRobotUrl } from './signature.js';

/** Custom robot message bodies. `at.atMobiles` only render when the text also contains `@<mobile>`. */
export type GroupRobotMessage =
  | { readonly msgtype: 'text'; readonly text: { readonly content: string }; readonly at?: GroupRobotAt }
  | {
      readonly msgtype: 'markdown';
      readonly markdown: { readonly title: string; readonly text: string };
      readonly at?: GroupRobotAt;
    }
  | {
      readonly msgtype: 'link';
      readonly link: {
        readonly title: string;
        readonly text: string;
        readonly messageUrl: string;
        readonly picUrl?: string;
      };
    }
  | {
      readonly msgtype: 'actionCard';
      readonly actionCard: {
        readonly title: string;
        readonly text: string;
        readonly singleTitle?: string;
        readonly singleURL?: string;
        readonly btns?: readonly { readonly title: string; readonly actionURL: string }[];
        readonly btnOrientation?: '0' | '1';
      };
    };

export interface GroupRobotAt {
  readonly atMobiles?: readonly string[];
  readonly atUserIds?: readonly string[];
  readonly isAtAll?: boolean;
}

export interface GroupRobotNotifierOptions {
  /** `https://oapi.dingtalk.com/robot/send?access_token=...` (a secret: never logged with its query). */
  readonly webhook: string;
  /** The "加签" secret (`SEC...`); without it no timestamp/sign is added (keyword or IP security). */
  readonly secret?: string | undefined;
  /** Messages per minute (default and maximum 20). */
  readonly perMinute?: number;
  /** Hosts the webhook may point at (default `oapi.dingtalk.com`, `api.dingtalk.com`). */
  readonly allowedHosts?: readonly string[];
  /** How long the queue pauses after DingTalk reports throttling (default 10 min, the platform's penalty). */
  readonly throttledPauseMs?: number;
  readonly requestTimeoutMs?: number;
}

export interface GroupRobotNotifierDeps {
  readonly clock: Clock;
  readonly log: Logger;
  readonly fetch?: typeof fetch;
}

/** Sends notifications to one DingTalk group through a custom robot. */
export interface GroupRobotNotifier {
  /** Queues a message; resolves when DingTalk accepted it. */
  send(message: GroupRobotMessage, signal?: AbortSignal): Promise<void>;
  /** Shorthand for a text message. */
  notify(text: string, at?: GroupRobotAt, signal?: AbortSignal): Promise<void>;
  /** Messages waiting for the rate limit. */
  pending(): number;
}

/** errcode 130101: "send too fast" (20/min exceeded) [U: observed wording, not in the reference]. */
const THROTTLED_ERRCODES = new Set(['130101', '130102']);

function explain(errcode: string, errmsg: string): string {
  const base = `DingTalk group robot refused the message (errcode ${errcode}: ${errmsg})`;
  if (errcode === '310000') {
    return `${base}. Check the secret (sign not match: URL-encode the sign, use milliseconds), the server clock (invalid timestamp: more than 1 h off), or the robot's keyword setting.`;
  }
  if (THROTTLED_ERRCODES.has(errcode))
    return `${base}. Over 20 messages per minute: the robot is throttled for 10 minutes.`;
  if (errcode === '300001' || errcode === '400102')
    return `${base}. The access_token is wrong or the robot was removed.`;
  return base;
}

/** Creates a notifier. All queue state lives in the returned object. */
export function createGroupRobotNotifier(
  options: GroupRobotNotifierOptions,
  deps: GroupRobotNotifierDeps,
): GroupRobotNotifier {
  const allowedHosts = options.allowedHosts ?? ['oapi.dingtalk.com', 'api.dingtalk.com'];
  const check = checkOutboundUrl(options.webhook, allowedHosts);
  if (!check.ok) {
    throw new BotError(
      'channel.host_not_allowed',
      `groupRobot.webhook host ${check.host ?? '(invalid URL)'} is not allowed (${check.reason}); see channels.dingtalk.allowedHosts`,
    );
  }
  const perMinute = Math.min(20, options.perMinute ?? 20);
  const limiter = createSlidingWindowLimiter({ limit: perMinute, windowMs: 60_000 }, { clock: deps.clock });
  const doFetch = deps.fetch ?? fetch;
  const target = redactUrl(options.webhook);

  const post = async (message: GroupRobotMessage, signal?: AbortSignal): Promise<void> => {
    const url =
      options.secret === undefined
        ? options.webhook
        : signGroupRobotUrl(options.webhook, options.secret, deps.clock.now());
    const timeout = AbortSignal.timeout(options.requestTimeoutMs ?? 10_000);
    let response: Response;
    try {
      response = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify(message),
        redirect: 'error',
        signal: signal === undefined ? timeout : AbortSignal.any([signal, timeout]),
      });
    } catch (error: unknown) {
      throw new ChannelApiError({
        channel: 'dingtalk',
        method: 'groupRobot.send',
        message: `DingTalk group robot request to ${target} failed: ${describeError(error)}`,
      });
    }
    const text = await response.text();
    let body: { errcode?: unknown; errmsg?: unknown } = {};
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      body = {};
    }
    const errcode =
      typeof body.errcode === 'number' || typeof body.errcode === 'string' ? String(body.errcode) : undefined;
    if (response.status < 400 && (errcode === undefined || errcode === '0')) return;
    const code = errcode ?? `http_${response.status}`;
    const throttled = THROTTLED_ERRCODES.has(code) || response.status === 429;
    const pauseMs = options.throttledPauseMs ?? 10 * 60_000;
    if (throttled) limiter.pause(pauseMs);
    deps.log.warn({ errcode: code, target }, 'dingtalk group robot: message refused');
    throw new ChannelApiError({
      channel: 'dingtalk',
      method: 'groupRobot.send',
      httpStatus: response.status,
      platformCode: code,
      ...(throttled ? { retryAfterMs: pauseMs } : {}),
      message: explain(code, typeof body.errmsg === 'string' ? body.errmsg : 'no message'),
    });
  };

  const send = async (message: GroupRobotMessage, signal?: AbortSignal): Promise<void> => {
    await limiter.acquire(signal);
    await post(message, signal);
  };

  return {
    send,
    notify: (text, at, signal) =>
      send({ msgtype: 'text', text: { content: text }, ...(at === undefined ? {} : { at }) }, signal),
    pending: () => limiter.waiting(),
  };
}
