/**
 * Pure pieces of `clawbot onboard`: the questions asked per channel and the commented config.yaml it writes.
 */
import { randomBytes } from 'node:crypto';
import { stringify } from 'yaml';
import type { ConfigurableChannel } from '../config/channels.js';

export type Mode = 'development' | 'production';
export type AuthType = 'api-key' | 'jwt' | 'oauth2';

/** One option a channel needs. */
export interface ChannelField {
  readonly key: string;
  readonly message: string;
  readonly kind: 'text' | 'secret' | 'confirm' | 'select';
  /** Environment variable referenced (`${NAME}`) when the value is not typed in. */
  readonly env?: string;
  readonly choices?: readonly string[];
  readonly default?: string | boolean;
  /** May be left empty (then omitted). */
  readonly optional?: boolean;
}

/** The options `clawbot onboard` asks for, per channel. */
export const CHANNEL_FIELDS: Readonly<Record<ConfigurableChannel, readonly ChannelField[]>> = {
  wechat_official: [
    {
      key: 'token',
      message: 'Token (as set under Basic configuration in the WeChat admin console)',
      kind: 'secret',
      env: 'WECHAT_TOKEN',
    },
    { key: 'appId', message: 'AppID', kind: 'text', env: 'WECHAT_APP_ID' },
    { key: 'appSecret', message: 'AppSecret', kind: 'secret', env: 'WECHAT_APP_SECRET' },
    {
      key: 'encodingAESKey',
      message: 'EncodingAESKey (43 characters, for safe mode; empty for plaintext mode)',
      kind: 'secret',
      env: 'WECHAT_ENCODING_AES_KEY',
      optional: true,
    },
    {
      key: 'customerServiceApi',
      message: 'Does the account have the customer-service message API (verified service account)?',
      kind: 'confirm',
      default: false,
    },
  ],
  dingtalk: [
    {
      key: 'transport',
      message: 'How should DingTalk reach the bot? (stream needs no public URL)',
      kind: 'select',
      choices: ['http', 'stream'],
      default: 'http',
    },
    { key: 'appKey', message: 'AppKey (ClientID)', kind: 'text', env: 'DINGTALK_APP_KEY' },
    { key: 'appSecret', message: 'AppSecret (ClientSecret)', kind: 'secret', env: 'DINGTALK_APP_SECRET' },
    { key: 'robotCode', message: 'RobotCode', kind: 'text', env: 'DINGTALK_ROBOT_CODE' },
  ],
  slack: [
    {
      key: 'signingSecret',
      message: 'Signing secret (Basic Information page)',
      kind: 'secret',
      env: 'SLACK_SIGNING_SECRET',
    },
    {
      key: 'botToken',
      message: 'Bot token (xoxb-..., OAuth & Permissions page)',
      kind: 'secret',
      env: 'SLACK_BOT_TOKEN',
    },
  ],
};

/** Where each channel's webhook is served by default, for the next-steps text. */
export const CHANNEL_PATHS: Readonly<Record<ConfigurableChannel, string>> = {
  wechat_official: '/wechat',
  dingtalk: '/dingtalk',
  slack: '/slack/events',
};

/** Everything `onboard` decided. */
export interface OnboardAnswers {
  readonly mode: Mode;
  readonly authType: AuthType;
  readonly apiKey: string;
  readonly jwtSecret: string;
  readonly channels: Partial<Record<ConfigurableChannel, Readonly<Record<string, string | boolean>>>>;
}

/** A random API key: `cb_` + 32 bytes, base64url. */
export function generateApiKey(): string {
  return `cb_${randomBytes(32).toString('base64url')}`;
}

/** A random 64-character HS256 secret. */
export function generateJwtSecret(): string {
  return randomBytes(48).toString('base64url');
}

/** `${NAME}` for a field. */
export function envReference(name: string): string {
  return `\${${name}}`;
}

