/**
 * The handoff gate, between memory and the dialogue engine:
 * - while a ticket is queued, assigned or human the bot never answers: the customer's message goes to the ticket
 *   transcript and to the consoles, and "/end" / "结束人工" hands the conversation back to the bot;
 * - when the engine decides to hand off (or the customer's low-confidence streak reaches its limit, or a Slack
 *   `handoff.request` button is pressed) a ticket is opened and the customer gets the queued notice with the
 *   queue position and estimated wait, instead of the engine's generic handoff message;
 * - a survey score or a callback message awaited after a ticket closed is taken before the bot sees the message.
 */
import type { TurnContext } from '../core/context.js';
import type { InboundMessage } from '../core/envelope.js';
import {
  asksToEndHandoff,
  decideHandoff,
  isLowConfidenceAnswer,
  LOW_CONFIDENCE_META,
  lowConfidenceStreak,
} from '../core/handoff-policy.js';
import type { Middleware } from '../core/middleware.js';
import { DIALOGUE_DRAFT_STATE } from '../core/pipeline/dialogue.js';
import type { DialogueDraft } from '../core/ports/dialogue.js';
import type { HandoffReason, HandoffTicket, TicketDraft } from '../core/ports/handoff.js';
import type { Understanding } from '../core/turn.js';
import { META } from '../core/engine/context.js';
import { detectLanguage } from '../core/engine/language.js';
import { textOf } from '../core/envelope.js';
import { parseRating } from './commands.js';
import type { Deliver } from './delivery.js';
import type { HandoffService } from './service.js';

export interface HandoffGateOptions {
  /** The bot-wide confidence threshold (answers below it count towards the low-confidence streak). */
  readonly threshold: number;
  /** Hand off after this many low-confidence answers in a row (0: never on streaks). */
  readonly lowConfidenceStreak: number;
  /** The middle band's floor: low-confidence handoffs with a best guess at or above it get a draft for an agent. */
  readonly draftThreshold?: number;
  /** Channels whose handoffs go to the platform's own service desk (WeChat transfer_customer_service). */
  readonly externalChannels: readonly string[];
}

/** `ctx.state` key telling later stages (and tests) the turn opened or is held by this ticket. */
export const HANDOFF_TICKET_STATE = 'handoff.ticket';

interface Escalation {
  readonly reason: HandoffReason;
  readonly draft?: DialogueDraft;
}

/** Understanding reported for a message the bot did not answer because a person holds the conversation. */
function heldUnderstanding(ticket: HandoffTicket): Understanding {
  return {
    intent: undefined,
    confidence: ticket.confidence ?? 0,
    handoff: true,
    handoffReason: ticket.reason,
    sources: [],
  };
}

