/** Who can take a ticket, round-robin choice among them, and the estimated wait (pure). */
import type { HandoffTicket } from '../core/ports/handoff.js';
import type { AgentAccount } from './agents/types.js';

/** The routing facts of an agent. */
export type AgentRouting = Pick<
  AgentAccount,
  'username' | 'displayName' | 'role' | 'languages' | 'channels' | 'groups' | 'maxConcurrent'
>;

const matches = (list: readonly string[], value: string | undefined): boolean =>
  list.length === 0 || value === undefined || list.some((v) => v.toLowerCase() === value.toLowerCase());

/** The agent has the skills for the ticket: its language, its channel and its group (an empty list = any). */
export function canServe(agent: AgentRouting, ticket: Pick<HandoffTicket, 'lang' | 'conversation' | 'group'>): boolean {
  const lang = ticket.lang.toLowerCase().slice(0, 2);
  return (
    matches(
      agent.languages.map((l) => l.toLowerCase().slice(0, 2)),
      lang,
    ) &&
    matches(agent.channels, ticket.conversation.channel) &&
    matches(agent.groups, ticket.group)
  );
}

export interface PickAgentInput {
  readonly agents: readonly AgentRouting[];
  /** Agent ids that are online. */
  readonly online: ReadonlySet<string>;
  /** Open tickets per agent id (absent = 0). */
  readonly loads: ReadonlyMap<string, number>;
  readonly ticket: Pick<HandoffTicket, 'lang' | 'conversation' | 'group'>;
  /** The shared round-robin counter. */
  readonly cursor: number;
  /** Agents not to pick (e.g. the one releasing the ticket). */
  readonly exclude?: ReadonlySet<string>;
}

/** Agents that may take the ticket now: online, skilled, below capacity; sorted by username. */
export function eligibleAgents(input: Omit<PickAgentInput, 'cursor'>): AgentRouting[] {
  return input.agents
    .filter(
      (a) =>
        input.online.has(a.username) &&
        input.exclude?.has(a.username) !== true &&
        (input.loads.get(a.username) ?? 0) < a.maxConcurrent &&
        canServe(a, input.ticket),
    )
    .sort((a, b) => (a.username < b.username ? -1 : a.username > b.username ? 1 : 0));
}

/** Round robin: the `cursor`-th eligible agent (wrapping), or undefined when nobody can take it. */
export function pickAgent(input: PickAgentInput): AgentRouting | undefined {
  const eligible = eligibleAgents(input);
  if (eligible.length === 0) return undefined;
  const i = ((input.cursor % eligible.length) + eligible.length) % eligible.length;
  return eligible[i];
}

export interface WaitEstimateInput {
  /** 1-based queue position. */
  readonly position: number;
  /** Free seats among online agents (sum of capacity minus load). */
  readonly freeSlots: number;
  readonly onlineAgents: number;
  /** Typical time an agent spends on one conversation. */
  readonly averageHandleMs: number;
}

/**
 * Estimated wait: 0 when a free seat is there for this place in the line; otherwise one average handling time
 * for every round of online agents ahead of it (and one round when nobody is online).
 */
export function estimateWaitMs(input: WaitEstimateInput): number {
  const ahead = Math.max(0, input.position - Math.max(0, input.freeSlots));
  if (ahead === 0) return 0;
  return Math.ceil(ahead / Math.max(1, input.onlineAgents)) * input.averageHandleMs;
}
