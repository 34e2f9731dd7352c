import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import type { Channel } from '../../core/ports/channel.js';
import type { KeyValue, Locks } from '../../core/ports/kv.js';
import type { Metrics } from '../../core/ports/metrics.js';
import type { OutboundLedger } from '../../core/outbound-ledger.js';
import { createWechatOfficialChannel, type Liveness, type TurnLeases } from '../../channels/wechat-official/index.js';
import { createDingTalkChannel } from '../../channels/dingtalk/index.js';
import { createSlackChannel } from '../../channels/slack/index.js';
import type { AppConfig } from '../config/index.js';

/** Creates every channel configured under `channels.*` (the REST channel is always on and built elsewhere). */
export function createConfiguredChannels(
  config: AppConfig,
  deps: {
    kv: KeyValue;
    locks: Locks;
    clock: Clock;
    log: Logger;
    metrics?: Metrics;
    ledger?: OutboundLedger;
    /** Replicas sharing Redis: which processes are alive (answers owed by a dead one are delivered by another). */
    liveness?: Liveness;
    /** Replicas sharing Redis: whether a turn runs on a live replica (an owed answer's is then left to it). */
    leases?: TurnLeases;
  },
): Channel[] {
  const channels: Channel[] = [];
  const c = config.channels;
  const depsFor = (id: string) => ({ ...deps, log: deps.log.child({ channel: id }) });
  if (c.wechat_official !== undefined)
    channels.push(createWechatOfficialChannel(c.wechat_official, depsFor('wechat_official')));
  if (c.dingtalk !== undefined) channels.push(createDingTalkChannel(c.dingtalk, depsFor('dingtalk')));
  if (c.slack !== undefined) channels.push(createSlackChannel(c.slack, depsFor('slack')));
  return channels;
}
