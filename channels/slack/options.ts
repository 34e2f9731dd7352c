/**
 * `channels.slack` in config.yaml: a Slack app receiving the Events API, one slash command and
 * interactive buttons over one Request URL.
 */
import { z } from 'zod';

const secret = (name: string) => z.string().min(1, `${name} must not be empty`);

/** A boolean that also accepts "true"/"false" strings (environment overrides). */
const flag = () => z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);

/** The Slack channel's options. Key names are a contract (issue 3); extra keys are optional. */
export const slackOptionsSchema = z.object({
  /** Request URL path for events, the slash command and interactivity. */
  path: z.string().startsWith('/').default('/slack/events'),
  /** Basic Information → App Credentials → Signing Secret. */
  signingSecret: secret('signingSecret'),
  /** OAuth & Permissions → Bot User OAuth Token (`xoxb-…`). */
  botToken: secret('botToken').refine((t) => t.startsWith('xox'), {
    message: 'botToken must be a Slack token (xoxb-…)',
  }),
  /** Web API base URL (`slackApiUrl`); tests point it at a loopback fake. Always ends with `/`. */
  apiUrl: z
    .url()
    .default('https://slack.com/api/')
    .transform((u) => (u.endsWith('/') ? u : `${u}/`)),
  /** The slash command this app answers (registered under Slash Commands with the same Request URL). */
  slashCommand: z
    .string()
    .regex(/^\/[\w-]{1,31}$/, 'slashCommand must look like /ask')
    .default('/ask'),
  /** The bot's user id (`U…`); when absent it comes from `auth.test` at start. */
  botUserId: z.string().min(1).optional(),
  /** Accepted clock difference, both directions, for `X-Slack-Request-Timestamp` (Slack: 5 minutes). */
  signatureMaxAgeMs: z.coerce.number().int().positive().default(300_000),
  /** Largest accepted request body in bytes. */
  bodyLimit: z.coerce
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
  /** Web API request timeout in milliseconds (no retries are ever made). */
  apiTimeoutMs: z.coerce.number().int().positive().default(10_000),
  /** How slash-command answers are shown: only to the caller (`ephemeral`) or to the channel. */
  slashResponseType: z.enum(['ephemeral', 'in_channel']).default('ephemeral'),
  /** Label of a "talk to a human" button under bot replies (action id `clawbot_handoff`); none when absent. */
  handoffButton: z.string().min(1).max(75).optional(),
  /** Adds 1–5 satisfaction buttons under bot replies (action ids `clawbot_rating_1..5`). */
  ratingButtons: flag().default(false),
  /** Renders reply suggestions as buttons (action ids `clawbot_suggest_N`); a click is a new message. */
  suggestionButtons: flag().default(true),
});

/** Options as written in config.yaml (defaults not yet applied). */
export type SlackOptionsInput = z.input<typeof slackOptionsSchema>;

/** Validated options with defaults applied. */
export type SlackOptions = z.output<typeof slackOptionsSchema>;
