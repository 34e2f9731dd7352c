import assert from 'node:assert/strict';
import { isValidSlackRequest, verifySlackRequest } from '@slack/bolt';
import fc from 'fast-check';
import { checkSlackSignature, slackSignature } from '../../../../channels/slack/signature.js';

// Slack's documented vector (api.slack.com/authentication/verifying-requests-from-slack; reference §3.2).
const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const TS = 1531420618;
const BODY =
  'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
const SIG = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';
const NOW = TS * 1000;
const FIVE_MIN = 300_000;

const ours = (over: Partial<Parameters<typeof checkSlackSignature>[0]> = {}) =>
  checkSlackSignature({
    signingSecret: SECRET,
    rawBody: BODY,
    timestamp: String(TS),
    signature: SIG,
    nowMs: NOW,
    maxAgeMs: FIVE_MIN,
    ...over,
  });

const bolt = (body: string, signature: string, ts: number, nowMs: number): boolean =>
  isValidSlackRequest({
    signingSecret: SECRET,
    body,
    headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': ts },
    nowMilliseconds: nowMs,
  });

describe('slack signature v0', () => {
  it("Slack's documented vector passes Bolt's own verifySlackRequest", () => {
    assert.doesNotThrow(() =>
      verifySlackRequest({
        signingSecret: SECRET,
        body: BODY,
        headers: { 'x-slack-signature': SIG, 'x-slack-request-timestamp': TS },
        nowMilliseconds: NOW,
      }),
    );
  });

  it('our signature function reproduces the documented signature', () => {
    assert.equal(slackSignature(SECRET, TS, BODY), SIG);
    assert.equal(slackSignature(SECRET, String(TS), Buffer.from(BODY)), SIG);
  });

  it('our check accepts the vector and agrees with Bolt on tampering', () => {
    assert.deepEqual(ours(), { ok: true });
    const tampered = BODY.replace('roadrunner', 'coyote');
    assert.equal(bolt(tampered, SIG, TS, NOW), false);
    assert.equal(ours({ rawBody: tampered }).ok, false);
    const otherSig = SIG.replace(/.$/, '4');
    assert.equal(bolt(BODY, otherSig, TS, NOW), false);
    assert.deepEqual(ours({ signature: otherSig }), {
      ok: false,
      code: 'channel.signature_invalid',
      reason: 'signature mismatch; check channels.slack.signingSecret',
    });
  });

  it('rejects missing, malformed and wrong-length signatures without throwing', () => {
    for (const signature of [
      undefined,
      '',
      'v0=',
      'v1=' + SIG.slice(3),
      SIG.slice(0, -2),
      SIG + '00',
      SIG.toUpperCase(),
    ]) {
      const r = ours({ signature });
      assert.equal(r.ok, false, String(signature));
      if (!r.ok) assert.equal(r.code, 'channel.signature_invalid');
    }
    for (const timestamp of [undefined, '', 'abc', '-5', '1.5']) {
      assert.equal(ours({ timestamp }).ok, false, String(timestamp));
    }
  });

  it('the window is symmetric: 6 minutes old and 6 minutes ahead are stale; ±4:59 pass', () => {
    const stale = ours({ nowMs: NOW + 6 * 60_000 });
    const future = ours({ nowMs: NOW - 6 * 60_000 });
    assert.equal(stale.ok, false);
    assert.equal(future.ok, false);
    if (!stale.ok) assert.equal(stale.code, 'channel.timestamp_stale');
    if (!future.ok) {
      assert.equal(future.code, 'channel.timestamp_stale');
      assert.match(future.reason, /in the future/);
    }
    assert.equal(ours({ nowMs: NOW + 299_000 }).ok, true);
    assert.equal(ours({ nowMs: NOW - 299_000 }).ok, true);
  });

  it("Bolt's quirk we cover: Bolt accepts a timestamp 1 h in the future, we refuse it", () => {
    assert.equal(bolt(BODY, SIG, TS, NOW - 3_600_000), true);
    assert.equal(ours({ nowMs: NOW - 3_600_000 }).ok, false);
    // both refuse a 6-minute-old one
    assert.equal(bolt(BODY, SIG, TS, NOW + 6 * 60_000), false);
  });

  it('property: whatever we sign, Bolt accepts, and our check agrees with Bolt on random bodies', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.string({ maxLength: 300 }),
        fc.integer({ min: 1_500_000_000, max: 2_000_000_000 }),
        fc.boolean(),
        (secret, body, ts, tamper) => {
          const sig = slackSignature(secret, ts, body);
          const sent = tamper ? body + 'x' : body;
          const boltOk = isValidSlackRequest({
            signingSecret: secret,
            body: sent,
            headers: { 'x-slack-signature': sig, 'x-slack-request-timestamp': ts },
            nowMilliseconds: ts * 1000,
          });
          const ourOk = checkSlackSignature({
            signingSecret: secret,
            rawBody: Buffer.from(sent, 'utf8'),
            timestamp: String(ts),
            signature: sig,
            nowMs: ts * 1000,
            maxAgeMs: FIVE_MIN,
          }).ok;
          assert.equal(boltOk, !tamper);
          assert.equal(ourOk, boltOk);
        },
      ),
      { numRuns: 200 },
    );
  });
});
