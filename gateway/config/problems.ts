/**
 * Turns zod issues and other config problems into one readable, complete error.
 */
import type { z } from 'zod';
import { BotError } from '../../core/errors.js';
import type { AppliedOverride } from './env-overrides.js';
import { formatPath, type ConfigProblem } from './interpolate.js';

/** Flattens zod issues into problems with dotted paths; unknown keys get one problem each. */
export function problemsFromZod(error: z.ZodError): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        problems.push({ path: formatPath([...issue.path, key]), message: 'unknown key (check the spelling)' });
      }
    } else if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      // Report the branch that got furthest rather than a bare "Invalid input".
      const deepest = issue.errors.flat().sort((a, b) => b.path.length - a.path.length)[0];
      problems.push({
        path: formatPath([...issue.path, ...(deepest?.path ?? [])]),
        message: deepest?.message ?? issue.message,
      });
    } else if (issue.code === 'invalid_type' && / received undefined$/.test(issue.message)) {
      problems.push({ path: formatPath(issue.path), message: `is required (expected ${issue.expected})` });
    } else {
      problems.push({ path: formatPath(issue.path), message: issue.message });
    }
  }
  return problems;
}

/** Notes which environment variable set a path, so the operator knows where to look. */
export function attributeProblems(
  problems: readonly ConfigProblem[],
  applied: readonly AppliedOverride[],
): ConfigProblem[] {
  return problems.map((problem) => {
    const source = applied.find(
      (o) => problem.path === o.path || problem.path.startsWith(`${o.path}.`) || o.path.startsWith(`${problem.path}.`),
    );
    return source === undefined ? problem : { ...problem, message: `${problem.message} (set by ${source.variable})` };
  });
}

/** One `config.invalid` error listing every problem, one per line. */
export function configError(source: string, problems: readonly ConfigProblem[]): BotError {
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  const lines = problems.map((p) => `  - ${p.path === '' ? '(root)' : p.path}: ${p.message}`);
  return new BotError('config.invalid', `Invalid configuration in ${source} (${count}):\n${lines.join('\n')}`, {
    details: { source, problems },
  });
}
