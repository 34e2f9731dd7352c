/**
 * Pure parsers for human-friendly config values: durations ("30m", "1h30m", "90s") and byte sizes ("1mb", "64KiB").
 */

const DURATION_UNITS_SECONDS: Readonly<Record<string, number>> = {
  ms: 0.001,
  s: 1,
  sec: 1,
  m: 60,
  min: 60,
  h: 3600,
  d: 86_400,
};

const DURATION_PART = /(\d+(?:\.\d+)?)\s*(ms|sec|min|s|m|h|d)/gy;

/**
 * Parses a duration into seconds. A number (or a numeric string) is taken as seconds;
 * a string may combine units: `"90s"`, `"30m"`, `"1h"`, `"1h30m"`, `"500ms"`, `"2d"`.
 * Returns `undefined` when the value is not a duration.
 *
 * @example parseDurationSeconds('30m') // 1800
 */
export function parseDurationSeconds(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim().toLowerCase();
  if (text === '') return undefined;
  if (/^\d+(?:\.\d+)?$/.test(text)) return Number(text);
  let total = 0;
  let consumed = 0;
  DURATION_PART.lastIndex = 0;
  for (let match = DURATION_PART.exec(text); match !== null; match = DURATION_PART.exec(text)) {
    const [whole, amount, unit] = match;
    const factor = unit === undefined ? undefined : DURATION_UNITS_SECONDS[unit];
    if (amount === undefined || factor === undefined) return undefined;
    total += Number(amount) * factor;
    consumed += whole.length;
    // Allow spaces between parts ("1h 30m").
    while (text[DURATION_PART.lastIndex] === ' ') {
      DURATION_PART.lastIndex += 1;
      consumed += 1;
    }
  }
  return consumed === text.length ? total : undefined;
}

const BYTE_UNITS: Readonly<Record<string, number>> = {
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
};

/**
 * Parses a byte size. A number (or numeric string) is bytes; strings accept `b`, `kb`/`kib`, `mb`/`mib`, `gb`/`gib`
 * (all binary multiples, as Express's body parsers use). Returns `undefined` when the value is not a size.
 *
 * @example parseByteSize('1mb') // 1048576
 */
export function parseByteSize(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/.exec(value.trim().toLowerCase());
  if (match === null) return undefined;
  const [, amount, unit = ''] = match;
  const factor = unit === '' ? 1 : BYTE_UNITS[unit];
  if (amount === undefined || factor === undefined) return undefined;
  return Math.floor(Number(amount) * factor);
}
