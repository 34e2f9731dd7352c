/**
 * Replicas of the production WeChat setup in one process, deterministic: each has the gateway's pipeline (dedupe,
 * turn leases, conversation locks), the leased outbound ledger and the channel, all on one shared in-process store
 * and a ManualClock. `kill()` is kill -9: from then on every store, lock, API call and turn of that replica hangs
 * forever, and it counts as dead to the others 3 s later (like the gateway's instance keys).
 */
import assert from 'node:assert/strict';
import { ManualClock } from '../../../../core/clock.js';
import { createDispatcher } from '../../../../core/dispatcher.js';
import type { TurnOutcome } from '../../../../core/turn.js';
import type { WebhookResponse } from '../../../../core/ports/channel.js';
import type { KeyValue, Locks } from '../../../../core/ports/kv.js';
import { createWechatOfficialChannel, type WechatOfficialChannel } from '../../../../channels/wechat-official/index.js';
import type { WechatOfficialOptionsInput } from '../../../../channels/wechat-official/options.js';
import { createPipeline } from '../../../../gateway/app/pipeline.js';
import { instrumentDispatch } from '../../../../gateway/observability/instrument.js';
import { createGatewayMetrics, type GatewayMetrics } from '../../../../gateway/observability/metrics.js';
import { LeasedOutboundLedger } from '../../../../gateway/flow/leased-ledger.js';
import { createTurnLease } from '../../../../gateway/flow/turn-lease.js';
import type { Instances } from '../../../../gateway/flow/instances.js';
import { createInProcessKeyValue, createInProcessLocks, createInProcessMemory } from '../../../../memory/index.js';
import { CapturingLogger, flush, ScriptedEngine } from './fakes.js';
import { contentOf, T0 } from './harness.js';
import { buildPush, decodeAnswer, textXml, toRequest, wechatOptions } from './requests.js';

const never = <T>(): Promise<T> => new Promise<T>(() => undefined);

export interface Replica {
  readonly name: string;
  readonly channel: WechatOfficialChannel;
  readonly engine: ScriptedEngine;
  readonly outcomes: TurnOutcome[];
  /** The replica's own metrics, fed by the gateway's dispatch instrumentation. */
  readonly metrics: GatewayMetrics;
  /** One delivery of a push; never answers once the replica is dead. */
  push(xml: string): Promise<WebhookResponse>;
  kill(): void;
  /** Kills the replica right after its next turn's pipeline ends, before the channel sees the outcome. */
  killAfterNextTurn(): void;
}

export interface World {
  readonly clock: ManualClock;
  readonly log: CapturingLogger;
  /** Customer-service messages received by the fake WeChat API: `<openid>:<text>`. */
  readonly apiSent: string[];
  replica(name: string): Promise<Replica>;
  /** Moves the clock in small steps, letting timers (lease renewals) and callbacks run. */
  tick(ms: number): Promise<void>;
  nowSec(): number;
  stop(): Promise<void>;
}

