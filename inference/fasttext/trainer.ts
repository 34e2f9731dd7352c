/** Seeded SGD training of the fastText-style model, in TypeScript, independent of the input order. */

import { createPrng, deriveSeed, shuffleInPlace } from '../../core/math/prng.js';
import type { Prng } from '../../core/math/prng.js';
import { canonicalOrder, compareStrings, featurizeAll } from './dataset.js';
import type { FeaturizedSet, LabeledText } from './dataset.js';
import { DEFAULT_FEATURIZER } from './featurizer.js';
import type { FeaturizerConfig } from './featurizer.js';
import type { FastTextModel } from './model.js';

/** Hyper-parameters. Every field has a default (see DEFAULT_TRAIN). */
export interface TrainConfig {
  readonly featurizer: FeaturizerConfig;
  /** Embedding dimension D. */
  readonly dim: number;
  readonly epochs: number;
  /**
   * Small data sets get more epochs: at least this many example updates in all (epochs capped at `maxEpochs`).
   * CLINC150 (15,000 examples) keeps `epochs`; a 240-example set gets about 30.
   */
  readonly minUpdates: number;
  readonly maxEpochs: number;
  /** Initial learning rate, decayed linearly to 0 over all updates. */
  readonly lr: number;
  /** Label smoothing epsilon in [0, 1). */
  readonly labelSmoothing: number;
  /** Probability of dropping each input feature of a training example (augmentation). */
  readonly featureDropout: number;
  readonly seed: number;
}

export const DEFAULT_TRAIN: TrainConfig = Object.freeze({
  featurizer: DEFAULT_FEATURIZER,
  dim: 64,
  epochs: 10,
  minUpdates: 7500,
  maxEpochs: 50,
  lr: 1,
  labelSmoothing: 0.1,
  featureDropout: 0.5,
  seed: 42,
});

/** Progress of a running training. */
export interface TrainProgress {
  readonly epoch: number;
  /** Epochs of this run (raised for small data sets, see TrainConfig.minUpdates). */
  readonly epochs: number;
  /** Updates done so far, out of `total`. */
  readonly done: number;
  readonly total: number;
  /** Mean training loss of the current epoch so far. */
  readonly loss: number;
}

export interface TrainHooks {
  onProgress?: (progress: TrainProgress) => void;
  signal?: AbortSignal;
  /** Updates between event-loop yields (keeps a gateway responsive while it trains); default 2000. */
  yieldEvery?: number;
}

/** Epochs actually run for `size` examples: `epochs`, raised for small sets to reach `minUpdates`. */
export function effectiveEpochs(cfg: Pick<TrainConfig, 'epochs' | 'minUpdates' | 'maxEpochs'>, size: number): number {
  const wanted = size > 0 ? Math.ceil(cfg.minUpdates / size) : cfg.epochs;
  return Math.max(cfg.epochs, Math.min(cfg.maxEpochs, wanted));
}

/** Trains a model. Examples are put in canonical order first, then shuffled with the seeded PRNG every epoch. */
export async function trainFastText(
  examples: readonly LabeledText[],
  config: Partial<TrainConfig> = {},
  hooks: TrainHooks = {},
): Promise<FastTextModel> {
  const cfg: TrainConfig = { ...DEFAULT_TRAIN, ...config };
  const ordered = canonicalOrder(examples);
  const labels = [...new Set(ordered.map((e) => e.intent))].sort(compareStrings);
  if (labels.length === 0) throw new RangeError('no training examples');
  const labelIndex = new Map(labels.map((l, i) => [l, i]));
  const set = featurizeAll(ordered, cfg.featurizer, labelIndex);
  const rowOf = assignRows(set, cfg.featurizer.buckets);
  const rows = set.ids.reduce((m, id) => Math.max(m, rowOf[id] as number), 0) + 1;
  const prng = createPrng(cfg.seed);
  const state = initState(cfg, labels.length, rows, prng);
  await runEpochs(cfg, set, rowOf, state, hooks);
  return {
    featurizer: cfg.featurizer,
    labels,
    dim: cfg.dim,
    rowOf,
    embeddings: state.E,
    output: { weight: state.Wo, bias: state.bo },
  };
}

/** Row 0 = unseen; seen buckets get rows 1.. in ascending bucket order (deterministic). */
function assignRows(set: FeaturizedSet, buckets: number): Int32Array {
  const rowOf = new Int32Array(buckets);
  for (const id of set.ids) rowOf[id] = 1;
  let next = 1;
  for (let b = 0; b < buckets; b++) if (rowOf[b] === 1) rowOf[b] = next++;
  return rowOf;
}

/** Output rows of classes with probability <= ACTIVE_SHARE / C (besides the gold one) are not updated per example. */
const ACTIVE_SHARE = 0.3;

interface State {
  E: Float32Array;
  Wo: Float32Array;
  bo: Float32Array;
}

function uniform(n: number, limit: number, prng: Prng): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (prng.next() * 2 - 1) * limit;
  return a;
}

