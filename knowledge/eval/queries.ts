/** The eval-kb query file: one JSON object per line (pure parsing). */
import { BotError } from '../../core/errors.js';

/** What the reply to the last turn must be. */
export type Expectation =
  { readonly faq: string } | { readonly contains: readonly string[] } | { readonly handoff: true };

/** One query: turns sent in one session; the expectation applies to the reply to the last one. */
export interface EvalQuery {
  readonly turns: readonly string[];
  readonly expect: Expectation;
  /** Optional label for `by_kind` (default: the expectation type, `+memory` when there are earlier turns). */
  readonly kind?: string;
  /** Line number in the file (1-based). */
  readonly line: number;
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((s) => typeof s === 'string');
}

/**
 * Parses a JSONL query file; blank lines and lines starting with `#` or `//` are skipped.
 * @throws BotError `request.invalid` naming the first bad line.
 */
export function parseQueries(text: string): EvalQuery[] {
  const out: EvalQuery[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('//')) return;
    const bad = (why: string): never => {
      throw new BotError('request.invalid', `queries line ${i + 1}: ${why}`);
    };
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error: unknown) {
      bad(`not JSON (${(error as Error).message})`);
    }
    const q = value as { turns?: unknown; expect?: unknown; kind?: unknown };
    if (!isStringArray(q.turns) || q.turns.length === 0) bad('"turns" must be a non-empty list of strings');
    const e = q.expect as { faq?: unknown; contains?: unknown; handoff?: unknown } | undefined;
    let expect: Expectation | undefined;
    if (typeof e?.faq === 'string') expect = { faq: e.faq };
    else if (isStringArray(e?.contains) && e.contains.length > 0) expect = { contains: e.contains };
    else if (e?.handoff === true) expect = { handoff: true };
    if (expect === undefined) return bad('"expect" must be {"faq": ID}, {"contains": [...]} or {"handoff": true}');
    out.push({
      turns: q.turns as string[],
      expect,
      ...(typeof q.kind === 'string' && q.kind !== '' ? { kind: q.kind } : {}),
      line: i + 1,
    });
  });
  return out;
}

/** The `by_kind` label of a query. */
export function kindOf(q: EvalQuery): string {
  if (q.kind !== undefined) return q.kind;
  const base = 'faq' in q.expect ? 'faq' : 'contains' in q.expect ? 'contains' : 'handoff';
  return q.turns.length > 1 ? `${base}+memory` : base;
}
