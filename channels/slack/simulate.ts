/**
 * `clawbot simulate slack "text"`: sends a correctly signed `app_mention` event_callback to a running
 * gateway, as Slack would. Slack replies are not in the HTTP answer (that is only the ack): they are
 * posted with `chat.postMessage` to `apiUrl`. With `fakeApi: true` and a loopback `apiUrl`, this starts
 * the loopback fake Web API on that address first and returns the posted reply.
 */
import { randomBytes } from 'node:crypto';
import type { SlackOptions } from './options.js';
import { isLoopbackHost } from './outbound.js';
import { startFakeSlackApi, type FakeSlackApi } from './fake-web-api.js';
import { slackSignature } from './signature.js';

export interface SimulateSlackOptions {
  /** The gateway's base URL (the events path is appended) or the full Request URL. */
  readonly url: string;
  readonly text: string;
  readonly options: SlackOptions;
  /** Sender user id (default `U0SIMUSER`). */
  readonly user?: string;
  readonly fetch?: typeof fetch;
  /** Serve `apiUrl` (loopback only) with the fake Web API and wait for the reply. */
  readonly fakeApi?: boolean;
  /** How long to wait for the reply with `fakeApi` (default 15 s). */
  readonly timeoutMs?: number;
  /** Epoch ms for the signature timestamp (default now). */
  readonly now?: number;
}

export interface SimulateSlackResult {
  /** HTTP status of the gateway's answer (200 = acked). */
  readonly status: number;
  /** The posted reply (only with `fakeApi`); undefined otherwise. */
  readonly reply: string | undefined;
  /** The gateway's response body. */
  readonly raw: string;
}

/** Builds an Events API `app_mention` body, signed. Pure apart from the random ids. */
export function buildSignedMention(input: {
  readonly text: string;
  readonly signingSecret: string;
  readonly botUserId: string;
  readonly user: string;
  readonly nowMs: number;
  readonly team?: string;
  readonly channel?: string;
}): { body: string; headers: Record<string, string>; eventId: string } {
  const seconds = Math.floor(input.nowMs / 1000);
  const eventId = `Ev${randomBytes(5).toString('hex').toUpperCase()}`;
  const ts = `${seconds}.${String(randomBytes(3).readUIntBE(0, 3) % 1_000_000).padStart(6, '0')}`;
  const team = input.team ?? 'T0SIMULATE';
  const body = JSON.stringify({
    token: 'simulated',
    team_id: team,
    api_app_id: 'A0SIMULATE',
    type: 'event_callback',
    event_id: eventId,
    event_time: seconds,
    authorizations: [{ team_id: team, user_id: input.botUserId, is_bot: true }],
    event: {
      type: 'app_mention',
      user: input.user,
      text: `<@${input.botUserId}> ${input.text}`,
      ts,
      channel: input.channel ?? 'C0SIMULATE',
      event_ts: ts,
    },
  });
  return {
    body,
    eventId,
    headers: {
      'content-type': 'application/json',
      'x-slack-request-timestamp': String(seconds),
      'x-slack-signature': slackSignature(input.signingSecret, seconds, body),
    },
  };
}

function eventsUrl(url: string, path: string): string {
  const u = new URL(url);
  if (u.pathname === '/' || u.pathname === '') u.pathname = path;
  return u.toString();
}

/** Sends one signed app_mention to the gateway and reports the ack (and, with `fakeApi`, the reply). */
export async function simulateSlack(opts: SimulateSlackOptions): Promise<SimulateSlackResult> {
  const fetchFn = opts.fetch ?? globalThis.fetch;
  const { options } = opts;
  let fake: FakeSlackApi | undefined;
  if (opts.fakeApi === true) {
    const api = new URL(options.apiUrl);
    if (!isLoopbackHost(api.hostname) || api.port === '') {
      throw new Error(
        'simulate --fake-api needs channels.slack.apiUrl on loopback with a port, e.g. http://127.0.0.1:3999/api/',
      );
    }
    fake = await startFakeSlackApi({
      host: api.hostname.replace(/^\[|\]$/g, ''),
      port: Number(api.port),
      ...(options.botUserId === undefined ? {} : { botUserId: options.botUserId }),
    });
  }
  try {
    const signed = buildSignedMention({
      text: opts.text,
      signingSecret: options.signingSecret,
      botUserId: options.botUserId ?? 'U0CLAWBOT',
      user: opts.user ?? 'U0SIMUSER',
      nowMs: opts.now ?? Date.now(),
    });
    const res = await fetchFn(eventsUrl(opts.url, options.path), {
      method: 'POST',
      headers: signed.headers,
      body: signed.body,
    });
    const raw = await res.text();
    let reply: string | undefined;
    if (fake !== undefined && res.ok) {
      const posted = (): string | undefined => {
        const call = fake?.callsOf('chat.postMessage')[0];
        return typeof call?.params['text'] === 'string' ? call.params['text'] : undefined;
      };
      await fake.waitFor(() => posted() !== undefined, opts.timeoutMs ?? 15_000);
      reply = posted();
    }
    return { status: res.status, reply, raw };
  } finally {
    await fake?.close();
  }
}
