/**
 * Adapts our Logger to the `@slack/logger` interface Bolt and the Web API client expect, scrubbing
 * tokens, signatures, response_url paths and the configured secrets from every line.
 */
import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import { describeError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';

/** Removes Slack credentials from a log line: known secrets, `xox?-` tokens, `v0=` signatures, hook paths. */
export function scrubSlackSecrets(line: string, secrets: readonly string[]): string {
  let out = line;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join('[redacted]');
  return out
    .replace(/xox[a-z]-[A-Za-z0-9-]+/g, 'xox?-[redacted]')
    .replace(/v0=[0-9a-f]{16,}/g, 'v0=[redacted]')
    .replace(/(hooks\.slack\.com)\/[^\s"']+/g, '$1/[redacted]');
}

const asText = (parts: readonly unknown[]): string =>
  parts.map((p) => (typeof p === 'string' ? p : p instanceof Error ? describeError(p) : safeJson(p))).join(' ');

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * A Bolt logger writing to `log` (child `{ component: 'bolt' }`). Bolt's own level is left at DEBUG;
 * our logger filters. Bolt's `info` chatter goes to debug, except what the Web API client warns about.
 */
export function toBoltLogger(log: Logger, secrets: readonly string[]): BoltLogger {
  const child = log.child({ component: 'bolt' });
  let name = 'bolt';
  const write =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...msg: unknown[]): void => {
      child[level]({ source: name }, scrubSlackSecrets(asText(msg), secrets));
    };
  return {
    debug: write('debug'),
    info: write('debug'),
    warn: write('warn'),
    error: write('error'),
    setLevel: () => undefined,
    getLevel: () => LogLevel.DEBUG,
    setName: (n: string) => {
      name = n;
    },
  };
}
