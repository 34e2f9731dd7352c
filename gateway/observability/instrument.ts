/**
 * Decorators and watchers that feed the metric families from the gateway's own seams, so the modules behind them
 * need no metrics code: the dispatch (inbound, duplicates, turn outcomes and latency), the channel send (replies
 * sent and failed), conversation memory (latency per operation) and handoff events (opened by reason, waiting
 * time, satisfaction).
 */
import type { Dispatch } from '../../core/dispatcher.js';
import type { OutboundMessage, SendReceipt } from '../../core/envelope.js';
import type { HandoffEvents } from '../../core/ports/handoff.js';
import type { ConversationMemory } from '../../core/ports/memory.js';
import type { MetricFamilies } from './metrics.js';

const seconds = (startedNs: bigint): number => Number(process.hrtime.bigint() - startedNs) / 1e9;

/** Counts every dispatched event and how its turn ended. */
export function instrumentDispatch(dispatch: Dispatch, families: MetricFamilies): Dispatch {
  return async (event) => {
    const channel = event.conversation.channel;
    families.inbound.inc({ channel });
    const started = process.hrtime.bigint();
    try {
      const outcome = await dispatch(event);
      families.turns.inc({ channel, status: outcome.status });
      if (outcome.status === 'duplicate') families.duplicates.inc({ channel });
      else families.turnDuration.observe({ channel }, seconds(started));
      return outcome;
    } catch (error: unknown) {
      families.turns.inc({ channel, status: 'refused' });
      throw error;
    }
  };
}

/** Counts replies handed to channels, and those that failed. */
export function instrumentSend<A extends unknown[]>(
  send: (message: OutboundMessage, ...rest: A) => Promise<SendReceipt>,
  families: MetricFamilies,
): (message: OutboundMessage, ...rest: A) => Promise<SendReceipt> {
  return async (message, ...rest) => {
    const channel = message.conversation.channel;
    try {
      const receipt = await send(message, ...rest);
      families.repliesSent.inc({ channel });
      return receipt;
    } catch (error: unknown) {
      families.repliesFailed.inc({ channel });
      throw error;
    }
  };
}

/** Times every memory operation (label `op`: recent, append, add_reply, clear; `outcome`: ok | error). */
export function instrumentMemory(memory: ConversationMemory, families: MetricFamilies): ConversationMemory {
  const timed = async <T>(op: string, work: () => Promise<T>): Promise<T> => {
    const started = process.hrtime.bigint();
    let outcome = 'error';
    try {
      const result = await work();
      outcome = 'ok';
      return result;
    } finally {
      families.memoryDuration.observe({ op, outcome }, seconds(started));
    }
  };
  return {
    recent: (key) => timed('recent', () => memory.recent(key)),
    appendTurn: (key, turn) => timed('append', () => memory.appendTurn(key, turn)),
    addReply: (key, turnId, reply) => timed('add_reply', () => memory.addReply(key, turnId, reply)),
    clear: (key) => timed('clear', () => memory.clear(key)),
    close: () => memory.close(),
  };
}

/**
 * Handoffs opened (by reason), time to the first agent (on the first assignment) and satisfaction scores, from the
 * events this process published (each replica counts its own). Returns an unsubscribe.
 */
export function watchHandoffEvents(events: HandoffEvents, families: MetricFamilies): () => void {
  return events.subscribe((event, local) => {
    if (!local || event.type !== 'ticket') return;
    const t = event.ticket;
    if (event.change === 'open') families.handoffsOpened.inc({ reason: t.reason });
    else if (event.change === 'assign' && t.sla.assignedAt !== undefined && t.transfers === 0) {
      families.handoffWait.observe(Math.max(0, (t.sla.assignedAt - t.sla.openedAt) / 1000));
    } else if (event.change === 'rate' && t.satisfaction !== undefined) families.satisfaction.observe(t.satisfaction);
  });
}
