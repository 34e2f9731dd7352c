/** Problems found in a bot folder, each with its file and path. */
import type { z } from 'zod';

export interface BotFolderProblem {
  /** The file name inside the folder, e.g. `intents.yaml`. */
  readonly file: string;
  /** Where in the file, e.g. `[3].examples[0]` or `handoff.threshold`; empty for the whole file. */
  readonly path: string;
  readonly message: string;
}

/** `[3, 'examples', 0]` → `[3].examples[0]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out.length === 0 ? String(key) : `.${String(key)}`;
  }
  return out;
}

type Issue = z.core.$ZodIssue;

function flatten(issue: Issue, prefix: readonly PropertyKey[]): { path: PropertyKey[]; message: string }[] {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'invalid_union') {
    // Report the branch that got furthest (e.g. `{zh, en}` missing `en`), or the union's own message.
    const all = issue.errors.flat();
    const nested = all.filter((i) => i.path.length > 0);
    if (nested.length > 0) return nested.flatMap((i) => flatten(i, path));
    if (all.length > 0 && all.every((i) => i.message.endsWith('received undefined'))) {
      return [{ path, message: 'is required' }];
    }
    return [{ path, message: issue.message }];
  }
  if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) {
    return [{ path, message: 'is required' }];
  }
  return [{ path, message: issue.message }];
}

/** Turns zod issues into problems of one file. */
export function problemsFromZod(file: string, error: z.ZodError): BotFolderProblem[] {
  return error.issues.flatMap((issue) =>
    flatten(issue, []).map((p) => ({ file, path: formatPath(p.path), message: p.message })),
  );
}

/** One line per problem: `file: path: message`. */
export function formatProblems(problems: readonly BotFolderProblem[]): string {
  return problems.map((p) => `${p.file}${p.path === '' ? '' : `: ${p.path}`}: ${p.message}`).join('\n');
}
