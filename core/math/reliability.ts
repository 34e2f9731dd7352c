/**
 * Reliability of predicted probabilities (pure): equal-width confidence bins with their accuracy, the expected
 * calibration error (ECE) and the Brier score, optionally weighted.
 */

/** One prediction and whether it was right. */
export interface Scored {
  readonly p: number;
  readonly y: boolean;
  /** Default 1. */
  readonly weight?: number;
}

/** The raw sums of one bin: predictions with confidence in `[from, to)` (the last bin includes 1). */
export interface BinSums {
  readonly from: number;
  readonly to: number;
  /** Summed weight (the count when unweighted). */
  readonly weight: number;
  /** Summed weight × confidence. */
  readonly confidence: number;
  /** Summed weight of the right ones. */
  readonly right: number;
}

export interface ReliabilitySums {
  /** Every bin, empty ones included. */
  readonly bins: readonly BinSums[];
  /** Total weight binned. */
  readonly total: number;
  /** Σ over bins of (bin weight / total) · |accuracy − mean confidence|; 0 when nothing was binned. */
  readonly ece: number;
  /** Weighted mean squared error of the probabilities; 0 when nothing was binned. */
  readonly brier: number;
}

/** Bins predictions over `bins` equal-width bins (default 10); a confidence that is not a number is left out. */
export function reliabilitySums(scored: readonly Scored[], bins = 10): ReliabilitySums {
  const acc = Array.from({ length: bins }, (_, i) => ({
    from: i / bins,
    to: (i + 1) / bins,
    weight: 0,
    confidence: 0,
    right: 0,
  }));
  let total = 0;
  let brier = 0;
  for (const s of scored) {
    const w = s.weight ?? 1;
    const b = acc[Math.min(bins - 1, Math.max(0, Math.floor(s.p * bins)))];
    if (b === undefined) continue;
    b.weight += w;
    b.confidence += w * s.p;
    b.right += s.y ? w : 0;
    total += w;
    brier += w * (s.p - (s.y ? 1 : 0)) ** 2;
  }
  if (total === 0) return { bins: acc, total, ece: 0, brier: 0 };
  let ece = 0;
  for (const b of acc) {
    if (b.weight === 0) continue;
    ece += (b.weight / total) * Math.abs(b.right / b.weight - b.confidence / b.weight);
  }
  return { bins: acc, total, ece, brier: brier / total };
}

/** A non-empty bin, figures rounded to 4 decimals. */
export interface ReliabilityBin {
  readonly from: number;
  readonly to: number;
  /** Weighted share of the predictions in this bin. */
  readonly share: number;
  readonly meanConfidence: number;
  readonly accuracy: number;
}

/** ECE, Brier score and the non-empty bins, rounded to 4 decimals (for reports). */
export interface Reliability {
  readonly ece: number;
  readonly brier: number;
  readonly bins: readonly ReliabilityBin[];
}

const round = (x: number): number => Math.round(x * 10_000) / 10_000;

/** {@link reliabilitySums}, rounded for reports; empty bins are left out. */
export function reliability(scored: readonly Scored[], bins = 10): Reliability {
  const sums = reliabilitySums(scored, bins);
  if (sums.total === 0) return { ece: 0, brier: 0, bins: [] };
  return {
    ece: round(sums.ece),
    brier: round(sums.brier),
    bins: sums.bins
      .filter((b) => b.weight > 0)
      .map((b) => ({
        from: b.from,
        to: b.to,
        share: round(b.weight / sums.total),
        meanConfidence: round(b.confidence / b.weight),
        accuracy: round(b.right / b.weight),
      })),
  };
}
