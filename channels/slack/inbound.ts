/**
 * Slack payloads -> normalised inbound events (pure functions over parsed JSON / form data).
 * Events API `event_callback` (app_mention, DM messages), slash commands and block_actions.
 */
import type { ConversationRef, InboundEvent, InboundMessage, MessagePart } from '../../core/envelope.js';

/** What to do with a Slack payload: run a turn, or drop it (with why, for debug logs). */
export type SlackInbound =
  | {
      readonly kind: 'dispatch';
      readonly event: InboundEvent;
      /** Slash commands: where the answer goes (`response_url`). */
      readonly responseUrl?: string;
    }
  | { readonly kind: 'ignore'; readonly reason: string };

/** Context the pure parsers need. */
export interface SlackInboundContext {
  /** Epoch ms from the injected clock. */
  readonly receivedAt: number;
  /** The bot's user id, when known (options, auth.test); else taken from `authorizations[]`. */
  readonly botUserId?: string | undefined;
}

/** Action ids of the buttons this channel renders. */
export const SLACK_ACTION_IDS = {
  handoff: 'clawbot_handoff',
  ratingPrefix: 'clawbot_rating_',
  suggestionPrefix: 'clawbot_suggest_',
} as const;

type Rec = Readonly<Record<string, unknown>>;

const rec = (v: unknown): Rec | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Rec) : undefined;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
const ignore = (reason: string): SlackInbound => ({ kind: 'ignore', reason });

/** Message subtypes that are a person writing (everything else — edits, deletes, joins, bots — is ignored). */
const USER_SUBTYPES = new Set([undefined, 'file_share', 'thread_broadcast']);

/** The payload without credentials-like fields (deprecated verification token, response_url). */
export function redactRaw(body: Rec): Rec {
  const copy: Record<string, unknown> = { ...body };
  delete copy['token'];
  delete copy['response_url'];
  delete copy['response_urls'];
  return copy;
}

