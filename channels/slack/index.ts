/**
 * The Slack channel: Events API (app_mention in channels, DMs), one slash command and interactive
 * buttons, received by Bolt's ExpressReceiver behind our signature pre-check and answered with
 * `chat.postMessage` (threads) or the command's `response_url`.
 *
 * Slack is acked before the turn runs; retries (`X-Slack-Retry-Num`) carry the same `event_id`,
 * which is the inbound message id, so the pipeline's dedupe drops them on any replica, and the
 * outbound ledger allows at most one post per reply.
 */
import { BotError, describeError, isBotError } from '../../core/errors.js';
import type { Clock } from '../../core/clock.js';
import type { SendReceipt } from '../../core/envelope.js';
import type { Logger } from '../../core/logger.js';
import { OutboundLedger } from '../../core/outbound-ledger.js';
import type { Channel, ChannelHost } from '../../core/ports/channel.js';
import type { KeyValue, Locks } from '../../core/ports/kv.js';
import { createSlackApi, safeHost, type SlackApi, type SlackIdentity } from './api.js';
import { createSlackBolt } from './bolt-app.js';
import { fromBlockActions, fromEventCallback, fromSlashCommand, type SlackInbound } from './inbound.js';
import { slackOptionsSchema, type SlackOptions, type SlackOptionsInput } from './options.js';
import { SLACK_TEXT_CHUNK, toPostMessages, toResponseUrlBodies } from './outbound.js';
import { createSlackHttpHandler } from './webhook.js';

export { slackOptionsSchema, type SlackOptions, type SlackOptionsInput } from './options.js';
export { simulateSlack } from './simulate.js';

/** What the Slack channel needs. `fetch` is used for Web API calls and response_url posts. */
export interface SlackChannelDeps {
  readonly kv: KeyValue;
  readonly locks: Locks;
  readonly clock: Clock;
  readonly log: Logger;
  readonly fetch?: typeof fetch;
}

/** A Slack channel: always has an `httpHandler` (mount before any body parser). */
export interface SlackChannel extends Channel {
  readonly httpHandler: NonNullable<Channel['httpHandler']>;
  /** The bot identity known so far (options.botUserId, else `auth.test` at start). */
  identity(): SlackIdentity;
}

/** Where the replies of one in-flight turn go, and how many it has sent (the ledger's reply number). */
interface Route {
  readonly responseUrl?: string;
  seq: number;
}

/** How long `stop()` waits for running turns. */
const STOP_WAIT_MS = 10_000;

