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

/** A group name (`auth.groups` key, `group` of a key or pairing client, `groups` claim of a JWT). */
export const groupNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1-64 letters, digits, . _ - (starting with a letter or digit)');

/** `sha256:` + 64 hex digits: an API key given by its digest (`clawbot token hash KEY`), never in plain text. */
export const API_KEY_HASH_PATTERN = /^sha256:[0-9a-fA-F]{64}$/;

const apiKeyObjectSchema = z
  .strictObject(
    {
      /** The key in plain text; or give `keyHash` instead. */
      key: z.string().min(1, 'must not be empty').optional(),
      /** The key's SHA-256 as `sha256:<64 hex digits>` (`clawbot token hash KEY`), so config.yaml holds no secret. */
      keyHash: z
        .string()
        .regex(API_KEY_HASH_PATTERN, 'expected "sha256:" and 64 hex digits (run `clawbot token hash KEY`)')
        .optional(),
      /** Scopes this key grants; a key without `scopes` grants every scope. */
      scopes: z
        .array(scopeSchema)
        .min(1, 'list at least one scope')
        .default(() => [...ALL_SCOPES]),
      /** When non-empty, the key is accepted only from these addresses / CIDR blocks. */
      allowIps: z.array(cidrField()).default(() => []),
      /** A group under `auth.groups` whose scopes and allowIps also restrict this key. */
      group: groupNameSchema.optional(),
    },
    { error: 'expected an API key string or an object { key | keyHash, scopes?, allowIps?, group? }' },
  )
  .refine((k) => (k.key === undefined) !== (k.keyHash === undefined), {
    message: 'give exactly one of key and keyHash',
  });

/**
 * One API key: a plain string (every scope, any address) or `{ key | keyHash, scopes?, allowIps?, group? }`;
 * always an object after parsing.
 */
export const apiKeySchema = z.preprocess(
  (value) => (typeof value === 'string' ? { key: value } : value),
  apiKeyObjectSchema,
);
export type ApiKeyConfig = z.infer<typeof apiKeySchema>;

