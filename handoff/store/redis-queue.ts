/**
 * The Redis handoff queue, shared by every gateway replica. Keys (one hash tag, so one Cluster slot):
 * `<ns>:handoff:{handoff}:t:<id>` ticket JSON, `…:tr:<id>` transcript list, `…:active` conversation -> open ticket,
 * `…:open` / `…:queued` sorted by creation, `…:closed` sorted by closing time, `…:load:<agent>` open tickets of an
 * agent, `…:presence`, `…:rr` round-robin counter, `…:turns:<hour>` bot turns per hour.
 * Creating and updating tickets are Lua scripts that get every key they touch in KEYS (Redis Cluster rules): a claim
 * is a compare-and-set on the ticket's version, so of two agents claiming at once on any replicas exactly one wins.
 */
import type { Clock } from '../../core/clock.js';
import { BotError, describeError } from '../../core/errors.js';
import type {
  AgentPresence,
  HandoffQueue,
  HandoffTicket,
  QueueWriteResult,
  TicketFilter,
  TranscriptEntry,
} from '../../core/ports/handoff.js';
import { isOpenStatus, OPEN_TICKET_STATUSES } from '../../core/ports/handoff.js';
import type { RedisClient } from '../redis-client.js';
import { HOUR_MS, matchesFilter, statusesOf, validateUpdate } from './queue-rules.js';
import { APPEND_LUA, CREATE_LUA, luaScript, UPDATE_LUA } from './redis-scripts.js';

export interface RedisQueueOptions {
  readonly redis: RedisClient;
  /** `<keyPrefix>:<tenant>`, e.g. `clawbot:default`. Must not contain braces. */
  readonly namespace: string;
  /** How long closed tickets and transcripts are kept (default 7 days). */
  readonly retentionMs?: number;
}

const create = luaScript(CREATE_LUA);
const update = luaScript(UPDATE_LUA);
const append = luaScript(APPEND_LUA);
/** Creation re-reads the conversation's open ticket when it changes under it; this bounds those rounds. */
const CREATE_ROUNDS = 20;

/** Wraps Redis failures as `kv.unavailable`. */
async function guarded<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof BotError) throw error;
    throw new BotError('kv.unavailable', `handoff queue: ${what} failed: ${describeError(error)}`, { cause: error });
  }
}

