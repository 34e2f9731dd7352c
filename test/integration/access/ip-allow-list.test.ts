// IP allow-lists over real sockets: IPv4, IPv6, IPv4-mapped IPv6 on dual-stack listeners, per key and per group,
// and X-Forwarded-For trusted only as far as `gateway.trustProxy` says.
import assert from 'node:assert/strict';
import type { AppConfigInput } from '../../../gateway/config/index.js';
import { readAnswer, type ApiError, type TestGateway } from '../../helpers/gateway.js';
import { startGatewayOn } from './support.js';

const OFFICE_KEY = 'office-key-10-0-0-0-slash-8-abcdef'; // 10.0.0.0/8 only
const LOOPBACK_V4_KEY = 'loopback-v4-key-0123456789abcdef'; // 127.0.0.1 only
const LOOPBACK_V6_KEY = 'loopback-v6-key-0123456789abcdef'; // ::1 only
const PARTNER_KEY = 'partner-key-in-group-0123456789ab'; // group partners: 198.51.100.0/24

const AUTH: AppConfigInput['auth'] = {
  apiKeys: [
    { key: OFFICE_KEY, scopes: ['chat'], allowIps: ['10.0.0.0/8'] },
    { key: LOOPBACK_V4_KEY, scopes: ['chat'], allowIps: ['127.0.0.1'] },
    { key: LOOPBACK_V6_KEY, scopes: ['chat'], allowIps: ['::1/128'] },
    { key: PARTNER_KEY, group: 'partners' },
  ],
  groups: { partners: { scopes: ['chat'], allowIps: ['198.51.100.0/24'] } },
};

