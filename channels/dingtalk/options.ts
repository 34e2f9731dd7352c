import { z } from 'zod';
import { parseAllowedHost } from './hosts.js';

/** One `allowedHosts` entry: `host` (any port) or `host:port` (that port only); IPv6 in brackets. */
const allowedHostSchema = z
  .string()
  .min(1)
  .refine((entry) => parseAllowedHost(entry) !== undefined, {
    message: 'expected "host" or "host:port" (IPv6 as "[::1]:port"), without scheme or path',
  });

/** Stream-mode connection tuning (`transport: stream`). */
export const dingtalkStreamTuningSchema = z.object({
  /** First reconnect delay; doubles per failed attempt. */
  minReconnectDelayMs: z.number().int().positive().default(1_000),
  /** Longest reconnect delay. */
  maxReconnectDelayMs: z.number().int().positive().default(30_000),
  /** How often the health check pings the socket. */
  healthIntervalMs: z.number().int().positive().default(15_000),
  /** A socket with no frame and no pong for this long is replaced. */
  healthTimeoutMs: z.number().int().positive().default(45_000),
});

/** The outbound custom group robot (自定义机器人) used for agent notifications. */
export const dingtalkGroupRobotSchema = z.object({
  /** `https://oapi.dingtalk.com/robot/send?access_token=...` */
  webhook: z.url(),
  /** The robot's "加签" secret (`SEC...`); when absent no timestamp/sign is added. */
  secret: z.string().min(1).optional(),
  /** Messages per minute (DingTalk allows 20; exceeding it throttles the robot for 10 minutes). */
  perMinute: z.number().int().positive().max(20).default(20),
});

/**
 * `channels.dingtalk` in config.yaml. The key names in the issue are a contract:
 * `path, transport, appKey, appSecret, robotCode, apiBaseUrl, allowedHosts` (+ the extras below).
 */
export const dingtalkOptionsSchema = z.object({
  /** Webhook path (HTTP transport). */
  path: z.string().startsWith('/').default('/dingtalk'),
  /** `http`: DingTalk POSTs callbacks to `path`; `stream`: we open a WebSocket (no public URL). */
  transport: z.enum(['http', 'stream']).default('http'),
  /** AppKey (= Stream clientId). */
  appKey: z.string().min(1),
  /** AppSecret (= Stream clientSecret); signs HTTP callbacks. */
  appSecret: z.string().min(1),
  /** The robot's code for the OpenAPI; for enterprise-internal robots it equals the AppKey (the default). */
  robotCode: z.string().min(1).optional(),
  /** The robot's display name, stripped as `@name` from group messages when DingTalk left it in. */
  robotName: z.string().min(1).optional(),
  /** New-style OpenAPI (oauth2 token, robot messages, stream gateway). */
  apiBaseUrl: z.url().default('https://api.dingtalk.com'),
  /** Old-style API host (sessionWebhook, custom robots). Informational; sessionWebhook URLs come from DingTalk. */
  oapiBaseUrl: z.url().default('https://oapi.dingtalk.com'),
  /** Hosts we may POST to. Plain http is accepted only for loopback hosts (tests, `clawbot simulate`). */
  allowedHosts: z.array(allowedHostSchema).min(1).default(['oapi.dingtalk.com', 'api.dingtalk.com']),
  /** Callback freshness window, both directions (DingTalk itself allows 1 h). */
  signatureMaxAgeMs: z.number().int().positive().max(3_600_000).default(300_000),
  /** Largest accepted callback body. */
  bodyLimit: z
    .number()
    .int()
    .positive()
    .default(128 * 1024),
  /** Stream gateway `connections/open` URL override (tests); default `${apiBaseUrl}`'s real constant. */
  streamEndpoint: z.url().optional(),
  stream: dingtalkStreamTuningSchema.prefault({}),
  /** Human-agent messages: `openapi` (the contract) or the stored sessionWebhook while it is still valid. */
  agentRepliesVia: z.enum(['openapi', 'session-webhook']).default('openapi'),
  /** How long the per-conversation route (latest sessionWebhook, sender) is kept for agent replies. */
  routeTtlMs: z
    .number()
    .int()
    .positive()
    .default(7 * 24 * 60 * 60 * 1000),
  /** Refresh the OpenAPI token this long before it expires. */
  tokenRefreshMarginMs: z
    .number()
    .int()
    .nonnegative()
    .default(5 * 60 * 1000),
  /** Timeout of one outbound HTTP call. */
  requestTimeoutMs: z.number().int().positive().default(10_000),
  groupRobot: dingtalkGroupRobotSchema.optional(),
});

/** Parsed `channels.dingtalk` options (defaults applied). */
export type DingTalkOptions = z.output<typeof dingtalkOptionsSchema>;
/** `channels.dingtalk` as written in config (defaults optional). */
export type DingTalkOptionsInput = z.input<typeof dingtalkOptionsSchema>;
/** Parsed stream tuning. */
export type DingTalkStreamTuning = z.output<typeof dingtalkStreamTuningSchema>;
/** Parsed group robot options. */
export type DingTalkGroupRobotOptions = z.output<typeof dingtalkGroupRobotSchema>;

/** Alias with the lower-case spelling of the channel id (`<name>Options` naming of the channel brief). */
export type DingtalkOptions = DingTalkOptions;
