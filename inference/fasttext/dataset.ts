/** Labelled examples: canonical ordering, pre-featurised flat storage (pure). */

import { featurize } from './featurizer.js';
import type { FeaturizerConfig } from './featurizer.js';

/** One training or evaluation example. */
export interface LabeledText {
  readonly text: string;
  readonly intent: string;
}

/** Code-unit order (locale-independent, unlike localeCompare). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Sorts examples by (intent, text) so that anything computed from them does not depend on the order
 * of the input file. Duplicates are kept (they weigh an example more, as in the source data).
 */
export function canonicalOrder(examples: readonly LabeledText[]): LabeledText[] {
  return [...examples].sort((a, b) => compareStrings(a.intent, b.intent) || compareStrings(a.text, b.text));
}

/** Examples featurised into flat arrays: features of example i are [offsets[i], offsets[i+1]). */
export interface FeaturizedSet {
  readonly size: number;
  readonly offsets: Int32Array;
  readonly ids: Int32Array;
  readonly weights: Float32Array;
  /** Label index per example (-1 when the label is unknown to the label list). */
  readonly labels: Int32Array;
}

/** Featurises `examples` in the given order. */
export function featurizeAll(
  examples: readonly LabeledText[],
  config: FeaturizerConfig,
  labelIndex: ReadonlyMap<string, number>,
): FeaturizedSet {
  const parts = examples.map((e) => featurize(e.text, config));
  const offsets = new Int32Array(examples.length + 1);
  for (let i = 0; i < parts.length; i++) offsets[i + 1] = (offsets[i] as number) + (parts[i]?.ids.length ?? 0);
  const total = offsets[examples.length] as number;
  const ids = new Int32Array(total);
  const weights = new Float32Array(total);
  parts.forEach((p, i) => {
    ids.set(p.ids, offsets[i]);
    weights.set(p.weights, offsets[i]);
  });
  const labels = Int32Array.from(examples, (e) => labelIndex.get(e.intent) ?? -1);
  return { size: examples.length, offsets, ids, weights, labels };
}