function initState(cfg: TrainConfig, classes: number, rows: number, prng: Prng): State {
  const D = cfg.dim;
  // Embeddings start at zero so that rows never touched stay exactly zero; the output layer is random.
  const E = new Float32Array(rows * D);
  const Wo = uniform(classes * D, Math.sqrt(6 / (classes + D)), prng);
  return { E, Wo, bo: new Float32Array(classes) };
}

async function runEpochs(
  cfg: TrainConfig,
  set: FeaturizedSet,
  rowOf: Int32Array,
  s: State,
  hooks: TrainHooks,
): Promise<void> {
  const D = cfg.dim;
  const C = s.bo.length;
  const epochs = effectiveEpochs(cfg, set.size);
  const total = set.size * epochs;
  const yieldEvery = hooks.yieldEvery ?? 2000;
  const h = new Float32Array(D);
  const p = new Float64Array(C);
  const gh = new Float32Array(D);
  const active = new Int32Array(C);
  const keep = new Uint8Array(cfg.featurizer.maxFeatures);
  const gActive = new Float64Array(C);
  const { E, Wo, bo } = s;
  const meanWo = new Float64Array(D);
  for (let c = 0; c < C; c++)
    for (let d = 0; d < D; d++) meanWo[d] = (meanWo[d] as number) + (Wo[c * D + d] as number) / C;
  const order = Array.from({ length: set.size }, (_, i) => i);
  const dropPrng = createPrng(deriveSeed(cfg.seed, 1));
  const eps = cfg.labelSmoothing;
  const offTarget = eps / C;
  const onTarget = 1 - eps + eps / C;
  const floor = ACTIVE_SHARE / C;
  let done = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    shuffleInPlace(order, createPrng(deriveSeed(cfg.seed, 1000 + epoch)));
    let lossSum = 0;
    for (let n = 0; n < order.length; n++) {
      const ex = order[n] as number;
      const lr = cfg.lr * (1 - done / total);
      done++;
      const start = set.offsets[ex] as number;
      const end = set.offsets[ex + 1] as number;
      const y = set.labels[ex] as number;
      h.fill(0);
      let wsum = 0;
      for (let k = start; k < end; k++) {
        const drop = cfg.featureDropout > 0 && end - start > 1 && dropPrng.next() < cfg.featureDropout;
        keep[k - start] = drop ? 0 : 1;
        if (drop) continue;
        const w = set.weights[k] as number;
        const base = (rowOf[set.ids[k] as number] as number) * D;
        wsum += w;
        for (let d = 0; d < D; d++) h[d] = (h[d] as number) + w * (E[base + d] as number);
      }
      if (wsum <= 0) continue;
      const inv = 1 / wsum;
      for (let d = 0; d < D; d++) h[d] = (h[d] as number) * inv;
      let max = -Infinity;
      for (let c = 0; c < C; c++) {
        let a = bo[c] as number;
        const base = c * D;
        for (let d = 0; d < D; d++) a += (Wo[base + d] as number) * (h[d] as number);
        p[c] = a;
        if (a > max) max = a;
      }
      let sum = 0;
      for (let c = 0; c < C; c++) {
        const e = Math.exp((p[c] as number) - max);
        p[c] = e;
        sum += e;
      }
      lossSum -= Math.log(Math.max(1e-12, (p[y] as number) / sum));
      // Output gradient g = p - target (label smoothed), exact for the gold class and every class with p > floor.
      // The other rows are not updated; their share of the gradient to the bag is approximated through the mean row.
      let nActive = 0;
      let rest = 0;
      for (let c = 0; c < C; c++) {
        const pc = (p[c] as number) / sum;
        if (c === y || pc > floor) {
          active[nActive] = c;
          gActive[nActive++] = (pc - (c === y ? onTarget : offTarget)) * lr;
        } else rest += pc - offTarget;
      }
      for (let d = 0; d < D; d++) gh[d] = rest * lr * (meanWo[d] as number);
      let gsum = 0;
      for (let a = 0; a < nActive; a++) {
        const c = active[a] as number;
        const g = gActive[a] as number;
        gsum += g;
        const base = c * D;
        for (let d = 0; d < D; d++) {
          const wv = Wo[base + d] as number;
          gh[d] = (gh[d] as number) + g * wv;
          Wo[base + d] = wv - g * (h[d] as number);
        }
        bo[c] = (bo[c] as number) - g;
      }
      const meanStep = gsum / C;
      for (let d = 0; d < D; d++) meanWo[d] = (meanWo[d] as number) - meanStep * (h[d] as number);
      for (let k = start; k < end; k++) {
        if (keep[k - start] === 0) continue;
        const f = (set.weights[k] as number) * inv;
        const base = (rowOf[set.ids[k] as number] as number) * D;
        for (let d = 0; d < D; d++) E[base + d] = (E[base + d] as number) - f * (gh[d] as number);
      }
      if (done % yieldEvery === 0) {
        hooks.onProgress?.({ epoch, epochs, done, total, loss: lossSum / (n + 1) });
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (hooks.signal?.aborted === true) throw hooks.signal.reason;
      }
    }
    hooks.onProgress?.({ epoch, epochs, done, total, loss: lossSum / Math.max(1, order.length) });
  }
}
