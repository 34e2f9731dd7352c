/** What the customer is told on each handoff transition, in Chinese and English (pure). */
import type { TimeoutFallback } from '../core/ports/handoff.js';

export type Notice =
  /** Queued (or back in the queue after a release or a transfer to a group): with position and estimated wait. */
  | { readonly kind: 'queued'; readonly requeued?: boolean }
  | { readonly kind: 'agent_joined'; readonly agentName: string }
  | { readonly kind: 'transferred'; readonly agentName: string }
  | { readonly kind: 'returned_to_bot' }
  | { readonly kind: 'customer_ended' }
  | { readonly kind: 'timed_out'; readonly fallback: TimeoutFallback }
  | { readonly kind: 'resolved' }
  | { readonly kind: 'survey' }
  | { readonly kind: 'rated' }
  | { readonly kind: 'callback_received' }
  /** An approved draft: sent as the agent's message. */
  | { readonly kind: 'answer'; readonly text: string; readonly agentName: string };

export type NoticeKind = Notice['kind'];

export type NoticeLanguage = 'zh' | 'en';

/** Templates: `{position}`, `{wait}`, `{agent}` are filled in. */
export type NoticeTemplates = Readonly<
  Record<Exclude<NoticeKind, 'answer' | 'timed_out'> | TimedOutKey | 'requeued', LangText>
>;
type TimedOutKey = 'timed_out_resume_bot' | 'timed_out_callback';
type LangText = Readonly<Record<NoticeLanguage, string>>;

/** The built-in texts; `handoff.messages` in config.yaml overrides any of them. */
export const DEFAULT_NOTICE_TEMPLATES: NoticeTemplates = {
  queued: {
    zh: '已为您转接人工客服，您当前排在第 {position} 位，预计等待{wait}。如需返回智能助手，请回复“结束人工”。',
    en: "I've passed your conversation to our support team. You are number {position} in the queue (estimated wait: {wait}). Send /end to go back to the assistant.",
  },
  requeued: {
    zh: '正在为您转接其他客服，您当前排在第 {position} 位，预计等待{wait}。',
    en: "We're finding another agent for you. You are number {position} in the queue (estimated wait: {wait}).",
  },
  agent_joined: {
    zh: '客服{agent}已接入，正在为您服务。',
    en: '{agent} from our support team has joined the conversation.',
  },
  transferred: {
    zh: '您的对话已转接给客服{agent}。',
    en: 'Your conversation has been transferred to {agent}.',
  },
  returned_to_bot: {
    zh: '人工服务已结束，接下来由智能助手继续为您服务。',
    en: 'The agent has handed the conversation back to me, the assistant. How else can I help?',
  },
  customer_ended: {
    zh: '已为您结束人工服务，智能助手继续为您服务。',
    en: "You've ended the chat with our support team. I'm the assistant again: how can I help?",
  },
  timed_out_resume_bot: {
    zh: '抱歉，目前没有客服可以接入，智能助手将继续为您服务。您可以稍后再回复“转人工”。',
    en: "Sorry, no agent is available right now. I'll keep helping you; you can ask for an agent again later.",
  },
  timed_out_callback: {
    zh: '抱歉，目前没有客服可以接入。请留下您的问题和联系方式，我们会尽快回复您。',
    en: "Sorry, no agent is available right now. Please leave your question and how to reach you, and we'll get back to you.",
  },
  resolved: {
    zh: '本次人工服务已结束，感谢您的耐心。',
    en: 'This conversation with our support team is now closed. Thank you for your patience.',
  },
  survey: {
    zh: '请为本次服务打分：回复 1-5 的数字（5 = 非常满意）。',
    en: 'How did we do? Reply with a number from 1 to 5 (5 = excellent).',
  },
  rated: { zh: '感谢您的评价！', en: 'Thank you for your feedback!' },
  callback_received: {
    zh: '已收到您的留言，我们会尽快联系您。',
    en: "Thanks, we've got your message and will get back to you soon.",
  },
};

/** Facts a notice may mention. */
export interface NoticeFacts {
  /** 1-based queue position (queued notices). */
  readonly position?: number;
  readonly estimatedWaitMs?: number;
}

/** "under a minute", "3 minutes", "约 3 分钟". Pure. */
export function formatWait(ms: number, lang: NoticeLanguage): string {
  const minutes = Math.ceil(ms / 60_000);
  if (minutes <= 1) return lang === 'zh' ? '不到 1 分钟' : 'under a minute';
  return lang === 'zh' ? `约 ${minutes} 分钟` : `${minutes} minutes`;
}

/** The notice language for a ticket language ("zh-CN" -> zh; anything else not Chinese -> en). */
export function noticeLanguage(lang: string | undefined, fallback: NoticeLanguage = 'zh'): NoticeLanguage {
  if (lang === undefined || lang === '') return fallback;
  return lang.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

function fill(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}

/** The customer-facing text of a notice. Pure. */
export function renderNotice(
  notice: Notice,
  lang: NoticeLanguage,
  facts: NoticeFacts = {},
  templates: NoticeTemplates = DEFAULT_NOTICE_TEMPLATES,
): string {
  switch (notice.kind) {
    case 'answer':
      return notice.text;
    case 'timed_out':
      return templates[notice.fallback === 'callback' ? 'timed_out_callback' : 'timed_out_resume_bot'][lang];
    case 'agent_joined':
    case 'transferred':
      return fill(templates[notice.kind][lang], { agent: notice.agentName });
    case 'queued':
      return fill(templates[notice.requeued === true ? 'requeued' : 'queued'][lang], {
        position: String(facts.position ?? 1),
        wait: formatWait(facts.estimatedWaitMs ?? 0, lang),
      });
    case 'returned_to_bot':
    case 'customer_ended':
    case 'resolved':
    case 'survey':
    case 'rated':
    case 'callback_received':
      return templates[notice.kind][lang];
  }
}

/** Merges partial overrides (e.g. from config) over the defaults. */
export function noticeTemplates(
  overrides: Readonly<Partial<Record<keyof NoticeTemplates, Partial<LangText>>>> = {},
): NoticeTemplates {
  const out: Record<string, LangText> = { ...DEFAULT_NOTICE_TEMPLATES };
  for (const [key, texts] of Object.entries(overrides)) {
    const base = out[key];
    if (base !== undefined && texts !== undefined) out[key] = { ...base, ...texts };
  }
  return out as NoticeTemplates;
}
