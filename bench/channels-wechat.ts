/**
 * WeChat safe-mode messages per second: our channel (full in-process HTTP server, core dispatcher with
 * dedupe, sequentialize, memory and a trivial engine) against node-webot `wechat` middleware behind Express
 * doing a plain echo. Same autocannon client, same machine, one run each; every request is a fresh,
 * correctly signed and encrypted text push (unique MsgId and nonce, 1,000 users).
 *
 *   npm run bench:channels            # BENCH_DURATION=10 BENCH_CONNECTIONS=32 by default
 *
 * Prints both figures and the ratio, and writes bench/results/channels-wechat.json.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { cpus } from 'node:os';
import path from 'node:path';
import { decrypt, encrypt, getSignature } from '@wecom/crypto';
import autocannon from 'autocannon';
import express, { type RequestHandler } from 'express';
import { systemClock } from '../core/clock.js';
import { silentLogger } from '../core/logger.js';
import type { Server } from 'node:http';
import { buildGateway } from '../gateway/app/gateway.js';
import { parseConfig } from '../gateway/config/index.js';

const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);
const USERS = 1_000;
const CREDS = {
  token: 'spamtest',
  encodingAESKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
  appId: 'wx2c2769f8efd9abc2',
  account: 'gh_10f6c3c3ac5a',
};

type WebotHandler = (req: { weixin: Record<string, string> }, res: { reply(content: string): void }) => void;
const wechat = createRequire(import.meta.url)('wechat') as (
  config: { token: string; appid: string; encodingAESKey: string },
  handler: WebotHandler,
) => RequestHandler;

/** Our side: the whole gateway (demo bot, default pipeline, in-process stores) with the WeChat channel in safe mode. */
async function startOurs(): Promise<{ server: Server; close: () => Promise<void> }> {
  const config = parseConfig({
    mode: 'production',
    auth: { apiKeys: ['bench-key-0123456789abcdef'] },
    log: { level: 'warn' },
    // the whole chat path, not the flood limit: 1,000 users send far more than 20 messages a minute here
    limits: { perUser: 0 },
    channels: { wechat_official: { ...CREDS, appSecret: 'bench-secret' } },
  });
  const gateway = await buildGateway(config, { log: silentLogger, clock: systemClock, version: 'bench' });
  const server = await gateway.listen(0, '127.0.0.1');
  return { server, close: () => gateway.close() };
}

/** The peer: node-webot `wechat` middleware in Express, echoing. */
async function startPeer(): Promise<Server> {
  const app = express();
  app.use(
    '/wechat',
    wechat({ token: CREDS.token, appid: CREDS.appId, encodingAESKey: CREDS.encodingAESKey }, (req, res) =>
      res.reply(`echo:${req.weixin.Content}`),
    ),
  );
  return new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
}

let seq = 0n;
/** A fresh signed, encrypted text push (what WeChat sends), as an autocannon request. */
function nextPush(): { path: string; body: string } {
  seq += 1n;
  const msgId = (6_054_768_590_064_713_728n + seq).toString();
  const user = `oBenchUser${String(Number(seq % BigInt(USERS))).padStart(18, '0')}`;
  const ts = String(Math.floor(Date.now() / 1000));
  const nonce = String(Math.floor(Math.random() * 9e9) + 1e9);
  const xml = `<xml><ToUserName><![CDATA[${CREDS.account}]]></ToUserName><FromUserName><![CDATA[${user}]]></FromUserName><CreateTime>${ts}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[你好 ${msgId}]]></Content><MsgId>${msgId}</MsgId></xml>`;
  const enc = encrypt(CREDS.encodingAESKey, xml, CREDS.appId);
  const signature = createHash('sha1').update([CREDS.token, ts, nonce].sort().join('')).digest('hex');
  const query = new URLSearchParams({
    signature,
    timestamp: ts,
    nonce,
    openid: user,
    encrypt_type: 'aes',
    msg_signature: getSignature(CREDS.token, ts, nonce, enc),
  });
  return {
    path: `/wechat?${query.toString()}`,
    body: `<xml><ToUserName><![CDATA[${CREDS.account}]]></ToUserName><Encrypt><![CDATA[${enc}]]></Encrypt></xml>`,
  };
}

interface RunResult {
  readonly rps: number;
  readonly requests: number;
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly encryptedReplies: number;
}

