/**
 * In-test helpers for the WeChat channel tests: a capturing logger, a conversation memory, a scripted engine and a
 * small host built from core's dispatcher. KeyValue and Locks are memory/'s in-process stores.
 */
import type { Clock } from '../../../../core/clock.js';
import { createDispatcher } from '../../../../core/dispatcher.js';
import type { InboundEvent } from '../../../../core/envelope.js';
import type { Logger } from '../../../../core/logger.js';
import { compose, type Middleware } from '../../../../core/middleware.js';
import { dedupe } from '../../../../core/pipeline/dedupe.js';
import { dialogue } from '../../../../core/pipeline/dialogue.js';
import { errorBoundary } from '../../../../core/pipeline/error-boundary.js';
import { memory } from '../../../../core/pipeline/memory.js';
import { sequentialize } from '../../../../core/pipeline/sequentialize.js';
import type { Channel, ChannelHost } from '../../../../core/ports/channel.js';
import type { DialogueEngine, DialogueResult } from '../../../../core/ports/dialogue.js';
import type { KeyValue, Locks } from '../../../../core/ports/kv.js';
import type { ConversationMemory, MemoryTurn } from '../../../../core/ports/memory.js';
import type { TurnContext } from '../../../../core/context.js';
import type { TurnOutcome } from '../../../../core/turn.js';

/** A logger that keeps every call, serialised, so tests can search the output. */
export class CapturingLogger implements Logger {
  constructor(
    readonly lines: string[] = [],
    private readonly bindings: Record<string, unknown> = {},
  ) {}
  private write(level: string, a: unknown, b?: unknown) {
    this.lines.push(JSON.stringify({ level, ...this.bindings, obj: a, msg: b }));
  }
  debug = (a: object | string, b?: string) => this.write('debug', a, b);
  info = (a: object | string, b?: string) => this.write('info', a, b);
  warn = (a: object | string, b?: string) => this.write('warn', a, b);
  error = (a: object | string, b?: string) => this.write('error', a, b);
  child(bindings: Record<string, unknown>): Logger {
    return new CapturingLogger(this.lines, { ...this.bindings, ...bindings });
  }
  get text(): string {
    return this.lines.join('\n');
  }
}

/** Conversation memory in a Map (five turns). */
export class MemoryStore implements ConversationMemory {
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

/** A deferred value. */
export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** An engine answering `答：<text>`; `gate` (when set) holds each answer until the test releases it. */
export class ScriptedEngine implements DialogueEngine {
  calls: string[] = [];
  gate: Promise<void> | undefined;
  answer: (text: string) => Partial<DialogueResult> & { reply: DialogueResult['reply'] } = (text) => ({
    reply: [{ type: 'text', text: `答：${text}` }],
  });
  async respond(request: { message: { text: string } }): Promise<DialogueResult> {
    this.calls.push(request.message.text);
    if (this.gate !== undefined) await this.gate;
    const a = this.answer(request.message.text);
    return { understanding: { intent: 'test', confidence: 0.9, handoff: false, sources: [] }, ...a };
  }
  ready(): boolean {
    return true;
  }
}

/** Greets on `conversation.started` (the bot's own welcome). */
export const greeter =
  (text: string): Middleware<TurnContext> =>
  async (ctx, next) => {
    if (ctx.event.kind === 'conversation.started') {
      await ctx.reply(text);
      return;
    }
    await next();
  };

export interface TestHost extends ChannelHost {
  readonly outcomes: TurnOutcome[];
  readonly events: InboundEvent[];
}

/** A host running core's dispatcher with dedupe, sequentialize, memory, a greeter and the scripted engine. */
export function createTestHost(
  channel: Pick<Channel, 'send'>,
  deps: { kv: KeyValue; locks: Locks; clock: Clock; log: Logger; engine: DialogueEngine; store?: ConversationMemory },
): TestHost {
  const outcomes: TurnOutcome[] = [];
  const events: InboundEvent[] = [];
  const pipeline = compose<TurnContext>(
    errorBoundary({ apology: () => '抱歉，出错了' }),
    dedupe(deps.kv, { ttlMs: 10 * 60 * 1000 }),
    sequentialize(deps.locks, { lockTtlMs: 30_000, waitMs: 30_000 }),
    memory(deps.store ?? new MemoryStore()),
    greeter('欢迎关注！'),
    dialogue(deps.engine),
  );
  const dispatch = createDispatcher({
    pipeline,
    clock: deps.clock,
    log: deps.log,
    sendFor: () => (m, s) => channel.send(m, s),
  });
  return {
    log: deps.log,
    outcomes,
    events,
    async dispatch(event) {
      events.push(event);
      const outcome = await dispatch(event);
      outcomes.push(outcome);
      return outcome;
    },
  };
}

/** Lets pending promise callbacks run (several macrotask turns). */
export async function flush(times = 5): Promise<void> {
  for (let i = 0; i < times; i++) await new Promise<void>((r) => setImmediate(r));
}
