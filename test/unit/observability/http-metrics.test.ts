import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { observeRequests, routeLabel } from '../../../gateway/observability/http-metrics.js';
import { createGatewayMetrics } from '../../../gateway/observability/metrics.js';
import { acceptRequestId } from '../../../gateway/observability/request-id.js';

describe('HTTP metrics and request ids', () => {
  it('routeLabel: the route pattern, else a channel mount, else "unmatched" (pure)', () => {
    assert.equal(
      routeLabel({ routePath: '/api/v1/sessions/:id', baseUrl: '', path: '/x', mounts: [] }),
      '/api/v1/sessions/:id',
    );
    assert.equal(routeLabel({ routePath: '/:id', baseUrl: '/items', path: '/items/7', mounts: [] }), '/items/:id');
    assert.equal(
      routeLabel({ routePath: undefined, baseUrl: '', path: '/slack/events', mounts: ['/slack/events'] }),
      '/slack/events',
    );
    assert.equal(
      routeLabel({ routePath: undefined, baseUrl: '', path: '/etc/passwd', mounts: ['/slack/events'] }),
      'unmatched',
    );
  });

  it('acceptRequestId honours sane ids and replaces anything else', () => {
    assert.equal(
      acceptRequestId('abc-123', () => 'new'),
      'abc-123',
    );
    assert.equal(
      acceptRequestId(['first', 'second'], () => 'new'),
      'first',
    );
    for (const bad of [undefined, '', 'a b', 'x'.repeat(129), 'id\nInjected: 1', '<script>']) {
      assert.equal(
        acceptRequestId(bad, () => 'new'),
        'new',
        JSON.stringify(bad),
      );
    }
  });

  it('counts requests by route pattern (bounded labels) and echoes or generates X-Request-Id', async () => {
    const metrics = createGatewayMetrics({ processMetrics: false });
    const app = express();
    const seen: string[] = [];
    app.use(observeRequests({ families: metrics.families, mounts: [] }));
    app.get('/api/v1/sessions/:id', (req, res) => {
      seen.push(req.observability?.requestId ?? '');
      res.json({ id: req.params.id });
    });
    app.use((_req, res) => res.status(404).end());
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      for (let i = 0; i < 5; i++) await (await fetch(`${url}/api/v1/sessions/user-${i}`)).text();
      const given = await fetch(`${url}/api/v1/sessions/x`, { headers: { 'x-request-id': 'trace-42' } });
      assert.equal(given.headers.get('x-request-id'), 'trace-42');
      const generated = await fetch(`${url}/nothing/here?secret=1`);
      assert.match(generated.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
      const text = await metrics.render();
      assert.match(text, /clawbot_http_requests_total\{method="GET",route="\/api\/v1\/sessions\/:id",status="200"\} 6/);
      assert.match(text, /clawbot_http_requests_total\{method="GET",route="unmatched",status="404"\} 1/);
      assert.doesNotMatch(text, /user-\d|nothing\/here|secret/, 'no raw URLs in labels');
      assert.match(
        text,
        /clawbot_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/sessions\/:id",status="200"\} 6/,
      );
      assert.equal(seen.at(-1), 'trace-42');
    } finally {
      server.close();
    }
  });
});
