/** Handoff events within one process. */
import type { Logger } from '../../core/logger.js';
import { describeError } from '../../core/errors.js';
import type { HandoffEvent, HandoffEvents } from '../../core/ports/handoff.js';

type Listener = (event: HandoffEvent, local: boolean) => void;

/** Calls every listener; one failing listener never stops the others. */
export function fanOut(listeners: ReadonlySet<Listener>, event: HandoffEvent, local: boolean, log: Logger): void {
  for (const listener of [...listeners]) {
    try {
      listener(event, local);
    } catch (error) {
      log.warn({ err: describeError(error), type: event.type }, 'handoff event listener failed');
    }
  }
}

/** Creates an in-process event bus (one replica). */
export function createInProcessHandoffEvents(deps: { log: Logger }): HandoffEvents {
  const listeners = new Set<Listener>();
  return {
    publish(event) {
      fanOut(listeners, event, true, deps.log);
      return Promise.resolve();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    ready: () => Promise.resolve(),
    close() {
      listeners.clear();
      return Promise.resolve();
    },
  };
}
