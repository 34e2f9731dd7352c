/** Turns a decision into the engine's result: reply text, understanding with sources, memory meta (pure). */
import type { DialogueResult } from '../ports/dialogue.js';
import { META } from './context.js';
import { FAQ_INTENT_PREFIX, kgIntent, type TurnDecision } from './decide.js';
import type { GraphIndex } from './graph.js';
import type { KgResolution } from './kg-question.js';
import { renderAttributeAnswer, renderComparison, renderSummary, type RenderedAnswer } from './render.js';
import type { BotDefinition, Language } from './types.js';

function compactMeta(entries: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(entries)) if (v !== undefined && v !== '') out[k] = v;
  return out;
}

export interface ResultInput {
  readonly bot: BotDefinition;
  readonly graph: GraphIndex;
  readonly decision: TurnDecision;
  readonly kg: KgResolution;
  readonly lang: Language;
}

/** The result of a decided turn. */
export function toResult(input: ResultInput): DialogueResult {
  const { bot, graph, decision, kg, lang } = input;
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
      const { question } = decision;
      const intent = kgIntent(question);
      let rendered: RenderedAnswer;
      let meta: Record<string, string | undefined>;
      if (question.kind === 'compare') {
        rendered = renderComparison(graph, question, lang);
        meta = {
          [META.entity]: question.entityIds[0],
          [META.entities]: question.entityIds.join(','),
          [META.attribute]: question.attribute,
          [META.kind]: 'compare',
        };
      } else if (question.kind === 'attribute') {
        rendered = renderAttributeAnswer(graph, question, lang);
        meta = { [META.entity]: question.entityId, [META.attribute]: question.attribute };
      } else {
        rendered = renderSummary(graph, question.entityId, lang);
        meta = { [META.entity]: question.entityId };
      }
      return {
        reply: reply(rendered.text),
        understanding: { intent, confidence: question.confidence, handoff: false, sources: [...rendered.sources] },
        meta: compactMeta({ [META.intent]: intent, ...meta, [META.lang]: lang }),
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
}
