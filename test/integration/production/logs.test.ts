/**
 * Done when: the logs of a run with secrets and a phone number in messages contain neither. The gateway runs with
 * its production logger (JSON lines, debug level so message text is logged too) into a buffer; the run covers REST
 * chat, a WeChat push, failed and good credentials, an agent login and claim (audit lines), and a Redis URL with a
 * password that is unreachable.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { systemClock } from '../../../core/clock.js';
import { buildGateway, type Gateway } from '../../../gateway/app/gateway.js';
import { parseConfig } from '../../../gateway/config/index.js';
import { createGatewayLogger, createRequestContext } from '../../../gateway/observability/index.js';
import { agentsFileWith, postChat, WECHAT, wechatSay } from './support.js';

const API_KEY = 'sk-live-SECRET-api-key-7f3a9c2e1b';
const JWT_SECRET = 'jwt-SECRET-0123456789abcdefghijklmnopqrstuv';
const AGENT_PASSWORD = 'agent-SECRET-password';
const PHONE = '13812345678';
const PHONE_GROUPED = '138 1234 5678';
const EMAIL = 'zhang.wei@example.com';
const ID_NUMBER = '11010519491231002X';

describe('production: logs of a run with secrets and personal data (JSON lines)', function () {
  this.timeout(60_000);
  const lines: string[] = [];
  let gateway: Gateway;
  let url: string;

  before(async () => {
    const agentsFile = await agentsFileWith({ username: 'bob', displayName: 'Bob', password: AGENT_PASSWORD });
    const config = parseConfig(
      {
        mode: 'production',
        log: { level: 'debug' },
        auth: { apiKeys: [API_KEY], jwtSecret: JWT_SECRET },
        handoff: { agentsFile },
        channels: { wechat_official: WECHAT },
      },
      'logs test',
    );
    const requestContext = createRequestContext();
    const log = createGatewayLogger(config, {
      requestContext,
      destination: { write: (line: string) => void lines.push(line) },
    });
    gateway = await buildGateway(config, {
      log,
      clock: systemClock,
      version: 'test',
      observability: { requestContext },
    });
    const server = await gateway.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const messages = [
      `我的手机号是${PHONE}，订单到哪了？`,
      `call me on ${PHONE_GROUPED} or +86 ${PHONE}`,
      `my email is ${EMAIL}, id ${ID_NUMBER}, my api key is ${API_KEY}`,
      '转人工',
    ];
    for (const query of messages) {
      const r = await postChat(url, API_KEY, { query, session_id: 'secret-session', user_id: 'u-logs' });
      assert.equal(r.status, 200);
    }
    assert.equal((await postChat(url, `${API_KEY}-wrong`, { query: PHONE })).status, 401);
    assert.equal((await wechatSay(url, 'oLogsOpenid', `电话 ${PHONE}`)).status, 200);
    const badLogin = await fetch(`${url}/api/v1/agent/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'bob', password: `${AGENT_PASSWORD}-wrong` }),
    });
    assert.equal(badLogin.status, 401);
    const login = await fetch(`${url}/api/v1/agent/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'login-req-1' },
      body: JSON.stringify({ username: 'bob', password: AGENT_PASSWORD }),
    });
    const { token } = (await login.json()) as { token: string };
    const queue = (await (
      await fetch(`${url}/api/v1/agent/tickets?view=queue`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as { tickets: { id: string }[] };
    const claim = await fetch(`${url}/api/v1/agent/tickets/${queue.tickets[0]?.id ?? 'x'}/claim`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(claim.status, 200);
    const reply = await fetch(`${url}/api/v1/agent/tickets/${queue.tickets[0]?.id ?? 'x'}/reply`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text: `please call ${PHONE}` }),
    });
    assert.equal(reply.status, 200);
    await gateway.close();
  });

  it('logged the run (turns at debug level with their text), as JSON lines', () => {
    assert.ok(lines.length > 10, `only ${lines.length} lines`);
    for (const line of lines) JSON.parse(line);
    assert.ok(
      lines.some((l) => l.includes('"turn started"') && l.includes('订单到哪了')),
      'message text is logged',
    );
  });

  it('contains no secret: API key, JWT secret, WeChat token and AppSecret, agent password', () => {
    for (const secret of [API_KEY, JWT_SECRET, WECHAT.token, WECHAT.appSecret, AGENT_PASSWORD]) {
      const leaks = lines.filter((l) => l.includes(secret));
      assert.deepEqual(leaks, [], `the log contains ${secret.slice(0, 8)}…`);
    }
  });

  it('contains no phone number, e-mail address or ID number: they are masked', () => {
    const all = lines.join('\n');
    for (const pii of [PHONE, PHONE_GROUPED, EMAIL, ID_NUMBER]) {
      assert.deepEqual(
        lines.filter((l) => l.includes(pii)),
        [],
        `the log contains ${pii}`,
      );
    }
    assert.match(all, /\[PHONE\]/);
    assert.match(all, /\[EMAIL\]/);
  });

  it('has request ids on the lines of a request (turn lines included) and turn ids on turn lines', () => {
    const turn = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l['msg'] === 'turn finished');
    assert.ok(turn);
    assert.equal(typeof turn['turnId'], 'string');
    assert.match(String(turn['requestId']), /^[0-9a-f-]{36}$/);
  });

  it('audits agent actions as structured lines with audit: true', () => {
    const audit = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l['audit'] === true);
    const actions = audit.map((a) => `${String(a['action'])}:${String(a['outcome'])}`);
    assert.ok(actions.includes('agent.login:denied'), actions.join(' '));
    assert.ok(actions.includes('agent.login:ok'), actions.join(' '));
    assert.ok(actions.includes('handoff.claim:ok'), actions.join(' '));
    assert.ok(actions.includes('handoff.reply:ok'), actions.join(' '));
    const ok = audit.find((a) => a['action'] === 'agent.login' && a['outcome'] === 'ok');
    assert.deepEqual(ok?.['actor'], { kind: 'agent', id: 'bob' });
    assert.equal(ok?.['requestId'], 'login-req-1');
  });
});
