/**
 * Weighted, L2-regularised logistic regression by damped Newton steps (pure, deterministic): the one fit behind the
 * lexical classifier's confidence, the answer ranker's calibration and the graph answers' calibration.
 */

/** The logistic function, computed stably. */
export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
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

/** One observation: features (without the bias), whether it was right, and its weight (default 1). */
export interface LogisticSample {
  readonly x: readonly number[];
  readonly y: boolean;
  readonly weight?: number;
}

/** `p = σ(bias + Σ weights·x)`. */
export interface LogisticModel {
  readonly bias: number;
  readonly weights: readonly number[];
}

export interface FitLogisticOptions {
  /** L2 penalty on the weights, not the bias (default 1). */
  readonly l2?: number;
  /** Newton steps at most (default 60). */
  readonly iterations?: number;
  /** Stop once a step lowers the loss by less than this (default 1e-9). */
  readonly tolerance?: number;
  /** Clamp the weights at zero after every step, so no feature ever lowers the probability (default false). */
  readonly nonNegative?: boolean;
}

/** Applies a model. */
export function predictLogistic(model: LogisticModel, x: readonly number[]): number {
  let z = model.bias;
  for (let i = 0; i < model.weights.length; i++) z += (model.weights[i] ?? 0) * (x[i] ?? 0);
  return sigmoid(z);
}

function loss(w: readonly number[], samples: readonly LogisticSample[], l2: number): number {
  let total = 0;
  for (let i = 1; i < w.length; i++) total += 0.5 * l2 * (w[i] ?? 0) ** 2;
  for (const s of samples) {
    let z = w[0] ?? 0;
    for (let i = 0; i < s.x.length; i++) z += (w[i + 1] ?? 0) * (s.x[i] ?? 0);
    // log(1 + e^z) - y·z, computed stably.
    total += (s.weight ?? 1) * ((z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - (s.y ? z : 0));
  }
  return total;
}

/**
 * Fits a logistic model. Returns undefined when the samples cannot support a fit (fewer than 10, or one class only)
 * or the fit diverges. Same samples in the same order always give the same model.
 */
export function fitLogistic(
  samples: readonly LogisticSample[],
  options: FitLogisticOptions = {},
): LogisticModel | undefined {
  const positives = samples.filter((s) => s.y).length;
  if (samples.length < 10 || positives === 0 || positives === samples.length) return undefined;
  const l2 = options.l2 ?? 1;
  const iterations = options.iterations ?? 60;
  const tolerance = options.tolerance ?? 1e-9;
  const nonNegative = options.nonNegative === true;
  const n = (samples[0]?.x.length ?? 0) + 1;
  let w = new Array<number>(n).fill(0);
  let current = loss(w, samples, l2);
  const x = new Array<number>(n).fill(0);
  for (let it = 0; it < iterations; it++) {
    const grad = w.map((v, i) => (i === 0 ? 0 : l2 * v));
    const hess = Array.from({ length: n }, (_, i) =>
      Array.from({ length: n }, (_, j) => (i !== j ? 0 : i === 0 ? 1e-9 : l2)),
    );
    for (const s of samples) {
      x[0] = 1;
      for (let i = 1; i < n; i++) x[i] = s.x[i - 1] ?? 0;
      let z = 0;
      for (let i = 0; i < n; i++) z += (w[i] ?? 0) * (x[i] ?? 0);
      const p = sigmoid(z);
      const weight = s.weight ?? 1;
      const err = weight * (p - (s.y ? 1 : 0));
      const h = weight * Math.max(p * (1 - p), 1e-9);
      for (let i = 0; i < n; i++) {
        const xi = x[i] ?? 0;
        if (xi === 0) continue;
        grad[i] = (grad[i] ?? 0) + err * xi;
        const row = hess[i];
        if (row === undefined) continue;
        for (let j = 0; j < n; j++) row[j] = (row[j] ?? 0) + h * xi * (x[j] ?? 0);
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
        return nonNegative && i > 0 ? Math.max(0, moved) : moved;
      });
      nextLoss = loss(next, samples, l2);
      if (nextLoss <= current) break;
    }
    if (!(nextLoss <= current)) break;
    const done = current - nextLoss < tolerance;
    w = next;
    current = nextLoss;
    if (done) break;
  }
  if (!w.every(Number.isFinite)) return undefined;
  return Object.freeze({ bias: w[0] ?? 0, weights: Object.freeze(w.slice(1)) });
}