/** Removes the bot's own mention (`<@UBOT>` / `<@UBOT|name>`); without an id, a leading mention. */
export function stripBotMention(text: string, botUserId: string | undefined): string {
  if (botUserId !== undefined) {
    const id = botUserId.replace(/[^A-Za-z0-9]/g, '');
    return text
      .replace(new RegExp(`<@${id}(?:\\|[^>]*)?>`, 'g'), ' ')
      .replace(/\s+/g, ' ')
      .trim();
  }
  return text
    .replace(/^\s*<@[UWB][A-Z0-9]+(?:\|[^>]*)?>/, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Slack mrkdwn entities -> plain text: `<@U1|bob>` -> `@bob`, `<url|label>` -> `label`, `&lt;` -> `<`. */
export function slackToPlain(text: string): string {
  const plain = text.replace(/<([^<>]*)>/g, (_m, inner: string) => {
    const bar = inner.indexOf('|');
    const target = bar >= 0 ? inner.slice(0, bar) : inner;
    const label = bar >= 0 ? inner.slice(bar + 1) : undefined;
    if (target.startsWith('@')) return label === undefined ? target : `@${label.replace(/^@/, '')}`;
    if (target.startsWith('#')) return label === undefined ? target : `#${label}`;
    if (target.startsWith('!')) {
      if (label !== undefined) return label;
      const special = target.slice(1).split('^')[0] ?? '';
      return `@${special}`;
    }
    return label ?? target.replace(/^mailto:/, '');
  });
  return plain.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function fileParts(files: unknown): MessagePart[] {
  if (!Array.isArray(files)) return [];
  const parts: MessagePart[] = [];
  for (const f of files) {
    const file = rec(f);
    if (file === undefined) continue;
    const url = str(file['url_private']) ?? str(file['permalink']);
    const id = str(file['id']);
    const mime = str(file['mimetype']) ?? '';
    const ref = { ...(url === undefined ? {} : { url }), ...(id === undefined ? {} : { mediaId: id }) };
    if (mime.startsWith('image/')) parts.push({ type: 'image', ...ref });
    else if (mime.startsWith('audio/')) parts.push({ type: 'audio', ...ref });
    else if (mime.startsWith('video/')) parts.push({ type: 'video', ...ref });
    else {
      const name = str(file['name']) ?? str(file['title']);
      parts.push({ type: 'file', ...ref, ...(name === undefined ? {} : { name }) });
    }
  }
  return parts;
}

function botUserFrom(body: Rec, ctx: SlackInboundContext): string | undefined {
  if (ctx.botUserId !== undefined) return ctx.botUserId;
  const auths = Array.isArray(body['authorizations']) ? (body['authorizations'] as unknown[]) : [];
  for (const a of auths) {
    const auth = rec(a);
    if (auth?.['is_bot'] === true) return str(auth['user_id']);
  }
  return undefined;
}

/**
 * An Events API `event_callback` -> an InboundMessage whose id is the `event_id` (so the pipeline's
 * dedupe drops Slack's retries). Handles `app_mention` (reply in its thread) and DMs (`message`,
 * channel_type `im`); ignores bot messages, our own messages, edits, deletes and other subtypes.
 */
export function fromEventCallback(body: unknown, ctx: SlackInboundContext): SlackInbound {
  const b = rec(body);
  if (b?.['type'] !== 'event_callback') return ignore('not an event_callback');
  const event = rec(b['event']);
  const eventId = str(b['event_id']);
  if (event === undefined || eventId === undefined) return ignore('event_callback without event or event_id');
  const firstAuth = Array.isArray(b['authorizations']) ? rec(b['authorizations'][0]) : undefined;
  const tenant = str(b['team_id']) ?? str(event['team']) ?? str(firstAuth?.['team_id']);
  const type = str(event['type']);
  const subtype = str(event['subtype']);
  const user = str(event['user']);
  const channel = str(event['channel']);
  const botUserId = botUserFrom(b, ctx);
  if (type !== 'app_mention' && type !== 'message') return ignore(`event type ${String(type)} is not handled`);
  if (str(event['bot_id']) !== undefined || subtype === 'bot_message') return ignore('bot message');
  if (!USER_SUBTYPES.has(subtype)) return ignore(`message subtype ${String(subtype)}`);
  if (event['edited'] !== undefined) return ignore('edited message');
  if (user === undefined || channel === undefined || tenant === undefined)
    return ignore('event without user, channel or team');
  if (user === botUserId) return ignore('our own message');
  if (type === 'message' && event['channel_type'] !== 'im') {
    return ignore('channel message without a mention (mentions arrive as app_mention)');
  }
  const ts = str(event['ts']);
  const thread = type === 'app_mention' ? (str(event['thread_ts']) ?? ts) : str(event['thread_ts']);
  const text = slackToPlain(stripBotMention(typeof event['text'] === 'string' ? event['text'] : '', botUserId));
  const parts: MessagePart[] = [
    ...(text.length > 0 ? [{ type: 'text' as const, text }] : []),
    ...fileParts(event['files']),
  ];
  const conversation: ConversationRef = {
    channel: 'slack',
    tenant,
    conversation: channel,
    ...(thread === undefined ? {} : { thread }),
  };
  const message: InboundMessage = {
    kind: 'message',
    id: eventId,
    receivedAt: ctx.receivedAt,
    conversation,
    sender: { id: user },
    parts,
    text,
    mentionsBot: true,
    raw: redactRaw(b),
  };
  return { kind: 'dispatch', event: message };
}

/**
 * A slash command (form fields) -> an InboundMessage (id `cmd:<trigger_id>`), answered through
 * the returned `responseUrl`.
 */
export function fromSlashCommand(body: unknown, ctx: SlackInboundContext): SlackInbound {
  const b = rec(body);
  if (b === undefined) return ignore('slash command without a body');
  const tenant = str(b['team_id']);
  const channel = str(b['channel_id']);
  const user = str(b['user_id']);
  const trigger = str(b['trigger_id']);
  const responseUrl = str(b['response_url']);
  if (tenant === undefined || channel === undefined || user === undefined || trigger === undefined) {
    return ignore('slash command without team_id, channel_id, user_id or trigger_id');
  }
  if (responseUrl === undefined) return ignore('slash command without response_url');
  const text = slackToPlain(typeof b['text'] === 'string' ? b['text'] : '').trim();
  const userName = str(b['user_name']);
  const message: InboundMessage = {
    kind: 'message',
    id: `cmd:${trigger}`,
    receivedAt: ctx.receivedAt,
    conversation: { channel: 'slack', tenant, conversation: channel },
    sender: { id: user, ...(userName === undefined ? {} : { displayName: userName }) },
    parts: text.length > 0 ? [{ type: 'text', text }] : [],
    text,
    mentionsBot: true,
    raw: redactRaw(b),
  };
  return { kind: 'dispatch', event: message, responseUrl };
}

/**
 * A `block_actions` payload -> an event for our buttons: `clawbot_handoff` -> action `handoff.request`,
 * `clawbot_rating_1..5` -> action `rating` (value "1".."5"), `clawbot_suggest_N` -> a message with the
 * suggestion's text. Other actions are ignored. Id: `act:<trigger_id>`.
 */
export function fromBlockActions(body: unknown, ctx: SlackInboundContext): SlackInbound {
  const b = rec(body);
  if (b?.['type'] !== 'block_actions') return ignore('not block_actions');
  const actions = Array.isArray(b['actions']) ? b['actions'].map(rec) : [];
  const action = actions.find((a) => str(a?.['action_id'])?.startsWith('clawbot_') === true);
  const actionId = str(action?.['action_id']);
  if (action === undefined || actionId === undefined) return ignore('no clawbot action');
  const container = rec(b['container']);
  const msg = rec(b['message']);
  const userRec = rec(b['user']);
  const tenant = str(rec(b['team'])?.['id']) ?? str(userRec?.['team_id']);
  const channel = str(rec(b['channel'])?.['id']) ?? str(container?.['channel_id']);
  const user = str(userRec?.['id']);
  const id = str(b['trigger_id']) ?? str(action['action_ts']);
  if (tenant === undefined || channel === undefined || user === undefined || id === undefined) {
    return ignore('block_actions without team, channel, user or trigger_id');
  }
  const thread = str(msg?.['thread_ts']) ?? str(container?.['thread_ts']);
  const displayName = str(userRec?.['username']) ?? str(userRec?.['name']);
  const base = {
    id: `act:${id}`,
    receivedAt: ctx.receivedAt,
    conversation: { channel: 'slack', tenant, conversation: channel, ...(thread === undefined ? {} : { thread }) },
    sender: { id: user, ...(displayName === undefined ? {} : { displayName }) },
    raw: redactRaw(b),
  } satisfies Partial<InboundMessage>;
  const value = str(action['value']);
  if (actionId === SLACK_ACTION_IDS.handoff) {
    return {
      kind: 'dispatch',
      event: { kind: 'action', ...base, action: 'handoff.request', ...(value === undefined ? {} : { value }) },
    };
  }
  const rating = /^clawbot_rating_([1-5])$/.exec(actionId)?.[1];
  if (rating !== undefined)
    return { kind: 'dispatch', event: { kind: 'action', ...base, action: 'rating', value: rating } };
  if (actionId.startsWith(SLACK_ACTION_IDS.suggestionPrefix)) {
    const text = value ?? str(rec(action['text'])?.['text']);
    if (text === undefined) return ignore('suggestion button without a value');
    return {
      kind: 'dispatch',
      event: { kind: 'message', ...base, parts: [{ type: 'text', text }], text, mentionsBot: true },
    };
  }
  return ignore(`action ${actionId} is not handled`);
}

/** Slack's unsigned `ssl_check=1` form POST (answer 200, run nothing). */
export function isSslCheck(rawBody: string, contentType: string | undefined): boolean {
  const base = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  return base === 'application/x-www-form-urlencoded' && new URLSearchParams(rawBody).get('ssl_check') === '1';
}
