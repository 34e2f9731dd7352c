/** Content hash of a training job: examples (order-independent) + configuration. */

import { createHash } from 'node:crypto';

import { canonicalOrder } from './dataset.js';
import type { LabeledText } from './dataset.js';

/** JSON with object keys sorted, so equal values hash equally. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** sha256 (hex) of the canonical examples, the validation examples and the configuration. */
export function trainingContentHash(
  examples: readonly LabeledText[],
  config: unknown,
  validation: readonly LabeledText[] = [],
): string {
  const h = createHash('sha256');
  h.update(stableStringify({ format: 'clawbot-fasttext/1', config }));
  for (const part of [canonicalOrder(examples), canonicalOrder(validation)]) {
    h.update('\u0000section');
    for (const e of part) h.update(`\u0000${e.intent}\u0001${e.text}`);
  }
  return h.digest('hex');
}
