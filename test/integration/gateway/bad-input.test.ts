import assert from 'node:assert/strict';
import { request } from 'node:http';
import { chat, readAnswer, startGateway, type ApiError, type TestGateway } from '../../helpers/gateway.js';

const BODY_LIMIT = 2048;

interface Raw {
  readonly status: number;
  readonly contentType: string;
  readonly body: ApiError;
}

describe('gateway: bad requests get 4xx JSON and the gateway keeps serving (HTTP)', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway({ gateway: { bodyLimit: BODY_LIMIT } });
  });
  after(() => gw.close());

  async function send(
    body: string | Uint8Array,
    contentType = 'application/json',
    path = '/api/v1/chat',
  ): Promise<Raw> {
    const response = await fetch(`${gw.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.key}`, 'content-type': contentType },
      body,
    });
    return readAnswer<ApiError>(response);
  }

  function assertError(answer: Raw, status: number, code: string, messagePattern?: RegExp): void {
    assert.equal(answer.status, status, JSON.stringify(answer.body));
    assert.match(answer.contentType, /application\/json/);
    assert.equal(answer.body.error.code, code);
    assert.equal(typeof answer.body.error.message, 'string');
    if (messagePattern !== undefined) assert.match(answer.body.error.message, messagePattern);
  }

  afterEach(async () => {
    // After every bad request, a good one still gets a real answer.
    const { status, body } = await chat(gw.url, gw.key, { query: 'where is my order' });
    assert.equal(status, 200);
    assert.equal(body.intent, 'order_status');
  });

  for (const malformed of [
    '{"query": "hi"',
    '{query: "hi"}',
    "{'query':'hi'}",
    'not json',
    '{"query":"hi"} trailing',
  ]) {
    it(`answers 400 request.invalid_json for ${JSON.stringify(malformed)}`, async () => {
      assertError(await send(malformed), 400, 'request.invalid_json');
    });
  }

  it('answers 400 request.invalid_json for an empty JSON body', async () => {
    // body-parser reads an empty body as {} only when there is no content-type; with JSON declared it must parse.
    const answer = await send('');
    assert.equal(answer.status, 400);
    assert.match(answer.body.error.code, /^request\.invalid(_json)?$/);
  });

  it('answers 400 request.invalid naming `query` when it is missing', async () => {
    assertError(await send(JSON.stringify({ session_id: 'abc' })), 400, 'request.invalid', /\bquery\b/);
  });

  it('answers 400 request.invalid naming `query` for an empty or blank query', async () => {
    assertError(await send(JSON.stringify({ query: '' })), 400, 'request.invalid', /\bquery\b/);
    assertError(await send(JSON.stringify({ query: '   ' })), 400, 'request.invalid', /\bquery\b/);
  });

  const wrongTypes: [string, unknown, RegExp][] = [
    ['query as a number', { query: 42 }, /\bquery\b/],
    ['query as an object', { query: { text: 'hi' } }, /\bquery\b/],
    ['session_id as a number', { query: 'hi', session_id: 7 }, /\bsession_id\b/],
    ['session_id with a space', { query: 'hi', session_id: 'a b' }, /\bsession_id\b/],
    ['user_id as a boolean', { query: 'hi', user_id: true }, /\buser_id\b/],
  ];
  for (const [label, body, pattern] of wrongTypes) {
    it(`answers 400 request.invalid with the field path for ${label}`, async () => {
      assertError(await send(JSON.stringify(body)), 400, 'request.invalid', pattern);
    });
  }

  it('lists every invalid field at once', async () => {
    const answer = await send(JSON.stringify({ query: 1, session_id: 2 }));
    assertError(answer, 400, 'request.invalid', /\bquery\b/);
    assert.match(answer.body.error.message, /\bsession_id\b/);
  });

  for (const body of ['[]', '"query"', '42', 'null']) {
    it(`answers 400 for a JSON body that is not an object: ${body}`, async () => {
      const answer = await send(body);
      assert.equal(answer.status, 400);
      assert.match(answer.body.error.code, /^request\.invalid(_json)?$/);
    });
  }

  for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
    it(`answers 400 JSON for a non-JSON content type (${contentType})`, async () => {
      const body = contentType === 'application/x-www-form-urlencoded' ? 'query=hi' : '{"query":"hi"}';
      const answer = await send(body, contentType);
      assert.ok(answer.status === 400 || answer.status === 415, `status ${answer.status}`);
      assert.match(answer.contentType, /application\/json/);
      assert.match(answer.body.error.code, /^request\./);
      assert.match(answer.body.error.message, /application\/json/i, 'the message says what to send');
    });
  }

  it('answers 413 request.too_large for a body over gateway.bodyLimit', async () => {
    const big = JSON.stringify({ query: 'x'.repeat(BODY_LIMIT * 2) });
    assertError(await send(big), 413, 'request.too_large', new RegExp(String(BODY_LIMIT)));
  });

  it('answers 413 for an oversized body even when the JSON is also malformed', async () => {
    assertError(await send(`{"query": "${'y'.repeat(BODY_LIMIT * 4)}`), 413, 'request.too_large');
  });

  it('answers 413 for a chunked body (no Content-Length) that grows past the limit', async () => {
    const { port } = new URL(gw.url);
    const answer = await new Promise<Raw>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/api/v1/chat',
          headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              contentType: res.headers['content-type'] ?? '',
              body: JSON.parse(text) as ApiError,
            }),
          );
        },
      );
      req.on('error', reject);
      req.write('{"query":"');
      for (let i = 0; i < 8; i += 1) req.write('z'.repeat(BODY_LIMIT / 2));
      req.end('"}');
    });
    assertError(answer, 413, 'request.too_large');
  });

  it('answers 404 JSON not_found for an unknown route', async () => {
    const get = await readAnswer<ApiError>(await fetch(`${gw.url}/api/v1/nope`));
    assertError(get, 404, 'not_found');
    const root = await readAnswer<ApiError>(await fetch(`${gw.url}/`));
    assertError(root, 404, 'not_found');
  });

  it('answers 404 JSON for a known path with an unsupported method', async () => {
    const answer = await readAnswer<ApiError>(
      await fetch(`${gw.url}/api/v1/chat`, { method: 'GET', headers: { authorization: `Bearer ${gw.key}` } }),
    );
    assert.ok(answer.status === 404 || answer.status === 405, `status ${answer.status}`);
    assert.match(answer.contentType, /application\/json/);
    assert.ok(answer.body.error.code.length > 0);
  });

  it('answers 400 for a query over 4000 characters (within the body limit of a larger gateway)', async () => {
    const big = await startGateway({ gateway: { bodyLimit: 64 * 1024 } });
    try {
      const res = await fetch(`${big.url}/api/v1/chat`, {
        method: 'POST',
        headers: { authorization: `Bearer ${big.key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ query: '退'.repeat(4001) }),
      });
      const answer = await readAnswer<ApiError>(res);
      assertError(answer, 400, 'request.invalid', /\bquery\b/);
    } finally {
      await big.close();
    }
  });
});
