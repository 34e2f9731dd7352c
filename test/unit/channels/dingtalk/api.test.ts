import assert from 'node:assert/strict';
import { ManualClock } from '../../../../core/clock.js';
import { ChannelApiError } from '../../../../core/errors.js';
import { createDingTalkApi, type DingTalkApi } from '../../../../channels/dingtalk/api.js';
import { captureLogger, FakeDingTalk } from './helpers.js';

describe('dingtalk OpenAPI client (loopback fake API)', () => {
  let fake: FakeDingTalk;
  let clock: ManualClock;
  let api: DingTalkApi;
  const body = { robotCode: 'r', userIds: ['u'], msgKey: 'sampleText', msgParam: '{"content":"x"}' };

  beforeEach(async () => {
    fake = await new FakeDingTalk().start();
    clock = new ManualClock();
    api = createDingTalkApi(
      {
        apiBaseUrl: fake.base,
        appKey: 'key',
        appSecret: 'secret',
        allowedHosts: [`127.0.0.1:${fake.port}`],
        tokenRefreshMarginMs: 300_000,
        requestTimeoutMs: 5_000,
      },
      { clock, log: captureLogger() },
    );
  });
  afterEach(() => fake.stop());

  it('fetches the token once for concurrent callers (single-flight) and caches it', async () => {
    await Promise.all([api.batchSend(body), api.batchSend(body), api.groupSend({ robotCode: 'r' })]);
    assert.equal(fake.tokensIssued, 1);
    await api.batchSend(body);
    assert.equal(fake.tokensIssued, 1);
    assert.deepEqual(
      fake.to('/v1.0/robot/oToMessages/batchSend').map((r) => r.headers['x-acs-dingtalk-access-token']),
      ['token-1', 'token-1', 'token-1'],
    );
  });

  it('refreshes the token before it expires (expireIn minus the margin)', async () => {
    assert.equal(await api.tokens.get(), 'token-1');
    clock.advance(7_200_000 - 300_001);
    assert.equal(await api.tokens.get(), 'token-1');
    clock.advance(2);
    assert.equal(await api.tokens.get(), 'token-2');
  });

  it('forces one refresh when the token is rejected, then succeeds', async () => {
    let rejected = 0;
    fake.respond = (req) => {
      if (
        req.path === '/v1.0/robot/oToMessages/batchSend' &&
        req.headers['x-acs-dingtalk-access-token'] === 'token-1'
      ) {
        rejected++;
        return { status: 401, body: { code: 'InvalidAuthentication', message: '不合法的access_token' } };
      }
      return undefined;
    };
    await api.batchSend(body);
    assert.equal(rejected, 1);
    assert.equal(fake.tokensIssued, 2);
  });

  it('turns platform errors into actionable ChannelApiErrors', async () => {
    fake.respond = (req) =>
      req.path === '/v1.0/robot/groupMessages/send'
        ? {
            status: 403,
            body: { code: 'Forbidden.AccessDenied.AccessTokenPermissionDenied', message: 'no permission' },
          }
        : req.path === '/v1.0/robot/oToMessages/batchSend'
          ? { status: 200, body: { processQueryKey: 'k', invalidStaffIdList: ['u'], flowControlledStaffIdList: [] } }
          : undefined;
    await assert.rejects(api.groupSend({ robotCode: 'r' }), (error: unknown) => {
      assert.ok(error instanceof ChannelApiError);
      assert.equal(error.platformCode, 'Forbidden.AccessDenied.AccessTokenPermissionDenied');
      assert.equal(error.httpStatus, 403);
      assert.match(error.message, /developer console/);
      return true;
    });
    await assert.rejects(api.batchSend(body), { code: 'channel.api_failed', platformCode: 'invalidStaffIdList' });
  });

  it('reports a bad appKey/appSecret on the token call', async () => {
    fake.respond = (req) =>
      req.path === '/v1.0/oauth2/accessToken'
        ? { status: 400, body: { code: 'invalidClientIdOrSecret', message: 'bad' } }
        : undefined;
    await assert.rejects(api.tokens.get(), { code: 'channel.api_failed', message: /appKey and appSecret/ });
  });

  it('refuses URLs outside the allow-list without a request', async () => {
    await assert.rejects(api.post('https://example.com/x', {}), { code: 'channel.host_not_allowed' });
    await assert.rejects(api.sendBySessionWebhook('http://10.0.0.1/robot', {}), { code: 'channel.host_not_allowed' });
    assert.equal(fake.requests.length, 0);
  });
});
