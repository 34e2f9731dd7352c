/**
 * Confidence calibration: a logistic map of two features of a ranking (pure):
 * - `similarity`: the best intent's score;
 * - `margin`: how far it is ahead of the runner-up intent.
 */

/** The ranking features calibration reads. */
export interface CalibrationFeatures {
  readonly similarity: number;
  readonly margin: number;
}

/** `confidence = σ(bias + similarity·s + margin·m)`; slopes are never negative (monotone). */
export interface Calibration {
  readonly bias: number;
  readonly similarity: number;
  readonly margin: number;
}

/** Used when there is too little data to fit (fewer than two intents or a handful of examples). */
export const DEFAULT_CALIBRATION: Calibration = Object.freeze({ bias: -7, similarity: 10, margin: 6 });

/** One observation: the features of a ranking and whether its top intent was right. */
export interface CalibrationSample extends CalibrationFeatures {
  readonly correct: boolean;
  /** Weight of the sample in the fit (default 1). */
  readonly weight?: number;
}

/** The logistic function. */
export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

function vector(f: CalibrationFeatures): readonly number[] {
  return [1, f.similarity, f.margin];
}

function weights(c: Calibration): number[] {
  return [c.bias, c.similarity, c.margin];
}

function dot(w: readonly number[], x: readonly number[]): number {
  let z = 0;
  for (let i = 0; i < x.length; i++) z += (w[i] ?? 0) * (x[i] ?? 0);
  return z;
}

/** Applies a calibration; 0 when nothing matched. */
export function calibrate(c: Calibration, features: CalibrationFeatures): number {
  if (features.similarity <= 0) return 0;
  return sigmoid(dot(weights(c), vector(features)));
}

/** Solves `a·x = b` (Gauss-Jordan with partial pivoting); undefined when singular. */
export function solveLinear(a: readonly (readonly number[])[], b: readonly number[]): number[] | undefined {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i] ?? 0]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r]?.[col] ?? 0) > Math.abs(m[pivot]?.[col] ?? 0)) pivot = r;
    const p = m[pivot];
    const c = m[col];
    if (p === undefined || c === undefined || Math.abs(p[col] ?? 0) < 1e-12) return undefined;
    m[pivot] = c;
    m[col] = p;
    for (let r = 0; r < n; r++) {
      const row = m[r];
      if (r === col || row === undefined) continue;
      const f = (row[col] ?? 0) / (p[col] ?? 1);
      for (let k = col; k <= n; k++) row[k] = (row[k] ?? 0) - f * (p[k] ?? 0);
    }
  }
  return Array.from({ length: n }, (_, i) => (m[i]?.[n] ?? 0) / (m[i]?.[i] ?? 1));
}

function loss(w: readonly number[], samples: readonly CalibrationSample[], l2: number): number {
  let total = 0;
  for (let i = 1; i < w.length; i++) total += 0.5 * l2 * (w[i] ?? 0) ** 2;
  for (const s of samples) {
    const z = dot(w, vector(s));
    // log(1 + e^z) - y·z, computed stably.
    total += (s.weight ?? 1) * ((z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - (s.correct ? z : 0));
  }
  return total;
}

/**
 * Fits the calibration by L2-regularised, weighted logistic regression (damped Newton's method with a fixed
 * iteration budget: deterministic for a given sample order). Slopes are clamped at zero so more similarity,
 * or margin never lowers confidence. Falls back to {@link DEFAULT_CALIBRATION} when the samples cannot
 * support a fit.
 */
export function fitCalibration(samples: readonly CalibrationSample[], l2 = 0.01, iterations = 50): Calibration {
  const positives = samples.filter((s) => s.correct).length;
  if (samples.length < 10 || positives === 0 || positives === samples.length) return DEFAULT_CALIBRATION;
  const n = 3;
  let w = new Array<number>(n).fill(0);
  let current = loss(w, samples, l2);
  for (let it = 0; it < iterations; it++) {
    const grad = w.map((v, i) => (i === 0 ? 0 : l2 * v));
    const hess = Array.from({ length: n }, (_, i) =>
      Array.from({ length: n }, (_, j) => (i !== j ? 0 : i === 0 ? 1e-9 : l2)),
    );
    for (const s of samples) {
      const x = vector(s);
      const p = sigmoid(dot(w, x));
      const weight = s.weight ?? 1;
      const err = weight * (p - (s.correct ? 1 : 0));
      const h = weight * Math.max(p * (1 - p), 1e-9);
      for (let i = 0; i < n; i++) {
        grad[i] = (grad[i] ?? 0) + err * (x[i] ?? 0);
        const row = hess[i];
        if (row === undefined) continue;
        for (let j = 0; j < n; j++) row[j] = (row[j] ?? 0) + h * (x[i] ?? 0) * (x[j] ?? 0);
      }
    }
    const step = solveLinear(hess, grad);
    if (step === undefined) break;
    // Halve the step until the loss goes down (plain Newton can overshoot on nearly separable data).
    let scale = 1;
    let next = w;
    let nextLoss = Infinity;
    for (let k = 0; k < 30; k++, scale /= 2) {
      next = w.map((v, i) => {
        const moved = v - scale * (step[i] ?? 0);
        return i === 0 ? moved : Math.max(0, moved);
      });
      nextLoss = loss(next, samples, l2);
      if (nextLoss <= current) break;
    }
    if (!(nextLoss <= current)) break;
    const done = current - nextLoss < 1e-10;
    w = next;
    current = nextLoss;
    if (done) break;
  }
  if (!w.every(Number.isFinite) || w.slice(1).every((v) => v <= 0)) return DEFAULT_CALIBRATION;
  return Object.freeze({ bias: w[0] ?? 0, similarity: w[1] ?? 0, margin: w[2] ?? 0 });
}
