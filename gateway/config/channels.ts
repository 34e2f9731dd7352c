/** Schemas for `channels.<name>` in config.yaml: each channel folder owns its options schema. */
import { wechatOfficialOptionsSchema } from '../../channels/wechat-official/options.js';
import { dingtalkOptionsSchema } from '../../channels/dingtalk/options.js';
import { slackOptionsSchema } from '../../channels/slack/options.js';

/**
 * One schema per channel id; the keys are the names used under `channels:` in config.yaml.
 * Each channel folder owns its options schema (`channels/<name>/options.ts`).
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
