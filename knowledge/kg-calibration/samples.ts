/**
 * Turns generated cases into calibration samples: each case is resolved by the engine's own graph QA against its
 * graph (the bot's, or one with the asked-about entities or attributes held out); every case that yields a graph
 * question is one sample of `kgFeatures` → right or wrong. The bot's own texts are classified by classifiers
 * trained without their unit (trained only when such a text yields a question), so their intent features are not
 * read off texts the classifier was trained on.
 */
import { createGraphIndex, type GraphIndex } from '../../core/engine/graph.js';
import { kgFeatures } from '../../core/engine/kg-features.js';
import { resolveKgQuestion, type KgQuestion } from '../../core/engine/kg-question.js';
import { trainingExamples } from '../../core/engine/training.js';
import type { BotDefinition } from '../../core/engine/types.js';
import { botVocabulary } from '../../core/engine/vocabulary.js';
import { fnv1a } from '../../core/math/hash.js';
import type { IntentClassifier } from '../../core/ports/inference.js';
import type { ClassifierFactory } from '../retrieval/calibration-fit.js';
import type { KgCase, KgCaseCategory, KgCaseOptions, KgTruth } from './case-types.js';
import { generateKgCases } from './cases.js';

/** One resolved case. */
export interface KgSample {
  readonly x: readonly number[];
  readonly y: boolean;
  readonly category: KgCaseCategory;
  readonly text: string;
}

export interface KgSampleOptions extends KgCaseOptions {
  readonly bot: BotDefinition;
  /** The serving classifier: intent features of generated questions. */
  readonly classifier: IntentClassifier;
  /** Trains classifiers without some units (the same folds as the ranker's calibration: shared when memoised). */
  readonly classifierFactory: ClassifierFactory;
}

/** Whether a resolved question is the case's right answer. */
export function isRight(question: KgQuestion, truth: KgTruth | undefined): boolean {
  if (truth === undefined) return false;
  if (question.kind === 'overview' && truth.kind === 'overview') return question.entityId === truth.entityId;
  if (question.kind === 'attribute' && truth.kind === 'attribute') {
    return question.entityId === truth.entityId && question.attribute === truth.attribute;
  }
  if (question.kind === 'compare' && truth.kind === 'compare') {
    const ids = new Set(question.entityIds);
    return question.attribute === truth.attribute && ids.size === 2 && truth.entityIds.every((id) => ids.has(id));
  }
  return false;
}

/** Generates the cases and resolves them; also returns how many cases each category asked. */
export async function kgSamples(
  options: KgSampleOptions,
): Promise<{ samples: KgSample[]; cases: number; asked: Map<KgCaseCategory, number> }> {
  const { bot } = options;
  const folds = Math.max(2, options.folds ?? 5);
  // One vocabulary for every graph: it only tells known model words from unknown ones.
  const vocabulary = botVocabulary(bot);
  const full = createGraphIndex(bot.graph, vocabulary);
  const { cases, graphs } = generateKgCases(bot, full, { ...options, folds });
  const indexes = new Map<string, GraphIndex>([['full', full]]);
  const indexOf = (key: string): GraphIndex => {
    let index = indexes.get(key);
    if (index === undefined) {
      index = createGraphIndex(graphs.get(key) ?? bot.graph, vocabulary);
      indexes.set(key, index);
    }
    return index;
  };
  const product = new Set(bot.intents.filter((i) => i.action === 'kg').map((i) => i.id));
  const isProductIntent = (id: string): boolean => product.has(id);
  const examples = trainingExamples(bot);
  const unitFold = (unit: string): number => fnv1a(`unit:${unit}`) % folds;
  const heldOut = new Map<number, Promise<IntentClassifier>>();
  const classifierFor = (c: KgCase): Promise<IntentClassifier> => {
    if (c.unit === undefined) return Promise.resolve(options.classifier);
    const fold = unitFold(c.unit);
    let found = heldOut.get(fold);
    if (found === undefined) {
      found = Promise.resolve(options.classifierFactory(examples.filter((e) => unitFold(e.intent) !== fold)));
      heldOut.set(fold, found);
    }
    return found;
  };

  const asked = new Map<KgCaseCategory, number>();
  const samples: KgSample[] = [];
  for (const c of cases) {
    asked.set(c.category, (asked.get(c.category) ?? 0) + 1);
    const graph = indexOf(c.graph);
    const question = resolveKgQuestion(c.text, graph, c.context).question;
    if (question === undefined) continue;
    const prediction = await (await classifierFor(c)).classify(c.text);
    samples.push({
      x: kgFeatures({ text: c.text, question, graph, prediction, isProductIntent }),
      y: isRight(question, c.truth),
      category: c.category,
      text: c.text,
    });
  }
  return { samples, cases: cases.length, asked };
}