/** Validates options (config.invalid without echoing values) and builds the channel. */
export function createSlackChannel(input: SlackOptionsInput, deps: SlackChannelDeps): SlackChannel {
  const parsed = slackOptionsSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new BotError('config.invalid', `channels.slack: ${problems}`);
  }
  const options: SlackOptions = parsed.data;
  const log = deps.log.child({ channel: 'slack' });
  const fetchFn = deps.fetch ?? globalThis.fetch;
  const ledger = new OutboundLedger(deps.kv);
  const routes = new Map<string, Route>();
  const inflight = new Set<Promise<void>>();
  let host: ChannelHost | undefined;
  let identity: SlackIdentity = options.botUserId === undefined ? {} : { userId: options.botUserId };
  const render = {
    handoffButton: options.handoffButton,
    ratingButtons: options.ratingButtons,
    suggestionButtons: options.suggestionButtons,
  };

  /** Runs one turn; the route lives while it runs (a concurrent retry never replaces or drops it). */
  async function take(decision: SlackInbound, retryNum?: number): Promise<void> {
    if (decision.kind === 'ignore') {
      log.debug({ reason: decision.reason }, 'slack payload ignored');
      return;
    }
    const current = host;
    if (current === undefined) {
      log.warn({ eventId: decision.event.id }, 'slack event received before start(): dropped');
      return;
    }
    const { event } = decision;
    const owned = !routes.has(event.id);
    if (owned)
      routes.set(event.id, {
        seq: 0,
        ...(decision.responseUrl === undefined ? {} : { responseUrl: decision.responseUrl }),
      });
    try {
      const outcome = await current.dispatch(event);
      log.debug({ eventId: event.id, status: outcome.status, retryNum }, 'slack turn finished');
    } catch (error: unknown) {
      // Slack was already acked (3 s rule); the webhook's state-store probe makes this rare.
      log.error(
        { eventId: event.id, code: isBotError(error) ? error.code : 'internal', err: describeError(error) },
        'slack event could not be taken',
      );
    } finally {
      if (owned) routes.delete(event.id);
    }
  }

  const track = (run: Promise<void>): Promise<void> => {
    inflight.add(run);
    return run.finally(() => inflight.delete(run));
  };
  const receivedAt = (): number => deps.clock.now();
  const botUserId = (): string | undefined => options.botUserId ?? identity.userId;

  const bolt = createSlackBolt(options, {
    log,
    fetch: fetchFn,
    handlers: {
      onEvent: (body, retryNum) =>
        track(take(fromEventCallback(body, { receivedAt: receivedAt(), botUserId: botUserId() }), retryNum)),
      onCommand: (body) => track(take(fromSlashCommand(body, { receivedAt: receivedAt() }))),
      onAction: (body) => track(take(fromBlockActions(body, { receivedAt: receivedAt() }))),
      identity: () => identity,
    },
  });
  const api: SlackApi = createSlackApi(
    { botToken: options.botToken, apiUrl: options.apiUrl, timeoutMs: options.apiTimeoutMs },
    { client: bolt.app.client, fetch: fetchFn },
  );
  const httpHandler = createSlackHttpHandler(
    {
      path: options.path,
      signingSecret: options.signingSecret,
      signatureMaxAgeMs: options.signatureMaxAgeMs,
      bodyLimit: options.bodyLimit,
    },
    { receiver: bolt.receiver.app, kv: deps.kv, clock: deps.clock, log },
  );

  async function deliver(
    message: Parameters<Channel['send']>[0],
    route: Route | undefined,
    signal?: AbortSignal,
  ): Promise<SendReceipt> {
    if (route?.responseUrl !== undefined) {
      for (const body of toResponseUrlBodies(message, { ...render, responseType: options.slashResponseType })) {
        signal?.throwIfAborted();
        await api.respond(route.responseUrl, body, signal);
      }
      return { sentAt: deps.clock.now(), via: 'response_url' };
    }
    let ts: string | undefined;
    for (const post of toPostMessages(message, render)) {
      signal?.throwIfAborted();
      ts = (await api.postMessage(post)).ts;
    }
    return { ...(ts === undefined ? {} : { id: ts }), sentAt: deps.clock.now(), via: 'api' };
  }

  return {
    id: 'slack',
    capabilities: {
      maxTextLength: SLACK_TEXT_CHUNK,
      partTypes: ['text', 'markdown', 'image', 'link', 'file', 'location'],
      replyDeadlineMs: 3000,
    },
    httpHandler,
    identity: () => identity,
    async start(h) {
      host = h;
      if (options.botUserId !== undefined) return;
      try {
        identity = await api.authTest();
        log.info({ botUserId: identity.userId, botId: identity.botId, team: identity.teamId }, 'slack auth.test ok');
      } catch (error: unknown) {
        log.warn({ err: describeError(error) }, 'slack auth.test failed; mentions are taken from event authorizations');
      }
    },
    async stop() {
      host = undefined;
      // Let running turns post their replies, for a bounded time.
      const wait = new AbortController();
      await Promise.race([
        Promise.allSettled([...inflight]),
        deps.clock.sleep(STOP_WAIT_MS, wait.signal).catch(() => undefined),
      ]);
      wait.abort();
    },
    async send(message, signal) {
      const route = message.replyTo === undefined ? undefined : routes.get(message.replyTo);
      // Replies of a turn this channel runs are claimed in the ledger (reply number = order in the turn).
      const seq = route === undefined ? undefined : route.seq++;
      if (seq !== undefined && !(await ledger.claim(message, seq))) {
        log.info({ replyTo: message.replyTo, seq }, 'slack reply already delivered: not posting again');
        return { sentAt: deps.clock.now(), via: 'duplicate' };
      }
      try {
        return await deliver(message, route, signal);
      } catch (error: unknown) {
        if (seq !== undefined) await ledger.release(message, seq);
        const target =
          route?.responseUrl === undefined ? message.conversation.conversation : safeHost(route.responseUrl);
        log.warn(
          { code: isBotError(error) ? error.code : 'internal', err: describeError(error), target },
          'slack send failed',
        );
        throw error;
      }
    },
  } satisfies SlackChannel;
}
