import { systemClock, type Clock } from '../clock.js';
import { asksForHuman } from '../handoff-policy.js';
import type { Logger } from '../logger.js';
import type { DialogueEngine, DialogueRequest, DialogueResult } from '../ports/dialogue.js';
import type { IntentClassifier, IntentPrediction } from '../ports/inference.js';
import { createAnswerMemo } from './answer-memo.js';
import { conversationContext, trackContext, type ConversationContext } from './context.js';
import { asksHowTo } from './cues.js';
import { decideTurn, FAQ_INTENT_PREFIX, type BestAnswer, type IntentTarget } from './decide.js';
import { createGraphIndex } from './graph.js';
import { kgFeatures } from './kg-features.js';
import { resolveKgQuestion, type KgResolution } from './kg-question.js';
import { languageOfText } from './language.js';
import { normalizeForPhrases } from './phrases.js';
import { toResult } from './result.js';
import type { AnswerCache, AnswerRanker, BotDefinition, KgCalibrator, Language } from './types.js';
import { botVocabulary } from './vocabulary.js';

export interface DialogueEngineOptions {
  readonly bot: BotDefinition;
  /** Trained on `trainingExamples(bot)` (intents plus `faq:ID` pseudo-intents). */
  readonly classifier: IntentClassifier;
  /** Fuses the classifier with retrieval into calibrated answer confidences; without it the classifier decides. */
  readonly ranker?: AnswerRanker;
  /** Turns graph questions' features into calibrated confidences; without it, fixed link scores are used. */
  readonly kgCalibrator?: KgCalibrator;
  /** Caches whole answers by normalised question plus the memory context they read. */
  readonly cache?: AnswerCache;
  /** Prefix of cache keys: change it (e.g. the bot's content hash) to invalidate every cached answer. */
  readonly cacheNamespace?: string;
  /** Overrides `bot.handoff.threshold` (default 0.8). */
  readonly threshold?: number;
  /** Merged over `bot.handoff.perIntent`; keys are intent ids, `faq:ID` or `kg:ATTRIBUTE`. */
  readonly perIntentThreshold?: Readonly<Record<string, number>>;
  /** Used for follow-up ages only when a message carries no `receivedAt`. */
  readonly clock?: Clock;
  /** Remembered products and attributes older than this are not used for follow-ups (default 10 minutes). */
  readonly followUpMaxAgeMs?: number;
  /** A memory-based follow-up yields to another answer the ranker is this sure of (default 0.5). */
  readonly followUpYield?: number;
  /** Gets one debug line per turn (decision, sources, confidence). */
  readonly log?: Logger;
}

const DEFAULT_THRESHOLD = 0.8;

/**
 * The dialogue engine: ranks the bot's answers (intents and FAQ entries: classifier fused with retrieval when a
 * ranker is given), answers product questions from the knowledge graph (attributes, one hop, comparisons, lists,
 * overviews; follow-ups resolved against the memory window), and hands off when the customer asks for a person
 * or confidence is below the threshold. Replies in the customer's language, with sources.
 */
