/**
 * The handoff service: every change to a ticket goes through `apply` (state machine -> compare-and-set write ->
 * live event -> customer notices -> follow-ups), whoever asks for it: the pipeline gate, the console, the agent
 * API or the timeout sweeper.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import type { ChannelWindow } from '../core/ports/channel.js';
import type { ConversationRef } from '../core/envelope.js';
import { BotError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { HandoffEvents, HandoffQueue, HandoffTicket, TimeoutFallback } from '../core/ports/handoff.js';
import type { KeyValue } from '../core/ports/kv.js';
import type { ConversationMemory } from '../core/ports/memory.js';
import type { AgentAccount, AgentDirectory } from './agents/types.js';
import { pickAgent } from './assignment.js';
import { createNoticeDelivery, type Deliver, type NoticeDelivery } from './delivery.js';
import type { NoticeLanguage, NoticeTemplates } from './notices.js';
import { openTicket, transition, type AgentRef, type OpenTicketInput, type TicketEvent } from './state-machine.js';

export interface HandoffServiceOptions {
  /** How long a queued or assigned ticket waits for an agent reply before the fallback (default 5 min). */
  readonly timeoutMs: number;
  readonly fallback: TimeoutFallback;
  /** `manual`: agents claim from the queue; `round_robin`: queued tickets go to online agents in turn. */
  readonly assignment: 'manual' | 'round_robin';
  readonly averageHandleMs: number;
  /** A console's presence lapses this long after its last heartbeat. */
  readonly presenceTtlMs: number;
  /** Send the 1-5 survey after resolve. */
  readonly survey: boolean;
  /** How long a survey answer or a callback message is awaited. */
  readonly followUpTtlMs: number;
  readonly templates: NoticeTemplates;
  readonly defaultLanguage: NoticeLanguage;
}

export interface HandoffServiceDeps {
  readonly queue: HandoffQueue;
  readonly events: HandoffEvents;
  readonly agents: AgentDirectory;
  readonly memory: ConversationMemory;
  readonly kv: KeyValue;
  /** The gateway's send through the conversation's channel. */
  readonly send: Deliver;
  /** The channel window of a conversation (undefined: unlimited). */
  readonly window: (conversation: ConversationRef) => Promise<ChannelWindow | undefined>;
  readonly clock: Clock;
  readonly log: Logger;
  readonly newId?: () => string;
}

/** A survey answer or callback message awaited from a customer after the ticket closed. */
export interface FollowUp {
  readonly kind: 'survey' | 'callback';
  readonly ticketId: string;
}

export interface HandoffService {
  readonly options: HandoffServiceOptions;
  readonly deps: HandoffServiceDeps;
  readonly notices: NoticeDelivery;
  active(conversationKey: string): Promise<HandoffTicket | undefined>;
  get(ticketId: string): Promise<HandoffTicket>;
  /** Opens a ticket (or finds the open one) and tells the customer the queued notice with position. */
  open(
    input: Omit<OpenTicketInput, 'id'>,
    deliver?: Deliver,
  ): Promise<{ ticket: HandoffTicket; created: boolean; texts: string[] }>;
  /** Applies one event to a ticket; throws the machine's error code when it does not apply. */
  apply(ticketId: string, event: TicketEvent, deliver?: Deliver): Promise<HandoffTicket>;
  /** The agent (with role) behind a username; `auth.forbidden` when unknown. */
  agentRef(username: string): Promise<AgentRef>;
  followUp(conversationKey: string): Promise<FollowUp | undefined>;
  clearFollowUp(conversationKey: string): Promise<void>;
  /** Round robin: gives queued tickets to online agents with free seats (no-op when assignment is manual). */
  assignWaiting(): Promise<number>;
}

const followUpKey = (conversationKey: string): string => `handoff:followup:{${conversationKey}}`;