export function createWorld(over: Partial<WechatOfficialOptionsInput> = {}): World {
  const clock = new ManualClock(T0 * 1000);
  const log = new CapturingLogger();
  const shared = createInProcessKeyValue({ clock });
  const sharedLocks = createInProcessLocks({ clock });
  const memory = createInProcessMemory({ turns: 5, ttlMs: 60 * 60 * 1000 }, { clock });
  const diedAt = new Map<string, number>();
  const apiSent: string[] = [];
  const replicas: Replica[] = [];
  const options = wechatOptions({ apiBaseUrl: 'https://api.weixin.qq.com', ...over });

  const api = ((input: string | URL | Request, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : input.toString();
    if (url.includes('/cgi-bin/stable_token'))
      return Promise.resolve(Response.json({ access_token: 'TOKEN'.padEnd(40, 'x'), expires_in: 7200 }));
    const raw = typeof init?.body === 'string' ? init.body : '{}';
    const body = JSON.parse(raw) as { touser: string; text?: { content: string } };
    apiSent.push(`${body.touser}:${body.text?.content ?? ''}`);
    return Promise.resolve(Response.json({ errcode: 0, errmsg: 'ok' }));
  }) as typeof fetch;

  const world: World = {
    clock,
    log,
    apiSent,
    async replica(name) {
      let dead = false;
      const guard =
        <A extends unknown[], R>(f: (...a: A) => Promise<R>) =>
        (...a: A): Promise<R> =>
          dead ? never<R>() : f(...a);
      const kv: KeyValue = {
        setIfAbsent: guard((k: string, v: string, ttl: number) => shared.setIfAbsent(k, v, ttl)),
        get: guard((k: string) => shared.get(k)),
        set: guard((k: string, v: string, ttl: number) => shared.set(k, v, ttl)),
        delete: guard((k: string) => shared.delete(k)),
        close: () => Promise.resolve(),
      };
      const locks: Locks = {
        acquire: guard(async (key, o) => {
          const handle = await sharedLocks.acquire(key, o);
          return { release: guard(() => handle.release()) };
        }),
        close: () => Promise.resolve(),
      };
      const instances: Instances = {
        id: name,
        isAlive: (id) => {
          const at = diedAt.get(id);
          return Promise.resolve(at === undefined || clock.now() - at < 3000);
        },
        start: () => Promise.resolve(),
        stop: () => Promise.resolve(),
      };
      const engine = new ScriptedEngine();
      const metrics = createGatewayMetrics({ processMetrics: false });
      const turnLease = createTurnLease({ leaseMs: 3000, renewMs: 2 }, { kv, locks });
      const channel = createWechatOfficialChannel(options, {
        kv,
        locks,
        clock,
        log: log.child({ replica: name }),
        fetch: guard(api),
        ledger: new LeasedOutboundLedger(kv, locks, instances),
        liveness: instances,
        leases: turnLease,
      });
      const dispatch = instrumentDispatch(
        createDispatcher({
          pipeline: createPipeline({
            kv,
            locks,
            memory,
            engine,
            apology: () => '抱歉',
            passOnStoreFailures: true,
            turnLease,
          }),
          clock,
          log: log.child({ replica: name }),
          sendFor: () => (m, s) => channel.send(m, s),
        }),
        metrics.families,
      );
      let killAfterTurn = false;
      const outcomes: TurnOutcome[] = [];
      const kill = () => {
        dead = true;
        diedAt.set(name, clock.now());
        engine.gate = never();
      };
      await channel.start({
        log,
        dispatch: guard(async (event) => {
          const outcome = await dispatch(event);
          if (killAfterTurn) {
            kill();
            return never<TurnOutcome>();
          }
          outcomes.push(outcome);
          return outcome;
        }),
      });
      const replica: Replica = {
        name,
        channel,
        engine,
        outcomes,
        metrics,
        push: guard((xml: string) =>
          channel.webhook.handle(toRequest(buildPush({ xml, timestamp: world.nowSec(), mode: options.mode }))),
        ),
        kill,
        killAfterNextTurn: () => (killAfterTurn = true),
      };
      replicas.push(replica);
      return replica;
    },
    async tick(ms) {
      for (let left = ms; left > 0; left -= 250) {
        clock.advance(Math.min(250, left));
        await new Promise((r) => setTimeout(r, 4)); // lease renewals (real timers) of live replicas
        await flush();
      }
    },
    nowSec: () => Math.floor(clock.now() / 1000),
    async stop() {
      for (const r of replicas) await r.channel.stop();
    },
  };
  return world;
}

let seq = 0n;
/** A text push with a fresh 64-bit MsgId, created now. */
export function question(world: World, content: string, from?: string): string {
  seq += 1n;
  const msgId = (8_000_000_000_000_000_001n + seq * 7919n).toString();
  return textXml({ content, msgId, createTime: world.nowSec(), ...(from === undefined ? {} : { from }) });
}

/** Starts a delivery without awaiting it; `.res` once it has answered. */
export function inFlight(p: Promise<WebhookResponse>): { res: WebhookResponse | undefined } {
  const box: { res: WebhookResponse | undefined } = { res: undefined };
  void p.then((r) => (box.res = r));
  return box;
}

/** What a delivery answered: its reply text, `success`, or `pending` while it has not answered. */
export function answerOf(box: { res: WebhookResponse | undefined }): string {
  return box.res === undefined ? 'pending' : (contentOf(decodeAnswer(box.res)) ?? 'success');
}

/**
 * Replicas A and B (customer-service API on). A's turn of `content` runs until `open()` (never, unless called); its
 * `success` at 4.5 s never reaches WeChat (an overloaded host), so WeChat delivers the message again, to B, which
 * acknowledges that retry at its budget: B owes the answer of a turn running on a live replica.
 */
export async function retryOwedByB(world: World, content: string) {
  const a = await world.replica('A');
  const b = await world.replica('B');
  let open!: () => void;
  a.engine.gate = new Promise<void>((r) => (open = r));
  const xml = question(world, content);
  inFlight(a.push(xml));
  await world.tick(11_000);
  const retry = inFlight(b.push(xml));
  await world.tick(4_600);
  assert.equal(answerOf(retry), 'success', 'B acknowledges the retry: A’s turn is alive and running');
  assert.deepEqual(
    b.outcomes.map((o) => o.status),
    ['duplicate'],
    'the retry itself is the one duplicate',
  );
  return { a, b, open };
}
