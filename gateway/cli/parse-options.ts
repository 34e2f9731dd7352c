/** Commander argument parsers. */
import { InvalidArgumentError } from 'commander';

/** A TCP port, 1..65535. */
export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 1 || port > 65_535) {
    throw new InvalidArgumentError('expected a port number between 1 and 65535');
  }
  return port;
}

/** A whole number of seconds, at least 1. */
export function parseSeconds(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('expected a whole number of seconds');
  return Number(value);
}
