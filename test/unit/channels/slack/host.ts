/**
 * In-test host for the Slack channel: core's dispatcher with dedupe -> sequentialize -> memory ->
 * a scripted engine, a tiny conversation-memory fake (KeyValue and Locks are memory/'s in-process stores),
 * and a logger that records every line so tests can wait on it and check no secret is logged.
 */
import { systemClock, type Clock } from '../../../../core/clock.js';
import { compose } from '../../../../core/middleware.js';
import { createDispatcher } from '../../../../core/dispatcher.js';
import type { InboundEvent } from '../../../../core/envelope.js';
import type { Logger } from '../../../../core/logger.js';
import type { ChannelHost, Channel } from '../../../../core/ports/channel.js';
import type { DialogueEngine, DialogueRequest, DialogueResult } from '../../../../core/ports/dialogue.js';
import type { KeyValue, Locks } from '../../../../core/ports/kv.js';
import type { ConversationMemory, MemoryTurn } from '../../../../core/ports/memory.js';
import type { TurnOutcome } from '../../../../core/turn.js';
import { dedupe } from '../../../../core/pipeline/dedupe.js';
import { dialogue } from '../../../../core/pipeline/dialogue.js';
import { errorBoundary } from '../../../../core/pipeline/error-boundary.js';
import { memory } from '../../../../core/pipeline/memory.js';
import { sequentialize } from '../../../../core/pipeline/sequentialize.js';

export class FakeMemory implements ConversationMemory {
  readonly turns = new Map<string, MemoryTurn[]>();
  recent(key: string): Promise<MemoryTurn[]> {
    return Promise.resolve([...(this.turns.get(key) ?? [])]);
  }
  appendTurn(key: string, turn: MemoryTurn): Promise<void> {
    this.turns.set(key, [...(this.turns.get(key) ?? []), turn].slice(-5));
    return Promise.resolve();
  }
  addReply(): Promise<void> {
    return Promise.resolve();
  }
  clear(key: string): Promise<void> {
    this.turns.delete(key);
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** Answers `answer: <text>`; `hold()` makes the next turns wait until `release()` (to prove ack-before-turn). */
export class ScriptedEngine implements DialogueEngine {
  readonly requests: DialogueRequest[] = [];
  private gate: Promise<void> | undefined;
  private open: (() => void) | undefined;
  hold(): void {
    this.gate = new Promise((r) => (this.open = r));
  }
  release(): void {
    this.open?.();
    this.gate = undefined;
  }
  async respond(request: DialogueRequest): Promise<DialogueResult> {
    this.requests.push(request);
    if (this.gate !== undefined) await this.gate;
    return {
      reply: [{ type: 'text', text: `answer: ${request.message.text}` }],
      understanding: { intent: 'faq', confidence: 0.9, handoff: false, sources: [] },
    };
  }
  ready(): boolean {
    return true;
  }
}

export interface LogEntry {
  readonly level: string;
  readonly obj: Record<string, unknown>;
  readonly msg: string | undefined;
}

/** A Logger recording every line (bindings merged), with a wait helper. */
export class CaptureLogger {
  readonly entries: LogEntry[] = [];
  private readonly waiters = new Set<() => void>();
  logger(bindings: Record<string, unknown> = {}): Logger {
    const write =
      (level: string) =>
      (a: object | string, b?: string): void => {
        const entry =
          typeof a === 'string'
            ? { level, obj: { ...bindings }, msg: a }
            : { level, obj: { ...bindings, ...(a as Record<string, unknown>) }, msg: b };
        this.entries.push(entry);
        for (const w of [...this.waiters]) w();
      };
    return {
      debug: write('debug'),
      info: write('info'),
      warn: write('warn'),
      error: write('error'),
      child: (more) => this.logger({ ...bindings, ...more }),
    };
  }
  count(pred: (e: LogEntry) => boolean): number {
    return this.entries.filter(pred).length;
  }
  waitFor(pred: () => boolean, timeoutMs = 5000): Promise<void> {
    if (pred()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`log condition not met within ${timeoutMs} ms`));
      }, timeoutMs);
      const check = (): void => {
        if (!pred()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      this.waiters.add(check);
    });
  }
  text(): string {
    return JSON.stringify(this.entries);
  }
}

/** A host whose dispatch runs the real core pipeline and records each event and outcome. */
export function createTestHost(deps: {
  channel: Channel;
  kv: KeyValue;
  locks: Locks;
  memory: ConversationMemory;
  engine: DialogueEngine;
  log: Logger;
  clock?: Clock;
  /** Leave out the dedupe stage (to show the outbound ledger alone stops a second post). */
  withoutDedupe?: boolean;
}): ChannelHost & { events: InboundEvent[]; outcomes: TurnOutcome[] } {
  const clock = deps.clock ?? systemClock;
  const pipeline = compose(
    errorBoundary({ apology: () => 'sorry' }),
    ...(deps.withoutDedupe === true ? [] : [dedupe(deps.kv, { ttlMs: 10 * 60_000 })]),
    sequentialize(deps.locks, { lockTtlMs: 30_000, waitMs: 30_000 }),
    memory(deps.memory),
    dialogue(deps.engine),
  );
  const dispatch = createDispatcher({
    pipeline,
    clock,
    log: deps.log,
    sendFor: () => (m, s) => deps.channel.send(m, s),
  });
  const events: InboundEvent[] = [];
  const outcomes: TurnOutcome[] = [];
  return {
    log: deps.log,
    events,
    outcomes,
    async dispatch(event) {
      events.push(event);
      const outcome = await dispatch(event);
      outcomes.push(outcome);
      return outcome;
    },
  };
}
