/**
 * Runs eval-kb queries through the real pipeline pieces (error boundary → five-turn memory → dialogue engine),
 * one fresh session per query, earlier turns first.
 */
import type { ManualClock } from '../../core/clock.js';
import { createDispatcher } from '../../core/dispatcher.js';
import { textOf, type InboundMessage } from '../../core/envelope.js';
import { silentLogger } from '../../core/logger.js';
import { compose } from '../../core/middleware.js';
import { dialogue } from '../../core/pipeline/dialogue.js';
import { errorBoundary } from '../../core/pipeline/error-boundary.js';
import { memory } from '../../core/pipeline/memory.js';
import type { DialogueEngine } from '../../core/ports/dialogue.js';
import type { ConversationMemory } from '../../core/ports/memory.js';
import type { EvalQuery } from './queries.js';
import { report, type EvalReply, type EvalReport } from './score.js';

/** One query's outcome, for `--verbose` listings. */
export interface EvalResult {
  readonly query: EvalQuery;
  readonly reply: EvalReply;
}

/** Sends every query's turns in its own conversation and scores the reply to its last turn. */
export async function runEval(
  engine: DialogueEngine,
  queries: readonly EvalQuery[],
  deps: {
    /** The five-turn memory (e.g. the in-process one on `clock`); closed at the end. */
    memory: ConversationMemory;
    /** The clock the memory runs on; advanced one second per message. */
    clock: ManualClock;
    onProgress?: (done: number, total: number) => void;
  },
): Promise<{ report: EvalReport; results: EvalResult[] }> {
  const { clock, memory: store } = deps;
  const dispatch = createDispatcher({
    pipeline: compose(errorBoundary({ apology: () => 'apology' }), memory(store), dialogue(engine)),
    clock,
    log: silentLogger,
    sendFor: () => () => Promise.resolve({ sentAt: clock.now() }),
  });
  const results: EvalResult[] = [];
  let seq = 0;
  for (const [i, query] of queries.entries()) {
    let reply: EvalReply = { text: '', handoff: false, sources: [] };
    for (const text of query.turns) {
      clock.advance(1000);
      seq++;
      const event: InboundMessage = {
        kind: 'message',
        id: `eval-${seq}`,
        receivedAt: clock.now(),
        conversation: { channel: 'eval', tenant: 'eval', conversation: `q${i}` },
        sender: { id: 'eval-user' },
        parts: [{ type: 'text', text }],
        text,
        mentionsBot: true,
        raw: null,
      };
      const outcome = await dispatch(event);
      const u = outcome.understanding;
      reply = {
        text: outcome.replies.map((r) => textOf(r.parts)).join('\n'),
        handoff: u?.handoff ?? false,
        sources: u?.sources ?? [],
      };
    }
    results.push({ query, reply });
    deps.onProgress?.(i + 1, queries.length);
  }
  await store.close();
  return { report: report(results), results };
}
