import { systemClock, type Clock } from '../clock.js';
import { asksForHuman } from '../handoff-policy.js';
import type { DialogueEngine, DialogueRequest, DialogueResult } from '../ports/dialogue.js';
import type { IntentClassifier } from '../ports/inference.js';
import { conversationContext, META } from './context.js';
import { decideTurn, FAQ_INTENT_PREFIX, KG_INTENT_PREFIX, type IntentTarget, type TurnDecision } from './decide.js';
import { resolveKgQuery, type KgResolution } from './follow-up.js';
import { createGraphIndex } from './graph.js';
import { detectLanguage } from './language.js';
import { renderAttributeAnswer, renderSummary } from './render.js';
import type { BotDefinition, Language } from './types.js';

export interface DialogueEngineOptions {
  readonly bot: BotDefinition;
  /** Trained on `trainingExamples(bot)` (intents plus `faq:ID` pseudo-intents). */
  readonly classifier: IntentClassifier;
  /** Overrides `bot.handoff.threshold` (default 0.8). */
  readonly threshold?: number;
  /** Merged over `bot.handoff.perIntent`; keys are intent ids, `faq:ID` or `kg:ATTRIBUTE`. */
  readonly perIntentThreshold?: Readonly<Record<string, number>>;
  /** Used for follow-up ages only when a message carries no `receivedAt`. */
  readonly clock?: Clock;
  /** Remembered products and attributes older than this are not used for follow-ups (default 10 minutes). */
  readonly followUpMaxAgeMs?: number;
  /** A memory-based follow-up yields to another intent the classifier is this sure of (default 0.5). */
  readonly followUpYield?: number;
}

const DEFAULT_THRESHOLD = 0.8;

function compactMeta(entries: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(entries)) if (v !== undefined && v !== '') out[k] = v;
  return out;
}

/**
 * The dialogue engine: classifies the message (intents and FAQ pseudo-intents), answers product attribute
 * questions from the knowledge graph (with follow-ups resolved against the memory window), and hands off
 * when the customer asks for a person or confidence is below the threshold. Replies in the customer's language.
 */
export function createDialogueEngine(options: DialogueEngineOptions): DialogueEngine {
  const { bot, classifier } = options;
  const clock = options.clock ?? systemClock;
  const graph = createGraphIndex(bot.graph);
  const attributeKeys = Object.keys(bot.graph.attributes);
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

  const toResult = (decision: TurnDecision, kg: KgResolution, lang: Language): DialogueResult => {
    const reply = (text: string): DialogueResult['reply'] => [{ type: 'text', text }];
    switch (decision.kind) {
      case 'handoff':
        return {
          reply: reply(bot.messages.handoff[lang]),
          understanding: {
            intent: decision.intent,
            confidence: decision.confidence,
            handoff: true,
            handoffReason: decision.reason,
            sources: [],
          },
          meta: compactMeta({ [META.intent]: decision.intent, [META.lang]: lang }),
        };
      case 'kg': {
        const { query } = decision;
        const intent = `${KG_INTENT_PREFIX}${query.attribute}`;
        return {
          reply: reply(renderAttributeAnswer(graph, query, lang)),
          understanding: {
            intent,
            confidence: query.confidence,
            handoff: false,
            sources: [`kg:${query.valueEntityId}:${query.attribute}`],
          },
          meta: compactMeta({
            [META.intent]: intent,
            [META.entity]: query.entityId,
            [META.attribute]: query.attribute,
            [META.lang]: lang,
          }),
        };
      }
      case 'summary': {
        const summary = renderSummary(graph, decision.entityId, attributeKeys, lang);
        return {
          reply: reply(summary.text),
          understanding: {
            intent: decision.intent.id,
            confidence: decision.confidence,
            handoff: false,
            sources: summary.attributes.map((a) => `kg:${graph.valueOf(decision.entityId, a)?.entityId ?? ''}:${a}`),
          },
          meta: compactMeta({ [META.intent]: decision.intent.id, [META.entity]: decision.entityId, [META.lang]: lang }),
        };
      }
      case 'faq': {
        const intent = `${FAQ_INTENT_PREFIX}${decision.faq.id}`;
        return {
          reply: reply(decision.faq.answer[lang]),
          understanding: { intent, confidence: decision.confidence, handoff: false, sources: [intent] },
          meta: compactMeta({ [META.intent]: intent, [META.entity]: kg.mentioned, [META.lang]: lang }),
        };
      }
      case 'intent': {
        const { intent } = decision;
        const answer = intent.answer?.[lang];
        return {
          reply: reply(answer ?? bot.messages.fallback[lang]),
          understanding: {
            intent: intent.id,
            confidence: decision.confidence,
            handoff: false,
            sources: answer === undefined ? [] : [`intent:${intent.id}`],
          },
          meta: compactMeta({ [META.intent]: intent.id, [META.entity]: kg.mentioned, [META.lang]: lang }),
        };
      }
    }
  };

  const respond = async (request: DialogueRequest): Promise<DialogueResult> => {
    request.signal?.throwIfAborted();
    const { message, history } = request;
    // Follow-up age is measured from this message's arrival; the clock only stands in when that is missing.
    const now = message.receivedAt > 0 ? message.receivedAt : clock.now();
    const context = conversationContext(history, now, maxAgeMs);
    const text = message.text.trim();
    const lang = detectLanguage(text, [message.locale, context.lang], bot.languages, defaultLang);
    if (text === '') {
      return {
        reply: [{ type: 'text', text: bot.messages.unsupported[lang] }],
        understanding: { intent: undefined, confidence: 0, handoff: false, sources: [] },
        meta: { [META.lang]: lang },
      };
    }
    const askedForHuman = asksForHuman(text);
    const prediction = askedForHuman
      ? undefined
      : await classifier.classify(text, request.signal === undefined ? {} : { signal: request.signal });
    const kg = resolveKgQuery(text, graph, context);
    const intent = prediction?.intent;
    const input = {
      intent,
      confidence: prediction?.confidence ?? 0,
      target: intent === undefined ? undefined : targets.get(intent),
      kg,
      askedForHuman,
      thresholdFor,
      followUpYield,
    };
    const decision = decideTurn(input);
    const result = toResult(decision, kg, lang);
    if (decision.kind !== 'handoff' || decision.reason !== 'low_confidence') return result;
    // The best guess below the threshold: never sent by the bot, offered to an agent as a draft and as evidence.
    const guess = decideTurn({ ...input, thresholdFor: () => 0 });
    if (guess.kind === 'handoff') return result;
    const { reply, understanding } = toResult(guess, kg, lang);
    return { ...result, draft: { reply, understanding } };
  };

  return { respond, ready: () => classifier.ready() };
}
