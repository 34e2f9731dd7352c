/**
 * The one schema for config.yaml. Every type the gateway uses for configuration comes from `z.infer` here.
 * Defaults live in the schema, so an empty file (or no file) is the embedded demo configuration.
 */
import { z } from 'zod';
import { channelSchemas } from './channels.js';
import { booleanField, byteSizeField, cidrField, durationField, intField, numberField } from './fields.js';

/** Permission scopes a credential can carry. `admin` satisfies every scope. */
export const scopeSchema = z.enum(['chat', 'agent', 'admin']);
export type Scope = z.infer<typeof scopeSchema>;
/** Every scope, in order. */
export const ALL_SCOPES: readonly Scope[] = scopeSchema.options;

const apiKeyObjectSchema = z.strictObject(
  {
    key: z.string().min(1, 'must not be empty'),
    /** Scopes this key grants; a key without `scopes` grants every scope. */
    scopes: z
      .array(scopeSchema)
      .min(1, 'list at least one scope')
      .default(() => [...ALL_SCOPES]),
    /** When non-empty, the key is accepted only from these addresses / CIDR blocks. */
    allowIps: z.array(cidrField()).default(() => []),
  },
  { error: 'expected an API key string or an object { key, scopes?, allowIps? }' },
);

/** One API key: a plain string (every scope, any address) or `{ key, scopes?, allowIps? }`; always an object after parsing. */
export const apiKeySchema = z.preprocess(
  (value) => (typeof value === 'string' ? { key: value } : value),
  apiKeyObjectSchema,
);
export type ApiKeyConfig = z.infer<typeof apiKeySchema>;

const channelsShape = Object.fromEntries(
  Object.entries(channelSchemas).map(([name, schema]) => [name, schema.optional()]),
) as { [K in keyof typeof channelSchemas]: z.ZodOptional<(typeof channelSchemas)[K]> };

const configObjectSchema = z.strictObject({
  mode: z.enum(['development', 'production']).default('development'),
  gateway: z
    .strictObject({
      host: z.string().min(1).default('0.0.0.0'),
      port: intField(0, 65_535).default(18_789),
      bodyLimit: byteSizeField(1, 1024 ** 3).default(1024 * 1024),
      /** Express "trust proxy": a boolean, a hop count or a comma-separated list of addresses. */
      trustProxy: z.union([booleanField(), intField(0, 100), z.string().min(1)]).default(false),
      shutdownTimeoutMs: intField(0, 600_000).default(10_000),
    })
    .prefault({}),
  auth: z
    .strictObject({
      type: z.enum(['api-key', 'jwt', 'oauth2']).default('api-key'),
      apiKeys: z.array(apiKeySchema).default(() => []),
      jwtSecret: z
        .string()
        .min(32, 'must be at least 32 characters (generate one with `clawbot onboard` or `openssl rand -base64 48`)')
        .optional(),
      jwtIssuer: z.string().min(1).default('clawbot'),
    })
    .prefault({}),
  redis: z
    .strictObject({
      url: z
        .string()
        .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
        .optional(),
      keyPrefix: z.string().min(1).default('clawbot'),
    })
    .prefault({}),
  memory: z
    .strictObject({
      turns: intField(1, 50).default(5),
      /** Idle time-to-live of a conversation's memory, in seconds. */
      ttl: durationField(30 * 86_400).default(1800),
    })
    .prefault({}),
  bot: z
    .strictObject({
      /** Folder of the bot definition; the bundled demo bot when absent. */
      path: z.string().min(1).optional(),
    })
    .prefault({}),
  handoff: z
    .strictObject({
      threshold: numberField(0, 1).default(0.8),
    })
    .prefault({}),
  inference: z
    .strictObject({
      device: z.enum(['auto', 'cuda', 'cpu']).default('auto'),
      /** Per-request inference deadline, in seconds. */
      timeout: durationField(3600).default(30),
      maxBatchSize: intField(1, 4096).default(16),
      maxWaitMs: numberField(0, 10_000).default(2),
      maxConcurrentRequests: intField(1, 1_000_000).default(256),
      modelDir: z.string().min(1).default('.cache/models'),
    })
    .prefault({}),
  log: z
    .strictObject({
      level: z.enum(['trace', 'debug', 'info', 'warn', 'error']).default('info'),
      maskPii: booleanField().default(true),
    })
    .prefault({}),
  channels: z.strictObject(channelsShape).prefault({}),
});

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks that span several keys. Runs even when other keys are invalid, so every problem is listed at once. */
function checkAcrossKeys(value: unknown, ctx: z.RefinementCtx): void {
  if (!isRecord(value) || !isRecord(value['auth'])) return;
  const auth = value['auth'];
  const type = auth['type'] ?? 'api-key';
  const hasSecret = typeof auth['jwtSecret'] === 'string' && auth['jwtSecret'] !== '';
  if ((type === 'jwt' || type === 'oauth2') && !hasSecret) {
    ctx.addIssue({
      code: 'custom',
      path: ['auth', 'jwtSecret'],
      message: `is required when auth.type is ${String(type)} (at least 32 characters; e.g. \`openssl rand -base64 48\`)`,
    });
  }
  if (value['mode'] !== 'production') return;
  const keys = Array.isArray(auth['apiKeys']) ? (auth['apiKeys'] as unknown[]) : [];
  if (keys.length === 0 && !hasSecret) {
    ctx.addIssue({
      code: 'custom',
      path: ['auth', 'apiKeys'],
      message:
        'production mode needs at least one API key (or auth.jwtSecret): run `clawbot onboard` or set CLAWBOT_API_KEYS',
    });
  }
  keys.forEach((entry, i) => {
    const key = isRecord(entry) ? entry['key'] : entry;
    if (typeof key === 'string' && key.length > 0 && key.length < 16) {
      ctx.addIssue({
        code: 'custom',
        path: ['auth', 'apiKeys', i, 'key'],
        message: 'API keys must be at least 16 characters in production mode',
      });
    }
  });
}

/** The schema of config.yaml (after `${ENV}` interpolation and `CLAWBOT_*` overrides). */
export const appConfigSchema = configObjectSchema.superRefine(checkAcrossKeys, { when: () => true });

/** The validated, defaulted configuration (deep-frozen by `loadConfig`). */
export type AppConfig = z.infer<typeof appConfigSchema>;
/** What config.yaml may contain before defaults and normalisation. */
export type AppConfigInput = z.input<typeof appConfigSchema>;
