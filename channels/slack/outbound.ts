/**
 * Outbound messages -> Slack `chat.postMessage` arguments and `response_url` bodies (pure functions).
 * @see https://api.slack.com/methods/chat.postMessage
 * @see https://api.slack.com/reference/surfaces/formatting
 */
import type { MessagePart, OutboundMessage } from '../../core/envelope.js';
import { SLACK_ACTION_IDS } from './inbound.js';

/** A Block Kit block (loosely typed: we only build sections and action rows). */
export type SlackBlock = Readonly<Record<string, unknown>>;

/** Arguments of one `chat.postMessage` call. */
export interface SlackPostMessage {
  readonly channel: string;
  /** mrkdwn text (the notification fallback when blocks are present). */
  readonly text: string;
  readonly thread_ts?: string;
  readonly blocks?: readonly SlackBlock[];
}

/** Body of one POST to a slash command's `response_url`. */
export interface SlackResponseUrlBody {
  readonly response_type: 'ephemeral' | 'in_channel';
  readonly text: string;
  readonly replace_original: false;
  readonly blocks?: readonly SlackBlock[];
}

/** How replies are rendered. */
export interface SlackRenderOptions {
  /** Label of the "talk to a human" button under bot replies; none when undefined. */
  readonly handoffButton?: string | undefined;
  /** Adds 1–5 rating buttons under bot replies. */
  readonly ratingButtons: boolean;
  /** Renders suggestions as buttons. */
  readonly suggestionButtons: boolean;
}

/** Slack truncates `text` at 40,000 characters and advises 4,000; a section block holds 3,000. */
export const SLACK_TEXT_CHUNK = 4000;
export const SLACK_SECTION_LIMIT = 3000;

/** Escapes Slack's three control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const link = (url: string, label?: string): string =>
  label === undefined || label.length === 0
    ? `<${escapeMrkdwn(url)}>`
    : `<${escapeMrkdwn(url)}|${escapeMrkdwn(label.replace(/[|>]/g, ' '))}>`;

/** CommonMark-ish markdown -> Slack mrkdwn (bold, strike, links, headings). */
export function markdownToMrkdwn(markdown: string): string {
  const links: string[] = [];
  const withoutLinks = markdown.replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_m, label: string, url: string) => {
    links.push(link(url, label));
    return `\uE000${links.length - 1}\uE001`;
  });
  return escapeMrkdwn(withoutLinks)
    .replace(/^#{1,6}\s+(.+)$/gm, '*$1*')
    .replace(/\*\*(.+?)\*\*/g, '*$1*')
    .replace(/__(.+?)__/g, '_$1_')
    .replace(/~~(.+?)~~/g, '~$1~')
    .replace(/\uE000(\d+)\uE001/g, (_m, i: string) => links[Number(i)] ?? '');
}

/** One part as mrkdwn ('' when it has nothing to show). */
function partToMrkdwn(part: MessagePart): string {
  switch (part.type) {
    case 'text':
      return escapeMrkdwn(part.text);
    case 'markdown':
      return markdownToMrkdwn(part.markdown);
    case 'link':
      return link(part.url, part.title) + (part.description === undefined ? '' : `\n${escapeMrkdwn(part.description)}`);
    case 'image':
    case 'video':
      return part.url === undefined ? '' : link(part.url, part.type);
    case 'file':
      return part.url === undefined ? '' : link(part.url, part.name ?? 'file');
    case 'audio':
      return part.transcript !== undefined
        ? escapeMrkdwn(part.transcript)
        : part.url === undefined
          ? ''
          : link(part.url, 'audio');
    case 'location':
      return escapeMrkdwn(`${part.label === undefined ? '' : `${part.label} `}(${part.lat}, ${part.lng})`).trim();
  }
}

/** The message's parts as one mrkdwn text. */
export function renderMrkdwn(parts: readonly MessagePart[]): string {
  return parts
    .map(partToMrkdwn)
    .filter((s) => s.length > 0)
    .join('\n')
    .trim();
}

/** Splits text into chunks of at most `max` characters, preferring paragraph, line, then word breaks. */
export function splitSlackText(text: string, max: number): string[] {
  const chunks: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const window = rest.slice(0, max);
    let cut = window.lastIndexOf('\n\n');
    if (cut < max / 2) cut = window.lastIndexOf('\n');
    if (cut < max / 2) cut = window.lastIndexOf(' ');
    if (cut < max / 2) cut = max;
    // never split an escape like "&amp;" or a surrogate pair
    const amp = rest.lastIndexOf('&', cut - 1);
    if (amp > 0 && cut - amp < 5 && rest.indexOf(';', amp) >= cut) cut = amp;
    if (/[\uD800-\uDBFF]/.test(rest.charAt(cut - 1))) cut -= 1;
    chunks.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest.length > 0 || chunks.length === 0) chunks.push(rest);
  return chunks;
}

