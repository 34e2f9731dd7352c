/**
 * Lifecycle of real gateway processes: SIGTERM during load (requests in flight complete, exit 0 within
 * gateway.shutdownTimeoutMs), `--workers 2` (needs Redis; metrics summed; graceful stop), and TLS.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { Agent } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect as tlsConnect } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chatHeadFirst } from '../../helpers/gateway.js';
import { uniquePrefix, redisOrSkip } from '../../helpers/redis.js';
import { freePort, postChat, spawnGateway } from './support.js';

const KEY = 'lifecycle-key-0123456789abcdef';

describe('production: gateway process lifecycle', function () {
  this.timeout(120_000);

  it('SIGTERM during load: every request in flight completes with 200, new connections are refused, exit 0 in time', async () => {
    const shutdownTimeoutMs = 8000;
    const gw = await spawnGateway({
      mode: 'production',
      gateway: { host: '127.0.0.1', port: await freePort(), shutdownTimeoutMs },
      auth: { apiKeys: [KEY] },
      log: { level: 'warn' },
    });
    const agent = new Agent({ keepAlive: true, maxSockets: 100 });
    try {
      // Warm up (first turns build caches), then 40 requests whose heads the server has read.
      assert.equal((await postChat(gw.url, KEY, { query: 'hello' })).status, 200);
      const inFlight = Array.from({ length: 40 }, (_, i) =>
        chatHeadFirst(gw.url, KEY, agent, { query: '退货怎么办', session_id: `sigterm-${i}` }),
      );
      await Promise.all(inFlight.map((r) => r.headRead));
      const signalled = Date.now();
      gw.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 200));
      await assert.rejects(fetch(`${gw.url}/api/v1/health`), 'no new connections while shutting down');
      for (const r of inFlight) r.finish();
      const answers = await Promise.all(inFlight.map((r) => r.response));
      assert.deepEqual(
        answers.map((a) => a.status),
        answers.map(() => 200),
      );
      for (const a of answers) assert.match(a.text, /退货/);
      const { code, signal } = await gw.exited;
      assert.equal(signal, null);
      assert.equal(code, 0, gw.output());
      assert.ok(Date.now() - signalled < shutdownTimeoutMs, `exited after ${Date.now() - signalled} ms`);
    } finally {
      agent.destroy();
      gw.kill('SIGKILL');
    }
  });

  it('--workers 2 without redis.url is refused with a clear error', async () => {
    await assert.rejects(
      spawnGateway({ gateway: { port: await freePort() } }, { args: ['--workers', '2'], timeoutMs: 60_000 }),
      /--workers 2 needs redis\.url/,
    );
  });

  describe('--workers 2 with Redis', () => {
    let prefix: string;
    before(async function () {
      const client = await redisOrSkip(this);
      client.disconnect();
      prefix = uniquePrefix('workers');
    });

    it('serves from two processes, sums their metrics, and stops both gracefully on SIGTERM (exit 0)', async () => {
      const gw = await spawnGateway(
        {
          gateway: { host: '127.0.0.1', port: await freePort() },
          auth: { apiKeys: [KEY] },
          redis: { url: 'redis://127.0.0.1:6379', keyPrefix: prefix },
          log: { level: 'warn' },
        },
        { args: ['--workers', '2'], timeoutMs: 90_000 },
      );
      try {
        for (let i = 0; i < 12; i++) {
          const r = await postChat(gw.url, KEY, { query: 'hello', session_id: `w-${i}` });
          assert.equal(r.status, 200);
        }
        // Each scrape is answered by either worker with the sum over both.
        for (let i = 0; i < 4; i++) {
          const res = await fetch(`${gw.url}/metrics`, {
            headers: { authorization: `Bearer ${KEY}`, connection: 'close' },
          });
          const text = await res.text();
          assert.equal(res.status, 200);
          const line = text
            .split('\n')
            .find((l) => l.startsWith('clawbot_channel_inbound_messages_total{channel="rest"}'));
          assert.equal(line, 'clawbot_channel_inbound_messages_total{channel="rest"} 12');
        }
        gw.kill('SIGTERM');
        const { code } = await gw.exited;
        assert.equal(code, 0, gw.output());
      } finally {
        gw.kill('SIGKILL');
      }
    });
  });

  it('TLS: serves HTTPS with gateway.tls and refuses TLS 1.1', async function () {
    const dir = await mkdtemp(join(tmpdir(), 'clawbot-tls-'));
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    try {
      await new Promise<void>((resolve, reject) =>
        execFile(
          'openssl',
          [
            'req',
            '-x509',
            '-newkey',
            'rsa:2048',
            '-nodes',
            '-keyout',
            key,
            '-out',
            cert,
            '-days',
            '1',
            '-subj',
            '/CN=127.0.0.1',
            '-addext',
            'subjectAltName=IP:127.0.0.1',
          ],
          (error) => (error === null ? resolve() : reject(new Error(error.message))),
        ),
      );
    } catch {
      console.warn('openssl not available; skipping the TLS test');
      this.skip();
    }
    const gw = await spawnGateway({
      gateway: { host: '127.0.0.1', port: await freePort(), tls: { cert, key } },
      auth: { apiKeys: [KEY] },
    });
    try {
      assert.match(gw.url, /^https:/);
      const ca = await readFile(cert);
      const { port } = new URL(gw.url);
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpsRequest({ host: '127.0.0.1', port, path: '/api/v1/health', ca }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
      assert.equal(status, 200);
      const old = await new Promise<string>((resolve) => {
        const socket = tlsConnect({
          host: '127.0.0.1',
          port: Number(port),
          ca,
          maxVersion: 'TLSv1.1',
          minVersion: 'TLSv1',
        });
        socket.once('secureConnect', () => {
          socket.destroy();
          resolve('connected');
        });
        socket.once('error', (e: Error) => resolve(e.message));
      });
      assert.notEqual(old, 'connected', 'TLS 1.1 must be refused');
    } finally {
      gw.kill('SIGKILL');
    }
  });
});
