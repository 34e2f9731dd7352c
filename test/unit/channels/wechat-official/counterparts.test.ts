/**
 * Differential test against node-webot `wechat` (a real, independent receiver) behind Express: the same
 * HTTP requests go to it and to our channel behind a plain node:http server. Both must accept the good
 * ones and refuse the forged ones; where we are stricter on purpose, the table says so and both sides'
 * behaviour is asserted. Requests are built and replies decrypted by Tencent's @wecom/crypto.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Request, Response, NextFunction, RequestHandler } from 'express';
import { systemClock } from '../../../../core/clock.js';
import { createWechatOfficialChannel } from '../../../../channels/wechat-official/index.js';
import { createInProcessKeyValue, createInProcessLocks } from '../../../../memory/index.js';
import { createTestHost, CapturingLogger, ScriptedEngine } from './fakes.js';
import { serveWebhook } from './http-server.js';
import { buildPush, decodeAnswer, DEMO, textXml, wechatOptions } from './requests.js';

type WechatMiddleware = (
  config: { token: string; appid: string; encodingAESKey: string },
  handler: (
    req: Request & { weixin: Record<string, string> },
    res: Response & { reply(content: string): void },
    next: NextFunction,
  ) => void,
) => RequestHandler;
const wechat = createRequire(import.meta.url)('wechat') as WechatMiddleware;

interface Case {
  readonly name: string;
  readonly method?: 'GET' | 'POST';
  readonly build: (now: number) => { query: Record<string, string>; body: string };
  /** Expected status from node-webot and from us. */
  readonly webot: number;
  readonly ours: number;
  /** Why we differ, when we do. */
  readonly stricter?: string;
}

let seq = 0;
const msg = (now: number, content = 'ping', appId?: string) => {
  const xml = textXml({ content, msgId: String(7_000_000_000_000_000_000n + BigInt(++seq)), createTime: now });
  return { xml, appId };
};
const safe = (now: number, o: Partial<Parameters<typeof buildPush>[0]> = {}) =>
  buildPush({ xml: msg(now).xml, timestamp: now, mode: 'safe', ...o });

const CASES: readonly Case[] = [
  { name: 'good safe-mode text', build: (now) => safe(now), webot: 200, ours: 200 },
  {
    name: 'good URL verification (GET echostr)',
    method: 'GET',
    build: (now) => {
      const p = buildPush({ xml: '', timestamp: now, mode: 'plaintext' });
      return { query: { ...p.query, echostr: '8312345678901234567' }, body: '' };
    },
    webot: 200,
    ours: 200,
  },
  {
    name: 'GET with a bad signature',
    method: 'GET',
    build: (now) => {
      const p = buildPush({ xml: '', timestamp: now, mode: 'plaintext', token: 'someoneelse' });
      return { query: { ...p.query, echostr: '1' }, body: '' };
    },
    webot: 401,
    ours: 401,
  },
  {
    name: 'msg_signature forged',
    build: (now) => {
      const p = safe(now);
      return { ...p, query: { ...p.query, msg_signature: 'a'.repeat(40) } };
    },
    webot: 401,
    ours: 401,
  },
  {
    name: 'signed with another token',
    build: (now) => safe(now, { token: 'anothertoken' }),
    webot: 401,
    ours: 401,
  },
  {
    name: 'ciphertext tampered after signing',
    build: (now) => {
      const p = safe(now);
      return {
        ...p,
        body: p.body.replace(
          /<Encrypt><!\[CDATA\[(.)(.)/,
          (_m, a: string, b: string) => `<Encrypt><![CDATA[${b}${a === b ? 'Q' : a}`,
        ),
      };
    },
    webot: 401,
    ours: 401,
  },
  {
    name: 'stale timestamp (1 hour old), correctly signed',
    build: (now) => safe(now - 3600),
    webot: 200,
    ours: 401,
    stricter: 'node-webot checks no freshness window; we refuse timestamps beyond timestampToleranceSec (300 s)',
  },
  {
    name: 'encrypted for another AppID, correctly signed',
    build: (now) => safe(now, { appId: 'wx0000000000000000' }),
    webot: 200,
    ours: 401,
    stricter: 'wechat-crypto (inside node-webot) never compares the decrypted AppID; we do',
  },
  {
    name: 'unencrypted body to a safe-mode endpoint, correctly signed',
    build: (now) => buildPush({ xml: msg(now).xml, timestamp: now, mode: 'plaintext' }),
    webot: 200,
    ours: 401,
    stricter:
      'node-webot serves plaintext whenever encrypt_type is absent; in safe mode we accept only encrypted pushes',
  },
];

describe('wechat-official differential test against node-webot `wechat`', () => {
  let webot: Server;
  let webotUrl: string;
  let ours: Awaited<ReturnType<typeof serveWebhook>>;

  before(async () => {
    const app = express();
    app.use(
      '/wechat',
      wechat({ token: DEMO.token, appid: DEMO.appId, encodingAESKey: DEMO.encodingAESKey }, (req, res) => {
        res.reply(`echo:${req.weixin.Content}`);
      }),
    );
    webot = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    webotUrl = `http://127.0.0.1:${(webot.address() as AddressInfo).port}/wechat`;

    const kv = createInProcessKeyValue({ clock: systemClock });
    const locks = createInProcessLocks({ clock: systemClock });
    const log = new CapturingLogger();
    const channel = createWechatOfficialChannel(wechatOptions(), { kv, locks, clock: systemClock, log });
    await channel.start(createTestHost(channel, { kv, locks, clock: systemClock, log, engine: new ScriptedEngine() }));
    ours = await serveWebhook(channel);
  });

  after(async () => {
    await ours.close();
    await new Promise<void>((resolve) => webot.close(() => resolve()));
  });

  const send = async (base: string, c: Case, push: { query: Record<string, string>; body: string }) => {
    const url = new URL(base);
    for (const [k, v] of Object.entries(push.query)) url.searchParams.set(k, v);
    const res = await fetch(url, {
      method: c.method ?? 'POST',
      ...(c.method === 'GET' ? {} : { body: push.body, headers: { 'content-type': 'text/xml' } }),
    });
    return { status: res.status, body: await res.text() };
  };

  for (const c of CASES) {
    it(`${c.name}: node-webot ${c.webot}, ours ${c.ours}${c.stricter ? ' (we are stricter)' : ''}`, async () => {
      const push = c.build(Math.floor(Date.now() / 1000));
      // The very same request bytes go to both receivers.
      const theirs = await send(webotUrl, c, push);
      const mine = await send(ours.url, c, push);
      assert.equal(theirs.status, c.webot, `node-webot: ${theirs.body}`);
      assert.equal(mine.status, c.ours, `ours: ${mine.body}`);
      if (c.webot === 200 && c.ours === 200 && c.method !== 'GET') {
        assert.equal(decodeAnswer(theirs).fields?.Content, 'echo:ping');
        assert.equal(decodeAnswer(mine).fields?.Content, '答：ping');
      }
      if (c.method === 'GET' && c.ours === 200) assert.equal(mine.body, theirs.body);
    });
  }
});