/** Creates the service. */
export function createHandoffService(options: HandoffServiceOptions, deps: HandoffServiceDeps): HandoffService {
  const { queue, events, clock, log } = deps;
  const newId = deps.newId ?? randomUUID;
  const notices = createNoticeDelivery(options, deps);
  const ctxNow = () => ({ now: clock.now(), timeoutMs: options.timeoutMs, survey: options.survey });

  const account = async (username: string): Promise<AgentAccount> => {
    const a = await deps.agents.get(username);
    if (a === undefined) throw new BotError('auth.forbidden', `no agent account "${username}"`);
    return a;
  };
  const targetOf = (event: TicketEvent): string | undefined =>
    event.type === 'assign'
      ? event.agent.id
      : event.type === 'transfer' && 'agent' in event.to
        ? event.to.agent.id
        : undefined;

  const get = async (ticketId: string): Promise<HandoffTicket> => {
    const t = await queue.get(ticketId);
    if (t === undefined) throw new BotError('handoff.not_found', `no ticket ${ticketId}`);
    return t;
  };

  const afterClose = async (ticket: HandoffTicket): Promise<void> => {
    const kind =
      ticket.status === 'resolved' && options.survey && ticket.satisfaction === undefined
        ? 'survey'
        : ticket.status === 'timed_out' && ticket.fallback === 'callback' && ticket.callbackMessage === undefined
          ? 'callback'
          : undefined;
    if (kind === undefined) await deps.kv.delete(followUpKey(ticket.conversationKey));
    else {
      const value: FollowUp = { kind, ticketId: ticket.id };
      await deps.kv.set(followUpKey(ticket.conversationKey), JSON.stringify(value), options.followUpTtlMs);
    }
  };

  const apply = async (ticketId: string, event: TicketEvent, deliver?: Deliver): Promise<HandoffTicket> => {
    const target = targetOf(event);
    const maxLoad = target === undefined ? undefined : (await account(target)).maxConcurrent;
    for (let attempt = 0; attempt < 8; attempt++) {
      const prev = await get(ticketId);
      const result = transition(prev, event, ctxNow());
      if (!result.ok) throw new BotError(result.code, result.message, { details: { ticketId, status: prev.status } });
      if (!result.changed) return prev;
      const written = await queue.update(prev, result.ticket, maxLoad === undefined ? {} : { maxLoad });
      if (written === 'conflict') continue;
      if (written === 'capacity') {
        throw new BotError(
          'handoff.capacity',
          `${target ?? 'the agent'} already has ${maxLoad ?? 0} open conversations`,
        );
      }
      const ticket = result.ticket;
      log.info({ ticket: ticket.id, event: event.type, from: prev.status, to: ticket.status }, 'handoff transition');
      await events.publish({ type: 'ticket', change: event.type, ticket });
      await notices.tell(ticket, result.notices, deliver);
      if (
        prev.status !== ticket.status &&
        (ticket.status === 'resolved' || ticket.status === 'timed_out' || ticket.status === 'returned_to_bot')
      ) {
        await afterClose(ticket);
      } else if (event.type === 'rate' || event.type === 'callback_message') {
        await deps.kv.delete(followUpKey(ticket.conversationKey));
      }
      if (ticket.status === 'queued' || !['queued', 'assigned', 'human'].includes(ticket.status)) {
        await assignWaiting().catch((error: unknown) => log.warn({ err: String(error) }, 'round robin failed'));
      }
      return ticket;
    }
    throw new BotError('overloaded', `ticket ${ticketId} kept changing; try again`);
  };

  const assignWaiting = async (): Promise<number> => {
    if (options.assignment !== 'round_robin') return 0;
    const online = new Set((await queue.presence()).filter((p) => p.online).map((p) => p.agentId));
    if (online.size === 0) return 0;
    const accounts = await deps.agents.list();
    const loads = new Map<string, number>();
    for (const id of online) loads.set(id, await queue.load(id));
    let assigned = 0;
    for (const ticket of await queue.list({ status: 'queued' })) {
      const agent = pickAgent({ agents: accounts, online, loads, ticket, cursor: await queue.nextCursor() });
      if (agent === undefined) continue;
      try {
        const ref: AgentRef = { id: agent.username, name: agent.displayName, role: agent.role };
        await apply(ticket.id, { type: 'assign', agent: ref, actor: { kind: 'system' } });
        loads.set(agent.username, (loads.get(agent.username) ?? 0) + 1);
        assigned++;
      } catch (error) {
        log.debug({ err: String(error), ticket: ticket.id }, 'round robin skipped a ticket');
      }
    }
    return assigned;
  };

  return {
    options,
    deps,
    notices,
    active: (key) => queue.active(key),
    get,
    async open(input, deliver) {
      const opened = openTicket({ ...input, id: newId() }, ctxNow());
      const { created, ticket } = await queue.create(opened.ticket);
      if (!created) return { ticket, created, texts: [] };
      log.info({ ticket: ticket.id, reason: ticket.reason, conversation: ticket.conversationKey }, 'handoff opened');
      await events.publish({ type: 'ticket', change: 'open', ticket });
      const texts = await notices.tell(ticket, opened.notices, deliver);
      await assignWaiting().catch((error: unknown) => log.warn({ err: String(error) }, 'round robin failed'));
      return { ticket: (await queue.get(ticket.id)) ?? ticket, created, texts };
    },
    apply,
    async agentRef(username) {
      const a = await account(username);
      return { id: a.username, name: a.displayName, role: a.role };
    },
    async followUp(conversationKey) {
      const raw = await deps.kv.get(followUpKey(conversationKey));
      if (raw === undefined) return undefined;
      try {
        return JSON.parse(raw) as FollowUp;
      } catch {
        return undefined;
      }
    },
    clearFollowUp: (conversationKey) => deps.kv.delete(followUpKey(conversationKey)),
    assignWaiting,
  };
}
