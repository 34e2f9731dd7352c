import type { Channel, ChannelHost } from '../../core/ports/channel.js';
import type { OutboundMessage, SendReceipt } from '../../core/envelope.js';
import type { Clock } from '../../core/clock.js';

/** A message delivered to a REST-channel session outside a request (agent replies, proactive). */
export type RestDeliveryListener = (message: OutboundMessage) => void;

export interface RestChannel extends Channel {
  /** Subscribes to messages delivered to one conversation key (for server-sent events). Returns an unsubscribe. */
  subscribe(conversationKey: string, listener: RestDeliveryListener): () => void;
}

/**
 * The REST channel for custom front ends. Replies to a `POST /api/v1/chat` are returned in its
 * response (the gateway reads them from the turn outcome); `send` additionally notifies subscribers,
 * which is how agent replies reach a REST customer.
 */
export function createRestChannel(deps: { clock: Clock }): RestChannel {
  const listeners = new Map<string, Set<RestDeliveryListener>>();
  let host: ChannelHost | undefined;
  return {
    id: 'rest',
    capabilities: { maxTextLength: 64_000, partTypes: ['text', 'markdown', 'image', 'link', 'file'] },
    start(h) {
      host = h;
      return Promise.resolve();
    },
    stop() {
      host = undefined;
      listeners.clear();
      return Promise.resolve();
    },
    send(message): Promise<SendReceipt> {
      const key = `${message.conversation.channel}:${message.conversation.tenant}:${message.conversation.conversation}`;
      for (const listener of listeners.get(key) ?? []) listener(message);
      return Promise.resolve({ sentAt: deps.clock.now(), via: host === undefined ? 'detached' : 'rest' });
    },
    subscribe(conversationKey, listener) {
      let set = listeners.get(conversationKey);
      if (set === undefined) {
        set = new Set();
        listeners.set(conversationKey, set);
      }
      set.add(listener);
      return () => {
        const current = listeners.get(conversationKey);
        current?.delete(listener);
        if (current?.size === 0) listeners.delete(conversationKey);
      };
    },
  };
}
