/** Keeps the k best (highest score) items seen: a bounded min-heap (pure data structure). */

/** One result of a search: an item index and its score. */
export interface Hit {
  readonly id: number;
  readonly score: number;
}

/** Collects the k highest-scoring ids; ties keep the lower id. */
export class TopK {
  private readonly ids: Int32Array;
  private readonly scores: Float64Array;
  private size = 0;

  constructor(readonly k: number) {
    this.ids = new Int32Array(Math.max(0, k));
    this.scores = new Float64Array(Math.max(0, k));
  }

  /** The score an item must beat to enter (−Infinity while not full). */
  get floor(): number {
    return this.size < this.k ? -Infinity : (this.scores[0] ?? -Infinity);
  }

  private worse(i: number, j: number): boolean {
    const si = this.scores[i] ?? 0;
    const sj = this.scores[j] ?? 0;
    return si < sj || (si === sj && (this.ids[i] ?? 0) > (this.ids[j] ?? 0));
  }

  private swap(i: number, j: number): void {
    const id = this.ids[i] ?? 0;
    const s = this.scores[i] ?? 0;
    this.ids[i] = this.ids[j] ?? 0;
    this.scores[i] = this.scores[j] ?? 0;
    this.ids[j] = id;
    this.scores[j] = s;
  }

  push(id: number, score: number): void {
    if (this.k === 0) return;
    if (this.size < this.k) {
      let i = this.size++;
      this.ids[i] = id;
      this.scores[i] = score;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!this.worse(i, parent)) break;
        this.swap(i, parent);
        i = parent;
      }
      return;
    }
    const s0 = this.scores[0] ?? 0;
    if (score < s0 || (score === s0 && id > (this.ids[0] ?? 0))) return;
    this.ids[0] = id;
    this.scores[0] = score;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.size && this.worse(l, m)) m = l;
      if (r < this.size && this.worse(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
  }

  /** Best first. */
  sorted(): Hit[] {
    const out: Hit[] = [];
    for (let i = 0; i < this.size; i++) out.push({ id: this.ids[i] ?? 0, score: this.scores[i] ?? 0 });
    return out.sort((a, b) => b.score - a.score || a.id - b.id);
  }
}
