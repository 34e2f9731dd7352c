/**
 * What an agent can do, for the console and the agent REST API alike: list, claim, reply, approve drafts,
 * resolve, return to the bot, release, transfer, presence, the handoff packet and the dashboard.
 */
import { BotError } from '../core/errors.js';
import type { ChannelWindow } from '../core/ports/channel.js';
import type { HandoffTicket, TicketStatus, TranscriptEntry } from '../core/ports/handoff.js';
import type { MemoryTurn } from '../core/ports/memory.js';
import { publicAgent, type PublicAgent } from './agents/types.js';
import type { HandoffService } from './service.js';
import { transition, type Actor, type AgentRef } from './state-machine.js';
import { dashboardStats, type DashboardStats } from './stats.js';

/** Evidence the bot retrieved, resolved to text where the bot knows it. */
export interface Evidence {
  readonly id: string;
  readonly text?: string;
}

/** Everything an agent sees about one ticket. */
export interface HandoffPacket {
  readonly ticket: HandoffTicket;
  /** Up to the last five turns before the handoff, oldest first. */
  readonly lastTurns: readonly MemoryTurn[];
  /** Customer messages, agent replies and notices since the handoff. */
  readonly transcript: readonly TranscriptEntry[];
  readonly escalation: {
    readonly reason: HandoffTicket['reason'];
    readonly intent?: string;
    readonly confidence?: number;
  };
  readonly evidence: readonly Evidence[];
  /** The channel's messaging window; undefined when the channel has none. */
  readonly window?: ChannelWindow;
  /** Milliseconds the customer has been waiting for a person, if they are. */
  readonly waitingMs?: number;
}

/** Which tickets a list shows. */
export type DeskView = 'queue' | 'mine' | 'open' | 'closed';

export interface AgentDesk {
  list(username: string, view: DeskView): Promise<HandoffTicket[]>;
  packet(username: string, ticketId: string): Promise<HandoffPacket>;
  claim(username: string, ticketId: string): Promise<HandoffTicket>;
  reply(username: string, ticketId: string, text: string): Promise<HandoffTicket>;
  approveDraft(username: string, ticketId: string, text?: string): Promise<HandoffTicket>;
  resolve(username: string, ticketId: string): Promise<HandoffTicket>;
  returnToBot(username: string, ticketId: string): Promise<HandoffTicket>;
  release(username: string, ticketId: string): Promise<HandoffTicket>;
  transfer(username: string, ticketId: string, to: { agent: string } | { group: string }): Promise<HandoffTicket>;
  setPresence(username: string, online: boolean): Promise<void>;
  /** Keeps a connected console's presence fresh (online unless the agent set "away"). */
  heartbeat(username: string): Promise<void>;
  /** Logging out: the agent is offline at once (the next console heartbeat starts afresh, online). */
  signOff(username: string): Promise<void>;
  /** Accounts (without hashes) with their presence, for transfers and the dashboard. */
  agents(): Promise<(PublicAgent & { online: boolean; load: number })[]>;
  dashboard(username: string, windowMs: number): Promise<DashboardStats>;
}

export interface AgentDeskOptions {
  /** Resolves a source id (`faq:ID`, `intent:ID`, `kg:…`) to text in a language. */
  readonly describeSource?: (id: string, lang: string) => string | undefined;
}

const MAX_REPLY = 4000;