async function chatAs(url: string, key: string, forwardedFor?: string) {
  const response = await fetch(`${url}/api/v1/chat`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${key}`,
      'content-type': 'application/json',
      ...(forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor }),
    },
    body: JSON.stringify({ query: 'hello' }),
  });
  return readAnswer<ApiError & { reply?: string }>(response);
}

async function expectAllowed(url: string, key: string, forwardedFor?: string): Promise<void> {
  const answer = await chatAs(url, key, forwardedFor);
  assert.equal(answer.status, 200, `${key} XFF=${String(forwardedFor)}: ${JSON.stringify(answer.body)}`);
}

async function expectForbidden(url: string, key: string, forwardedFor?: string, from?: RegExp): Promise<void> {
  const answer = await chatAs(url, key, forwardedFor);
  assert.equal(answer.status, 403, `${key} XFF=${String(forwardedFor)}: ${JSON.stringify(answer.body)}`);
  assert.equal(answer.body.error.code, 'auth.forbidden');
  if (from !== undefined) assert.match(answer.body.error.message, from);
}

function withGateway(config: AppConfigInput, host: string, body: (gw: () => TestGateway) => void): void {
  let gw: TestGateway;
  before(async () => {
    gw = await startGatewayOn(config, host);
  });
  after(() => gw.close());
  body(() => gw);
}

describe('IP allow-lists (HTTP)', () => {
  describe('IPv4 listener, gateway.trustProxy false (default)', () => {
    withGateway({ auth: AUTH }, '127.0.0.1', (gw) => {
      it('allows a key from its own address and refuses one from elsewhere with 403 auth.forbidden', async () => {
        await expectAllowed(gw().url, LOOPBACK_V4_KEY);
        await expectForbidden(gw().url, OFFICE_KEY, undefined, /not allowed from 127\.0\.0\.1/);
        await expectForbidden(gw().url, LOOPBACK_V6_KEY, undefined, /127\.0\.0\.1/);
      });

      it('ignores X-Forwarded-For: a spoofed office address does not help, a spoofed foreign one does not hurt', async () => {
        await expectForbidden(gw().url, OFFICE_KEY, '10.0.0.5');
        await expectForbidden(gw().url, OFFICE_KEY, '10.0.0.5, 10.0.0.6');
        await expectAllowed(gw().url, LOOPBACK_V4_KEY, '203.0.113.9');
      });

      it('applies the group allow-list to keys in the group', async () => {
        await expectForbidden(gw().url, PARTNER_KEY, undefined, /group "partners" is not allowed from 127\.0\.0\.1/);
      });
    });
  });

  describe("gateway.trustProxy 'loopback' (a reverse proxy on this host)", () => {
    withGateway({ gateway: { trustProxy: 'loopback' }, auth: AUTH }, '127.0.0.1', (gw) => {
      it('takes the client address from X-Forwarded-For set by the trusted proxy', async () => {
        await expectAllowed(gw().url, OFFICE_KEY, '10.0.0.5');
        await expectForbidden(gw().url, LOOPBACK_V4_KEY, '10.0.0.5', /10\.0\.0\.5/);
        await expectAllowed(gw().url, PARTNER_KEY, '198.51.100.20');
        await expectForbidden(gw().url, PARTNER_KEY, '198.51.101.20', /group "partners"/);
      });

      it('does not trust entries a client put in front: the address the proxy appended wins', async () => {
        // The client sent "X-Forwarded-For: 10.0.0.5"; the proxy appended the real peer 203.0.113.9.
        await expectForbidden(gw().url, OFFICE_KEY, '10.0.0.5, 203.0.113.9', /203\.0\.113\.9/);
        await expectForbidden(gw().url, PARTNER_KEY, '198.51.100.20, 203.0.113.9');
      });

      it('without the header, the socket address counts', async () => {
        await expectAllowed(gw().url, LOOPBACK_V4_KEY);
        await expectForbidden(gw().url, OFFICE_KEY);
      });
    });
  });

  describe('gateway.trustProxy 1 (one proxy hop)', () => {
    withGateway({ gateway: { trustProxy: 1 }, auth: AUTH }, '127.0.0.1', (gw) => {
      it('uses the last X-Forwarded-For entry only', async () => {
        await expectAllowed(gw().url, OFFICE_KEY, '10.0.0.5');
        await expectForbidden(gw().url, OFFICE_KEY, '10.0.0.5, 203.0.113.9');
        await expectAllowed(gw().url, OFFICE_KEY, '203.0.113.9, 10.0.0.5');
      });
    });
  });

  describe('gateway.trustProxy true (trust every hop: only behind a proxy that overwrites the header)', () => {
    withGateway({ gateway: { trustProxy: true }, auth: AUTH }, '127.0.0.1', (gw) => {
      it('takes the left-most entry, which is why `true` is only safe when the proxy replaces X-Forwarded-For', async () => {
        await expectAllowed(gw().url, OFFICE_KEY, '10.0.0.5, 203.0.113.9');
        await expectForbidden(gw().url, OFFICE_KEY, '203.0.113.9, 10.0.0.5');
      });
    });
  });

  describe('gateway.trustProxy "10.0.0.0/8" (a proxy elsewhere; the loopback peer is not it)', () => {
    withGateway({ gateway: { trustProxy: '10.0.0.0/8' }, auth: AUTH }, '127.0.0.1', (gw) => {
      it('ignores X-Forwarded-For from an untrusted peer', async () => {
        await expectForbidden(gw().url, OFFICE_KEY, '10.0.0.5');
        await expectAllowed(gw().url, LOOPBACK_V4_KEY, '10.0.0.5');
      });
    });
  });

  describe('IPv6 listener on ::1', () => {
    withGateway({ auth: AUTH }, '::1', (gw) => {
      it('allows the ::1/128 key and refuses IPv4-only keys', async () => {
        assert.match(gw().url, /^http:\/\/\[::1\]:\d+$/);
        await expectAllowed(gw().url, LOOPBACK_V6_KEY);
        await expectForbidden(gw().url, LOOPBACK_V4_KEY, undefined, /::1/);
        await expectForbidden(gw().url, OFFICE_KEY);
      });
    });
  });

  describe('dual-stack listener on :: reached over IPv4 (peer ::ffff:127.0.0.1)', () => {
    withGateway({ auth: AUTH }, '::', (gw) => {
      it('matches the IPv4-mapped peer against IPv4 rules, not against ::1', async () => {
        await expectAllowed(gw().url, LOOPBACK_V4_KEY);
        await expectForbidden(gw().url, LOOPBACK_V6_KEY, undefined, /::ffff:127\.0\.0\.1/);
      });
    });
  });
});
