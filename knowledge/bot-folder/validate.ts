/** Pure validation of parsed bot folder files into the engine's `BotDefinition`. */
import type {
  AttributeValue,
  BotDefinition,
  FaqEntry,
  GraphEntity,
  IntentDefinition,
  KnowledgeGraph,
  LocalizedText,
} from '../../core/engine/types.js';
import type { ZodType } from 'zod';
import { formatPath, problemsFromZod, type BotFolderProblem } from './problems.js';
import {
  botFileSchema,
  faqFileSchema,
  graphFileSchema,
  intentsFileSchema,
  type BotFile,
  type FaqFile,
  type GraphFile,
  type IntentsFile,
  type TextInput,
} from './schema.js';

/** A parsed file: its name in the folder and its content (undefined when the file is absent). */
export interface SourceFile {
  readonly file: string;
  readonly content: unknown;
  /** The file exists but could not be read or parsed (already reported); it is skipped. */
  readonly unreadable?: boolean;
}

/** The four files of a bot folder; `faq` and `graph` are optional. */
export interface BotFolderSources {
  readonly bot: SourceFile;
  readonly intents: SourceFile;
  readonly faq: SourceFile;
  readonly graph: SourceFile;
}

export type BotFolderValidation =
  | { readonly ok: true; readonly bot: BotDefinition }
  | { readonly ok: false; readonly problems: readonly BotFolderProblem[] };

function localize(text: TextInput): LocalizedText {
  return typeof text === 'string' ? { zh: text, en: text } : { zh: text.zh, en: text.en };
}

function parseFile<T>(
  source: SourceFile,
  schema: ZodType<T>,
  required: boolean,
  emptyInput: unknown,
  problems: BotFolderProblem[],
): T | undefined {
  if (source.unreadable === true) return undefined;
  if (source.content === undefined && required) {
    problems.push({ file: source.file, path: '', message: 'file is missing' });
    return undefined;
  }
  // An empty file parses to null (YAML) and means "nothing declared".
  const result = schema.safeParse(source.content ?? emptyInput);
  if (result.success) return result.data;
  problems.push(...problemsFromZod(source.file, result.error));
  return undefined;
}

function duplicates<T>(items: readonly T[], key: (t: T) => string, report: (index: number, k: string) => void): void {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    const k = key(item);
    if (seen.has(k)) report(i, k);
    seen.add(k);
  });
}

function checkIntents(file: string, intents: IntentsFile, problems: BotFolderProblem[]): void {
  duplicates(
    intents,
    (i) => i.intent,
    (i, k) => problems.push({ file, path: formatPath([i, 'intent']), message: `duplicate intent "${k}"` }),
  );
  intents.forEach((intent, i) => {
    const action = intent.action ?? 'faq';
    if ((action === 'faq' || action === 'smalltalk') && intent.answer === undefined) {
      problems.push({ file, path: formatPath([i, 'answer']), message: `is required for action "${action}"` });
    }
  });
}

function checkGraph(file: string, graph: GraphFile, problems: BotFolderProblem[]): void {
  const entities = graph.entities ?? [];
  const declared = new Set(Object.keys(graph.attributes ?? {}));
  duplicates(
    entities,
    (e) => e.id,
    (i, k) => problems.push({ file, path: formatPath(['entities', i, 'id']), message: `duplicate entity "${k}"` }),
  );
  entities.forEach((entity, i) => {
    for (const key of Object.keys(entity.attributes ?? {})) {
      if (!declared.has(key)) {
        problems.push({
          file,
          path: formatPath(['entities', i, 'attributes', key]),
          message: `attribute "${key}" is not declared under attributes`,
        });
      }
    }
  });
  const ids = new Set(entities.map((e) => e.id));
  (graph.relations ?? []).forEach(([subject, predicate, object], i) => {
    if (!ids.has(subject)) {
      problems.push({ file, path: formatPath(['relations', i, 0]), message: `unknown entity "${subject}"` });
    }
    if (predicate === 'variant_of' && !ids.has(object)) {
      problems.push({ file, path: formatPath(['relations', i, 2]), message: `unknown entity "${object}"` });
    }
  });
}

