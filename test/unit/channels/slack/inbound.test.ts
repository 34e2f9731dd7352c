import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  fromBlockActions,
  fromEventCallback,
  fromSlashCommand,
  isSslCheck,
  slackToPlain,
  stripBotMention,
  type SlackInbound,
} from '../../../../channels/slack/inbound.js';
import type { InboundEvent } from '../../../../core/envelope.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../../fixtures/slack');
const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8')) as Record<string, unknown>;
const form = (name: string): Record<string, string> =>
  Object.fromEntries(new URLSearchParams(readFileSync(path.join(FIXTURES, name), 'utf8').trim()));
const AT = 1_700_000_000_000;

function dispatched(r: SlackInbound): InboundEvent {
  assert.equal(r.kind, 'dispatch', r.kind === 'ignore' ? r.reason : '');
  if (r.kind !== 'dispatch') throw new Error('unreachable');
  return r.event;
}
const ignored = (r: SlackInbound): string => {
  assert.equal(r.kind, 'ignore');
  return r.kind === 'ignore' ? r.reason : '';
};

describe('slack inbound', () => {
  it('app_mention: id = event_id, tenant = team_id, thread = ts, mention stripped, entities decoded', () => {
    const e = dispatched(fromEventCallback(fixture('app-mention.json'), { receivedAt: AT }));
    assert.equal(e.kind, 'message');
    if (e.kind !== 'message') return;
    assert.equal(e.id, 'Ev123ABC456');
    assert.deepEqual(e.conversation, {
      channel: 'slack',
      tenant: 'T123ABC456',
      conversation: 'C123ABC456',
      thread: '1515449522.000016',
    });
    assert.equal(e.text, 'what are your opening hours & prices?');
    assert.deepEqual(e.parts, [{ type: 'text', text: 'what are your opening hours & prices?' }]);
    assert.deepEqual(e.sender, { id: 'U123ABC456' });
    assert.equal(e.mentionsBot, true);
    assert.equal(e.receivedAt, AT);
    assert.equal((e.raw as Record<string, unknown>)['token'], undefined, 'verification token removed from raw');
  });

  it('app_mention inside a thread keeps that thread', () => {
    const body = fixture('app-mention.json');
    (body['event'] as Record<string, unknown>)['thread_ts'] = '1515449000.000001';
    const e = dispatched(fromEventCallback(body, { receivedAt: AT }));
    assert.equal(e.conversation.thread, '1515449000.000001');
  });

  it('DM (message.im): no thread, links reduced to their label', () => {
    const e = dispatched(fromEventCallback(fixture('message-im.json'), { receivedAt: AT }));
    assert.equal(e.kind === 'message' && e.text, 'Hello, I need help with my order');
    assert.equal(e.conversation.conversation, 'D024BE91L');
    assert.equal(e.conversation.thread, undefined);
    assert.equal(e.id, 'Ev0DMDM001');
  });

  it('ignores bot messages, edits, deletes, channel messages without mention, and our own messages', () => {
    assert.equal(ignored(fromEventCallback(fixture('message-bot.json'), { receivedAt: AT })), 'bot message');
    assert.match(ignored(fromEventCallback(fixture('message-changed.json'), { receivedAt: AT })), /message_changed/);
    const deleted = fixture('message-changed.json');
    (deleted['event'] as Record<string, unknown>)['subtype'] = 'message_deleted';
    assert.match(ignored(fromEventCallback(deleted, { receivedAt: AT })), /message_deleted/);
    const botIdOnly = fixture('message-im.json');
    (botIdOnly['event'] as Record<string, unknown>)['bot_id'] = 'B999';
    assert.equal(ignored(fromEventCallback(botIdOnly, { receivedAt: AT })), 'bot message');
    const inChannel = fixture('message-im.json');
    (inChannel['event'] as Record<string, unknown>)['channel_type'] = 'channel';
    assert.match(ignored(fromEventCallback(inChannel, { receivedAt: AT })), /app_mention/);
    const own = fixture('message-im.json');
    (own['event'] as Record<string, unknown>)['user'] = 'U0LAN0Z89';
    assert.equal(ignored(fromEventCallback(own, { receivedAt: AT })), 'our own message');
    const edited = fixture('app-mention.json');
    (edited['event'] as Record<string, unknown>)['edited'] = { user: 'U1', ts: '1' };
    assert.equal(ignored(fromEventCallback(edited, { receivedAt: AT })), 'edited message');
  });

  it('ignores other event types and malformed callbacks instead of throwing', () => {
    const other = fixture('app-mention.json');
    (other['event'] as Record<string, unknown>)['type'] = 'reaction_added';
    assert.match(ignored(fromEventCallback(other, { receivedAt: AT })), /reaction_added/);
    for (const bad of [
      null,
      42,
      'x',
      {},
      { type: 'event_callback' },
      { type: 'event_callback', event: {}, event_id: 'E' },
    ]) {
      assert.equal(fromEventCallback(bad, { receivedAt: AT }).kind, 'ignore');
    }
  });

  it('file shares become parts', () => {
    const body = fixture('message-im.json');
    const ev = body['event'] as Record<string, unknown>;
    ev['subtype'] = 'file_share';
    ev['text'] = '';
    ev['files'] = [
      { id: 'F1', name: 'a.png', mimetype: 'image/png', url_private: 'https://files.slack.com/a.png' },
      { id: 'F2', name: 'b.pdf', mimetype: 'application/pdf', url_private: 'https://files.slack.com/b.pdf' },
    ];
    const e = dispatched(fromEventCallback(body, { receivedAt: AT }));
    assert.deepEqual(e.kind === 'message' && e.parts, [
      { type: 'image', url: 'https://files.slack.com/a.png', mediaId: 'F1' },
      { type: 'file', url: 'https://files.slack.com/b.pdf', mediaId: 'F2', name: 'b.pdf' },
    ]);
  });

  it('slash command (real form fields): id from trigger_id, response_url returned, not kept in raw', () => {
    const r = fromSlashCommand(form('slash-command.form'), { receivedAt: AT });
    assert.equal(r.kind, 'dispatch');
    if (r.kind !== 'dispatch') return;
    assert.equal(r.responseUrl, 'https://hooks.slack.com/commands/1234/5678');
    assert.equal(r.event.id, 'cmd:13345224609.738474920.8088930838d88f008e0');
    assert.deepEqual(r.event.conversation, { channel: 'slack', tenant: 'T0001', conversation: 'C2147483705' });
    assert.equal(r.event.kind === 'message' && r.event.text, 'where is my parcel?');
    assert.deepEqual(r.event.sender, { id: 'U2147483697', displayName: 'Steve' });
    const raw = r.event.raw as Record<string, unknown>;
    assert.equal(raw['response_url'], undefined);
    assert.equal(raw['token'], undefined);
    assert.equal(fromSlashCommand({ team_id: 'T' }, { receivedAt: AT }).kind, 'ignore');
  });

  it('block_actions: handoff button -> action handoff.request in the message thread', () => {
    const e = dispatched(fromBlockActions(fixture('block-actions-handoff.json'), { receivedAt: AT }));
    assert.equal(e.kind, 'action');
    if (e.kind !== 'action') return;
    assert.equal(e.action, 'handoff.request');
    assert.equal(e.value, 'handoff');
    assert.equal(e.id, 'act:12321423423.333649436676.d8c1bb837935619ccad0f624c448ffb3');
    assert.deepEqual(e.conversation, {
      channel: 'slack',
      tenant: 'T123ABC456',
      conversation: 'C123ABC456',
      thread: '1515449522.000016',
    });
    assert.deepEqual(e.sender, { id: 'U2147483697', displayName: 'steve' });
    assert.equal((e.raw as Record<string, unknown>)['response_url'], undefined);
  });

  it('block_actions: ratings 1..5 -> action rating; suggestions -> message; others ignored', () => {
    const body = fixture('block-actions-handoff.json');
    const action = (body['actions'] as Record<string, unknown>[])[0]!;
    action['action_id'] = 'clawbot_rating_4';
    const rating = dispatched(fromBlockActions(body, { receivedAt: AT }));
    assert.deepEqual(rating.kind === 'action' && [rating.action, rating.value], ['rating', '4']);
    action['action_id'] = 'clawbot_rating_9';
    assert.equal(fromBlockActions(body, { receivedAt: AT }).kind, 'ignore');
    action['action_id'] = 'clawbot_suggest_1';
    action['value'] = 'Opening hours';
    const suggestion = dispatched(fromBlockActions(body, { receivedAt: AT }));
    assert.equal(suggestion.kind === 'message' && suggestion.text, 'Opening hours');
    action['action_id'] = 'someone_elses_button';
    assert.equal(fromBlockActions(body, { receivedAt: AT }).kind, 'ignore');
  });

  it('mention stripping and mrkdwn decoding', () => {
    assert.equal(stripBotMention('<@UBOT> hi <@UBOT|clawbot> there', 'UBOT'), 'hi there');
    assert.equal(stripBotMention('<@UOTHER> hi', 'UBOT'), '<@UOTHER> hi');
    assert.equal(stripBotMention('<@UBOT> hi <@UX>', undefined), 'hi <@UX>');
    assert.equal(
      slackToPlain(
        'ask <@U1|bob> in <#C1|general> <!here> <mailto:a@b.c|a@b.c> <https://x.y> 1 &lt; 2 &amp;&amp; 3 &gt; 2',
      ),
      'ask @bob in #general @here a@b.c https://x.y 1 < 2 && 3 > 2',
    );
  });

  it('ssl_check is recognised only as the exact form field', () => {
    assert.equal(isSslCheck('ssl_check=1&token=abc', 'application/x-www-form-urlencoded'), true);
    assert.equal(isSslCheck('ssl_check=1', 'application/x-www-form-urlencoded; charset=utf-8'), true);
    assert.equal(isSslCheck('ssl_check=1', 'application/json'), false);
    assert.equal(isSslCheck('ssl_check=0', 'application/x-www-form-urlencoded'), false);
    assert.equal(isSslCheck('{"ssl_check":1}', 'application/x-www-form-urlencoded'), false);
  });
});
