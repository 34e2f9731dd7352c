import type { TurnContext } from '../../core/context.js';
import { compose, type Middleware } from '../../core/middleware.js';
import type { DialogueEngine } from '../../core/ports/dialogue.js';
import type { KeyValue, Locks } from '../../core/ports/kv.js';
import type { ConversationMemory } from '../../core/ports/memory.js';
import { errorBoundary } from '../../core/pipeline/error-boundary.js';
import { turnLogger } from '../../core/pipeline/turn-logger.js';
import { dedupe } from '../../core/pipeline/dedupe.js';
import { sequentialize } from '../../core/pipeline/sequentialize.js';
import { memory } from '../../core/pipeline/memory.js';
import { dialogue } from '../../core/pipeline/dialogue.js';
import { isStoreUnavailable, releaseDedupeOnStoreFailure } from '../flow/store-guard.js';
import type { TurnLease } from '../flow/turn-lease.js';

export interface PipelineDeps {
  readonly kv: KeyValue;
  readonly locks: Locks;
  readonly memory: ConversationMemory;
  readonly engine: DialogueEngine;
  /** The handoff gate: stops the bot while a human holds the conversation. Pass-through until handoff/ lands. */
  readonly handoffGate?: Middleware<TurnContext>;
  /** What the customer is told when a turn fails. */
  readonly apology: (ctx: TurnContext) => string;
  /** Flow control right after dedupe (the per-end-user limit; its polite reply ends the turn). */
  readonly throttle?: Middleware<TurnContext>;
  /**
   * When true, a state-store failure before anything was sent fails the dispatch (so the channel does not
   * acknowledge the event and the platform retries) instead of apologising; the dedupe marker is given back.
   */
  readonly passOnStoreFailures?: boolean;
  /** Replicas sharing Redis: a retry takes over a message whose replica died mid-turn (see turn-lease.ts). */
  readonly turnLease?: TurnLease;
  readonly dedupeTtlMs?: number;
  readonly lockTtlMs?: number;
  readonly lockWaitMs?: number;
}

/**
 * The default pipeline, in one place:
 * (turn lease seal) -> error boundary -> per-turn child logger -> dedupe by channel message id -> per-end-user rate limit -> one turn at a time per
 * conversation (across replicas with Redis) -> memory -> handoff gate -> dialogue engine.
 */
export function createPipeline(deps: PipelineDeps): Middleware<TurnContext> {
  const passOn = deps.passOnStoreFailures === true;
  const stages: Middleware<TurnContext>[] = [
    ...(deps.turnLease === undefined ? [] : [deps.turnLease.seal]),
    errorBoundary({ apology: deps.apology, ...(passOn ? { rethrow: isStoreUnavailable } : {}) }),
    turnLogger(),
    ...(passOn ? [releaseDedupeOnStoreFailure(deps.kv)] : []),
    ...(deps.turnLease === undefined ? [] : [deps.turnLease.takeover]),
    dedupe(deps.kv, { ttlMs: deps.dedupeTtlMs ?? 10 * 60 * 1000 }),
    ...(deps.turnLease === undefined ? [] : [deps.turnLease.lease]),
    ...(deps.throttle === undefined ? [] : [deps.throttle]),
    sequentialize(deps.locks, { lockTtlMs: deps.lockTtlMs ?? 30_000, waitMs: deps.lockWaitMs ?? 30_000 }),
    memory(deps.memory),
  ];
  if (deps.handoffGate !== undefined) stages.push(deps.handoffGate);
  stages.push(dialogue(deps.engine));
  return compose(...stages);
}
