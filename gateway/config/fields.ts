/**
 * Reusable zod field builders for config.yaml. Numbers and booleans also accept their string spelling,
 * so that `${ENV}` references (always strings after interpolation) work for `port: ${PORT}`.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { parseByteSize, parseDurationSeconds } from './units.js';

const NUMERIC = /^[+-]?\d+(?:\.\d+)?$/;

function numberish(value: unknown): unknown {
  return typeof value === 'string' && NUMERIC.test(value.trim()) ? Number(value.trim()) : value;
}

function booleanish(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim().toLowerCase();
  if (text === 'true') return true;
  if (text === 'false') return false;
  return value;
}

/** An integer in `[min, max]`; numeric strings are accepted. */
export function intField(min: number, max: number) {
  return z.preprocess(numberish, z.number().int().min(min).max(max));
}

/** A number in `[min, max]`; numeric strings are accepted. */
export function numberField(min: number, max: number) {
  return z.preprocess(numberish, z.number().min(min).max(max));
}

/** A boolean; `"true"` / `"false"` are accepted. */
export function booleanField() {
  return z.preprocess(booleanish, z.boolean());
}

/** A duration in seconds: a number of seconds or a string such as `"30m"`, `"1h"`, `"90s"`, `"500ms"`. */
export function durationField(maxSeconds: number) {
  return z
    .union([z.number(), z.string()])
    .transform((value, ctx) => {
      const seconds = parseDurationSeconds(value);
      if (seconds === undefined) {
        ctx.addIssue({
          code: 'custom',
          message: `expected a number of seconds or a duration such as "90s", "30m", "1h" (got ${JSON.stringify(value)})`,
        });
        return z.NEVER;
      }
      return seconds;
    })
    .pipe(z.number().positive('must be greater than 0').max(maxSeconds, `must be at most ${maxSeconds} seconds`));
}

/** A size in bytes: a number of bytes or a string such as `"1mb"`, `"64kb"`. */
export function byteSizeField(min: number, max: number) {
  return z
    .union([z.number(), z.string()])
    .transform((value, ctx) => {
      const bytes = parseByteSize(value);
      if (bytes === undefined) {
        ctx.addIssue({
          code: 'custom',
          message: `expected a number of bytes or a size such as "64kb", "1mb" (got ${JSON.stringify(value)})`,
        });
        return z.NEVER;
      }
      return bytes;
    })
    .pipe(z.number().int().min(min).max(max));
}

/** True when `value` is an IPv4/IPv6 address or CIDR block (`10.0.0.0/8`, `::1/128`). */
export function isCidr(value: string): boolean {
  const [address = '', prefix, extra] = value.split('/');
  if (extra !== undefined) return false;
  const family = isIP(address);
  if (family === 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

/** An IP address or CIDR block. */
export function cidrField() {
  return z.string().refine(isCidr, { message: 'expected an IP address or CIDR block such as "10.0.0.0/8"' });
}
