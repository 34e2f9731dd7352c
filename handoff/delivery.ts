/**
 * Delivering what the customer is told: notices rendered in the ticket's language (queued with position and
 * estimated wait), sent in the turn when there is one or through the channel otherwise, recorded in memory and
 * in the ticket transcript, and announced to other replicas (REST customers' event streams).
 */
import type { Clock } from '../core/clock.js';
import type { Author, OutboundMessage, SendReceipt } from '../core/envelope.js';
import { describeError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { HandoffEvents, HandoffQueue, HandoffTicket, TranscriptEntry } from '../core/ports/handoff.js';
import type { ConversationMemory } from '../core/ports/memory.js';
import type { AgentDirectory } from './agents/types.js';
import { estimateWaitMs } from './assignment.js';
import { noticeLanguage, renderNotice, type Notice, type NoticeLanguage, type NoticeTemplates } from './notices.js';

/** Sends one message to the customer: `ctx.send` inside a turn, the channel otherwise. */
export type Deliver = (message: OutboundMessage) => Promise<SendReceipt>;

export interface NoticeDeliveryOptions {
  readonly templates: NoticeTemplates;
  readonly defaultLanguage: NoticeLanguage;
  readonly averageHandleMs: number;
}

export interface NoticeDeliveryDeps {
  readonly queue: HandoffQueue;
  readonly events: HandoffEvents;
  readonly agents: AgentDirectory;
  readonly memory: ConversationMemory;
  /** The gateway's send: through the channel of the conversation. */
  readonly send: Deliver;
  readonly clock: Clock;
  readonly log: Logger;
}

export interface NoticeDelivery {
  /** Renders a notice for a ticket (the queued notice with the current position and wait). */
  render(ticket: HandoffTicket, notice: Notice): Promise<string>;
  /**
   * Tells the customer each notice, in order. Inside a turn pass the turn's `deliver` (memory records it with the
   * turn); outside one the channel is used and the text is added to the latest memory turn. Failures of
   * out-of-turn delivery are logged, never thrown: the transition already happened.
   */
  tell(ticket: HandoffTicket, notices: readonly Notice[], deliver?: Deliver): Promise<string[]>;
  /** Sends an agent's message through the channel (throws when the channel refuses) and records it. */
  sendAsAgent(
    ticket: HandoffTicket,
    text: string,
    agent: { id: string; name: string },
    deliver?: Deliver,
  ): Promise<void>;
  /** Adds an entry to the ticket transcript and announces it to consoles. */
  record(ticket: HandoffTicket, entry: TranscriptEntry): Promise<void>;
}

/** Creates the notice delivery. */
export function createNoticeDelivery(options: NoticeDeliveryOptions, deps: NoticeDeliveryDeps): NoticeDelivery {
  const { queue, events, clock, log } = deps;

  const waitFacts = async (ticket: HandoffTicket): Promise<{ position: number; estimatedWaitMs: number }> => {
    const position = (await queue.position(ticket.id)) ?? 1;
    const online = (await queue.presence()).filter((p) => p.online).map((p) => p.agentId);
    let freeSlots = 0;
    for (const id of online) {
      const account = await deps.agents.get(id);
      if (account !== undefined) freeSlots += Math.max(0, account.maxConcurrent - (await queue.load(id)));
    }
    const estimatedWaitMs = estimateWaitMs({
      position,
      freeSlots,
      onlineAgents: online.length,
      averageHandleMs: options.averageHandleMs,
    });
    return { position, estimatedWaitMs };
  };

  const render = async (ticket: HandoffTicket, notice: Notice): Promise<string> => {
    const lang = noticeLanguage(ticket.lang, options.defaultLanguage);
    const facts = notice.kind === 'queued' ? await waitFacts(ticket) : {};
    return renderNotice(notice, lang, facts, options.templates);
  };

  const record = async (ticket: HandoffTicket, entry: TranscriptEntry): Promise<void> => {
    await queue.appendTranscript(ticket.id, entry);
    await events.publish({ type: 'transcript', ticketId: ticket.id, conversationKey: ticket.conversationKey, entry });
  };

  /** Out of a turn: the text joins the latest memory turn, so the session history shows it. */
  const remember = async (ticket: HandoffTicket, entry: TranscriptEntry): Promise<void> => {
    const turns = await deps.memory.recent(ticket.conversationKey);
    const last = turns[turns.length - 1];
    if (last === undefined) return;
    await deps.memory.addReply(ticket.conversationKey, last.id, {
      author: entry.role === 'agent' ? 'agent' : 'system',
      text: entry.text,
      at: entry.at,
      ...(entry.agentId === undefined ? {} : { agentId: entry.agentId }),
    });
  };

  const deliverOne = async (
    ticket: HandoffTicket,
    text: string,
    author: Author,
    deliver: Deliver | undefined,
  ): Promise<void> => {
    const message: OutboundMessage = { conversation: ticket.conversation, parts: [{ type: 'text', text }], author };
    const entry: TranscriptEntry = {
      role: author.kind === 'agent' ? 'agent' : 'system',
      text,
      at: clock.now(),
      ...(author.kind === 'agent'
        ? { agentId: author.agentId, ...(author.displayName === undefined ? {} : { agentName: author.displayName }) }
        : {}),
    };
    if (deliver !== undefined) await deliver(message);
    else {
      await deps.send(message);
      await remember(ticket, entry);
    }
    await record(ticket, entry);
    await events.publish({
      type: 'delivery',
      conversationKey: ticket.conversationKey,
      channel: ticket.conversation.channel,
      entry,
    });
  };

  return {
    render,
    record,
    async tell(ticket, notices, deliver) {
      const texts: string[] = [];
      for (const notice of notices) {
        const text = await render(ticket, notice);
        texts.push(text);
        const author: Author =
          notice.kind === 'answer' && ticket.agentId !== undefined
            ? { kind: 'agent', agentId: ticket.agentId, displayName: notice.agentName }
            : { kind: 'system' };
        try {
          await deliverOne(ticket, text, author, deliver);
        } catch (error) {
          if (deliver !== undefined) throw error;
          log.warn(
            { err: describeError(error), ticket: ticket.id, notice: notice.kind },
            'handoff notice not delivered',
          );
        }
      }
      return texts;
    },
    sendAsAgent(ticket, text, agent, deliver) {
      return deliverOne(ticket, text, { kind: 'agent', agentId: agent.id, displayName: agent.name }, deliver);
    },
  };
}
