import assert from 'node:assert/strict';
import { formatWait, noticeLanguage, noticeTemplates, renderNotice, type Notice } from '../../../handoff/notices.js';

describe('handoff notices', () => {
  const cases: [Notice, 'zh' | 'en', RegExp][] = [
    [{ kind: 'queued' }, 'zh', /第 3 位.*约 6 分钟/],
    [{ kind: 'queued' }, 'en', /number 3 in the queue.*6 minutes/],
    [{ kind: 'queued', requeued: true }, 'en', /another agent.*number 3/],
    [{ kind: 'agent_joined', agentName: '小王' }, 'zh', /客服小王已接入/],
    [{ kind: 'agent_joined', agentName: 'Alice' }, 'en', /^Alice from our support team has joined/],
    [{ kind: 'transferred', agentName: 'Bob' }, 'en', /transferred to Bob/],
    [{ kind: 'returned_to_bot' }, 'zh', /智能助手继续/],
    [{ kind: 'returned_to_bot' }, 'en', /handed the conversation back/],
    [{ kind: 'customer_ended' }, 'en', /ended the chat/],
    [{ kind: 'timed_out', fallback: 'resume_bot' }, 'zh', /没有客服.*智能助手将继续/],
    [{ kind: 'timed_out', fallback: 'callback' }, 'en', /leave your question/],
    [{ kind: 'resolved' }, 'en', /closed/],
    [{ kind: 'survey' }, 'zh', /1-5/],
    [{ kind: 'rated' }, 'en', /feedback/],
    [{ kind: 'callback_received' }, 'zh', /留言/],
    [{ kind: 'answer', text: 'exact text', agentName: 'A' }, 'zh', /^exact text$/],
  ];
  for (const [notice, lang, expected] of cases) {
    it(`${notice.kind}${'requeued' in notice ? ' (requeued)' : ''} in ${lang}`, () => {
      const text = renderNotice(notice, lang, { position: 3, estimatedWaitMs: 6 * 60_000 });
      assert.match(text, expected);
      assert.doesNotMatch(text, /\{\w+\}/, 'no placeholder left');
    });
  }

  it('formats waits', () => {
    assert.equal(formatWait(0, 'en'), 'under a minute');
    assert.equal(formatWait(59_000, 'zh'), '不到 1 分钟');
    assert.equal(formatWait(61_000, 'en'), '2 minutes');
    assert.equal(formatWait(180_000, 'zh'), '约 3 分钟');
  });

  it('maps ticket languages to notice languages', () => {
    assert.equal(noticeLanguage('zh-CN'), 'zh');
    assert.equal(noticeLanguage('en'), 'en');
    assert.equal(noticeLanguage('fr'), 'en');
    assert.equal(noticeLanguage(undefined, 'en'), 'en');
    assert.equal(noticeLanguage('', 'zh'), 'zh');
  });

  it('merges overrides over the defaults, per language', () => {
    const t = noticeTemplates({ agent_joined: { en: '{agent} is here.' } });
    assert.equal(renderNotice({ kind: 'agent_joined', agentName: 'Ann' }, 'en', {}, t), 'Ann is here.');
    assert.match(renderNotice({ kind: 'agent_joined', agentName: 'Ann' }, 'zh', {}, t), /客服Ann已接入/);
  });
});
