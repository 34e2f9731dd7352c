/**
 * The timeout sweeper: finds queued or assigned tickets past their deadline and applies the no-agent fallback;
 * with round-robin assignment it also hands waiting tickets to agents who came online. Every replica may run
 * one: the compare-and-set write lets exactly one of them apply each timeout.
 */
import type { Clock } from '../core/clock.js';
import { describeError, isBotError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { HandoffService } from './service.js';

export interface HandoffSweeper {
  /** One pass; resolves with the number of tickets that timed out here. */
  sweepOnce(): Promise<number>;
  /** Starts sweeping every `intervalMs` on the clock. */
  start(): void;
  /** Stops the loop and waits for a running pass. */
  stop(): Promise<void>;
}

/** Creates the sweeper (not started). */
export function createHandoffSweeper(
  options: { intervalMs: number },
  deps: { service: HandoffService; clock: Clock; log: Logger },
): HandoffSweeper {
  const { service, clock, log } = deps;
  let controller: AbortController | undefined;
  let loop: Promise<void> | undefined;

  const sweepOnce = async (): Promise<number> => {
    const now = clock.now();
    const due = (await service.deps.queue.list({ status: ['queued', 'assigned'] })).filter(
      (t) => t.deadlineAt !== undefined && t.deadlineAt <= now,
    );
    let timedOut = 0;
    for (const ticket of due) {
      try {
        await service.apply(ticket.id, { type: 'timeout', fallback: service.options.fallback });
        timedOut++;
      } catch (error) {
        // Another replica (or an agent) got there first: the ticket is no longer waiting.
        if (!isBotError(error) || error.code !== 'handoff.invalid_transition') {
          log.warn({ err: describeError(error), ticket: ticket.id }, 'handoff timeout failed');
        }
      }
    }
    await service.assignWaiting();
    return timedOut;
  };

  return {
    sweepOnce,
    start() {
      if (controller !== undefined) return;
      const c = new AbortController();
      controller = c;
      loop = (async () => {
        while (!c.signal.aborted) {
          try {
            await clock.sleep(options.intervalMs, c.signal);
          } catch {
            return;
          }
          await sweepOnce().catch((error: unknown) => log.warn({ err: describeError(error) }, 'handoff sweep failed'));
        }
      })();
    },
    async stop() {
      controller?.abort(new Error('sweeper stopped'));
      controller = undefined;
      await loop;
      loop = undefined;
    },
  };
}
