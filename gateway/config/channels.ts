/**
 * Schemas for `channels.<name>` in config.yaml. Each channel folder owns its options schema
 * (`channels/<name>/options.ts`); plug it in here by replacing the entry in `channelSchemas`.
 * Until then these loose schemas type the documented keys and keep any other key as-is.
 */
import { z } from 'zod';
import { booleanField } from './fields.js';
import { wechatOfficialOptionsSchema } from '../../channels/wechat-official/options.js';
import { dingtalkOptionsSchema } from '../../channels/dingtalk/options.js';
import { slackOptionsSchema } from '../../channels/slack/options.js';

const secret = (name: string) => z.string().min(1, `${name} must not be empty`);

/** `channels.wechat_official`: a WeChat official account (公众号). */
export const wechatOfficialConfigSchema = z.looseObject({
  path: z.string().startsWith('/').optional(),
  token: secret('token'),
  appId: z.string().min(1),
  appSecret: secret('appSecret'),
  encodingAESKey: z.string().optional(),
  customerServiceApi: booleanField().optional(),
  apiBaseUrl: z.url().optional(),
});

/** `channels.dingtalk`: a DingTalk robot, over HTTP callbacks or Stream mode. */
export const dingtalkConfigSchema = z.looseObject({
  path: z.string().startsWith('/').optional(),
  transport: z.enum(['http', 'stream']).optional(),
  appKey: z.string().min(1),
  appSecret: secret('appSecret'),
  robotCode: z.string().min(1).optional(),
  apiBaseUrl: z.url().optional(),
  allowedHosts: z.array(z.string().min(1)).optional(),
});

/** `channels.slack`: a Slack app (Events API). */
export const slackConfigSchema = z.looseObject({
  path: z.string().startsWith('/').optional(),
  signingSecret: secret('signingSecret'),
  botToken: secret('botToken'),
  apiUrl: z.url().optional(),
});

/**
 * One schema per channel id; the keys are the names used under `channels:` in config.yaml.
 * Each channel folder owns its options schema; the loose schemas above document the contract keys
 * and remain for tools that only need those.
 */
export const channelSchemas = {
  wechat_official: wechatOfficialOptionsSchema,
  dingtalk: dingtalkOptionsSchema,
  slack: slackOptionsSchema,
} as const;

/** Channel ids that config.yaml can configure. */
export type ConfigurableChannel = keyof typeof channelSchemas;

/** The channel ids, in a stable order. */
export const CONFIGURABLE_CHANNELS = Object.keys(channelSchemas) as ConfigurableChannel[];