/** Creates the gate middleware. */
export function handoffGate(options: HandoffGateOptions, deps: { service: HandoffService }): Middleware<TurnContext> {
  const { service } = deps;

  const escalationOf = (ctx: TurnContext): Escalation | undefined => {
    const u = ctx.understanding;
    if (u === undefined) return undefined;
    if (u.handoff) {
      if (u.handoffReason === 'user_request') return { reason: 'user_request' };
      const draft = ctx.state.get(DIALOGUE_DRAFT_STATE) as DialogueDraft | undefined;
      const band = options.draftThreshold;
      if (band !== undefined && draft !== undefined && draft.understanding.confidence >= band) {
        return { reason: 'draft_review', draft };
      }
      return draft === undefined ? { reason: 'low_confidence' } : { reason: 'low_confidence', draft };
    }
    if (!isLowConfidenceAnswer(u, options.threshold)) return undefined;
    const decision = decideHandoff({
      confidence: 1,
      threshold: 0,
      userAskedForHuman: false,
      lowConfidenceStreak: lowConfidenceStreak(ctx.history) + 1,
      maxLowConfidenceStreak: options.lowConfidenceStreak,
    });
    return decision.action === 'handoff' ? { reason: 'repeated_low_confidence' } : undefined;
  };

  /** This turn's language, else the conversation's last one, else detected from the text (or the default). */
  const langOf = (ctx: TurnContext, message?: InboundMessage): string => {
    const meta = ctx.state.get('memory.meta') as Record<string, string> | undefined;
    const fromMeta =
      meta?.[META.lang] ?? ctx.history.findLast((t) => t.meta?.[META.lang] !== undefined)?.meta?.[META.lang];
    if (fromMeta !== undefined) return fromMeta;
    return detectLanguage(ctx.text, [message?.locale], ['zh', 'en'], service.options.defaultLanguage);
  };

  const open = async (ctx: TurnContext, escalation: Escalation, deliver: Deliver): Promise<HandoffTicket> => {
    const ev = ctx.event;
    const u = ctx.understanding;
    const draft = escalation.draft;
    const sources = [...new Set([...(u?.sources ?? []), ...(draft?.understanding.sources ?? [])])];
    const ticketDraft: TicketDraft | undefined =
      escalation.reason === 'draft_review' && draft !== undefined
        ? {
            text: textOf(draft.reply),
            confidence: draft.understanding.confidence,
            ...(draft.understanding.intent === undefined ? {} : { intent: draft.understanding.intent }),
            sources: draft.understanding.sources,
            createdAt: ctx.clock.now(),
          }
        : undefined;
    const current = ev.kind === 'message' ? [{ id: ev.id, user: ev.text, replies: [], at: ev.receivedAt }] : [];
    const { ticket } = await service.open(
      {
        conversation: ev.conversation,
        reason: escalation.reason,
        lang: langOf(ctx, ev.kind === 'message' ? ev : undefined),
        ...(u === undefined ? {} : { confidence: u.confidence }),
        ...(u?.intent === undefined ? {} : { intent: u.intent }),
        sources,
        history: [...ctx.history, ...current].slice(-5),
        ...(ticketDraft === undefined ? {} : { draft: ticketDraft }),
      },
      deliver,
    );
    ctx.state.set(HANDOFF_TICKET_STATE, ticket.id);
    return ticket;
  };

  /** A survey score or callback message after a ticket closed; true when the message was taken. */
  const takeFollowUp = async (ctx: TurnContext, message: InboundMessage, deliver: Deliver): Promise<boolean> => {
    const followUp = await service.followUp(ctx.conversationKey);
    if (followUp === undefined) return false;
    if (followUp.kind === 'survey') {
      const score = parseRating(message.text);
      if (score === undefined) {
        await service.clearFollowUp(ctx.conversationKey);
        return false;
      }
      await service.apply(followUp.ticketId, { type: 'rate', score }, deliver);
      ctx.understanding = { intent: 'handoff.survey', confidence: 1, handoff: false, sources: [] };
      return true;
    }
    const text = message.text.trim();
    if (text === '') return false;
    const ticket = await service.get(followUp.ticketId);
    await service.notices.record(ticket, { role: 'customer', text, at: message.receivedAt, messageId: message.id });
    await service.apply(ticket.id, { type: 'callback_message', text }, deliver);
    ctx.understanding = { intent: 'handoff.callback', confidence: 1, handoff: false, sources: [] };
    return true;
  };

  return async (ctx, next) => {
    const ev = ctx.event;
    if (options.externalChannels.includes(ev.conversation.channel)) return next();
    const deliver: Deliver = (message) => ctx.send({ ...message, replyTo: ev.id });
    const ticket = await service.active(ctx.conversationKey);

    if (ev.kind === 'action') {
      if (ev.action === 'handoff.request' && ticket === undefined) {
        // Memory is loaded for messages only: read it here for the packet and the customer's language.
        ctx.history = await service.deps.memory.recent(ctx.conversationKey);
        await open(ctx, { reason: 'user_request' }, deliver);
        ctx.understanding = {
          intent: 'human',
          confidence: 1,
          handoff: true,
          handoffReason: 'user_request',
          sources: [],
        };
        return;
      }
      if (ev.action === 'handoff.end' && ticket !== undefined) {
        await service.apply(ticket.id, { type: 'return_to_bot', actor: { kind: 'customer' } }, deliver);
        return;
      }
      const followUp = await service.followUp(ctx.conversationKey);
      if (ev.action === 'rating' && followUp?.kind === 'survey') {
        const score = parseRating(ev.value ?? '');
        if (score !== undefined) return void (await service.apply(followUp.ticketId, { type: 'rate', score }, deliver));
      }
      return next();
    }
    if (ev.kind !== 'message') return next();

    if (ticket !== undefined) {
      ctx.understanding = heldUnderstanding(ticket);
      ctx.state.set(HANDOFF_TICKET_STATE, ticket.id);
      await service.notices.record(ticket, { role: 'customer', text: ev.text, at: ev.receivedAt, messageId: ev.id });
      if (asksToEndHandoff(ev.text)) {
        await service.apply(ticket.id, { type: 'return_to_bot', actor: { kind: 'customer' } }, deliver);
        ctx.understanding = { ...heldUnderstanding(ticket), handoff: false, handoffReason: 'customer_ended' };
        return;
      }
      await service.apply(ticket.id, { type: 'customer_message' });
      return; // a person holds the conversation: the bot stays silent
    }

    if (await takeFollowUp(ctx, ev, deliver)) return;
    await service.deps.queue.countTurn(ctx.clock.now());

    let escalation: Escalation | undefined;
    let decided = false;
    const decide = (): Escalation | undefined => {
      if (!decided && ctx.understanding !== undefined) {
        escalation = escalationOf(ctx);
        decided = true;
      }
      return escalation;
    };
    // The engine's own handoff text (or its low-confidence answer) is replaced by the queued notice.
    ctx.onSend((c, out, send) =>
      out.author.kind === 'bot' && decide() !== undefined
        ? Promise.resolve({ sentAt: c.clock.now(), via: 'replaced-by-handoff-notice' })
        : send(),
    );
    await next();
    const u = ctx.understanding;
    if (u === undefined) return;
    const found = decide();
    if (found === undefined) {
      if (isLowConfidenceAnswer(u, options.threshold)) {
        const meta = (ctx.state.get('memory.meta') as Record<string, string> | undefined) ?? {};
        ctx.state.set('memory.meta', { ...meta, [LOW_CONFIDENCE_META]: '1' });
      }
      return;
    }
    await open(ctx, found, deliver);
    ctx.understanding = { ...u, handoff: true, handoffReason: found.reason };
  };
}
