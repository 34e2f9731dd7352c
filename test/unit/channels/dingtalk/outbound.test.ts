import assert from 'node:assert/strict';
import type { ConversationRoute } from '../../../../channels/dingtalk/inbound.js';
import {
  batchSendBody,
  groupSendBody,
  planDelivery,
  renderContent,
  sessionWebhookBody,
} from '../../../../channels/dingtalk/outbound.js';

const route: ConversationRoute = {
  conversationId: 'cidGROUP',
  conversationType: '2',
  robotCode: 'dingrobot',
  sessionWebhook: 'https://oapi.dingtalk.com/robot/sendBySession?session=s',
  sessionWebhookExpiresAt: 10_000_000,
  senderStaffId: 'staff-1',
  msgId: 'm1',
};
const base = {
  route,
  author: { kind: 'bot' } as const,
  isReply: true,
  now: 1_000,
  expiryMarginMs: 30_000,
  agentRepliesVia: 'openapi' as const,
  robotCode: undefined,
};

describe('dingtalk outbound rendering', () => {
  it('renders text, and markdown when a part needs it', () => {
    assert.deepEqual(renderContent([{ type: 'text', text: 'hi' }]), { kind: 'text', text: 'hi' });
    assert.deepEqual(renderContent([{ type: 'markdown', markdown: '# Title\nbody' }]), {
      kind: 'markdown',
      title: 'Title',
      text: '# Title\nbody',
    });
    const linked = renderContent(
      [
        { type: 'text', text: 'see' },
        { type: 'link', url: 'https://x.test/a', title: 'A' },
      ],
      ['yes'],
    );
    assert.deepEqual(linked, { kind: 'markdown', title: 'see', text: 'see\n\n[A](https://x.test/a)\n\n- yes' });
    assert.equal(renderContent([{ type: 'text', text: 'q' }], ['a', 'b']).text, 'q\n\n· a\n· b');
  });

  it('builds the sessionWebhook and OpenAPI bodies in DingTalk wire shape (msgParam is a JSON string)', () => {
    assert.deepEqual(sessionWebhookBody({ kind: 'text', text: 'hi' }, ['u1']), {
      msgtype: 'text',
      text: { content: 'hi' },
      at: { atUserIds: ['u1'], isAtAll: false },
    });
    assert.deepEqual(sessionWebhookBody({ kind: 'markdown', title: 't', text: '**b**' }), {
      msgtype: 'markdown',
      markdown: { title: 't', text: '**b**' },
    });
    assert.deepEqual(batchSendBody('r', ['u'], { kind: 'text', text: 'hi' }), {
      robotCode: 'r',
      userIds: ['u'],
      msgKey: 'sampleText',
      msgParam: '{"content":"hi"}',
    });
    assert.deepEqual(groupSendBody('r', 'cid', { kind: 'markdown', title: 't', text: 'x' }), {
      robotCode: 'r',
      openConversationId: 'cid',
      msgKey: 'sampleMarkdown',
      msgParam: '{"title":"t","text":"x"}',
    });
  });
});

describe('dingtalk delivery plan', () => {
  it('replies through a valid sessionWebhook, @-mentioning the sender in groups', () => {
    assert.deepEqual(planDelivery(base), { via: 'session-webhook', url: route.sessionWebhook, atUserIds: ['staff-1'] });
    assert.deepEqual(planDelivery({ ...base, route: { ...route, conversationType: '1' } }), {
      via: 'session-webhook',
      url: route.sessionWebhook,
      atUserIds: [],
    });
  });

  it('uses the OpenAPI after expiry (with a safety margin), for proactive and for agent messages', () => {
    const expired = { ...base, now: route.sessionWebhookExpiresAt! - 29_999 };
    assert.deepEqual(planDelivery(expired), {
      via: 'openapi-group',
      robotCode: 'dingrobot',
      openConversationId: 'cidGROUP',
    });
    assert.equal(planDelivery({ ...base, isReply: false }).via, 'openapi-group');
    assert.equal(planDelivery({ ...base, author: { kind: 'agent', agentId: 'a' } }).via, 'openapi-group');
    assert.equal(
      planDelivery({ ...base, author: { kind: 'agent', agentId: 'a' }, agentRepliesVia: 'session-webhook' }).via,
      'session-webhook',
    );
    assert.deepEqual(planDelivery({ ...expired, route: { ...route, conversationType: '1' }, robotCode: 'cfg' }), {
      via: 'openapi-1to1',
      robotCode: 'cfg',
      userId: 'staff-1',
    });
  });

  it('says why it cannot deliver', () => {
    assert.equal(planDelivery({ ...base, route: undefined }).via, 'none');
    const noStaff = { ...route, conversationType: '1' as const, senderStaffId: undefined, sessionWebhook: undefined };
    assert.equal(planDelivery({ ...base, route: noStaff }).via, 'none');
  });
});
