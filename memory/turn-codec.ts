import type { MemoryTurn, TurnReply } from '../core/ports/memory.js';

/**
 * Wire format of one stored turn (Redis list element):
 * `JSON(head)` then, per reply, `"\n" + JSON(reply)`. `head` is `{ id, user, at, meta? }`.
 * `JSON.stringify` never emits a raw newline, so "\n" safely separates the parts and a reply
 * is appended by plain string concatenation (see the addReply Lua script) without re-encoding the turn.
 */
export function encodeTurn(turn: MemoryTurn): string {
  const head: Record<string, unknown> = { id: turn.id, user: turn.user, at: turn.at };
  if (turn.meta !== undefined) head['meta'] = { ...turn.meta };
  return [JSON.stringify(head), ...turn.replies.map(encodeReply)].join('\n');
}

/**
 * The exact text every encoded turn with this id starts with (`{"id":<JSON string>,`). A JSON string is
 * self-delimiting, so an entry starts with this prefix if and only if its turn has this id; the Redis
 * addReply script matches turns by it, byte for byte, without decoding JSON in Lua.
 */
export function turnIdPrefix(id: string): string {
  return `{"id":${JSON.stringify(id)},`;
}

/** One reply as a single JSON line. */
export function encodeReply(reply: TurnReply): string {
  return JSON.stringify(normalizeReply(reply));
}

/** Decodes a stored turn; `undefined` when the entry is not in the wire format. */
export function decodeTurn(entry: string): MemoryTurn | undefined {
  const [headText, ...replyTexts] = entry.split('\n');
  const head = parseJson(headText ?? '');
  if (!isRecord(head) || typeof head['id'] !== 'string' || typeof head['user'] !== 'string') return undefined;
  if (typeof head['at'] !== 'number') return undefined;
  const meta = head['meta'];
  if (meta !== undefined && !isStringRecord(meta)) return undefined;
  const replies: TurnReply[] = [];
  for (const text of replyTexts) {
    const reply = toReply(parseJson(text));
    if (reply === undefined) return undefined;
    replies.push(reply);
  }
  return buildTurn(head['id'], head['user'], head['at'], replies, meta);
}

/** A detached, plain copy of a turn with no `undefined`-valued optional fields (what a JSON round trip yields). */
export function normalizeTurn(turn: MemoryTurn): MemoryTurn {
  return buildTurn(
    turn.id,
    turn.user,
    turn.at,
    turn.replies.map(normalizeReply),
    turn.meta === undefined ? undefined : { ...turn.meta },
  );
}

/** A plain copy of a reply with no `undefined`-valued optional fields. */
export function normalizeReply(reply: TurnReply): TurnReply {
  return reply.agentId === undefined
    ? { author: reply.author, text: reply.text, at: reply.at }
    : { author: reply.author, text: reply.text, at: reply.at, agentId: reply.agentId };
}

function buildTurn(
  id: string,
  user: string,
  at: number,
  replies: TurnReply[],
  meta: Record<string, string> | undefined,
): MemoryTurn {
  return meta === undefined ? { id, user, replies, at } : { id, user, replies, at, meta };
}

function toReply(value: unknown): TurnReply | undefined {
  if (!isRecord(value)) return undefined;
  const { author, text, at, agentId } = value;
  if (author !== 'bot' && author !== 'agent' && author !== 'system') return undefined;
  if (typeof text !== 'string' || typeof at !== 'number') return undefined;
  if (agentId !== undefined && typeof agentId !== 'string') return undefined;
  return agentId === undefined ? { author, text, at } : { author, text, at, agentId };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return isRecord(value) && Object.values(value).every((v) => typeof v === 'string');
}
