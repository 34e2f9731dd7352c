/**
 * The loop that keeps owed answers moving: every `intervalMs` it adopts the obligations of replicas that are gone
 * and asks the coordinator to deliver each answer this process owes (one attempt per answer at a time). An answer
 * still owed after `maxAgeMs` is given up with an error log.
 */
import type { Clock } from '../../core/clock.js';
import { describeError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { Coordinator } from './coordinator.js';
import type { Obligations } from './obligations.js';

export interface RecoveryOptions {
  /** How often owed answers are looked at (default 1 s). */
  readonly intervalMs?: number;
  /** How long an answer may stay owed (default 1 h). */
  readonly maxAgeMs?: number;
}

export interface Recovery {
  /** One pass (the loop's body; tests call it directly). */
  tick(): Promise<void>;
  /** Stops the loop. */
  stop(): void;
}

export function startRecovery(
  options: RecoveryOptions,
  deps: { clock: Clock; log: Logger; obligations: Obligations; coordinator: Pick<Coordinator, 'recover'> },
): Recovery {
  const intervalMs = options.intervalMs ?? 1_000;
  const maxAgeMs = options.maxAgeMs ?? 60 * 60 * 1000;
  const { clock, log, obligations, coordinator } = deps;
  const busy = new Set<string>();
  let stopped = false;
  let sleeping: AbortController | undefined;

  const tick = async (): Promise<void> => {
    try {
      await obligations.adoptOrphans();
    } catch (error: unknown) {
      log.warn({ err: describeError(error) }, 'owed WeChat answers of stopped replicas not checked');
    }
    for (const owed of obligations.owned()) {
      if (busy.has(owed.id)) continue;
      if (clock.now() - owed.since > maxAgeMs) {
        log.error({ id: owed.id }, 'an owed WeChat answer could not be delivered in time; given up');
        obligations.discharge(owed.id);
        continue;
      }
      busy.add(owed.id);
      coordinator
        .recover(owed)
        .catch((error: unknown) =>
          log.warn({ id: owed.id, err: describeError(error) }, 'owed WeChat answer not delivered yet; retrying'),
        )
        .finally(() => busy.delete(owed.id));
    }
  };

  void (async () => {
    while (!stopped) {
      sleeping = new AbortController();
      try {
        await clock.sleep(intervalMs, sleeping.signal);
      } catch {
        return; // stopped
      }
      await tick();
    }
  })();

  return {
    tick,
    stop() {
      stopped = true;
      sleeping?.abort('stopped');
    },
  };
}