export function createDialogueEngine(options: DialogueEngineOptions): DialogueEngine {
  const { bot, classifier, ranker } = options;
  const clock = options.clock ?? systemClock;
  const graph = createGraphIndex(bot.graph, botVocabulary(bot));
  const threshold = options.threshold ?? bot.handoff.threshold ?? DEFAULT_THRESHOLD;
  const perIntent: Readonly<Record<string, number>> = { ...bot.handoff.perIntent, ...options.perIntentThreshold };
  const thresholdFor = (intent: string): number => perIntent[intent] ?? threshold;
  const maxAgeMs = options.followUpMaxAgeMs ?? 10 * 60 * 1000;
  const followUpYield = options.followUpYield ?? 0.5;
  const defaultLang: Language = bot.languages[0] ?? 'zh';
  const targets = new Map<string, IntentTarget>([
    ...bot.intents.map((intent): [string, IntentTarget] => [intent.id, { kind: 'intent', intent }]),
    ...bot.faq.map((faq): [string, IntentTarget] => [`${FAQ_INTENT_PREFIX}${faq.id}`, { kind: 'faq', faq }]),
  ]);
  const pick = (lang: Language): Language => (bot.languages.includes(lang) ? lang : defaultLang);
  const isProductIntent = (id: string): boolean => {
    const target = targets.get(id);
    return target?.kind === 'intent' && target.intent.action === 'kg';
  };

  const bestAnswer = async (
    text: string,
    signal: AbortSignal | undefined,
  ): Promise<{ prediction: IntentPrediction; best: BestAnswer | undefined }> => {
    const opts = signal === undefined ? {} : { signal };
    const prediction: IntentPrediction = await classifier.classify(text, opts);
    if (ranker === undefined) {
      const best =
        prediction.intent === undefined
          ? undefined
          : { id: prediction.intent, confidence: prediction.confidence, target: targets.get(prediction.intent) };
      return { prediction, best };
    }
    const top = (await ranker.rank(text, prediction, opts))[0];
    const best =
      top === undefined
        ? undefined
        : {
            id: top.id,
            confidence: top.confidence,
            ...(top.heldOut === undefined ? {} : { heldOut: top.heldOut }),
            target: targets.get(top.id),
          };
    return { prediction, best };
  };

  /** The graph question with its calibrated confidence (when a calibrator is given). */
  const calibrated = (kg: KgResolution, text: string, prediction: IntentPrediction | undefined): KgResolution => {
    const { kgCalibrator } = options;
    if (kgCalibrator === undefined || kg.question === undefined) return kg;
    const features = kgFeatures({ text, question: kg.question, graph, prediction, isProductIntent });
    return { ...kg, question: { ...kg.question, confidence: kgCalibrator.confidence(features) } };
  };

  /** The answer to a message given the conversation context (deterministic in the context fields it reads). */
  const answer = async (
    text: string,
    locale: string | undefined,
    context: ConversationContext,
    signal: AbortSignal | undefined,
  ): Promise<DialogueResult> => {
    const lang = pick(languageOfText(text) ?? languageOfText('', [locale]) ?? context.lang ?? defaultLang);
    if (text === '') {
      return {
        reply: [{ type: 'text', text: bot.messages.unsupported[lang] }],
        understanding: { intent: undefined, confidence: 0, handoff: false, sources: [] },
        meta: { lang },
      };
    }
    const askedForHuman = asksForHuman(text);
    const ranked = askedForHuman ? undefined : await bestAnswer(text, signal);
    const best = ranked?.best;
    const kg = askedForHuman ? {} : calibrated(resolveKgQuestion(text, graph, context), text, ranked?.prediction);
    const input = { best, kg, askedForHuman, asksHowTo: asksHowTo(text), thresholdFor, followUpYield };
    const decision = decideTurn(input);
    const result = toResult({ bot, graph, decision, kg, lang });
    if (decision.kind !== 'handoff' || decision.reason !== 'low_confidence') return result;
    // The best guess below the threshold: never sent by the bot; offered to an agent as a draft and as evidence.
    const guess = decideTurn({ ...input, thresholdFor: () => 0, catalogueThreshold: 0 });
    if (guess.kind === 'handoff') return result;
    const { reply, understanding } = toResult({ bot, graph, decision: guess, kg, lang });
    return { ...result, draft: { reply, understanding } };
  };

  const memo = createAnswerMemo({
    ...(options.cache === undefined ? {} : { cache: options.cache }),
    namespace: options.cacheNamespace ?? 'v0',
  });

  const respond = async (request: DialogueRequest): Promise<DialogueResult> => {
    request.signal?.throwIfAborted();
    const { message, history } = request;
    // Follow-up age is measured from this message's arrival; the clock only stands in when that is missing.
    const now = message.receivedAt > 0 ? message.receivedAt : clock.now();
    const context = conversationContext(history, now, maxAgeMs);
    const text = message.text.trim();
    const question = `${message.locale ?? ''}\u0001${normalizeForPhrases(text)}`;
    const result = await memo.get(question, context, async () => {
      const tracked = trackContext(context);
      const computed = await answer(text, message.locale, tracked.context, request.signal);
      return { result: computed, reads: tracked.reads() };
    });
    options.log?.debug(
      {
        intent: result.understanding.intent,
        confidence: result.understanding.confidence,
        handoff: result.understanding.handoff,
        sources: result.understanding.sources,
      },
      'dialogue decision',
    );
    return result;
  };

  return { respond, ready: () => classifier.ready() };
}
