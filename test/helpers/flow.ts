/**
 * Conversation tests in the spirit of botbuilder's TestFlow: a whole conversation in one awaitable chain,
 * run through core's real pipeline pieces (error boundary → memory → dialogue) with the in-process memory
 * and a manual clock.
 *
 *   await createFlow({ engine }).user('退货怎么办').expectReply(/退货/).user('xyz').expectHandoff();
 */
import { ManualClock } from '../../core/clock.js';
import { createDispatcher } from '../../core/dispatcher.js';
import type { ConversationRef, InboundMessage, MessagePart } from '../../core/envelope.js';
import { textOf } from '../../core/envelope.js';
import type { Logger } from '../../core/logger.js';
import { compose } from '../../core/middleware.js';
import { dialogue } from '../../core/pipeline/dialogue.js';
import { errorBoundary } from '../../core/pipeline/error-boundary.js';
import { memory } from '../../core/pipeline/memory.js';
import type { DialogueEngine } from '../../core/ports/dialogue.js';
import type { ConversationMemory } from '../../core/ports/memory.js';
import type { TurnOutcome } from '../../core/turn.js';
import { createInProcessMemory } from '../../memory/in-process-memory.js';

export interface FlowOptions {
  readonly engine: DialogueEngine;
  /** Default: the in-process memory (5 turns, 30 min idle TTL) on the flow's clock. */
  readonly memory?: ConversationMemory;
  readonly clock?: ManualClock;
  /** Milliseconds the clock moves before each user message (default 1000). */
  readonly stepMs?: number;
  readonly conversation?: ConversationRef;
  /** The channel locale put on every message (none by default). */
  readonly locale?: string;
  /** What the error boundary answers when a turn fails. */
  readonly apology?: string;
}

/** One user message and what came back. */
export interface FlowTurn {
  readonly user: string;
  readonly parts: readonly MessagePart[];
  readonly outcome: TurnOutcome;
  /** Reply texts, in order. */
  readonly replies: readonly string[];
  /** Errors the pipeline logged during the turn. */
  readonly errors: readonly string[];
}

export interface FlowTranscript {
  readonly turns: readonly FlowTurn[];
}

/** A chainable, awaitable conversation. Every step runs after the previous one; the first failure rejects. */
export interface Flow extends PromiseLike<FlowTranscript> {
  /** Sends a user message: text, or message parts (e.g. an image). */
  user(input: string | MessagePart | readonly MessagePart[]): Flow;
  /** Expects the next reply of the last turn: equal to a string, matching a RegExp, or passing a check. */
  expectReply(expected: string | RegExp | ((reply: string, turn: FlowTurn) => void)): Flow;
  /** Expects the last turn to be handed to a person (optionally for this reason). */
  expectHandoff(reason?: string): Flow;
  /** Expects the last turn to be answered by the bot (no handoff). */
  expectAnswered(): Flow;
  /** Expects the last turn's understood intent (and, optionally, at least this confidence). */
  expectIntent(intent: string | RegExp, minConfidence?: number): Flow;
  /** Expects the last turn's sources to include each of these. */
  expectSources(...sources: readonly (string | RegExp)[]): Flow;
  /** Expects the last turn to have sent nothing (more). */
  expectNoReply(): Flow;
  /** Runs any check on the last turn. */
  check(fn: (turn: FlowTurn, transcript: FlowTranscript) => void): Flow;
  /** Moves the clock. */
  advance(ms: number): Flow;
}

function describeTurn(turn: FlowTurn): string {
  const u = turn.outcome.understanding;
  const info =
    u === undefined
      ? ''
      : `  [${u.handoff ? `HANDOFF ${u.handoffReason ?? ''} ` : ''}intent=${u.intent ?? '-'} ${u.confidence.toFixed(3)}${
          u.sources.length > 0 ? ` sources=${u.sources.join(',')}` : ''
        }]`;
  const lines = [`  user: ${turn.user === '' ? `(${turn.parts.map((p) => p.type).join('+')})` : turn.user}`];
  if (turn.replies.length === 0) lines.push(`  bot:  (no reply)${info}`);
  turn.replies.forEach((r, i) => lines.push(`  bot:  ${r}${i === turn.replies.length - 1 ? info : ''}`));
  if (turn.outcome.status !== 'handled') lines.push(`  (turn ${turn.outcome.status})`);
  for (const e of turn.errors) lines.push(`  error: ${e}`);
  return lines.join('\n');
}

/** The conversation so far, one line per message. */
export function renderTranscript(transcript: FlowTranscript): string {
  return transcript.turns.length === 0 ? '  (nothing said yet)' : transcript.turns.map(describeTurn).join('\n');
}

function errorLogger(sink: string[]): Logger {
  const noop = (): void => undefined;
  const logger: Logger = {
    debug: noop,
    info: noop,
    warn: noop,
    error: (objOrMsg: object | string, msg?: string) => {
      sink.push(typeof objOrMsg === 'string' ? objOrMsg : `${msg ?? ''} ${JSON.stringify(objOrMsg)}`.trim());
    },
    child: () => logger,
  };
  return logger;
}

interface FlowState {
  readonly turns: FlowTurn[];
  /** How many replies of the last turn the expectations consumed. */
  cursor: number;
  seq: number;
}