const button = (actionId: string, label: string, value: string): SlackBlock => ({
  type: 'button',
  action_id: actionId,
  text: { type: 'plain_text', text: label.slice(0, 75), emoji: true },
  value: value.slice(0, 2000),
});

/** The button row under a reply (undefined when there are no buttons). */
export function actionButtons(message: OutboundMessage, options: SlackRenderOptions): SlackBlock | undefined {
  const elements: SlackBlock[] = [];
  if (options.suggestionButtons) {
    (message.suggestions ?? []).slice(0, 5).forEach((s, i) => {
      elements.push(button(`${SLACK_ACTION_IDS.suggestionPrefix}${i}`, s, s));
    });
  }
  if (message.author.kind === 'bot') {
    if (options.handoffButton !== undefined)
      elements.push(button(SLACK_ACTION_IDS.handoff, options.handoffButton, 'handoff'));
    if (options.ratingButtons) {
      for (let n = 1; n <= 5; n++) elements.push(button(`${SLACK_ACTION_IDS.ratingPrefix}${n}`, `${n} ★`, String(n)));
    }
  }
  return elements.length === 0 ? undefined : { type: 'actions', block_id: 'clawbot_actions', elements };
}

/** Text chunks plus the blocks of the last chunk (section + buttons) when there are buttons. */
function render(message: OutboundMessage, options: SlackRenderOptions): { text: string; blocks?: SlackBlock[] }[] {
  const buttons = actionButtons(message, options);
  const text = renderMrkdwn(message.parts);
  const chunks = splitSlackText(text, buttons === undefined ? SLACK_TEXT_CHUNK : SLACK_SECTION_LIMIT);
  return chunks.map((chunk, i) => {
    if (buttons === undefined || i < chunks.length - 1) return { text: chunk };
    const section: SlackBlock[] = chunk.length > 0 ? [{ type: 'section', text: { type: 'mrkdwn', text: chunk } }] : [];
    return { text: chunk.length > 0 ? chunk : ' ', blocks: [...section, buttons] };
  });
}

/**
 * `chat.postMessage` calls for one outbound message, in order: long text is split, the thread
 * (`ConversationRef.thread`) is kept, buttons go under the last chunk.
 */
export function toPostMessages(message: OutboundMessage, options: SlackRenderOptions): SlackPostMessage[] {
  const { conversation, thread } = message.conversation;
  return render(message, options).map((r) => ({
    channel: conversation,
    text: r.text,
    ...(thread === undefined ? {} : { thread_ts: thread }),
    ...(r.blocks === undefined ? {} : { blocks: r.blocks }),
  }));
}

/** `response_url` bodies for one outbound message (slash-command answers). */
export function toResponseUrlBodies(
  message: OutboundMessage,
  options: SlackRenderOptions & { readonly responseType: 'ephemeral' | 'in_channel' },
): SlackResponseUrlBody[] {
  return render(message, options).map((r) => ({
    response_type: options.responseType,
    text: r.text,
    replace_original: false,
    ...(r.blocks === undefined ? {} : { blocks: r.blocks }),
  }));
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** True for loopback host names (tests). */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK.has(hostname.toLowerCase()) || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/**
 * Whether a `response_url` taken from a request may be POSTed to: https on hooks.slack.com or on the
 * configured apiUrl's host or its subdomains; plain http only for loopback, and loopback only when
 * apiUrl itself is loopback (tests). Never an arbitrary URL.
 */
export function isAllowedResponseUrl(url: string, apiUrl: string): boolean {
  let target: URL;
  let api: URL;
  try {
    target = new URL(url);
    api = new URL(apiUrl);
  } catch {
    return false;
  }
  if (target.username !== '' || target.password !== '') return false;
  const host = target.hostname.toLowerCase();
  const apiHost = api.hostname.toLowerCase();
  if (isLoopbackHost(host)) {
    return isLoopbackHost(apiHost) && (target.protocol === 'http:' || target.protocol === 'https:');
  }
  if (target.protocol !== 'https:') return false;
  return host === 'hooks.slack.com' || host === apiHost || host.endsWith(`.${apiHost}`);
}
