import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  isAllowedResponseUrl,
  markdownToMrkdwn,
  renderMrkdwn,
  splitSlackText,
  toPostMessages,
  toResponseUrlBodies,
  type SlackRenderOptions,
} from '../../../../channels/slack/outbound.js';
import type { OutboundMessage } from '../../../../core/envelope.js';

const plain: SlackRenderOptions = { ratingButtons: false, suggestionButtons: false };
const reply = (over: Partial<OutboundMessage> = {}): OutboundMessage => ({
  conversation: { channel: 'slack', tenant: 'T1', conversation: 'C1', thread: '1515449522.000016' },
  parts: [{ type: 'text', text: 'We open at 9 <am> & close at 5' }],
  replyTo: 'Ev1',
  author: { kind: 'bot' },
  ...over,
});

describe('slack outbound', () => {
  it('a reply goes to the conversation and its thread, with Slack control characters escaped', () => {
    assert.deepEqual(toPostMessages(reply(), plain), [
      { channel: 'C1', text: 'We open at 9 &lt;am&gt; &amp; close at 5', thread_ts: '1515449522.000016' },
    ]);
    const dm = reply({ conversation: { channel: 'slack', tenant: 'T1', conversation: 'D1' } });
    assert.deepEqual(toPostMessages(dm, plain), [{ channel: 'D1', text: 'We open at 9 &lt;am&gt; &amp; close at 5' }]);
  });

  it('markdown, links and other parts become mrkdwn', () => {
    assert.equal(
      markdownToMrkdwn('## Hours\n**Mon** to ~~Sun~~ see [the page](https://x.y/a?b=1&c=2)'),
      '*Hours*\n*Mon* to ~Sun~ see <https://x.y/a?b=1&amp;c=2|the page>',
    );
    assert.equal(
      renderMrkdwn([
        { type: 'link', url: 'https://x.y', title: 'Docs' },
        { type: 'image', url: 'https://x.y/i.png' },
        { type: 'location', lat: 1.5, lng: 2, label: 'Shop' },
        { type: 'image' },
      ]),
      '<https://x.y|Docs>\n<https://x.y/i.png|image>\nShop (1.5, 2)',
    );
  });

  it('buttons: suggestions, handoff and ratings under bot replies only; agents get suggestions only', () => {
    const opts: SlackRenderOptions = { handoffButton: 'Talk to a human', ratingButtons: true, suggestionButtons: true };
    const [msg] = toPostMessages(reply({ suggestions: ['Opening hours', 'Prices'] }), opts);
    const blocks = msg!.blocks as Record<string, unknown>[];
    assert.equal(blocks[0]!['type'], 'section');
    const ids = (blocks[1]!['elements'] as Record<string, unknown>[]).map((e) => e['action_id']);
    assert.deepEqual(ids, [
      'clawbot_suggest_0',
      'clawbot_suggest_1',
      'clawbot_handoff',
      'clawbot_rating_1',
      'clawbot_rating_2',
      'clawbot_rating_3',
      'clawbot_rating_4',
      'clawbot_rating_5',
    ]);
    const [agent] = toPostMessages(reply({ author: { kind: 'agent', agentId: 'a1' } }), opts);
    assert.equal(agent!.blocks, undefined);
  });

  it('long text is split in order, each chunk within the limit, nothing lost', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 900 }), { maxLength: 20 }), (paras) => {
        const text = paras.join('\n\n');
        const chunks = splitSlackText(text, 1000);
        for (const c of chunks) assert.ok(c.length <= 1000);
        assert.equal(chunks.join('').replace(/\s/g, ''), text.replace(/\s/g, ''));
      }),
      { numRuns: 100 },
    );
    const msgs = toPostMessages(reply({ parts: [{ type: 'text', text: 'word '.repeat(2000) }] }), plain);
    assert.equal(msgs.length, 3);
    assert.ok(msgs.every((m) => m.thread_ts === '1515449522.000016' && m.text.length <= 4000));
  });

  it('never splits an escape sequence', () => {
    const chunks = splitSlackText('a'.repeat(7) + '&amp;' + 'b'.repeat(10), 10);
    assert.ok(
      chunks.every((c) => !/&(?!amp;)/.test(c)),
      JSON.stringify(chunks),
    );
  });

  it('response_url bodies carry the response type and never replace the original', () => {
    assert.deepEqual(toResponseUrlBodies(reply(), { ...plain, responseType: 'ephemeral' }), [
      { response_type: 'ephemeral', text: 'We open at 9 &lt;am&gt; &amp; close at 5', replace_original: false },
    ]);
  });

  it('response_url allow-list: hooks.slack.com and the apiUrl host; loopback only when apiUrl is loopback', () => {
    const prod = 'https://slack.com/api/';
    assert.equal(isAllowedResponseUrl('https://hooks.slack.com/commands/1/2', prod), true);
    assert.equal(isAllowedResponseUrl('https://slack.com/x', prod), true);
    assert.equal(isAllowedResponseUrl('http://hooks.slack.com/commands/1/2', prod), false);
    assert.equal(isAllowedResponseUrl('https://hooks.slack.com.evil.com/x', prod), false);
    assert.equal(isAllowedResponseUrl('https://evil.com/hooks.slack.com', prod), false);
    assert.equal(isAllowedResponseUrl('https://user:pw@hooks.slack.com/x', prod), false);
    assert.equal(isAllowedResponseUrl('http://127.0.0.1:9/response/1', prod), false);
    assert.equal(isAllowedResponseUrl('http://169.254.169.254/latest', prod), false);
    assert.equal(isAllowedResponseUrl('not a url', prod), false);
    const test = 'http://127.0.0.1:4000/api/';
    assert.equal(isAllowedResponseUrl('http://127.0.0.1:5000/response/1', test), true);
    assert.equal(isAllowedResponseUrl('http://10.0.0.1/response/1', test), false);
  });
});