/** Creates the desk over the service. */
export function createAgentDesk(options: AgentDeskOptions, service: HandoffService): AgentDesk {
  const { queue } = service.deps;
  const { clock } = service.deps;
  const actorOf = async (username: string): Promise<Actor & AgentRef> => ({
    kind: 'agent',
    ...(await service.agentRef(username)),
  });
  const supervisor = (a: AgentRef): boolean => a.role === 'supervisor' || a.role === 'admin';
  const checkWindow = async (ticket: HandoffTicket): Promise<void> => {
    const window = await service.deps.window(ticket.conversation);
    if (window?.open === false) {
      throw new BotError(
        'channel.window_closed',
        window.detail ??
          `the ${ticket.conversation.channel} messaging window of this customer is closed; a reply is possible again once they write`,
      );
    }
  };
  const cleanText = (text: string): string => {
    const t = text.trim();
    if (t === '') throw new BotError('request.invalid', 'the reply is empty');
    if (t.length > MAX_REPLY) throw new BotError('request.invalid', `replies are at most ${MAX_REPLY} characters`);
    return t;
  };
  const STATUSES: Record<DeskView, TicketStatus[]> = {
    queue: ['queued'],
    mine: ['assigned', 'human'],
    open: ['queued', 'assigned', 'human'],
    closed: ['resolved', 'returned_to_bot', 'timed_out'],
  };

  return {
    async list(username, view) {
      const actor = await actorOf(username);
      return queue.list({
        status: STATUSES[view],
        ...(view === 'mine' ? { agentId: actor.id } : {}),
        ...(view === 'closed' ? { limit: 200 } : {}),
      });
    },
    async packet(username, ticketId) {
      await actorOf(username);
      const ticket = await service.get(ticketId);
      const lang = ticket.lang;
      const window = await service.deps.window(ticket.conversation);
      const waitingSince = ticket.sla.waitingSince;
      return {
        ticket,
        lastTurns: ticket.history.slice(-5),
        transcript: await queue.transcript(ticket.id),
        escalation: {
          reason: ticket.reason,
          ...(ticket.intent === undefined ? {} : { intent: ticket.intent }),
          ...(ticket.confidence === undefined ? {} : { confidence: ticket.confidence }),
        },
        evidence: ticket.sources.map((id) => {
          const text = options.describeSource?.(id, lang);
          return text === undefined ? { id } : { id, text };
        }),
        ...(window === undefined ? {} : { window }),
        ...(waitingSince === undefined || ticket.sla.closedAt !== undefined
          ? {}
          : { waitingMs: clock.now() - waitingSince }),
      };
    },
    async claim(username, ticketId) {
      const actor = await actorOf(username);
      return service.apply(ticketId, { type: 'assign', agent: actor, actor });
    },
    async reply(username, ticketId, text) {
      const actor = await actorOf(username);
      const body = cleanText(text);
      const ticket = await service.get(ticketId);
      const dry = transition(ticket, { type: 'agent_message', actor }, { now: clock.now(), timeoutMs: 1 });
      if (!dry.ok) throw new BotError(dry.code, dry.message);
      await checkWindow(ticket);
      await service.notices.sendAsAgent(ticket, body, actor);
      return service.apply(ticketId, { type: 'agent_message', actor });
    },
    async approveDraft(username, ticketId, text) {
      const actor = await actorOf(username);
      const ticket = await service.get(ticketId);
      if (ticket.draft === undefined)
        throw new BotError('handoff.invalid_transition', `ticket ${ticketId} has no draft`);
      await checkWindow(ticket);
      return service.apply(ticketId, { type: 'approve_draft', actor, text: cleanText(text ?? ticket.draft.text) });
    },
    async resolve(username, ticketId) {
      return service.apply(ticketId, { type: 'resolve', actor: await actorOf(username) });
    },
    async returnToBot(username, ticketId) {
      return service.apply(ticketId, { type: 'return_to_bot', actor: await actorOf(username) });
    },
    async release(username, ticketId) {
      return service.apply(ticketId, { type: 'release', actor: await actorOf(username) });
    },
    async transfer(username, ticketId, to) {
      const actor = await actorOf(username);
      if ('group' in to) {
        const group = to.group.trim();
        if (group === '') throw new BotError('request.invalid', 'name the group to transfer to');
        return service.apply(ticketId, { type: 'transfer', actor, to: { group } });
      }
      const target = await service.agentRef(to.agent);
      return service.apply(ticketId, { type: 'transfer', actor, to: { agent: target } });
    },
    async setPresence(username, online) {
      await actorOf(username);
      const presence = { agentId: username, online, at: clock.now() };
      await queue.setPresence(presence, service.options.presenceTtlMs);
      await service.deps.events.publish({ type: 'presence', presence });
      if (online) await service.assignWaiting();
    },
    async heartbeat(username) {
      const current = (await queue.presence()).find((p) => p.agentId === username);
      const presence = { agentId: username, online: current?.online ?? true, at: clock.now() };
      await queue.setPresence(presence, service.options.presenceTtlMs);
      if (current === undefined) {
        await service.deps.events.publish({ type: 'presence', presence });
        if (presence.online) await service.assignWaiting();
      }
    },
    async signOff(username) {
      const presence = { agentId: username, online: false, at: clock.now() };
      await queue.setPresence(presence, 0); // lapsed at once
      await service.deps.events.publish({ type: 'presence', presence });
    },
    async agents() {
      const online = new Set((await queue.presence()).filter((p) => p.online).map((p) => p.agentId));
      const out = [];
      for (const a of await service.deps.agents.list()) {
        out.push({ ...publicAgent(a), online: online.has(a.username), load: await queue.load(a.username) });
      }
      return out;
    },
    async dashboard(username, windowMs) {
      const actor = await actorOf(username);
      if (!supervisor(actor)) throw new BotError('auth.forbidden', 'the dashboard is for supervisors and admins');
      const now = clock.now();
      const since = now - windowMs;
      const [open, closed, turns, presence] = await Promise.all([
        queue.list({ status: ['queued', 'assigned', 'human'] }),
        queue.list({ status: ['resolved', 'returned_to_bot', 'timed_out'], closedSince: since }),
        queue.turnsSince(since),
        queue.presence(),
      ]);
      return dashboardStats({
        tickets: [...open, ...closed],
        turns,
        onlineAgents: presence.filter((p) => p.online).length,
        now,
        windowMs,
      });
    },
  };
}
