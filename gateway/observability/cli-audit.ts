/**
 * The audit log of CLI actions (pairing decisions, dead-letter retries): one JSON line per action, appended to
 * `$CLAWBOT_AUDIT_FILE` when set, else written to stderr, with the same redaction as the gateway's log.
 */
import { pino } from 'pino';
import { createLogger } from '../logger.js';
import { createAuditLog, type AuditLog } from './audit.js';

/** The environment variable naming the CLI audit file. */
export const AUDIT_FILE_ENV = 'CLAWBOT_AUDIT_FILE';

/** An audit log for one CLI run. */
export function createCliAuditLog(env: Readonly<Record<string, string | undefined>>): AuditLog {
  const file = env[AUDIT_FILE_ENV];
  const destination =
    file === undefined || file === ''
      ? pino.destination({ dest: 2, sync: true })
      : pino.destination({ dest: file, sync: true, append: true, mkdir: true });
  const log = createLogger({ mode: 'production', level: 'info', destination }).child({ source: 'cli' });
  return createAuditLog({ log });
}
