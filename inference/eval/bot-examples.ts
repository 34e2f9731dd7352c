/** Training examples from a bot folder: intents.yaml examples + faq.yaml questions (intent `faq:ID`). */

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { parse } from 'yaml';

import { BotError } from '../../core/errors.js';
import type { BotDefinition, TrainingExample } from '../../core/engine/types.js';

/** Examples of a loaded bot: every intent example, and every FAQ question labelled `faq:<id>`. */
export function examplesFromBot(bot: Pick<BotDefinition, 'intents' | 'faq'>): TrainingExample[] {
  return [
    ...bot.intents.flatMap((i) => i.examples.map((text) => ({ text, intent: i.id }))),
    ...bot.faq.flatMap((f) => f.questions.map((text) => ({ text, intent: `faq:${f.id}` }))),
  ];
}

async function readYamlList(dir: string, base: string): Promise<unknown[]> {
  for (const ext of ['yaml', 'yml', 'json']) {
    let text: string;
    try {
      text = await readFile(join(dir, `${base}.${ext}`), 'utf8');
    } catch {
      continue;
    }
    const value: unknown = parse(text);
    if (value === null || value === undefined) return [];
    if (!Array.isArray(value)) throw new BotError('knowledge.invalid', `${base}.${ext} must be a list`);
    return value as unknown[];
  }
  return [];
}

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string' && s.trim() !== '') : [];

/**
 * Minimal reader used when the full bot-folder loader is not available: `intents.yaml` entries
 * `{intent, examples[]}` and `faq.yaml` entries `{id, questions[]}`; other fields are ignored.
 */
export async function readBotExamplesMinimal(dir: string): Promise<TrainingExample[]> {
  const intents = await readYamlList(dir, 'intents');
  const faq = await readYamlList(dir, 'faq');
  const out: TrainingExample[] = [];
  for (const raw of intents) {
    const e = raw as { intent?: unknown; id?: unknown; examples?: unknown };
    const id = typeof e.intent === 'string' ? e.intent : typeof e.id === 'string' ? e.id : undefined;
    if (id !== undefined) for (const text of strings(e.examples)) out.push({ text, intent: id });
  }
  for (const raw of faq) {
    const e = raw as { id?: unknown; questions?: unknown };
    if (typeof e.id === 'string') for (const text of strings(e.questions)) out.push({ text, intent: `faq:${e.id}` });
  }
  return out;
}