function checkThresholds(
  file: string,
  bot: BotFile,
  intents: IntentsFile | undefined,
  faq: FaqFile | undefined,
  graph: GraphFile | undefined,
  problems: BotFolderProblem[],
): void {
  if (intents === undefined || faq === undefined || graph === undefined) return;
  const known = new Set([
    ...intents.map((i) => i.intent),
    ...faq.map((f) => `faq:${f.id}`),
    ...Object.keys(graph.attributes ?? {}).map((a) => `kg:${a}`),
  ]);
  for (const key of Object.keys(bot.handoff.perIntent ?? {})) {
    if (!known.has(key)) {
      problems.push({
        file,
        path: formatPath(['handoff', 'perIntent', key]),
        message: `unknown intent "${key}" (use an intent id, faq:ID or kg:ATTRIBUTE)`,
      });
    }
  }
}

function toGraph(graph: GraphFile): KnowledgeGraph {
  const entities: GraphEntity[] = (graph.entities ?? []).map((e) => ({
    id: e.id,
    type: e.type,
    name: localize(e.name),
    aliases: e.aliases ?? [],
    attributes: Object.fromEntries(
      Object.entries(e.attributes ?? {}).map(([k, v]): [string, AttributeValue] => [k, v]),
    ),
  }));
  return {
    entities,
    relations: (graph.relations ?? []).map(([s, p, o]) => [s, p, o] as const),
    attributes: Object.fromEntries(
      Object.entries(graph.attributes ?? {}).map(([key, a]) => [
        key,
        {
          label: localize(a.label),
          synonyms: a.synonyms,
          ...(a.template === undefined ? {} : { template: localize(a.template) }),
        },
      ]),
    ),
  };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * Validates the parsed files of a bot folder and builds the engine's `BotDefinition` (deeply frozen).
 * Reports every problem at once: schema errors of each file and cross-file checks
 * (duplicate ids, answers required by the action, unknown entities and attributes, unknown per-intent thresholds).
 */
export function validateBotFolder(sources: BotFolderSources): BotFolderValidation {
  const problems: BotFolderProblem[] = [];
  const bot = parseFile<BotFile>(sources.bot, botFileSchema, true, {}, problems);
  const intents = parseFile<IntentsFile>(sources.intents, intentsFileSchema, true, [], problems);
  const faq = parseFile<FaqFile>(sources.faq, faqFileSchema, false, [], problems);
  const graph = parseFile<GraphFile>(sources.graph, graphFileSchema, false, {}, problems);
  if (intents !== undefined) checkIntents(sources.intents.file, intents, problems);
  if (faq !== undefined) {
    duplicates(
      faq,
      (f) => f.id,
      (i, k) => problems.push({ file: sources.faq.file, path: formatPath([i, 'id']), message: `duplicate id "${k}"` }),
    );
  }
  if (graph !== undefined) checkGraph(sources.graph.file, graph, problems);
  if (bot !== undefined) checkThresholds(sources.bot.file, bot, intents, faq, graph, problems);
  if (problems.length > 0 || bot === undefined || intents === undefined || faq === undefined || graph === undefined) {
    return { ok: false, problems };
  }
  const definition: BotDefinition = {
    name: bot.name,
    languages: [...new Set(bot.languages)],
    handoff: { threshold: bot.handoff.threshold, perIntent: { ...bot.handoff.perIntent } },
    messages: {
      welcome: localize(bot.messages.welcome),
      fallback: localize(bot.messages.fallback),
      handoff: localize(bot.messages.handoff),
      apology: localize(bot.messages.apology),
      unsupported: localize(bot.messages.unsupported),
    },
    intents: intents.map((i): IntentDefinition => ({
      id: i.intent,
      examples: i.examples,
      action: i.action ?? 'faq',
      ...(i.answer === undefined ? {} : { answer: localize(i.answer) }),
    })),
    faq: faq.map((f): FaqEntry => ({
      id: f.id,
      questions: f.questions,
      answer: localize(f.answer),
      tags: f.tags ?? [],
    })),
    graph: toGraph(graph),
  };
  return { ok: true, bot: deepFreeze(definition) };
}
