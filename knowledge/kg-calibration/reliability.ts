/** Reliability of predicted probabilities (pure): binned accuracy against confidence, ECE and Brier score. */

/** One prediction and whether it was right. */
export interface Scored {
  readonly p: number;
  readonly y: boolean;
  readonly weight?: number;
}

/** Predictions with confidence in `[from, to)` (the last bin includes 1). */
export interface ReliabilityBin {
  readonly from: number;
  readonly to: number;
  /** Weighted share of the predictions in this bin. */
  readonly share: number;
  readonly meanConfidence: number;
  readonly accuracy: number;
}

export interface Reliability {
  /** Expected calibration error: the weighted mean |accuracy − confidence| over the bins. */
  readonly ece: number;
  /** Weighted mean squared error of the probabilities. */
  readonly brier: number;
  readonly bins: readonly ReliabilityBin[];
}

const round = (x: number): number => Math.round(x * 10_000) / 10_000;

/** Reliability over `bins` equal-width bins (default 10); empty bins are left out. */
export function reliability(scored: readonly Scored[], bins = 10): Reliability {
  const acc = Array.from({ length: bins }, () => ({ w: 0, p: 0, y: 0 }));
  let total = 0;
  let brier = 0;
  for (const s of scored) {
    const w = s.weight ?? 1;
    const b = acc[Math.min(bins - 1, Math.max(0, Math.floor(s.p * bins)))];
    if (b === undefined) continue;
    b.w += w;
    b.p += w * s.p;
    b.y += s.y ? w : 0;
    total += w;
    brier += w * (s.p - (s.y ? 1 : 0)) ** 2;
  }
  if (total === 0) return { ece: 0, brier: 0, bins: [] };
  let ece = 0;
  const out: ReliabilityBin[] = [];
  acc.forEach((b, i) => {
    if (b.w === 0) return;
    const meanConfidence = b.p / b.w;
    const accuracy = b.y / b.w;
    ece += (b.w / total) * Math.abs(accuracy - meanConfidence);
    out.push({
      from: i / bins,
      to: (i + 1) / bins,
      share: round(b.w / total),
      meanConfidence: round(meanConfidence),
      accuracy: round(accuracy),
    });
  });
  return { ece: round(ece), brier: round(brier / total), bins: out };
}
