/**
 * Bolt wiring: an ExpressReceiver at the channel path (processBeforeResponse: false, so Slack is acked
 * before the turn runs), an App with an `authorize` returning the configured bot token (no OAuth
 * install flow), a Web API client pointed at `apiUrl` with retries off, and thin listeners that only
 * hand payloads to the channel. Bolt is imported only inside channels/slack.
 */
import { App, ExpressReceiver, type AuthorizeResult } from '@slack/bolt';
import { describeError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { SlackIdentity } from './api.js';
import { toBoltLogger } from './bolt-logger.js';
import type { SlackOptions } from './options.js';

/** What the listeners hand payloads to. All must resolve (errors are logged by the channel). */
export interface SlackBoltHandlers {
  /** Events API callbacks (already acked by Bolt). */
  onEvent(body: unknown, retryNum: number | undefined): Promise<void>;
  /** The configured slash command (already acked). */
  onCommand(body: unknown): Promise<void>;
  /** block_actions of our `clawbot_*` buttons (already acked). */
  onAction(body: unknown): Promise<void>;
  /** The bot identity known so far (for `authorize` and Bolt's ignoreSelf). */
  identity(): SlackIdentity;
}

export interface SlackBolt {
  readonly app: App;
  readonly receiver: ExpressReceiver;
}

/** Builds the Bolt App and its receiver (no I/O; the receiver is never `start()`ed — the gateway serves it). */
export function createSlackBolt(
  options: SlackOptions,
  deps: { readonly log: Logger; readonly fetch: typeof fetch; readonly handlers: SlackBoltHandlers },
): SlackBolt {
  const { handlers, log } = deps;
  const logger = toBoltLogger(log, [options.botToken, options.signingSecret]);
  const receiver = new ExpressReceiver({
    signingSecret: options.signingSecret,
    endpoints: options.path,
    processBeforeResponse: false,
    bodyLimit: options.bodyLimit,
    logger,
  });
  receiver.app.disable('x-powered-by');

  const authorize = (source: {
    teamId?: string | undefined;
    enterpriseId?: string | undefined;
  }): Promise<AuthorizeResult> => {
    const id = handlers.identity();
    const botUserId = options.botUserId ?? id.userId;
    return Promise.resolve({
      botToken: options.botToken,
      ...(botUserId === undefined ? {} : { botUserId }),
      ...(id.botId === undefined ? {} : { botId: id.botId }),
      ...(source.teamId === undefined ? {} : { teamId: source.teamId }),
      ...(source.enterpriseId === undefined ? {} : { enterpriseId: source.enterpriseId }),
    });
  };

  const app = new App({
    receiver,
    authorize,
    logger,
    ignoreSelf: true,
    convoStore: false,
    developerMode: false,
    clientOptions: {
      slackApiUrl: options.apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      allowAbsoluteUrls: false,
      timeout: options.apiTimeoutMs,
      fetch: deps.fetch,
    },
  });

  const guard = async (what: string, run: () => Promise<void>): Promise<void> => {
    try {
      await run();
    } catch (error: unknown) {
      log.error({ err: describeError(error), what }, 'slack listener failed');
    }
  };

  app.event('app_mention', ({ body, context }) => guard('app_mention', () => handlers.onEvent(body, context.retryNum)));
  app.event('message', ({ body, context }) => guard('message', () => handlers.onEvent(body, context.retryNum)));
  app.command(options.slashCommand, async ({ ack, body }) => {
    await ack();
    await guard('command', () => handlers.onCommand(body));
  });
  app.action(/^clawbot_/, async ({ ack, body }) => {
    await ack();
    await guard('action', () => handlers.onAction(body));
  });
  app.error((error) => {
    log.error({ code: error.code, err: describeError(error) }, 'bolt error');
    return Promise.resolve();
  });
  return { app, receiver };
}
