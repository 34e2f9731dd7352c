/** Scoring of eval-kb replies and the report (pure). */
import type { EvalQuery } from './queries.js';
import { kindOf } from './queries.js';

/** What the engine did with the last turn of a query. */
export interface EvalReply {
  readonly text: string;
  readonly handoff: boolean;
  readonly sources: readonly string[];
}

export type Verdict = 'correct' | 'wrong' | 'handed_off';

/**
 * Whether a reply meets an in-scope expectation: not a handoff, and its sources include the FAQ id (`faq:ID`;
 * `ID` or `intent:ID` also count, for expectations that name an intent with an answer), or it contains every
 * listed string (case-insensitive).
 */
export function judge(query: EvalQuery, reply: EvalReply): Verdict {
  if (reply.handoff) return 'handed_off';
  const e = query.expect;
  if ('faq' in e) {
    const ok = reply.sources.some((s) => s === `faq:${e.faq}` || s === e.faq || s === `intent:${e.faq}`);
    return ok ? 'correct' : 'wrong';
  }
  if ('contains' in e) {
    const text = reply.text.toLowerCase();
    return e.contains.every((c) => text.includes(c.toLowerCase())) ? 'correct' : 'wrong';
  }
  return 'wrong';
}

/** Per-kind figures: counts and fractions. */
export interface KindFigures {
  readonly n: number;
  readonly answered_correct: number;
  readonly answered_wrong: number;
  readonly handed_off: number;
}

/** The eval-kb report (fractions of the in-scope queries; `oos_*` of the `handoff` queries). */
export interface EvalReport {
  readonly n: number;
  readonly answered_correct: number;
  readonly answered_wrong: number;
  readonly handed_off: number;
  readonly oos_n: number;
  readonly oos_handed_off: number;
  readonly by_kind: Readonly<Record<string, KindFigures>>;
}

const round = (x: number): number => Math.round(x * 10_000) / 10_000;

/** Builds the report from each query's reply. */
export function report(results: readonly { query: EvalQuery; reply: EvalReply }[]): EvalReport {
  const tally = (rows: typeof results) => {
    let correct = 0;
    let wrong = 0;
    let handed = 0;
    for (const { query, reply } of rows) {
      if ('handoff' in query.expect) {
        if (reply.handoff) handed++;
        else wrong++;
        continue;
      }
      const v = judge(query, reply);
      if (v === 'correct') correct++;
      else if (v === 'wrong') wrong++;
      else handed++;
    }
    const n = rows.length;
    const f = (x: number): number => (n === 0 ? 0 : round(x / n));
    return { n, answered_correct: f(correct), answered_wrong: f(wrong), handed_off: f(handed) };
  };
  const inScope = results.filter((r) => !('handoff' in r.query.expect));
  const oos = results.filter((r) => 'handoff' in r.query.expect);
  const kinds = [...new Set(results.map((r) => kindOf(r.query)))].sort();
  const byKind: Record<string, KindFigures> = {};
  for (const kind of kinds) byKind[kind] = tally(results.filter((r) => kindOf(r.query) === kind));
  const s = tally(inScope);
  const o = tally(oos);
  return {
    n: s.n,
    answered_correct: s.answered_correct,
    answered_wrong: s.answered_wrong,
    handed_off: s.handed_off,
    oos_n: o.n,
    oos_handed_off: o.handed_off,
    by_kind: byKind,
  };
}
