/** A WeChat channel wired to an in-test host, with helpers to push signed (and encrypted) requests. */
import { ManualClock } from '../../../../core/clock.js';
import type { KeyValue, Locks } from '../../../../core/ports/kv.js';
import type { WebhookResponse } from '../../../../core/ports/channel.js';
import { createWechatOfficialChannel, type WechatOfficialChannel } from '../../../../channels/wechat-official/index.js';
import type { WechatOfficialOptionsInput } from '../../../../channels/wechat-official/options.js';
import { createInProcessKeyValue, createInProcessLocks } from '../../../../memory/index.js';
import { CapturingLogger, createTestHost, flush, MemoryStore, ScriptedEngine, type TestHost } from './fakes.js';
import {
  buildPush,
  decodeAnswer,
  DEMO,
  textXml,
  toRequest,
  wechatOptions,
  type DecodedAnswer,
  type PushSpec,
} from './requests.js';

/** Seconds of the ManualClock start used by every harness (close to the official vectors' time). */
export const T0 = 1_700_000_000;

export interface Harness {
  readonly channel: WechatOfficialChannel;
  readonly host: TestHost;
  readonly engine: ScriptedEngine;
  readonly clock: ManualClock;
  readonly kv: KeyValue;
  readonly locks: Locks;
  readonly log: CapturingLogger;
  readonly store: MemoryStore;
  /** Pushes `xml` signed for now (encrypted per `mode`) and returns the raw response. */
  push(xml: string, spec?: Partial<PushSpec>): Promise<WebhookResponse>;
  /** `push` then decode with @wecom/crypto. */
  ask(xml: string, spec?: Partial<PushSpec>): Promise<DecodedAnswer>;
  /** Advances the clock and lets callbacks run. */
  tick(ms: number): Promise<void>;
  nowSec(): number;
}

export interface HarnessOptions {
  readonly options?: Partial<WechatOfficialOptionsInput>;
  readonly clock?: ManualClock;
  readonly kv?: KeyValue;
  readonly locks?: Locks;
  readonly engine?: ScriptedEngine;
  readonly log?: CapturingLogger;
  readonly start?: boolean;
}

export async function createHarness(h: HarnessOptions = {}): Promise<Harness> {
  const clock = h.clock ?? new ManualClock(T0 * 1000);
  const kv = h.kv ?? createInProcessKeyValue({ clock });
  const locks = h.locks ?? createInProcessLocks({ clock });
  const log = h.log ?? new CapturingLogger();
  const engine = h.engine ?? new ScriptedEngine();
  const options = wechatOptions(h.options);
  const channel = createWechatOfficialChannel(options, { kv, locks, clock, log });
  const store = new MemoryStore();
  const host = createTestHost(channel, { kv, locks, clock, log, engine, store });
  if (h.start !== false) await channel.start(host);
  const defaultMode: PushSpec['mode'] = options.mode;
  const nowSec = () => Math.floor(clock.now() / 1000);
  const push = (xml: string, spec: Partial<PushSpec> = {}) =>
    channel.webhook.handle(toRequest(buildPush({ xml, timestamp: nowSec(), mode: defaultMode, ...spec })));
  return {
    channel,
    host,
    engine,
    clock,
    kv,
    locks,
    log,
    store,
    push,
    async ask(xml, spec = {}) {
      return decodeAnswer(await push(xml, spec), spec.key ?? DEMO.encodingAESKey);
    },
    async tick(ms) {
      clock.advance(ms);
      await flush();
    },
    nowSec,
  };
}

let msgSeq = 0n;
/** A fresh 64-bit MsgId above 2^53 (would lose precision as a number). */
export function nextMsgId(): string {
  msgSeq += 1n;
  return (9_007_199_254_740_993n + msgSeq * 1_000_003n).toString();
}

/** A text push from the demo user, created now. */
export function text(hx: Harness, content: string, msgId = nextMsgId(), from?: string): string {
  return textXml({ content, msgId, createTime: hx.nowSec(), ...(from === undefined ? {} : { from }) });
}

/** The text content of a decoded passive reply. */
export function contentOf(a: DecodedAnswer): string | undefined {
  const c = a.fields?.Content;
  return typeof c === 'string' ? c : undefined;
}
