/**
 * A handoff test bench: core's real pipeline pieces (error boundary -> memory -> handoff gate -> dialogue) with a
 * scripted engine, in-process stores, a manual clock, and a record of everything sent outside turns.
 */
import { randomUUID } from 'node:crypto';
import { ManualClock } from '../../../core/clock.js';
import { createDispatcher } from '../../../core/dispatcher.js';
import { textOf, type ConversationRef, type InboundEvent, type OutboundMessage } from '../../../core/envelope.js';
import { BotError } from '../../../core/errors.js';
import { silentLogger } from '../../../core/logger.js';
import { compose } from '../../../core/middleware.js';
import { dialogue } from '../../../core/pipeline/dialogue.js';
import { errorBoundary } from '../../../core/pipeline/error-boundary.js';
import { memory } from '../../../core/pipeline/memory.js';
import type { ChannelWindow } from '../../../core/ports/channel.js';
import type { DialogueEngine, DialogueResult } from '../../../core/ports/dialogue.js';
import type { HandoffEvent } from '../../../core/ports/handoff.js';
import type { TurnOutcome } from '../../../core/turn.js';
import type { AgentAccount, AgentDirectory } from '../../../handoff/agents/types.js';
import { createAgentDesk, type AgentDesk } from '../../../handoff/desk.js';
import { createInProcessHandoffEvents } from '../../../handoff/events/in-process-events.js';
import { handoffGate, type HandoffGateOptions } from '../../../handoff/gate.js';
import { noticeTemplates } from '../../../handoff/notices.js';
import { createHandoffService, type HandoffService, type HandoffServiceOptions } from '../../../handoff/service.js';
import { createInProcessHandoffQueue } from '../../../handoff/store/in-process-queue.js';
import { createHandoffSweeper, type HandoffSweeper } from '../../../handoff/sweeper.js';
import { createInProcessKeyValue, createInProcessMemory } from '../../../memory/index.js';

/** An in-memory agent directory for tests. */
export function memoryAgents(accounts: readonly Partial<AgentAccount>[]): AgentDirectory {
  const map = new Map<string, AgentAccount>();
  for (const a of accounts) {
    const username = a.username ?? 'agent';
    map.set(username, {
      username,
      displayName: a.displayName ?? username,
      role: a.role ?? 'agent',
      passwordHash: 'x',
      languages: a.languages ?? [],
      channels: a.channels ?? [],
      groups: a.groups ?? [],
      maxConcurrent: a.maxConcurrent ?? 3,
      createdAt: 0,
      updatedAt: 0,
    });
  }
  return {
    get: (u) => Promise.resolve(map.get(u)),
    list: () => Promise.resolve([...map.values()]),
    put: (a) => Promise.resolve(void map.set(a.username, a)),
    remove: (u) => Promise.resolve(map.delete(u)),
    close: () => Promise.resolve(),
  };
}

const understanding = (intent: string | undefined, confidence: number, sources: string[] = [], handoff = false) => ({
  intent,
  confidence,
  handoff,
  sources,
  ...(handoff ? { handoffReason: 'low_confidence' } : {}),
});

/** Canned engine answers by message text. */
export const SCRIPT: Record<string, DialogueResult> = {
  hello: {
    reply: [{ type: 'text', text: 'Hi! How can I help?' }],
    understanding: understanding('greeting', 0.97, ['intent:greeting']),
  },
  退货怎么办: {
    reply: [{ type: 'text', text: '7 天无理由退货。' }],
    understanding: understanding('faq:return', 0.93, ['faq:return']),
    meta: { lang: 'zh' },
  },
  huh: {
    reply: [{ type: 'text', text: 'Sorry, I did not get that.' }],
    understanding: understanding('smalltalk', 0.9, []),
  },
  weather: {
    reply: [{ type: 'text', text: 'GENERIC HANDOFF NOTICE' }],
    understanding: understanding(undefined, 0.21, [], true),
    meta: { lang: 'en' },
  },
  refund: {
    reply: [{ type: 'text', text: 'GENERIC HANDOFF NOTICE' }],
    understanding: understanding('faq:refund', 0.62, [], true),
    meta: { lang: 'en' },
    draft: {
      reply: [{ type: 'text', text: 'Refunds take 3 working days.' }],
      understanding: understanding('faq:refund', 0.62, ['faq:refund']),
    },
  },
  转人工: {
    reply: [{ type: 'text', text: 'GENERIC HANDOFF NOTICE' }],
    understanding: { intent: 'human', confidence: 1, handoff: true, handoffReason: 'user_request', sources: [] },
    meta: { lang: 'zh' },
  },
};

export const scriptedEngine: DialogueEngine = {
  respond: ({ message }) => Promise.resolve(SCRIPT[message.text] ?? SCRIPT['huh']!),
  ready: () => true,
};

