/** Weighted L2-regularised logistic regression fitted by Newton's method (small, dense problems; pure). */

/** A fitted logistic model over standardised inputs. */
export interface LogisticModel {
  readonly mean: readonly number[];
  readonly std: readonly number[];
  readonly coef: readonly number[];
  readonly bias: number;
}

/** One training row: features, 0/1 target and a positive weight. */
export interface LogisticRow {
  readonly x: readonly number[];
  readonly y: 0 | 1;
  readonly w: number;
}

const sigmoid = (t: number): number => (t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t)));

/** P(y = 1 | x). */
export function predictLogistic(model: LogisticModel, x: readonly number[]): number {
  let t = model.bias;
  for (let j = 0; j < model.coef.length; j++) {
    t += (model.coef[j] as number) * (((x[j] as number) - (model.mean[j] as number)) / (model.std[j] as number));
  }
  return sigmoid(t);
}

/** Solves A x = b (A symmetric positive definite, small) by Gaussian elimination with partial pivoting. */
function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i] as number]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[piv]![c]!)) piv = r;
    [M[c], M[piv]] = [M[piv]!, M[c]!];
    const d = M[c]![c]!;
    if (Math.abs(d) < 1e-12) continue;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = M[r]![c]! / d;
      for (let k = c; k <= n; k++) M[r]![k] = M[r]![k]! - f * M[c]![k]!;
    }
  }
  return M.map((row, i) => (Math.abs(row[i]!) < 1e-12 ? 0 : row[n]! / row[i]!));
}

/** Fits P(y=1|x) = sigmoid(b + coef · standardise(x)) minimising weighted log-loss + l2/2 |coef|². */
export function fitLogistic(rows: readonly LogisticRow[], l2 = 1e-3, iterations = 50): LogisticModel {
  const dims = rows[0]?.x.length ?? 0;
  const totalW = rows.reduce((s, r) => s + r.w, 0) || 1;
  const mean = Array.from({ length: dims }, (_, j) => rows.reduce((s, r) => s + r.w * (r.x[j] as number), 0) / totalW);
  const std = Array.from({ length: dims }, (_, j) => {
    const v = rows.reduce((s, r) => s + r.w * ((r.x[j] as number) - (mean[j] as number)) ** 2, 0) / totalW;
    return Math.sqrt(v) > 1e-9 ? Math.sqrt(v) : 1;
  });
  const z = rows.map((r) => [1, ...r.x.map((v, j) => (v - (mean[j] as number)) / (std[j] as number))]);
  const beta = new Array<number>(dims + 1).fill(0);
  for (let it = 0; it < iterations; it++) {
    const grad = new Array<number>(dims + 1).fill(0);
    const hess = Array.from({ length: dims + 1 }, () => new Array<number>(dims + 1).fill(0));
    rows.forEach((r, i) => {
      const zi = z[i] as number[];
      let t = 0;
      for (let j = 0; j <= dims; j++) t += (beta[j] as number) * (zi[j] as number);
      const p = sigmoid(t);
      const w = r.w / totalW;
      for (let j = 0; j <= dims; j++) {
        grad[j] = (grad[j] as number) + w * (p - r.y) * (zi[j] as number);
        const hrow = hess[j] as number[];
        for (let k = 0; k <= dims; k++)
          hrow[k] = (hrow[k] as number) + w * p * (1 - p) * (zi[j] as number) * (zi[k] as number);
      }
    });
    for (let j = 1; j <= dims; j++) {
      grad[j] = (grad[j] as number) + l2 * (beta[j] as number);
      (hess[j] as number[])[j] = ((hess[j] as number[])[j] as number) + l2;
    }
    const step = solve(hess, grad);
    let change = 0;
    for (let j = 0; j <= dims; j++) {
      beta[j] = (beta[j] as number) - (step[j] as number);
      change = Math.max(change, Math.abs(step[j] as number));
    }
    if (change < 1e-8) break;
  }
  return { mean, std, coef: beta.slice(1), bias: beta[0] as number };
}
