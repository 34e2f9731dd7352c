import assert from 'node:assert/strict';
import {
  isAddressedToBot,
  parseCallback,
  partsOf,
  routeOf,
  stripMention,
  toInboundMessage,
} from '../../../../channels/dingtalk/inbound.js';
import { fixture } from './helpers.js';

function parse(body: unknown) {
  const r = parseCallback(JSON.stringify(body));
  if (!r.ok) throw new Error(`fixture did not parse: ${r.detail}`);
  return r.payload;
}

const opts = { receivedAt: 1, robotCode: undefined, robotNames: ['客服机器人'] };

describe('dingtalk inbound (real callback fixtures)', () => {
  it('normalises the real 1:1 text capture', () => {
    const payload = parse(fixture('cb_msg_text.json'));
    const m = toInboundMessage(payload, opts);
    assert.equal(m.id, 'msgTextScrubbed0000000001==');
    assert.deepEqual(m.conversation, {
      channel: 'dingtalk',
      tenant: 'dingrobotcode0000001',
      conversation: 'cidAbCdEfGhIjKlMnOpQ/rStUvWxYz0123456789+AbC=',
    });
    assert.deepEqual(m.sender, { id: '000000000000000001', displayName: '测试用户 000-0000' });
    assert.deepEqual(m.parts, [{ type: 'text', text: 'hello' }]);
    assert.equal(m.text, 'hello');
    assert.equal(m.mentionsBot, true);
    assert.equal(m.raw, payload);
  });

  it('normalises the real picture, richText and file captures', () => {
    assert.deepEqual(partsOf(parse(fixture('cb_msg_picture.json')), []), [
      { type: 'image', mediaId: 'SCRUBBED+picture/downloadCode0001=' },
    ]);
    const rich = toInboundMessage(parse(fixture('cb_msg_rich_text.json')), opts);
    assert.deepEqual(rich.parts, [
      { type: 'image', mediaId: 'SCRUBBED+richtext/downloadCode0001=' },
      { type: 'text', text: 'abc' },
    ]);
    assert.equal(rich.text, 'abc');
    assert.deepEqual(partsOf(parse(fixture('cb_msg_file.json')), []), [
      { type: 'file', mediaId: 'SCRUBBED+file/downloadCode0001=', name: '示例文件' },
    ]);
  });

  it('parses the data string of the real stream CALLBACK frame', () => {
    const frame = fixture('client_downstream_msg.json') as { data: string; headers: { topic: string } };
    assert.equal(frame.headers.topic, '/v1.0/im/bot/messages/get');
    const r = parseCallback(frame.data);
    assert.equal(r.ok, true);
    if (r.ok) assert.equal(toInboundMessage(r.payload, opts).text, '?');
  });

  it('uses the audio recognition text as the transcript', () => {
    const payload = parse({
      ...fixture('cb_msg_text.json'),
      msgtype: 'audio',
      text: undefined,
      content: { recognition: ' 我想退货 ', duration: 3000, downloadCode: 'dc-audio' },
    });
    const m = toInboundMessage(payload, opts);
    assert.deepEqual(m.parts, [{ type: 'audio', mediaId: 'dc-audio', transcript: '我想退货' }]);
    assert.equal(m.text, '我想退货');
  });

  it('group messages count as addressed only when they @mention the robot; the mention is stripped', () => {
    const group = parse(fixture('doc_group_text.json'));
    assert.equal(isAddressedToBot(group), true);
    const m = toInboundMessage(group, { ...opts, robotCode: 'dingconfigured' });
    assert.equal(m.text, '你好', 'the leading space DingTalk leaves is trimmed');
    assert.equal(m.conversation.tenant, 'dingconfigured', 'no robotCode in the doc sample: the configured one');
    assert.equal(isAddressedToBot({ ...group, isInAtList: false, atUsers: [] }), false);
    assert.equal(isAddressedToBot({ ...group, isInAtList: undefined }), true, 'atUsers contains the robot');
    assert.equal(isAddressedToBot({ ...group, isInAtList: undefined, atUsers: [{ dingtalkId: 'someone' }] }), false);
    const { robotCode: _drop, ...noRobot } = group;
    assert.equal(toInboundMessage(parse(noRobot), opts).conversation.tenant, group.chatbotCorpId);
  });

  it('strips @robotName mentions that DingTalk left in', () => {
    assert.equal(stripMention('@客服机器人 退货怎么办', ['客服机器人']), '退货怎么办');
    assert.equal(stripMention(' @客服机器人\u2005退货', ['客服机器人']), '退货');
    assert.equal(stripMention('问 @张三 一下', ['客服机器人']), '问 @张三 一下');
  });

  it('refuses malformed JSON and payloads without the required fields', () => {
    assert.equal(parseCallback('{not json').ok, false);
    const r = parseCallback(JSON.stringify({ msgtype: 'text', text: { content: 'x' } }));
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.equal(r.reason, 'invalid_payload');
      assert.match(r.detail, /msgId/);
    }
    assert.equal(parseCallback(JSON.stringify({ ...fixture('cb_msg_text.json'), conversationType: '3' })).ok, false);
  });

  it('keeps what replies need in the route', () => {
    assert.deepEqual(routeOf(parse(fixture('cb_msg_text.json'))), {
      conversationId: 'cidAbCdEfGhIjKlMnOpQ/rStUvWxYz0123456789+AbC=',
      conversationType: '1',
      robotCode: 'dingrobotcode0000001',
      sessionWebhook: 'https://oapi.dingtalk.com/robot/sendBySession?session=00000000000000000000000000000000',
      sessionWebhookExpiresAt: 1774086394522,
      senderStaffId: '000000000000000001',
      msgId: 'msgTextScrubbed0000000001==',
    });
  });
});