/** Creates the Redis queue over the caller's client (never closed here). */
export function createRedisHandoffQueue(options: RedisQueueOptions, deps: { clock: Clock }): HandoffQueue {
  const { redis } = options;
  if (/[{}]/.test(options.namespace))
    throw new BotError('config.invalid', 'the Redis namespace must not contain braces');
  const retentionMs = options.retentionMs ?? 7 * 24 * HOUR_MS;
  const P = `${options.namespace}:handoff:{handoff}:`;
  const ticketKey = (id: string): string => `${P}t:${id}`;
  const transcriptKey = (id: string): string => `${P}tr:${id}`;
  const loadKey = (agentId: string): string => `${P}load:${agentId}`;
  const activeKey = `${P}active`;
  const openKey = `${P}open`;
  const queuedKey = `${P}queued`;
  const closedKey = `${P}closed`;
  const decode = (raw: string): HandoffTicket => JSON.parse(raw) as HandoffTicket;

  const fetchMany = async (ids: readonly string[]): Promise<HandoffTicket[]> => {
    const out: HandoffTicket[] = [];
    for (let i = 0; i < ids.length; i += 200) {
      const raws = await redis.mget(...ids.slice(i, i + 200).map(ticketKey));
      for (const raw of raws) if (raw !== null) out.push(decode(raw));
    }
    return out;
  };

  return {
    create: (ticket) =>
      guarded('create', async () => {
        for (let round = 0; round < CREATE_ROUNDS; round++) {
          const activeId = await redis.hget(activeKey, ticket.conversationKey);
          const keys = [ticketKey(ticket.id), activeKey, openKey, queuedKey];
          if (activeId !== null) keys.push(ticketKey(activeId));
          const answer = (await create.run(redis, keys, [
            JSON.stringify(ticket),
            ticket.conversationKey,
            ticket.id,
            ticket.createdAt,
            activeId ?? '',
          ])) as string | null;
          if (answer === null) return { created: true, ticket };
          if (answer !== 'retry') return { created: false, ticket: decode(answer) };
        }
        throw new BotError(
          'kv.unavailable',
          `handoff queue: the open ticket of ${ticket.conversationKey} kept changing; ticket not created`,
        );
      }),
    get: (id) =>
      guarded('get', async () => {
        const raw = await redis.get(ticketKey(id));
        return raw === null ? undefined : decode(raw);
      }),
    active: (key) =>
      guarded('active', async () => {
        const id = await redis.hget(activeKey, key);
        if (id === null) return undefined;
        const raw = await redis.get(ticketKey(id));
        const t = raw === null ? undefined : decode(raw);
        return t !== undefined && isOpenStatus(t.status) ? t : undefined;
      }),
    update: (prev, next, opts = {}) =>
      guarded('update', async () => {
        validateUpdate(prev, next);
        const loadOf = (agentId: string | undefined): string =>
          agentId === undefined ? ticketKey(prev.id) : loadKey(agentId);
        const result = await update.run(
          redis,
          [
            ticketKey(prev.id),
            activeKey,
            openKey,
            queuedKey,
            closedKey,
            transcriptKey(prev.id),
            loadOf(prev.agentId),
            loadOf(next.agentId),
          ],
          [prev.version, JSON.stringify(next), opts.maxLoad ?? '', retentionMs, deps.clock.now(), prev.agentId ?? ''],
        );
        return result as QueueWriteResult;
      }),
    position: (id) =>
      guarded('position', async () => {
        const rank = await redis.zrank(queuedKey, id);
        return rank === null ? undefined : rank + 1;
      }),
    list: (filter: TicketFilter = {}) =>
      guarded('list', async () => {
        const statuses = statusesOf(filter);
        const wantOpen = statuses === undefined || OPEN_TICKET_STATUSES.some((s) => statuses.has(s));
        const wantClosed = statuses === undefined || [...statuses].some((s) => !isOpenStatus(s));
        const openIds = !wantOpen
          ? []
          : filter.agentId !== undefined
            ? await redis.smembers(loadKey(filter.agentId))
            : await redis.zrange(openKey, '0', '-1');
        const closedIds = wantClosed
          ? await redis.zrevrangebyscore(
              closedKey,
              '+inf',
              String(String(filter.closedSince ?? deps.clock.now() - retentionMs)),
            )
          : [];
        const tickets = (await fetchMany([...new Set([...openIds, ...closedIds])])).filter((t) =>
          matchesFilter(t, filter, statuses),
        );
        const open = tickets
          .filter((t) => isOpenStatus(t.status))
          .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
        const closed = tickets
          .filter((t) => !isOpenStatus(t.status))
          .sort((a, b) => (b.sla.closedAt ?? 0) - (a.sla.closedAt ?? 0));
        const out = [...open, ...closed];
        return filter.limit === undefined ? out : out.slice(0, filter.limit);
      }),
    load: (agentId) => guarded('load', () => redis.scard(loadKey(agentId))),
    appendTranscript: (ticketId, entry) =>
      guarded('appendTranscript', async () => {
        await append.run(redis, [transcriptKey(ticketId), ticketKey(ticketId)], [JSON.stringify(entry)]);
      }),
    transcript: (ticketId) =>
      guarded('transcript', async () =>
        (await redis.lrange(transcriptKey(ticketId), 0, -1)).map((raw) => JSON.parse(raw) as TranscriptEntry),
      ),
    setPresence: (p, ttlMs) =>
      guarded('setPresence', async () => {
        await redis.hset(`${P}presence`, p.agentId, JSON.stringify({ presence: p, until: p.at + ttlMs }));
      }),
    presence: () =>
      guarded('presence', async () => {
        const now = deps.clock.now();
        const all = await redis.hgetall(`${P}presence`);
        const out: AgentPresence[] = [];
        const lapsed: string[] = [];
        for (const [agentId, raw] of Object.entries(all)) {
          const entry = JSON.parse(raw) as { presence: AgentPresence; until: number };
          if (entry.until > now) out.push(entry.presence);
          else lapsed.push(agentId);
        }
        if (lapsed.length > 0) await redis.hdel(`${P}presence`, ...lapsed);
        return out.sort((a, b) => (a.agentId < b.agentId ? -1 : 1));
      }),
    nextCursor: () => guarded('nextCursor', () => redis.incr(`${P}rr`)),
    countTurn: (at) =>
      guarded('countTurn', async () => {
        const key = `${P}turns:${Math.floor(at / HOUR_MS)}`;
        await redis.multi().incr(key).pexpire(key, retentionMs).exec();
      }),
    turnsSince: (since) =>
      guarded('turnsSince', async () => {
        const from = Math.floor(since / HOUR_MS);
        const to = Math.floor(deps.clock.now() / HOUR_MS);
        const keys: string[] = [];
        for (let h = from; h <= to && keys.length < 24 * 31; h++) keys.push(`${P}turns:${h}`);
        if (keys.length === 0) return 0;
        return (await redis.mget(...keys)).reduce((sum, v) => sum + (v === null ? 0 : Number(v)), 0);
      }),
    close: () => Promise.resolve(),
  };
}
