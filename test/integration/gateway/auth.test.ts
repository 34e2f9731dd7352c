import assert from 'node:assert/strict';
import { ManualClock, systemClock } from '../../../core/clock.js';
import { generateToken } from '../../../gateway/auth/index.js';
import { chat, readAnswer, startGateway, type ApiError, type TestGateway } from '../../helpers/gateway.js';

const JWT_SECRET = 'integration-test-secret-0123456789-abcdefghij';
const AGENT_ONLY_KEY = 'agent-only-key-0123456789abcdef';

async function post(url: string, authorization: string | undefined, body: unknown = { query: 'where is my order' }) {
  const response = await fetch(`${url}/api/v1/chat`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(authorization === undefined ? {} : { authorization }),
    },
    body: JSON.stringify(body),
  });
  return readAnswer<ApiError & { reply?: string }>(response);
}

function assertApiError(answer: { status: number; contentType: string; body: ApiError }, status: number, code: string) {
  assert.equal(answer.status, status);
  assert.match(answer.contentType, /application\/json/);
  assert.equal(answer.body.error.code, code);
  assert.equal(typeof answer.body.error.message, 'string');
  assert.ok(answer.body.error.message.length > 0);
}

describe('gateway authentication (HTTP)', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway({
      auth: { jwtSecret: JWT_SECRET, apiKeys: [{ key: AGENT_ONLY_KEY, scopes: ['agent'] }] },
    });
  });
  after(() => gw.close());

  const token = (scope: string, clock = systemClock, expirySeconds = 3600) =>
    generateToken({ secret: JWT_SECRET, issuer: 'clawbot', expirySeconds, scope }, { clock });

  it('accepts the configured API key', async () => {
    const answer = await post(gw.url, `Bearer ${gw.key}`);
    assert.equal(answer.status, 200);
    assert.ok((answer.body.reply ?? '').length > 0);
  });

  it('accepts the scheme in any case', async () => {
    assert.equal((await post(gw.url, `bearer ${gw.key}`)).status, 200);
  });

  it('answers 401 auth.missing without an Authorization header', async () => {
    assertApiError(await post(gw.url, undefined), 401, 'auth.missing');
  });

  it('answers 401 auth.invalid for a wrong API key', async () => {
    assertApiError(await post(gw.url, 'Bearer not-the-right-key-0123456789'), 401, 'auth.invalid');
    // A near miss (the right key plus one character) is still wrong.
    assertApiError(await post(gw.url, `Bearer ${gw.key}x`), 401, 'auth.invalid');
  });

  // `$KEY` stands for the gateway's own (valid) key: right key, wrong framing.
  for (const header of ['Basic $KEY', '$KEY', 'Bearer', 'Token $KEY', 'Bearer $KEY extra', 'Bearer:$KEY']) {
    it(`answers 401 JSON for a malformed Authorization header ${JSON.stringify(header)}`, async () => {
      assertApiError(await post(gw.url, header.replace('$KEY', gw.key)), 401, 'auth.invalid');
    });
  }

  it('does not echo the presented credential in the error', async () => {
    const secret = 'Bearer wrong-secret-value-xyz-0123456789';
    const answer = await post(gw.url, secret);
    assert.equal(answer.status, 401);
    assert.ok(!JSON.stringify(answer.body).includes('wrong-secret-value'));
  });

  it('accepts a JWT from generateToken with scope chat', async () => {
    const answer = await post(gw.url, `Bearer ${await token('chat')}`);
    assert.equal(answer.status, 200);
    assert.ok((answer.body.reply ?? '').length > 0);
  });

  it('accepts a JWT with scope admin (admin grants every scope)', async () => {
    assert.equal((await post(gw.url, `Bearer ${await token('admin')}`)).status, 200);
  });

  it('answers 403 auth.forbidden for a JWT without the chat scope', async () => {
    assertApiError(await post(gw.url, `Bearer ${await token('agent')}`), 403, 'auth.forbidden');
  });

  it('answers 403 auth.forbidden for an API key without the chat scope', async () => {
    assertApiError(await post(gw.url, `Bearer ${AGENT_ONLY_KEY}`), 403, 'auth.forbidden');
  });

  it('answers 401 for an expired JWT', async () => {
    const anHourAgo = new ManualClock(Date.now() - 3600_000);
    assertApiError(await post(gw.url, `Bearer ${await token('chat', anHourAgo, 60)}`), 401, 'auth.invalid');
  });

  it('answers 401 for a JWT signed with another secret', async () => {
    const forged = await generateToken({
      secret: 'another-secret-of-sufficient-length-0123456789',
      issuer: 'clawbot',
      expirySeconds: 3600,
      scope: 'admin',
    });
    assertApiError(await post(gw.url, `Bearer ${forged}`), 401, 'auth.invalid');
  });

  it('guards GET /api/v1/sessions/:id the same way', async () => {
    const answer = await readAnswer<ApiError>(await fetch(`${gw.url}/api/v1/sessions/anything`));
    assertApiError(answer, 401, 'auth.missing');
    const forbidden = await readAnswer<ApiError>(
      await fetch(`${gw.url}/api/v1/sessions/anything`, { headers: { authorization: `Bearer ${AGENT_ONLY_KEY}` } }),
    );
    assertApiError(forbidden, 403, 'auth.forbidden');
  });

  it('still serves good requests after refusing bad ones', async () => {
    const { status, body } = await chat(gw.url, gw.key, { query: '退货怎么办' });
    assert.equal(status, 200);
    assert.equal(body.intent, 'returns');
  });
});
