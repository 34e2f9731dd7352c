/**
 * A loopback fake of api.weixin.qq.com speaking the real JSON: `POST /cgi-bin/stable_token` and
 * `POST /cgi-bin/message/custom/send` (request shapes as captured from co-wechat-api, reference §1.5).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TokenCall {
  readonly grant_type: string;
  readonly appid: string;
  readonly secret: string;
  readonly force_refresh: boolean;
}

export class FakeWechatApi {
  url = '';
  readonly tokenCalls: TokenCall[] = [];
  readonly sent: { token: string; body: Record<string, unknown> }[] = [];
  /** errcodes answered, in order, by the next custom/send calls (before token checks). */
  readonly sendErrors: number[] = [];
  /** errcode answered by stable_token (e.g. 40164); undefined = normal. */
  tokenError: number | undefined;
  /** When true, a non-forced stable_token returns the current token even after it was invalidated. */
  stickyToken = false;
  expiresIn = 7200;
  /** Delay (ms) before answering stable_token, to let concurrent callers pile up. */
  tokenDelayMs = 20;
  private current: string | undefined;
  private readonly valid = new Set<string>();
  private seq = 0;
  private server: Server | undefined;

  constructor(
    readonly appId: string,
    readonly secret: string,
  ) {}

  /** Makes the current token invalid (as if another party force-refreshed it). */
  invalidateCurrent(): string | undefined {
    if (this.current !== undefined) this.valid.delete(this.current);
    return this.current;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void this.handle(req).then(
        (body) => {
          res.writeHead(200, { 'content-type': 'application/json; encoding=utf-8' });
          res.end(JSON.stringify(body));
        },
        () => {
          res.writeHead(500);
          res.end();
        },
      );
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private async handle(req: IncomingMessage): Promise<Record<string, unknown>> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://x');
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
    if (req.method === 'POST' && url.pathname === '/cgi-bin/stable_token') {
      this.tokenCalls.push(body as unknown as TokenCall);
      await new Promise((r) => setTimeout(r, this.tokenDelayMs));
      if (this.tokenError !== undefined)
        return { errcode: this.tokenError, errmsg: `fake error ${this.tokenError} rid: 1` };
      if (body.appid !== this.appId) return { errcode: 40013, errmsg: 'invalid appid' };
      if (body.secret !== this.secret) return { errcode: 40125, errmsg: 'invalid appsecret' };
      const keep =
        this.current !== undefined && body.force_refresh !== true && (this.valid.has(this.current) || this.stickyToken);
      if (!keep) {
        this.current = `ACCESS_TOKEN_${++this.seq}_${'x'.repeat(40)}`;
        this.valid.add(this.current);
      }
      return { access_token: this.current, expires_in: this.expiresIn };
    }
    if (req.method === 'POST' && url.pathname === '/cgi-bin/message/custom/send') {
      const token = url.searchParams.get('access_token') ?? '';
      const forced = this.sendErrors.shift();
      if (forced !== undefined) return { errcode: forced, errmsg: `fake error ${forced} rid: 2` };
      if (!this.valid.has(token))
        return { errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest' };
      this.sent.push({ token, body });
      return { errcode: 0, errmsg: 'ok' };
    }
    return { errcode: 404, errmsg: 'not found' };
  }
}
