/**
 * `clawbot simulate dingtalk "text"`: a local DingTalk emulator. It starts a loopback listener that plays the
 * sessionWebhook, sends a correctly signed HTTP-mode callback to a running gateway, and returns the reply the
 * gateway POSTs to that listener.
 *
 * The gateway only POSTs to allow-listed hosts, so its `channels.dingtalk.allowedHosts` must contain the
 * listener's host: `127.0.0.1` (any port) or `127.0.0.1:<replyPort>` — plain http is accepted for loopback only.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BotError } from '../../core/errors.js';
import { checkOutboundUrl } from './hosts.js';
import type { DingTalkOptions } from './options.js';
import { computeDingTalkSign } from './signature.js';

export interface SimulateDingTalkOptions {
  /** The gateway's callback URL, e.g. `http://127.0.0.1:8080/dingtalk`. */
  readonly url: string;
  readonly text: string;
  /** The gateway's `channels.dingtalk` options (appSecret signs; allowedHosts must admit the listener). */
  readonly options: DingTalkOptions;
  /** Sender staff id (default `simulated-user`). */
  readonly user?: string;
  readonly fetch?: typeof fetch;
  /** `1` (1:1, default) or `2` (group; the robot is @mentioned). */
  readonly conversationType?: '1' | '2';
  /** Loopback listener port (default: any free port; use a fixed one with a `127.0.0.1:<port>` allow-list entry). */
  readonly replyPort?: number;
  /** How long to wait for the reply (default 15 s). */
  readonly timeoutMs?: number;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The text of a sessionWebhook body (`text.content` or `markdown.text`). */
export function replyTextOf(raw: string): string | undefined {
  try {
    const body = JSON.parse(raw) as { text?: { content?: unknown }; markdown?: { text?: unknown } };
    const text = body.text?.content ?? body.markdown?.text;
    return typeof text === 'string' ? text : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Sends one signed callback and waits for the reply on the loopback sessionWebhook.
 * `status` is the gateway's HTTP status; `raw` the reply body (or the gateway's answer when no reply came).
 */
export async function simulateDingTalk(
  opts: SimulateDingTalkOptions,
): Promise<{ status: number; reply: string | undefined; raw: string }> {
  if (opts.options.transport !== 'http') {
    throw new BotError(
      'config.invalid',
      'simulate needs channels.dingtalk.transport: http (stream mode has no callback URL)',
    );
  }
  const doFetch = opts.fetch ?? fetch;
  const session = randomBytes(16).toString('hex');
  let onReply: (raw: string) => void = () => undefined;
  const replied = new Promise<string>((resolve) => {
    onReply = resolve;
  });
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void readBody(req).then((raw) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"errcode":0,"errmsg":"ok"}');
      if (req.url?.includes(session) === true) onReply(raw);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.replyPort ?? 0, '127.0.0.1', resolve);
  });
  try {
    const port = (server.address() as AddressInfo).port;
    const sessionWebhook = `http://127.0.0.1:${port}/robot/sendBySession?session=${session}`;
    const check = checkOutboundUrl(sessionWebhook, opts.options.allowedHosts);
    if (!check.ok) {
      throw new BotError(
        'config.invalid',
        `the gateway would refuse to reply to 127.0.0.1:${port}: add "127.0.0.1" to channels.dingtalk.allowedHosts`,
      );
    }
    const now = Date.now();
    const user = opts.user ?? 'simulated-user';
    const group = opts.conversationType === '2';
    const robotUserId = '$:LWCP_v1:$simulated-robot';
    const payload = {
      conversationId: `cid-simulated-${group ? 'group' : user}`,
      conversationType: group ? '2' : '1',
      ...(group ? { conversationTitle: 'simulate', isInAtList: true, atUsers: [{ dingtalkId: robotUserId }] } : {}),
      chatbotCorpId: 'dingsimulatedcorp',
      chatbotUserId: robotUserId,
      msgId: `msg${randomUUID()}`,
      senderNick: user,
      isAdmin: false,
      senderStaffId: user,
      senderId: `$:LWCP_v1:$${user}`,
      senderCorpId: 'dingsimulatedcorp',
      sessionWebhook,
      sessionWebhookExpiredTime: now + 90 * 60 * 1000,
      createAt: now,
      robotCode: opts.options.robotCode ?? opts.options.appKey,
      msgtype: 'text',
      text: { content: ` ${opts.text}` },
    };
    const timestamp = String(now);
    const response = await doFetch(opts.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        timestamp,
        sign: computeDingTalkSign(timestamp, opts.options.appSecret),
      },
      body: JSON.stringify(payload),
    });
    const answer = await response.text();
    if (response.status !== 200) return { status: response.status, reply: undefined, raw: answer };
    const timeoutMs = opts.timeoutMs ?? 15_000;
    let timer: NodeJS.Timeout | undefined;
    const raw = await Promise.race([
      replied,
      new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    return raw === undefined
      ? { status: 200, reply: undefined, raw: answer }
      : { status: 200, reply: replyTextOf(raw), raw };
  } finally {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}

/** Alias with the lower-case spelling of the channel id. */
export const simulateDingtalk = simulateDingTalk;
