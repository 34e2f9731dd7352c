/** `faq.csv`: FAQ entries as a spreadsheet export (RFC 4180 CSV with a header row) (pure). */
import type { BotFolderProblem } from './problems.js';

/** Parses CSV: quoted fields may hold commas, quotes (doubled) and line breaks; a UTF-8 BOM is ignored. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const src = text.startsWith('\uFEFF') ? text.slice(1) : text;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (quoted) {
      if (c === '"' && src[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
      continue;
    }
    if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && src[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.some((f) => f.trim() !== ''));
}

const split = (cell: string | undefined): string[] =>
  (cell ?? '')
    .split('|')
    .map((s) => s.trim())
    .filter((s) => s !== '');

/**
 * Turns `faq.csv` rows into the `faq.yaml` shape. Columns (header names, any order): `id`; `question` (one per row:
 * rows with the same id add questions) and/or `questions` (`|`-separated); `answer`, or `answer_zh` and
 * `answer_en`; optional `tags` (`|`-separated). The result is then validated like `faq.yaml`.
 */
export function faqFromCsv(file: string, text: string): { content: unknown[]; problems: BotFolderProblem[] } {
  const rows = parseCsv(text);
  const header = (rows[0] ?? []).map((h) => h.trim().toLowerCase());
  const problems: BotFolderProblem[] = [];
  const col = (name: string): number => header.indexOf(name);
  if (col('id') < 0) problems.push({ file, path: '', message: 'needs an "id" column' });
  if (col('question') < 0 && col('questions') < 0) {
    problems.push({ file, path: '', message: 'needs a "question" or "questions" column' });
  }
  if (col('answer') < 0 && (col('answer_zh') < 0 || col('answer_en') < 0)) {
    problems.push({ file, path: '', message: 'needs an "answer" column, or "answer_zh" and "answer_en"' });
  }
  if (problems.length > 0) return { content: [], problems };
  const byId = new Map<string, { id: string; questions: string[]; answer?: unknown; tags: string[] }>();
  rows.slice(1).forEach((row, i) => {
    const cell = (name: string): string | undefined => {
      const at = col(name);
      return at < 0 ? undefined : row[at]?.trim();
    };
    const id = cell('id') ?? '';
    if (id === '') {
      problems.push({ file, path: `row ${i + 2}`, message: 'id is empty' });
      return;
    }
    const entry = byId.get(id) ?? { id, questions: [], tags: [] };
    const q = cell('question');
    if (q !== undefined && q !== '') entry.questions.push(q);
    entry.questions.push(...split(cell('questions')));
    const zh = cell('answer_zh');
    const en = cell('answer_en');
    const plain = cell('answer');
    if (zh !== undefined && zh !== '' && en !== undefined && en !== '') entry.answer = { zh, en };
    else if (plain !== undefined && plain !== '') entry.answer = plain;
    entry.tags.push(...split(cell('tags')).filter((t) => !entry.tags.includes(t)));
    byId.set(id, entry);
  });
  const content = [...byId.values()].map((e) => ({
    id: e.id,
    questions: e.questions,
    ...(e.answer === undefined ? {} : { answer: e.answer }),
    ...(e.tags.length === 0 ? {} : { tags: e.tags }),
  }));
  return { content, problems };
}