export interface Bench {
  readonly clock: ManualClock;
  readonly service: HandoffService;
  readonly desk: AgentDesk;
  readonly sweeper: HandoffSweeper;
  /** Messages sent outside turns (agent replies, notices from the console or the sweeper). */
  readonly outbox: OutboundMessage[];
  readonly events: HandoffEvent[];
  readonly memory: ReturnType<typeof createInProcessMemory>;
  /** Set to make the channel window closed. */
  window: ChannelWindow | undefined;
  /** Sends a customer message and returns the turn outcome. */
  say(text: string, conversation?: string): Promise<TurnOutcome & { texts: string[] }>;
  act(action: string, value?: string, conversation?: string): Promise<TurnOutcome & { texts: string[] }>;
  ref(conversation?: string): ConversationRef;
  /** Texts sent outside turns since the last call. */
  drain(): string[];
}

/** Builds a bench. */
export function createBench(
  options: {
    service?: Partial<HandoffServiceOptions>;
    gate?: Partial<HandoffGateOptions>;
    agents?: Partial<AgentAccount>[];
  } = {},
): Bench {
  const clock = new ManualClock();
  const mem = createInProcessMemory({ turns: 5, ttlMs: 30 * 60_000 }, { clock });
  const kv = createInProcessKeyValue({ clock });
  const queue = createInProcessHandoffQueue({}, { clock });
  const events = createInProcessHandoffEvents({ log: silentLogger });
  const outbox: OutboundMessage[] = [];
  const seen: HandoffEvent[] = [];
  events.subscribe((e) => seen.push(e));
  const bench = { window: undefined as ChannelWindow | undefined };
  const agents = memoryAgents(
    options.agents ?? [
      { username: 'alice', displayName: 'Alice' },
      { username: 'bob', displayName: 'Bob' },
      { username: 'sue', displayName: 'Sue', role: 'supervisor' },
    ],
  );
  const send = (m: OutboundMessage) => {
    if (m.conversation.conversation.startsWith('broken'))
      return Promise.reject(new BotError('channel.api_failed', 'down'));
    outbox.push(m);
    return Promise.resolve({ sentAt: clock.now() });
  };
  const service = createHandoffService(
    {
      timeoutMs: 300_000,
      fallback: 'resume_bot',
      assignment: 'manual',
      averageHandleMs: 180_000,
      presenceTtlMs: 60_000,
      survey: true,
      followUpTtlMs: 3_600_000,
      templates: noticeTemplates(),
      defaultLanguage: 'zh',
      ...options.service,
    },
    {
      queue,
      events,
      agents,
      memory: mem,
      kv,
      send,
      window: () => Promise.resolve(bench.window),
      clock,
      log: silentLogger,
    },
  );
  const gate = handoffGate(
    { threshold: 0.8, lowConfidenceStreak: 2, externalChannels: ['wechat_official'], ...options.gate },
    { service },
  );
  const pipeline = compose(errorBoundary({ apology: () => 'APOLOGY' }), memory(mem), gate, dialogue(scriptedEngine));
  const dispatch = createDispatcher({ pipeline, clock, log: silentLogger, sendFor: () => send });
  const ref = (conversation = 's1'): ConversationRef => ({
    channel: conversation.startsWith('wx') ? 'wechat_official' : 'rest',
    tenant: 'default',
    conversation,
  });
  let drained = 0;
  const run = async (event: InboundEvent) => {
    clock.advance(1000);
    const outcome = await dispatch(event);
    drained = outbox.length; // what the turn sent is in its outcome, not "outside turns"
    return { ...outcome, texts: outcome.replies.map((r) => textOf(r.parts)) };
  };
  return Object.assign(bench, {
    clock,
    service,
    desk: createAgentDesk(
      { describeSource: (id: string) => (id === 'faq:refund' ? 'Refund policy text' : undefined) },
      service,
    ),
    sweeper: createHandoffSweeper({ intervalMs: 10_000 }, { service, clock, log: silentLogger }),
    outbox,
    events: seen,
    memory: mem,
    ref,
    say: (text: string, conversation?: string) =>
      run({
        kind: 'message',
        id: randomUUID(),
        receivedAt: clock.now(),
        conversation: ref(conversation),
        sender: { id: 'u1' },
        parts: [{ type: 'text', text }],
        text,
        mentionsBot: true,
        raw: null,
      }),
    act: (action: string, value?: string, conversation?: string) =>
      run({
        kind: 'action',
        id: randomUUID(),
        receivedAt: clock.now(),
        conversation: ref(conversation),
        sender: { id: 'u1' },
        action,
        ...(value === undefined ? {} : { value }),
        raw: null,
      }),
    drain() {
      const out = outbox.slice(drained).map((m) => textOf(m.parts));
      drained = outbox.length;
      return out;
    },
  });
}
