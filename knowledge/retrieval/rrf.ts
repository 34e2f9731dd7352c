/** Reciprocal rank fusion of several rankings (pure). */

/** `Σ 1 / (k + rank)` over the rankings an item appears in (ranks from 1); best first, ties by key order. */
export function reciprocalRankFusion(
  rankings: readonly (readonly string[])[],
  k = 60,
): { key: string; score: number }[] {
  const scores = new Map<string, number>();
  for (const ranking of rankings) {
    ranking.forEach((key, i) => scores.set(key, (scores.get(key) ?? 0) + 1 / (k + i + 1)));
  }
  return [...scores]
    .map(([key, score]) => ({ key, score }))
    .sort((a, b) => b.score - a.score || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