export function createFlow(options: FlowOptions): Flow {
  const clock = options.clock ?? new ManualClock();
  const store = options.memory ?? createInProcessMemory({ turns: 5 }, { clock });
  const conversation: ConversationRef = options.conversation ?? {
    channel: 'test',
    tenant: 'default',
    conversation: 'flow',
  };
  const errors: string[] = [];
  const dispatch = createDispatcher({
    pipeline: compose(
      errorBoundary({ apology: () => options.apology ?? 'Sorry, something went wrong.' }),
      memory(store),
      dialogue(options.engine),
    ),
    clock,
    log: errorLogger(errors),
    sendFor: () => () => Promise.resolve({ sentAt: clock.now() }),
  });
  const state: FlowState = { turns: [], cursor: 0, seq: 0 };
  const transcript: FlowTranscript = { turns: state.turns };

  const fail = (message: string): never => {
    throw new Error(`${message}\n\nConversation so far:\n${renderTranscript(transcript)}`);
  };
  const last = (what: string): FlowTurn => {
    const turn = state.turns[state.turns.length - 1];
    return turn ?? fail(`${what}: no user message was sent yet`);
  };

  const make = (chain: Promise<void>): Flow => {
    const step = (fn: () => void | Promise<void>): Flow => make(chain.then(fn));
    return {
      user: (input) =>
        step(async () => {
          const parts: readonly MessagePart[] =
            typeof input === 'string' ? [{ type: 'text', text: input }] : 'type' in input ? [input] : input;
          clock.advance(options.stepMs ?? 1000);
          state.seq += 1;
          const event: InboundMessage = {
            kind: 'message',
            id: `flow-${state.seq}`,
            receivedAt: clock.now(),
            conversation,
            sender: { id: 'flow-user' },
            parts,
            text: textOf(parts),
            mentionsBot: true,
            ...(options.locale === undefined ? {} : { locale: options.locale }),
            raw: null,
          };
          errors.length = 0;
          const outcome = await dispatch(event);
          state.turns.push({
            user: event.text,
            parts,
            outcome,
            replies: outcome.replies.map((r) => textOf(r.parts)),
            errors: [...errors],
          });
          state.cursor = 0;
        }),
      expectReply: (expected) =>
        step(() => {
          const turn = last('expectReply');
          const reply = turn.replies[state.cursor];
          if (reply === undefined) {
            fail(`expected a reply ${String(expected)} to "${turn.user}" but the bot sent no (more) replies`);
          }
          const text = reply ?? '';
          if (typeof expected === 'string' && text !== expected) {
            fail(`expected reply "${expected}" to "${turn.user}" but got "${text}"`);
          }
          if (expected instanceof RegExp && !expected.test(text)) {
            fail(`expected a reply matching ${String(expected)} to "${turn.user}" but got "${text}"`);
          }
          if (typeof expected === 'function') {
            try {
              expected(text, turn);
            } catch (error: unknown) {
              fail(`reply check failed for "${turn.user}": ${(error as Error).message}`);
            }
          }
          state.cursor += 1;
        }),
      expectHandoff: (reason) =>
        step(() => {
          const turn = last('expectHandoff');
          const u = turn.outcome.understanding;
          if (u?.handoff !== true) fail(`expected "${turn.user}" to be handed off, but the bot answered it`);
          if (reason !== undefined && u?.handoffReason !== reason) {
            fail(`expected handoff reason "${reason}" for "${turn.user}" but got "${u?.handoffReason ?? '-'}"`);
          }
        }),
      expectAnswered: () =>
        step(() => {
          const turn = last('expectAnswered');
          const u = turn.outcome.understanding;
          if (u === undefined || u.handoff) fail(`expected "${turn.user}" to be answered by the bot`);
        }),
      expectIntent: (intent, minConfidence) =>
        step(() => {
          const turn = last('expectIntent');
          const u = turn.outcome.understanding;
          const got = u?.intent ?? '';
          const ok = typeof intent === 'string' ? got === intent : intent.test(got);
          if (!ok) fail(`expected intent ${String(intent)} for "${turn.user}" but got "${got}"`);
          if (minConfidence !== undefined && (u?.confidence ?? 0) < minConfidence) {
            fail(`expected confidence ≥ ${minConfidence} for "${turn.user}" but got ${u?.confidence ?? 0}`);
          }
        }),
      expectSources: (...sources) =>
        step(() => {
          const turn = last('expectSources');
          const got = turn.outcome.understanding?.sources ?? [];
          for (const s of sources) {
            const ok = got.some((g) => (typeof s === 'string' ? g === s : s.test(g)));
            if (!ok) fail(`expected source ${String(s)} for "${turn.user}" but got [${got.join(', ')}]`);
          }
        }),
      expectNoReply: () =>
        step(() => {
          const turn = last('expectNoReply');
          const extra = turn.replies[state.cursor];
          if (extra !== undefined) fail(`expected no (more) replies to "${turn.user}" but got "${extra}"`);
        }),
      check: (fn) =>
        step(() => {
          const turn = last('check');
          try {
            fn(turn, transcript);
          } catch (error: unknown) {
            fail(`check failed for "${turn.user}": ${(error as Error).message}`);
          }
        }),
      advance: (ms) =>
        step(() => {
          clock.advance(ms);
        }),
      then: (onFulfilled, onRejected) => chain.then(() => transcript).then(onFulfilled, onRejected),
    };
  };
  return make(Promise.resolve());
}
