/**
 * The gateway process's root logger: gateway/logger.ts (key redaction, PII masking) plus request ids on every line
 * of a request and the scrubbing of known secret values from every line.
 */
import { pino, type DestinationStream, type Logger } from 'pino';
import type { AppConfig } from '../config/index.js';
import { createLogger } from '../logger.js';
import type { RequestContext } from './request-context.js';
import { knownSecrets, scrubbedDestination } from './secret-scrub.js';

export interface GatewayLoggerOptions {
  readonly verbose?: boolean;
  /** Where lines go (default stdout). */
  readonly destination?: DestinationStream | NodeJS.WritableStream;
  readonly requestContext?: RequestContext;
}

/** Creates the root logger of a gateway run from its config. */
export function createGatewayLogger(config: AppConfig, options: GatewayLoggerOptions = {}): Logger {
  const inner = options.destination ?? pino.destination({ dest: 1, sync: config.mode !== 'production' });
  return createLogger({
    mode: config.mode,
    level: options.verbose === true ? 'debug' : config.log.level,
    maskPii: config.log.maskPii,
    destination: scrubbedDestination(inner, knownSecrets(config)),
    ...(options.requestContext === undefined ? {} : { pino: { mixin: () => options.requestContext?.mixin() ?? {} } }),
  });
}
