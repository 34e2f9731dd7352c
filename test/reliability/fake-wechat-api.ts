/** A loopback stand-in for api.weixin.qq.com: stable_token and customer-service messages, recorded. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeWechatApi {
  readonly url: string;
  /** Customer-service messages received: `touser` and text content. */
  readonly sent: { touser: string; content: string }[];
  close(): Promise<void>;
}

/** Starts the fake API on 127.0.0.1. */
export async function startFakeWechatApi(): Promise<FakeWechatApi> {
  const sent: { touser: string; content: string }[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (d: string) => (body += d));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      const path = (req.url ?? '').split('?')[0];
      if (path === '/cgi-bin/stable_token') {
        res.end(JSON.stringify({ access_token: 'FAKE_ACCESS_TOKEN_0123456789', expires_in: 7200 }));
        return;
      }
      if (path === '/cgi-bin/message/custom/send') {
        const msg = JSON.parse(body) as { touser: string; text?: { content: string } };
        sent.push({ touser: msg.touser, content: msg.text?.content ?? '' });
        res.end(JSON.stringify({ errcode: 0, errmsg: 'ok' }));
        return;
      }
      res.statusCode = 404;
      res.end(JSON.stringify({ errcode: 404, errmsg: 'not found' }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sent,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