/** Two halves of one measurement: rates averaged, counts added, the worse p99 kept. */
function combine(a: RunResult, b: RunResult): RunResult {
  return {
    rps: (a.rps + b.rps) / 2,
    requests: a.requests + b.requests,
    latencyP50Ms: (a.latencyP50Ms + b.latencyP50Ms) / 2,
    latencyP99Ms: Math.max(a.latencyP99Ms, b.latencyP99Ms),
    non2xx: a.non2xx + b.non2xx,
    errors: a.errors + b.errors,
    encryptedReplies: a.encryptedReplies + b.encryptedReplies,
  };
}

async function run(url: string, duration: number): Promise<RunResult> {
  let encryptedReplies = 0;
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration,
    requests: [
      {
        method: 'POST',
        setupRequest: (req) => ({ ...req, ...nextPush(), headers: { 'content-type': 'text/xml' } }),
        onResponse: (status, body) => {
          if (status === 200 && body.includes('<Encrypt>')) encryptedReplies++;
        },
      },
    ],
  });
  return {
    rps: result.requests.average,
    requests: result.requests.total,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    encryptedReplies,
  };
}

/** One request by hand: both servers must really answer an encrypted echo before we time them. */
async function sanityCheck(base: string, expectPrefix: string): Promise<void> {
  const push = nextPush();
  const res = await fetch(`${base}${push.path}`, {
    method: 'POST',
    body: push.body,
    headers: { 'content-type': 'text/xml' },
  });
  const text = await res.text();
  const enc = /<Encrypt><!\[CDATA\[([^\]]+)\]\]><\/Encrypt>/.exec(text)?.[1];
  if (res.status !== 200 || enc === undefined) throw new Error(`${base} answered ${res.status}: ${text.slice(0, 200)}`);
  const inner = decrypt(CREDS.encodingAESKey, enc).message;
  if (!inner.includes(expectPrefix) || !/<Content><!\[CDATA\[[^\]]+/.test(inner)) throw new Error(`${base} replied ${inner.slice(0, 200)}`);
}

async function main(): Promise<void> {
  const ours = await startOurs();
  const peer = await startPeer();
  const oursBase = `http://127.0.0.1:${(ours.server.address() as AddressInfo).port}`;
  const peerBase = `http://127.0.0.1:${(peer.address() as AddressInfo).port}`;
  await sanityCheck(oursBase, '');
  await sanityCheck(peerBase, 'echo:你好');

  console.log(
    `WeChat safe mode, ${CONNECTIONS} connections, ${DURATION} s each in two halves A-B-B-A (after ${WARMUP} s warm-up)`,
  );
  if (WARMUP > 0) await run(`${oursBase}/wechat`, WARMUP);
  if (WARMUP > 0) await run(`${peerBase}/wechat`, WARMUP);
  // A-B-B-A: load drift on a shared machine hits both sides alike.
  const half = DURATION / 2;
  const m1 = await run(`${oursBase}/wechat`, half);
  const t1 = await run(`${peerBase}/wechat`, half);
  const t2 = await run(`${peerBase}/wechat`, half);
  const m2 = await run(`${oursBase}/wechat`, half);
  const mine = combine(m1, m2);
  const theirs = combine(t1, t2);
  const ratio = mine.rps / theirs.rps;

  const row = (name: string, r: RunResult) =>
    `${name.padEnd(34)} ${r.rps.toFixed(0).padStart(8)} msg/s   p50 ${String(r.latencyP50Ms).padStart(4)} ms   p99 ${String(r.latencyP99Ms).padStart(4)} ms   non-2xx ${r.non2xx}   encrypted replies ${r.encryptedReplies}/${r.requests}`;
  console.log(row('clawbot gateway (demo bot)', mine));
  console.log(row('node-webot wechat (plain echo)', theirs));
  console.log(`ratio clawbot / node-webot: ${ratio.toFixed(2)}`);

  const out = {
    benchmark: 'channels-wechat',
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cpus: cpus().length,
    durationSec: DURATION,
    connections: CONNECTIONS,
    mode: 'safe (AES), fresh MsgId and nonce per request, 1,000 users',
    ours: {
      target: 'the whole clawbot gateway: wechat_official channel + default pipeline + demo bot (knowledge engine)',
      ...mine,
    },
    peer: { target: 'node-webot wechat@2.1.0 middleware in express, plain echo', ...theirs },
    ratio: Number(ratio.toFixed(3)),
  };
  const dir = path.join(import.meta.dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'channels-wechat.json'), `${JSON.stringify(out, null, 2)}\n`);
  console.log('saved bench/results/channels-wechat.json');

  await ours.close();
  await new Promise<void>((resolve) => peer.close(() => resolve()));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
