/** Reading `{"text", "intent"}` JSON-lines files. */

import { readFile } from 'node:fs/promises';

import { BotError } from '../../core/errors.js';
import type { LabeledText } from '../fasttext/dataset.js';

/** Parses JSON lines of `{"text": string, "intent": string}`; blank lines are skipped. */
export function parseJsonl(content: string, source = 'input'): LabeledText[] {
  const out: LabeledText[] = [];
  content.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (cause) {
      throw new BotError('request.invalid', `${source}:${i + 1} is not valid JSON`, { cause });
    }
    const v = value as { text?: unknown; intent?: unknown };
    if (typeof v.text !== 'string' || typeof v.intent !== 'string') {
      throw new BotError('request.invalid', `${source}:${i + 1} needs string fields "text" and "intent"`);
    }
    out.push({ text: v.text, intent: v.intent });
  });
  return out;
}

/** Reads and parses a JSON-lines file. */
export async function readJsonl(path: string): Promise<LabeledText[]> {
  let content: string;
  try {
    content = await readFile(path, 'utf8');
  } catch (cause) {
    throw new BotError('config.missing', `cannot read ${path}`, { cause });
  }
  return parseJsonl(content, path);
}
