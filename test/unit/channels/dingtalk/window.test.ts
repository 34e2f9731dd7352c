import assert from 'node:assert/strict';
import type { ConversationRoute } from '../../../../channels/dingtalk/inbound.js';
import { dingTalkWindow, type WindowInput } from '../../../../channels/dingtalk/window.js';

const EXPIRY = 10_000_000;
const MARGIN = 30_000;
const oneToOne: ConversationRoute = {
  conversationId: 'cid1',
  conversationType: '1',
  robotCode: 'dingrobot',
  sessionWebhook: 'https://oapi.dingtalk.com/robot/sendBySession?session=s',
  sessionWebhookExpiresAt: EXPIRY,
  senderStaffId: 'staff-1',
  msgId: 'm1',
};
const input: WindowInput = { now: 1_000, expiryMarginMs: MARGIN, agentRepliesVia: 'openapi', robotCode: undefined };

describe('dingtalk conversation window (pure)', () => {
  it('shows until when the sessionWebhook works; the window stays open after it (the OpenAPI takes over)', () => {
    assert.deepEqual(dingTalkWindow(oneToOne, input), { open: true, sessionReplyUntil: EXPIRY - MARGIN });
    assert.deepEqual(dingTalkWindow(oneToOne, { ...input, agentRepliesVia: 'session-webhook' }), {
      open: true,
      sessionReplyUntil: EXPIRY - MARGIN,
    });
    assert.deepEqual(dingTalkWindow(oneToOne, { ...input, now: EXPIRY - MARGIN }), { open: true });
    const group: ConversationRoute = { ...oneToOne, conversationType: '2', senderStaffId: undefined };
    assert.deepEqual(dingTalkWindow(group, { ...input, now: EXPIRY }), { open: true });
  });

  it('closes with the sessionWebhook when the OpenAPI cannot reach the user (no staff id)', () => {
    const external: ConversationRoute = { ...oneToOne, senderStaffId: undefined };
    const viaSession = { ...input, agentRepliesVia: 'session-webhook' as const };
    assert.deepEqual(dingTalkWindow(external, viaSession), { open: true, expiresAt: EXPIRY - MARGIN });
    const after = dingTalkWindow(external, { ...viaSession, now: EXPIRY - MARGIN });
    assert.equal(after.open, false);
    assert.match(after.detail ?? '', /senderStaffId/);
    // Agents reply through the OpenAPI by default: that path is closed from the start, whatever the sessionWebhook.
    assert.equal(dingTalkWindow(external, input).open, false);
  });

  it('is closed, with the reason, when the user has not written to the robot here (no stored route)', () => {
    const w = dingTalkWindow(undefined, input);
    assert.equal(w.open, false);
    assert.match(w.detail ?? '', /has not messaged the robot/);
  });
});
