/** Numbers with units read from attribute values, so values can be compared (pure). */

const UNITS: readonly { readonly re: RegExp; readonly factor: number }[] = [
  { re: /^(tb)\b/i, factor: 1024 },
  { re: /^(gb|g\b)/i, factor: 1 },
  { re: /^(mb)\b/i, factor: 1 / 1024 },
  { re: /^(kg|公斤|千克)/i, factor: 1000 },
  { re: /^(天|days?)/i, factor: 24 },
  { re: /^(周|weeks?)/i, factor: 24 * 7 },
  { re: /^(个月|months?)/i, factor: 24 * 30 },
  { re: /^(年|years?)/i, factor: 24 * 365 },
  { re: /^(小时|hours?|h\b)/i, factor: 1 },
  { re: /^(分钟|minutes?|mins?)/i, factor: 1 / 60 },
];

const UNLIMITED = /(不限|无限|unlimited)/i;

/**
 * The magnitude of a value for comparisons: its first number scaled by a recognised unit (days → hours,
 * kg → g, TB → GB...), `Infinity` for "unlimited", undefined when it holds no number.
 */
export function quantityOf(text: string): number | undefined {
  if (UNLIMITED.test(text)) return Infinity;
  const m = /(\d+(?:[.,]\d+)?)\s*/.exec(text.replace(/(\d),(\d{3})/g, '$1$2'));
  if (m === null) return undefined;
  const n = Number((m[1] ?? '').replace(',', '.'));
  if (!Number.isFinite(n)) return undefined;
  const rest = text.slice(m.index + m[0].length);
  const unit = UNITS.find((u) => u.re.test(rest));
  return n * (unit?.factor ?? 1);
}