/** `auth.groups.<name>`: a ceiling for every credential in the group (keys, paired clients, JWTs with the group). */
export const authGroupSchema = z.strictObject({
  /** When set, members get at most these scopes. */
  scopes: z.array(scopeSchema).min(1, 'list at least one scope').optional(),
  /** When non-empty, members are accepted only from these addresses / CIDR blocks. */
  allowIps: z.array(cidrField()).default(() => []),
});
export type AuthGroupConfig = z.infer<typeof authGroupSchema>;

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
      /** HTTPS instead of HTTP: PEM files (TLS 1.2 at least). */
      tls: z
        .strictObject({
          cert: z.string().min(1),
          key: z.string().min(1),
          minVersion: z.enum(['TLSv1.2', 'TLSv1.3']).default('TLSv1.2'),
        })
        .optional(),
      /** Processes on this host (`clawbot gateway --workers N`); more than one needs `redis.url`. */
      workers: intField(1, 256).default(1),
    })
    .prefault({}),
  limits: z
    .strictObject({
      /** Messages per minute one end user (WeChat openid, DingTalk staff id, Slack user, REST user_id) may send; 0 = off. */
      perUser: intField(0, 1_000_000).default(20),
      /** Requests per minute one API key or token subject may make to /api/v1/chat; 0 = off. */
      perApiKey: intField(0, 10_000_000).default(0),
      /** The window both limits count in, in seconds. */
      window: durationField(86_400).default(60),
      /** Turns running at once in this process; more are refused (503 + Retry-After on REST). */
      maxConcurrentTurns: intField(1, 1_000_000).default(1024),
      /** The polite throttle message by language (`{seconds}` is replaced by the wait). */
      message: z
        .strictObject({ zh: z.string().min(1).optional(), en: z.string().min(1).optional() })
        .default(() => ({})),
    })
    .prefault({}),
  metrics: z
    .strictObject({
      /** Serve `GET /metrics` (Prometheus text format). */
      enabled: booleanField().default(true),
      /** Without credentials; otherwise an admin-scope credential or an address in allowIps is needed. */
      public: booleanField().default(false),
      /** Addresses / CIDR blocks that may scrape without credentials (e.g. the Prometheus server). */
      allowIps: z.array(cidrField()).default(() => []),
      /** GPU utilisation and memory from nvidia-smi: `auto` = when inference.device is cuda. */
      gpu: z.enum(['auto', 'on', 'off']).default('auto'),
    })
    .prefault({}),
  delivery: z
    .strictObject({
      /** Attempts per outbound message (agent replies, notices, proactive) before it becomes a dead letter. */
      attempts: intField(1, 100).default(6),
      /** First retry delay in ms; doubles each attempt (with jitter) up to maxBackoffMs. */
      backoffMs: intField(1, 3_600_000).default(1000),
      maxBackoffMs: intField(1, 86_400_000).default(5 * 60_000),
      /** Deliveries sent at once by this process. */
      concurrency: intField(1, 1000).default(8),
      /** How long dead letters are kept, in seconds. */
      deadLetterTtl: durationField(366 * 86_400).default(7 * 86_400),
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
      /** JWKS URL of an identity provider: RS256/ES256 tokens are verified against its keys. */
      jwksUrl: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL of a JWKS document' }).optional(),
      /** Required `iss` of JWKS-verified tokens (the identity provider's issuer); unchecked when absent. */
      jwksIssuer: z.string().min(1).optional(),
      /** Required `aud` of every JWT, when set. */
      jwtAudience: z.string().min(1).optional(),
      /** Lifetime of tokens from `POST /api/v1/oauth/token`, in seconds. */
      tokenExpiry: durationField(86_400).default(3600),
      groups: z.record(groupNameSchema, authGroupSchema).default(() => ({})),
      pairing: z
        .strictObject({
          /** The pairing store when `redis.url` is not set (relative to the working directory). */
          file: z.string().min(1).default('.data/pairing.json'),
          /** How long a pairing code waits for approval, in seconds. */
          ttl: durationField(7 * 86_400).default(3600),
          /** Pending pairing requests allowed at once; one more is refused with 429. */
          maxPending: intField(1, 100).default(3),
          /** Scopes an approved client gets unless `clawbot pairing approve --scope` says otherwise. */
          scopes: z
            .array(scopeSchema)
            .min(1)
            .default(() => ['chat' as const]),
        })
        .prefault({}),
    })
    .prefault({}),
  redis: z
    .strictObject({
      /** One Redis server (or one endpoint in front of several). */
      url: redisUrlField().optional(),
      /** A Redis Cluster instead of `url`: some of its nodes (the client discovers the rest). */
      cluster: z
        .strictObject({
          /** Seed nodes, `redis://[user:password@]host:port` (`rediss://`: TLS); a comma-separated string works too. */
          nodes: z.preprocess(
            (value) => (typeof value === 'string' ? value.split(',').map((n) => n.trim()) : value),
            z.array(redisUrlField(true)).min(1, 'list at least one node'),
          ),
        })
        .optional(),
      keyPrefix: z.string().min(1).default('clawbot'),
    })
    .refine((r) => r.url === undefined || r.cluster === undefined, {
      message: 'give url (one Redis server) or cluster.nodes (a Redis Cluster), not both',
      path: ['cluster'],
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
      /** The dense half of retrieval: which vector index serves the bot's texts. */
      retrieval: z
        .strictObject({
          /** `auto`: exact below `quantizedThreshold` texts, the int8 scan up to `hnswThreshold`, HNSW above. */
          vectorIndex: z.enum(['auto', 'exact', 'quantized', 'hnsw']).default('auto'),
          quantizedThreshold: intField(1, 1_000_000_000).default(20_000),
          hnswThreshold: intField(1, 1_000_000_000).default(2_000_000),
          hnsw: z
            .strictObject({
              connectivity: intField(4, 128).default(16),
              efConstruction: intField(8, 4096).default(128),
              efSearch: intField(8, 65_536).default(64),
            })
            .prefault({}),
        })
        .prefault({}),
    })
    .prefault({}),
  handoff: z
    .strictObject({
      threshold: numberField(0, 1).default(0.8),
      /** Middle band (off when absent): low-confidence best guesses at or above this go to an agent as drafts. */
      draftThreshold: numberField(0, 1).optional(),
      /** Hand off after this many low-confidence answers in a row (0 = never). */
      lowConfidenceStreak: intField(0, 20).default(2),
      /** How long a customer waits for an agent before the fallback, in seconds. */
      timeout: durationField(86_400).default(300),
      fallback: z.enum(['resume_bot', 'callback']).default('resume_bot'),
      assignment: z.enum(['manual', 'round_robin']).default('manual'),
      /** Typical handling time per conversation, for the estimated wait. */
      averageHandleTime: durationField(86_400).default(180),
      sweepInterval: durationField(3600).default(5),
      survey: booleanField().default(true),
      /** Agent accounts when Redis is not configured (relative to the working directory). */
      agentsFile: z.string().min(1).default('.data/agents.json'),
      /** Console session signing secret; derived from auth.jwtSecret (or kept in Redis) when absent. */
      sessionSecret: z.string().min(32, 'must be at least 32 characters').optional(),
      sessionTtl: durationField(30 * 86_400).default(8 * 3600),
      /** How long closed tickets stay for the dashboard. */
      retention: durationField(366 * 86_400).default(7 * 86_400),
      console: booleanField().default(true),
      cannedReplies: z
        .array(
          z.strictObject({
            title: z.string().min(1),
            text: z.strictObject({ zh: z.string().min(1).optional(), en: z.string().min(1).optional() }),
          }),
        )
        .default(() => []),
      /** Overrides of the customer notices, e.g. `agent_joined: { en: "{agent} is here." }`. */
      messages: z
        .record(z.string(), z.strictObject({ zh: z.string().min(1).optional(), en: z.string().min(1).optional() }))
        .default(() => ({})),
    })
    .refine((h) => h.draftThreshold === undefined || h.draftThreshold < h.threshold, {
      message: 'draftThreshold must be below threshold',
      path: ['draftThreshold'],
    })
    .prefault({}),
  inference: z
    .strictObject({
      device: z.enum(['auto', 'cuda', 'cpu']).default('auto'),
      /**
       * The dialogue engine's intent classifier: `lexical` (character n-gram TF-IDF nearest examples, fused with
       * BM25 and vector retrieval) or `trained` (the fastText-style model trained in place at start and served
       * through ONNX Runtime; cached by content hash under modelDir).
       */
      intentModel: z.enum(['lexical', 'trained']).default('lexical'),
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

/** A `redis://` / `rediss://` URL; a cluster node has no database number (a cluster has only database 0). */
function redisUrlField(clusterNode = false) {
  const url = z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://');
  return clusterNode
    ? url.refine((u) => /^rediss?:\/\/[^/]+\/?$/.test(u), 'a cluster node is host:port without a database number')
    : url;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** More than one worker process shares state through Redis only. */
function checkWorkers(value: unknown, ctx: z.RefinementCtx): void {
  if (!isRecord(value) || !isRecord(value['gateway'])) return;
  const workers = Number(value['gateway']['workers'] ?? 1);
  const redis = isRecord(value['redis']) ? value['redis'] : {};
  const configured = (typeof redis['url'] === 'string' && redis['url'] !== '') || redis['cluster'] !== undefined;
  if (workers > 1 && !configured) {
    ctx.addIssue({
      code: 'custom',
      path: ['gateway', 'workers'],
      message: `${workers} workers share memory, dedupe, locks and queues through Redis only: set redis.url or redis.cluster (or run one worker)`,
    });
  }
}

/** Checks that span several keys. Runs even when other keys are invalid, so every problem is listed at once. */
function checkAcrossKeys(value: unknown, ctx: z.RefinementCtx): void {
  checkWorkers(value, ctx);
  if (!isRecord(value) || !isRecord(value['auth'])) return;
  const auth = value['auth'];
  const type = auth['type'] ?? 'api-key';
  const hasSecret = typeof auth['jwtSecret'] === 'string' && auth['jwtSecret'] !== '';
  const hasJwks = typeof auth['jwksUrl'] === 'string' && auth['jwksUrl'] !== '';
  if (((type === 'jwt' && !hasJwks) || type === 'oauth2') && !hasSecret) {
    ctx.addIssue({
      code: 'custom',
      path: ['auth', 'jwtSecret'],
      message: `is required when auth.type is ${String(type)} (at least 32 characters; e.g. \`openssl rand -base64 48\`)`,
    });
  }
  const keys = Array.isArray(auth['apiKeys']) ? (auth['apiKeys'] as unknown[]) : [];
  const groups = isRecord(auth['groups']) ? auth['groups'] : {};
  keys.forEach((entry, i) => {
    const group = isRecord(entry) ? entry['group'] : undefined;
    if (typeof group === 'string' && !(group in groups)) {
      ctx.addIssue({
        code: 'custom',
        path: ['auth', 'apiKeys', i, 'group'],
        message: `no group "${group}" under auth.groups (known: ${Object.keys(groups).join(', ') || 'none'})`,
      });
    }
  });
  if (value['mode'] !== 'production') return;
  if (keys.length === 0 && !hasSecret && !hasJwks) {
    ctx.addIssue({
      code: 'custom',
      path: ['auth', 'apiKeys'],
      message:
        'production mode needs at least one API key (or auth.jwtSecret / auth.jwksUrl): run `clawbot onboard` or set CLAWBOT_API_KEYS',
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
