/** Reads a bot folder from disk (YAML or JSON) into the engine's `BotDefinition`. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { BotError } from '../../core/errors.js';
import type { BotDefinition } from '../../core/engine/types.js';
import { faqFromCsv } from './csv.js';
import { formatProblems, type BotFolderProblem } from './problems.js';
import { validateBotFolder, type SourceFile } from './validate.js';

const EXTENSIONS = ['yaml', 'yml', 'json'] as const;

async function readSource(dir: string, base: string, problems: BotFolderProblem[]): Promise<SourceFile> {
  for (const ext of EXTENSIONS) {
    const file = `${base}.${ext}`;
    let text: string;
    try {
      text = await readFile(join(dir, file), 'utf8');
    } catch (error: unknown) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      problems.push({ file, path: '', message: `cannot be read: ${(error as Error).message}` });
      return { file, content: undefined, unreadable: true };
    }
    try {
      // YAML 1.2 is a superset of JSON, so one parser reads both.
      return { file, content: parse(text, { prettyErrors: true, uniqueKeys: true }) as unknown };
    } catch (error: unknown) {
      problems.push({
        file,
        path: '',
        message: `is not valid ${ext === 'json' ? 'JSON' : 'YAML'}: ${(error as Error).message}`,
      });
      return { file, content: undefined, unreadable: true };
    }
  }
  if (base === 'faq') return readFaqCsv(dir, problems);
  return { file: `${base}.yaml`, content: undefined };
}

async function readFaqCsv(dir: string, problems: BotFolderProblem[]): Promise<SourceFile> {
  const file = 'faq.csv';
  let text: string;
  try {
    text = await readFile(join(dir, file), 'utf8');
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { file: 'faq.yaml', content: undefined };
    problems.push({ file, path: '', message: `cannot be read: ${(error as Error).message}` });
    return { file, content: undefined, unreadable: true };
  }
  const parsed = faqFromCsv(file, text);
  problems.push(...parsed.problems);
  return parsed.problems.length > 0
    ? { file, content: undefined, unreadable: true }
    : { file, content: parsed.content };
}

/**
 * Loads a bot folder (`bot.yaml`, `intents.yaml`, optional `faq.yaml` (or `faq.csv`) and `graph.yaml`;
 * `.yml`/`.json` also accepted)
 * into a deeply frozen `BotDefinition`.
 * @throws BotError `knowledge.invalid` listing every problem as `file: path: message` (also in `details.problems`).
 */
export async function loadBotFolder(dir: string): Promise<BotDefinition> {
  const readProblems: BotFolderProblem[] = [];
  const [bot, intents, faq, graph] = await Promise.all(
    ['bot', 'intents', 'faq', 'graph'].map((base) => readSource(dir, base, readProblems)),
  );
  if (bot === undefined || intents === undefined || faq === undefined || graph === undefined) {
    throw new BotError('internal', 'bot folder sources were not read');
  }
  const result = validateBotFolder({ bot, intents, faq, graph });
  const problems = [...readProblems, ...(result.ok ? [] : result.problems)];
  if (result.ok && problems.length === 0) return result.bot;
  throw new BotError(
    'knowledge.invalid',
    `bot folder ${dir} is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${formatProblems(problems)}`,
    { details: { dir, problems } },
  );
}