/** The channel options written with `--yes`: `${ENV}` references for every value that is not a choice. */
export function defaultChannelOptions(channel: ConfigurableChannel): Record<string, string | boolean> {
  const options: Record<string, string | boolean> = {};
  for (const field of CHANNEL_FIELDS[channel]) {
    if (field.default !== undefined) options[field.key] = field.default;
    else if (field.env !== undefined) options[field.key] = envReference(field.env);
  }
  return options;
}

/** Environment variables a config written from `answers` refers to. */
export function referencedEnv(answers: OnboardAnswers): string[] {
  const names: string[] = [];
  for (const options of Object.values(answers.channels)) {
    for (const value of Object.values(options ?? {})) {
      if (typeof value !== 'string') continue;
      for (const match of value.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g))
        if (match[1] !== undefined) names.push(match[1]);
    }
  }
  return names;
}

function section(comment: readonly string[], value: Record<string, unknown>): string {
  return `${comment.map((line) => `# ${line}`).join('\n')}\n${stringify(value, { lineWidth: 0 })}`;
}

/** The commented config.yaml for `answers`. `now` is only used in the header line. */
export function renderOnboardConfig(answers: OnboardAnswers, now: Date): string {
  const channels = Object.entries(answers.channels);
  const parts = [
    [
      `# Clawbot configuration, written by \`clawbot onboard\` on ${now.toISOString()}.`,
      '# Every key and its default: docs/configuration.md. ${NAME} is read from the environment at start-up;',
      '# CLAWBOT_<SECTION>__<KEY> environment variables override any value (e.g. CLAWBOT_GATEWAY__PORT=8080).',
      '# This file holds secrets: keep it private (it was created with mode 600).',
      '',
    ].join('\n'),
    section(['development: readable logs; production: JSON logs and stricter checks'], { mode: answers.mode }),
    section(['HTTP server for the REST API and channel webhooks'], {
      gateway: { host: '0.0.0.0', port: 18789, bodyLimit: '1mb', trustProxy: false },
    }),
    section(
      [
        'Who may call /api/v1: `Authorization: Bearer <API key or JWT>`.',
        'A plain API key grants every scope; use { key, scopes: [chat], allowIps: [10.0.0.0/8] } to restrict one.',
        'JWTs are signed with jwtSecret: `clawbot token generate --expiry 3600 --scope chat`.',
      ],
      {
        auth: { type: answers.authType, apiKeys: [answers.apiKey], jwtSecret: answers.jwtSecret, jwtIssuer: 'clawbot' },
      },
    ),
    section(
      [
        'Redis shares memory, dedupe and locks between gateway replicas; without url everything stays in-process.',
        'Set url (or REDIS_URL), e.g. redis://127.0.0.1:6379',
      ],
      { redis: { keyPrefix: 'clawbot' } },
    ),
    section(['The conversation memory: the last `turns` exchanges, forgotten after `ttl` idle (e.g. 30m, 1h)'], {
      memory: { turns: 5, ttl: '30m' },
    }),
    section(['Answers below this confidence go to a human agent'], { handoff: { threshold: 0.8 } }),
    section(['Local inference (ONNX Runtime): device auto uses CUDA when available, else the CPU'], {
      inference: { device: 'auto', timeout: '30s', maxBatchSize: 16, maxWaitMs: 2 },
    }),
    section(
      ['Logging: trace | debug | info | warn | error; maskPii hides phone numbers, e-mails, IDs in message text'],
      {
        log: { level: answers.mode === 'production' ? 'info' : 'debug', maskPii: true },
      },
    ),
  ];
  parts.push(
    channels.length === 0
      ? '# Chat channels: add wechat_official, dingtalk or slack with `clawbot onboard --channel <name>`.\nchannels: {}\n'
      : section(['Chat channels; secrets as ${ENV} references are read from the environment'], {
          channels: Object.fromEntries(channels),
        }),
  );
  return parts.join('\n');
}
