/**
 * The customer-service message window of each user. Since 2023-06-12 an account may send a user at most
 * 5 customer-service messages within 48 hours of that user's last message, and 3 within 1 minute of a
 * menu click, follow or QR scan; outside a window WeChat answers 45015 (window closed) or 45047 (quota).
 * Decisions are pure; the record lives in KeyValue so every replica (and the handoff console) sees it.
 * @see https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Service_Center_messages.html
 */
import type { Clock } from '../../core/clock.js';
import type { KeyValue } from '../../core/ports/kv.js';

export const MESSAGE_WINDOW_MS = 48 * 60 * 60 * 1000;
export const MESSAGE_QUOTA = 5;
export const INTERACTION_WINDOW_MS = 60 * 1000;
export const INTERACTION_QUOTA = 3;

/** What is stored per user. */
export interface ServiceWindowRecord {
  /** Epoch ms of the user's last message. */
  readonly lastMessageAt?: number;
  /** Customer-service messages sent since then. */
  readonly usedSinceMessage: number;
  /** Epoch ms of the last click / follow / scan. */
  readonly lastInteractionAt?: number;
  readonly usedSinceInteraction: number;
}

/** The window as the console shows it. */
export interface ServiceWindow {
  /** True when at least one customer-service message may be sent now. */
  readonly open: boolean;
  /** Messages that may still be sent. */
  readonly remaining: number;
  /** When the current window closes (epoch ms), if one is open. */
  readonly expiresAt: number | undefined;
  readonly lastUserMessageAt: number | undefined;
}

export const EMPTY_WINDOW_RECORD: ServiceWindowRecord = { usedSinceMessage: 0, usedSinceInteraction: 0 };

function messageRemaining(r: ServiceWindowRecord, now: number): number {
  if (r.lastMessageAt === undefined || now >= r.lastMessageAt + MESSAGE_WINDOW_MS) return 0;
  return Math.max(0, MESSAGE_QUOTA - r.usedSinceMessage);
}

function interactionRemaining(r: ServiceWindowRecord, now: number): number {
  if (r.lastInteractionAt === undefined || now >= r.lastInteractionAt + INTERACTION_WINDOW_MS) return 0;
  return Math.max(0, INTERACTION_QUOTA - r.usedSinceInteraction);
}

/** The window state at `now`. Pure. */
export function serviceWindowOf(r: ServiceWindowRecord, now: number): ServiceWindow {
  const fromMessage = messageRemaining(r, now);
  const fromInteraction = interactionRemaining(r, now);
  const remaining = fromMessage + fromInteraction;
  const ends = [
    fromMessage > 0 && r.lastMessageAt !== undefined ? r.lastMessageAt + MESSAGE_WINDOW_MS : undefined,
    fromInteraction > 0 && r.lastInteractionAt !== undefined ? r.lastInteractionAt + INTERACTION_WINDOW_MS : undefined,
  ].filter((t): t is number => t !== undefined);
  return {
    open: remaining > 0,
    remaining,
    expiresAt: ends.length === 0 ? undefined : Math.max(...ends),
    lastUserMessageAt: r.lastMessageAt,
  };
}

/** A user message resets the 48-hour window and its quota. Pure. */
export function afterUserMessage(r: ServiceWindowRecord, at: number): ServiceWindowRecord {
  if (r.lastMessageAt !== undefined && r.lastMessageAt > at) return r;
  return { ...r, lastMessageAt: at, usedSinceMessage: 0 };
}

/** A click, follow or scan opens the 1-minute window. Pure. */
export function afterInteraction(r: ServiceWindowRecord, at: number): ServiceWindowRecord {
  if (r.lastInteractionAt !== undefined && r.lastInteractionAt > at) return r;
  return { ...r, lastInteractionAt: at, usedSinceInteraction: 0 };
}

/** Takes one message from the window (the short interaction window first); undefined when closed. Pure. */
export function consumeOne(r: ServiceWindowRecord, now: number): ServiceWindowRecord | undefined {
  if (interactionRemaining(r, now) > 0) return { ...r, usedSinceInteraction: r.usedSinceInteraction + 1 };
  if (messageRemaining(r, now) > 0) return { ...r, usedSinceMessage: r.usedSinceMessage + 1 };
  return undefined;
}

/** The KeyValue-backed tracker. Updates are read-modify-write: across replicas the count is best effort, and WeChat's own 45047 stays the authority. */
export interface ServiceWindowTracker {
  get(openid: string): Promise<ServiceWindow>;
  noteUserMessage(openid: string): Promise<void>;
  noteInteraction(openid: string): Promise<void>;
  /** Takes one message; false when the window is closed or its quota used up. */
  consume(openid: string): Promise<boolean>;
  /** Marks the window closed (after WeChat said 45015 / 45047). */
  close(openid: string): Promise<void>;
}

export function createServiceWindowTracker(
  options: { appId: string },
  deps: { kv: KeyValue; clock: Clock },
): ServiceWindowTracker {
  const key = (openid: string) => `wechat:window:{wechat_official:${options.appId}}:${openid}`;
  const ttl = MESSAGE_WINDOW_MS + 60_000;
  const read = async (openid: string): Promise<ServiceWindowRecord> => {
    const raw = await deps.kv.get(key(openid));
    if (raw === undefined) return EMPTY_WINDOW_RECORD;
    try {
      return { ...EMPTY_WINDOW_RECORD, ...(JSON.parse(raw) as Partial<ServiceWindowRecord>) };
    } catch {
      return EMPTY_WINDOW_RECORD;
    }
  };
  const write = (openid: string, r: ServiceWindowRecord) => deps.kv.set(key(openid), JSON.stringify(r), ttl);
  return {
    async get(openid) {
      return serviceWindowOf(await read(openid), deps.clock.now());
    },
    async noteUserMessage(openid) {
      await write(openid, afterUserMessage(await read(openid), deps.clock.now()));
    },
    async noteInteraction(openid) {
      await write(openid, afterInteraction(await read(openid), deps.clock.now()));
    },
    async consume(openid) {
      const next = consumeOne(await read(openid), deps.clock.now());
      if (next === undefined) return false;
      await write(openid, next);
      return true;
    },
    async close(openid) {
      const r = await read(openid);
      await write(openid, { ...r, usedSinceMessage: MESSAGE_QUOTA, usedSinceInteraction: INTERACTION_QUOTA });
    },
  };
}
