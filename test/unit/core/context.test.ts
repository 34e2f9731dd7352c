import assert from 'node:assert/strict';
import { TurnContext } from '../../../core/context.js';
import { ManualClock } from '../../../core/clock.js';
import { silentLogger } from '../../../core/logger.js';
import type { OutboundMessage } from '../../../core/envelope.js';
import { textOf, conversationKey } from '../../../core/envelope.js';
import { textMessage } from '../../helpers/messages.js';

describe('TurnContext', () => {
  function make() {
    const delivered: OutboundMessage[] = [];
    const ctx = new TurnContext({
      event: textMessage('hi'),
      turnId: 't1',
      send: (m) => {
        delivered.push(m);
        return Promise.resolve({ sentAt: 5 });
      },
      log: silentLogger,
      clock: new ManualClock(),
      signal: new AbortController().signal,
    });
    return { ctx, delivered };
  }

  it('reply() fills the conversation and replyTo', async () => {
    const { ctx, delivered } = make();
    await ctx.reply('hello');
    assert.equal(delivered.length, 1);
    assert.deepEqual(delivered[0]!.conversation, textMessage('x').conversation);
    assert.equal(delivered[0]!.replyTo, 'm1');
    assert.equal(textOf(delivered[0]!.parts), 'hello');
    assert.equal(ctx.sent.length, 1);
  });

  it('outbound hooks run in order and can rewrite or swallow a message', async () => {
    const { ctx, delivered } = make();
    const order: string[] = [];
    ctx.onSend(async (_c, _out, next) => {
      order.push('first');
      return next();
    });
    ctx.onSend((_c, out) => {
      order.push('mute');
      return Promise.resolve({ sentAt: 0, via: `muted:${textOf(out.parts)}` });
    });
    const receipt = await ctx.reply('secret');
    assert.deepEqual(order, ['first', 'mute']);
    assert.equal(receipt.via, 'muted:secret');
    assert.equal(delivered.length, 0);
  });

  it('exposes the conversation key and text', () => {
    const { ctx } = make();
    assert.equal(ctx.conversationKey, conversationKey(textMessage('x').conversation));
    assert.equal(ctx.conversationKey, 'test:t:c');
    assert.equal(ctx.text, 'hi');
  });
});

describe('textOf', () => {
  it('joins text, markdown and voice transcripts and skips media', () => {
    assert.equal(
      textOf([
        { type: 'text', text: 'a' },
        { type: 'image', mediaId: 'x' },
        { type: 'audio', mediaId: 'v', transcript: 'b' },
        { type: 'markdown', markdown: 'c' },
      ]),
      'a\nb\nc',
    );
  });
});
