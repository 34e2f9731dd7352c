/** `clawbot simulate <wechat|dingtalk|slack> "text"`: a local emulator of each platform, talking to a running gateway. */
import type { Command } from 'commander';
import { BotError } from '../../core/errors.js';
import { simulateWechatOfficial } from '../../channels/wechat-official/index.js';
import { simulateDingTalk } from '../../channels/dingtalk/index.js';
import { simulateSlack } from '../../channels/slack/index.js';
import { loadConfig } from '../config/index.js';
import type { CliContext } from './context.js';

interface SimulateFlags {
  readonly url?: string;
  readonly user?: string;
  readonly config?: string;
  readonly fakeApi?: boolean;
}

const CHANNEL_OF = { wechat: 'wechat_official', dingtalk: 'dingtalk', slack: 'slack' } as const;
type Platform = keyof typeof CHANNEL_OF;

function isPlatform(value: string): value is Platform {
  return Object.hasOwn(CHANNEL_OF, value);
}

/** Registers `clawbot simulate <wechat|dingtalk|slack> TEXT [--url URL] [--user ID] [--config PATH]`. */
export function registerSimulateCommand(program: Command, ctx: CliContext): void {
  program
    .command('simulate')
    .description('send a correctly signed (and for WeChat safe mode, encrypted) message to a running gateway')
    .argument('<platform>', 'wechat | dingtalk | slack')
    .argument('<text>', 'what the customer says')
    .option('--url <url>', 'the channel endpoint (default: http://127.0.0.1:<gateway.port><channel path>)')
    .option('--user <id>', 'the simulated customer id')
    .option('--fake-api', 'slack: serve a loopback fake Web API at channels.slack.apiUrl to capture the reply')
    .option('-c, --config <path>', 'config file (default: $CLAWBOT_CONFIG or ./config.yaml)')
    .action(async (platform: string, text: string, flags: SimulateFlags) => {
      if (!isPlatform(platform))
        throw new BotError('request.invalid', `unknown platform "${platform}"; use wechat, dingtalk or slack`);
      const config = await loadConfig({ path: flags.config, env: ctx.env, cwd: ctx.cwd });
      const id = CHANNEL_OF[platform];
      const base = `http://127.0.0.1:${config.gateway.port}`;
      const user = flags.user === undefined ? {} : { user: flags.user };
      let result: { status: number; reply: string | undefined };
      switch (platform) {
        case 'wechat': {
          const options = config.channels.wechat_official;
          if (options === undefined)
            throw new BotError(
              'config.missing',
              `channels.${id} is not configured; run \`clawbot onboard --channel ${id}\``,
            );
          result = await simulateWechatOfficial({ url: flags.url ?? `${base}${options.path}`, text, options, ...user });
          break;
        }
        case 'dingtalk': {
          const options = config.channels.dingtalk;
          if (options === undefined)
            throw new BotError(
              'config.missing',
              `channels.${id} is not configured; run \`clawbot onboard --channel ${id}\``,
            );
          result = await simulateDingTalk({ url: flags.url ?? `${base}${options.path}`, text, options, ...user });
          break;
        }
        case 'slack': {
          const options = config.channels.slack;
          if (options === undefined)
            throw new BotError(
              'config.missing',
              `channels.${id} is not configured; run \`clawbot onboard --channel ${id}\``,
            );
          result = await simulateSlack({
            url: flags.url ?? `${base}${options.path}`,
            text,
            options,
            ...user,
            fakeApi: flags.fakeApi === true,
          });
          break;
        }
      }
      ctx.print(`HTTP ${result.status}`);
      ctx.print(result.reply ?? '(no reply in the response)');
      if (result.status >= 400) ctx.exitCode = 1;
    });
}
