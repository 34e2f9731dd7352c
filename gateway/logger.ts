/**
 * The gateway's root pino logger: JSON lines in production, pretty and synchronous in development,
 * secrets redacted by key at any depth pino can express, and personal data masked in message text.
 */
import { pino, type DestinationStream, type Level, type Logger, type LoggerOptions } from 'pino';
import PinoPretty from 'pino-pretty';

/** Keys whose values never reach a log line. */
export const SECRET_KEYS: readonly string[] = [
  'authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'secret',
  'clientSecret',
  'client_secret',
  'password',
  'passwd',
  'apiKey',
  'api_key',
  'apiKeys',
  'appSecret',
  'app_secret',
  'encodingAESKey',
  'EncodingAESKey',
  'signingSecret',
  'botToken',
  'jwtSecret',
];

/**
 * Builds pino `redact` paths for every secret key at depths 0..`depth`. fast-redact's wildcards cost about
 * 0.7 µs per path per line, so the logger uses depth 0 here and `scrubLogObject` for any depth below that.
 */
export function secretRedactPaths(keys: readonly string[] = SECRET_KEYS, depth = 0): string[] {
  const paths: string[] = [];
  for (const key of keys) {
    const leaf = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`;
    for (let level = 0; level <= depth; level += 1) {
      const prefix = '*.'.repeat(level);
      paths.push(leaf.startsWith('[') ? (level === 0 ? leaf : `${prefix.slice(0, -1)}${leaf}`) : `${prefix}${leaf}`);
    }
  }
  return paths;
}

interface PiiRule {
  readonly label: string;
  readonly pattern: RegExp;
  readonly accept?: (match: string) => boolean;
}

/** True when the digits of `text` pass the Luhn checksum (bank card numbers do). */
export function luhnValid(text: string): boolean {
  const digits = text.replace(/\D/g, '');
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return digits.length > 0 && sum % 10 === 0;
}

// Order matters: longer, more specific numbers first so that a phone pattern never eats part of an ID or card.
const PII_RULES: readonly PiiRule[] = [
  { label: '[EMAIL]', pattern: /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g },
  // Chinese resident ID: 17 digits + a digit or X.
  { label: '[ID]', pattern: /(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])/g },
  // Bank cards: 16-19 digits, optionally grouped by spaces or dashes, Luhn-valid (keeps order numbers readable).
  { label: '[CARD]', pattern: /(?<![\d-])\d(?:[ -]?\d){15,18}(?![\d-])/g, accept: luhnValid },
  // Chinese mobile, optionally +86 / 86, optionally grouped 3-4-4.
  { label: '[PHONE]', pattern: /(?<!\d)(?:\+?86[ -]?)?1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?!\d)/g },
  // International numbers written with a leading +.
  { label: '[PHONE]', pattern: /\+\d{1,3}[ -]?(?:\(\d{1,4}\)[ -]?)?\d[\d -]{5,14}\d(?!\d)/g },
  // Chinese landlines (010-12345678, 0755-1234567) and North American (555) 123-4567 / 555-123-4567.
  { label: '[PHONE]', pattern: /(?<!\d)0\d{2,3}-\d{7,8}(?!\d)/g },
  { label: '[PHONE]', pattern: /(?<!\d)(?:\(\d{3}\)\s?|\d{3}[-.])\d{3}[-.]\d{4}(?!\d)/g },
];

/**
 * Masks personal data in free text: e-mail addresses, Chinese ID numbers, bank card numbers (16-19 digits,
 * Luhn-checked), Chinese mobile numbers (1[3-9] + 9 digits, optional +86) and other phone numbers.
 *
 * @example maskPii('call 13812345678') // 'call [PHONE]'
 */
export function maskPii(text: string): string {
  let out = text;
  for (const rule of PII_RULES) {
    out = out.replace(rule.pattern, (match) => (rule.accept === undefined || rule.accept(match) ? rule.label : match));
  }
  return out;
}

/** Log fields that carry what customers and agents wrote. */
export const MESSAGE_TEXT_KEYS: readonly string[] = ['text', 'query', 'reply', 'replies', 'user', 'transcript'];

/** Key names (case-insensitive) whose values are secrets: the list above plus anything ending in secret/token/password. */
const SECRET_KEY = /(?:secret|token|password|passwd|apikeys?|api_key|authorization|cookie|aeskey)$/i;
const SECRET_NAMES = new Set(SECRET_KEYS.map((k) => k.toLowerCase()));
const TEXT_KEYS = new Set(MESSAGE_TEXT_KEYS);
const MAX_DEPTH = 12;

/** True when a log key names a secret (`jwtSecret`, `Authorization`, `x-api-key`, `refresh_token`, ...). */
export function isSecretKey(key: string): boolean {
  return SECRET_NAMES.has(key.toLowerCase()) || SECRET_KEY.test(key);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Returns a copy of a log object with every secret-named key replaced by `[redacted]` at any depth, and, when
 * `maskText` is set, PII masked in message-text fields (`text`, `query`, `reply`, ...). Only plain objects and arrays
 * are copied; dates, errors and other class instances pass through untouched.
 */
export function scrubLogObject(value: unknown, maskText: boolean, depth = 0, seen = new WeakSet<object>()): unknown {
  if (depth > MAX_DEPTH || typeof value !== 'object' || value === null || seen.has(value)) return value;
  if (Array.isArray(value)) {
    seen.add(value);
    return value.map((item) => scrubLogObject(item, maskText, depth + 1, seen));
  }
  if (!isPlainObject(value)) return value;
  seen.add(value);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const item = value[key];
    if (isSecretKey(key)) out[key] = '[redacted]';
    else if (maskText && TEXT_KEYS.has(key) && typeof item === 'string') out[key] = maskPii(item);
    else if (maskText && TEXT_KEYS.has(key) && Array.isArray(item))
      out[key] = item.map((x) => (typeof x === 'string' ? maskPii(x) : scrubLogObject(x, maskText, depth + 1, seen)));
    else out[key] = scrubLogObject(item, maskText, depth + 1, seen);
  }
  return out;
}

export interface CreateLoggerOptions {
  /** `production`: JSON lines; `development`: human-readable lines. */
  readonly mode: 'development' | 'production';
  readonly level: Level | 'silent';
  /** Where lines go; default stdout. */
  readonly destination?: DestinationStream | NodeJS.WritableStream;
  /** Mask personal data in message text fields and messages (`log.maskPii`); default true. */
  readonly maskPii?: boolean;
  /** Extra pino options (e.g. `base`); redaction and formatters set here win. */
  readonly pino?: Omit<LoggerOptions, 'redact' | 'formatters' | 'hooks' | 'level'>;
}

/** A synchronous pretty destination: no worker thread, nothing buffered, so no line is lost on exit. */
function prettyDestination(target: DestinationStream | NodeJS.WritableStream | undefined): DestinationStream {
  const out = target ?? pino.destination({ dest: 1, sync: true });
  const colorize = target === undefined && process.stdout.isTTY && PinoPretty.isColorSupported;
  const prettify = PinoPretty.prettyFactory({ colorize, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' });
  return { write: (line: string) => void out.write(prettify(line)) };
}

/**
 * Creates the root logger from `config.mode` and `config.log`.
 *
 * @example const log = createLogger({ mode: config.mode, level: config.log.level, maskPii: config.log.maskPii });
 */
export function createLogger(options: CreateLoggerOptions): Logger {
  const mask = options.maskPii ?? true;
  const loggerOptions: LoggerOptions = {
    ...options.pino,
    level: options.level,
    redact: { paths: secretRedactPaths(), censor: '[redacted]' },
    formatters: {
      level: (label) => ({ level: label }),
      bindings: (bindings) => scrubLogObject(bindings, false) as Record<string, unknown>,
      log: (object) => scrubLogObject(object, mask) as Record<string, unknown>,
    },
    ...(mask
      ? {
          hooks: {
            logMethod(args, method) {
              const masked = args.map((arg: unknown) => (typeof arg === 'string' ? maskPii(arg) : arg));
              method.apply(this, masked as Parameters<typeof method>);
            },
          },
        }
      : {}),
    ...(options.mode === 'production' ? { timestamp: pino.stdTimeFunctions.isoTime } : {}),
  };
  const destination =
    options.mode === 'production'
      ? (options.destination ?? pino.destination({ dest: 1, sync: false }))
      : prettyDestination(options.destination);
  return pino(loggerOptions, destination);
}
