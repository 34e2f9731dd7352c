/**
 * Handoff events across replicas through Redis pub/sub on `<ns>:handoff:events`. Local subscribers get an event
 * at once when it is published here; other replicas get it from Redis (their own echoes are skipped by origin id).
 * On a Redis Cluster the subscriber connects to one node; classic PUBLISH is broadcast to every node of the cluster.
 */
import { randomUUID } from 'node:crypto';
import { describeError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { HandoffEvent, HandoffEvents } from '../../core/ports/handoff.js';
import { duplicateForSubscribe, type RedisClient } from '../redis-client.js';
import { fanOut } from './in-process-events.js';

export interface RedisEventsOptions {
  /** Used to publish; a duplicate connection is made to subscribe (closed by `close`). */
  readonly redis: RedisClient;
  readonly namespace: string;
}

interface Envelope {
  readonly o: string;
  readonly e: HandoffEvent;
}

/** Creates the Redis event bus and starts subscribing (await `ready()` before relying on remote events). */
export function createRedisHandoffEvents(options: RedisEventsOptions, deps: { log: Logger }): HandoffEvents {
  const channel = `${options.namespace}:handoff:events`;
  const origin = randomUUID();
  const listeners = new Set<(event: HandoffEvent, local: boolean) => void>();
  // Its own connection (a subscribed connection can run nothing else), queueing SUBSCRIBE until connected.
  const subscriber = duplicateForSubscribe(options.redis, { lazyConnect: false, enableOfflineQueue: true });
  subscriber.on('error', (error: Error) => deps.log.warn({ err: error.message }, 'handoff events: redis problem'));
  subscriber.on('message', (ch: string, raw: string) => {
    if (ch !== channel) return;
    let envelope: Envelope;
    try {
      envelope = JSON.parse(raw) as Envelope;
    } catch {
      return;
    }
    if (envelope.o !== origin) fanOut(listeners, envelope.e, false, deps.log);
  });
  const subscribed = subscriber.subscribe(channel).then(
    () => undefined,
    (error: unknown) => {
      deps.log.warn(
        { err: describeError(error) },
        'handoff events: could not subscribe; consoles on other replicas will miss live updates',
      );
    },
  );
  return {
    async publish(event) {
      fanOut(listeners, event, true, deps.log);
      const envelope: Envelope = { o: origin, e: event };
      try {
        await options.redis.publish(channel, JSON.stringify(envelope));
      } catch (error) {
        deps.log.warn({ err: describeError(error), type: event.type }, 'handoff events: publish failed');
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    ready: () => subscribed,
    async close() {
      listeners.clear();
      subscriber.disconnect();
      await Promise.resolve();
    },
  };
}
