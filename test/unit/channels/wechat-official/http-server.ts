/** Serves a channel's webhook over real HTTP on 127.0.0.1 (the gateway's translation, minimal). */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Channel } from '../../../../core/ports/channel.js';

export async function serveWebhook(channel: Channel): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const webhook = channel.webhook!;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= webhook.bodyLimit + 1) chunks.push(c);
    });
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
      void webhook
        .handle({
          method: req.method ?? 'GET',
          path: url.pathname,
          query: Object.fromEntries(url.searchParams),
          headers,
          rawBody: Buffer.concat(chunks),
        })
        .then((out) => {
          res.writeHead(out.status, out.headers);
          res.end(out.body);
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${webhook.path}`,
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
