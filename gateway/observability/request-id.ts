/** X-Request-Id: honoured when a client or proxy sends a sane one, generated otherwise (pure checks). */
import { randomUUID } from 'node:crypto';

/** The header, lower-case as Node gives it. */
export const REQUEST_ID_HEADER = 'x-request-id';

const SANE = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/** The request id to use: the incoming header when it is 1-128 safe characters, else a new UUID. */
export function acceptRequestId(header: string | string[] | undefined, generate: () => string = randomUUID): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && SANE.test(value) ? value : generate();
}
