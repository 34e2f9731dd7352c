/** Inbound events for tests, shaped as the channels normalise them. */
import type { InboundMessage } from '../../core/envelope.js';

/**
 * A text message that mentions the bot: id `m1`, received at 0, from user `u` in conversation `test:t:c`;
 * `over` replaces any field (`parts: []` for a message without parts).
 */
export function textMessage(text: string, over: Partial<InboundMessage> = {}): InboundMessage {
  return {
    kind: 'message',
    id: 'm1',
    receivedAt: 0,
    conversation: { channel: 'test', tenant: 't', conversation: 'c' },
    sender: { id: 'u' },
    parts: [{ type: 'text', text }],
    text,
    mentionsBot: true,
    raw: null,
    ...over,
  };
}

/** A text message from `user` in their own conversation (WeChat openid, DingTalk 1:1 chat) of `channel`/`tenant`. */
export function userMessage(
  channel: string,
  tenant: string,
  user: string,
  text: string,
  over: Partial<InboundMessage> = {},
): InboundMessage {
  return textMessage(text, { conversation: { channel, tenant, conversation: user }, sender: { id: user }, ...over });
}
