/** Grounded chat prompts: retrieved knowledge passages plus the last turns of the conversation (pure). */
import type { MemoryTurn } from '../../core/ports/memory.js';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** A retrieved knowledge passage. */
export interface GroundingPassage {
  id: string;
  text: string;
  title?: string;
}

export interface GroundedPromptInput {
  systemPrompt: string;
  passages: readonly GroundingPassage[];
  /** Conversation turns, oldest first (as ConversationMemory.recent gives them). */
  history: readonly MemoryTurn[];
  question: string;
  /** Default 5. */
  historyTurns?: number;
  /** Default 5. */
  maxPassages?: number;
  /** Each passage is cut to this many characters (default 1200). */
  maxPassageChars?: number;
}

function clip(text: string, max: number): string {
  const chars = Array.from(text.trim());
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max).join('')}…`;
}

/**
 * Builds the messages: one system message with the instructions and numbered passages, then the last
 * `historyTurns` turns (user message, then bot/agent replies as the assistant), then the question.
 */
export function buildGroundedPrompt(input: GroundedPromptInput): ChatMessage[] {
  const maxPassages = input.maxPassages ?? 5;
  const maxChars = input.maxPassageChars ?? 1200;
  const passages = input.passages.slice(0, maxPassages);
  const knowledge =
    passages.length === 0
      ? 'Knowledge: (none found for this question)'
      : `Knowledge:\n${passages
          .map((p, i) => `[${i + 1}] ${p.title === undefined ? '' : `${p.title}: `}${clip(p.text, maxChars)}`)
          .join('\n')}`;
  const messages: ChatMessage[] = [{ role: 'system', content: `${input.systemPrompt.trim()}\n\n${knowledge}` }];
  const turns = input.historyTurns ?? 5;
  for (const turn of turns > 0 ? input.history.slice(-turns) : []) {
    messages.push({ role: 'user', content: turn.user });
    for (const reply of turn.replies) {
      if (reply.author !== 'system') messages.push({ role: 'assistant', content: reply.text });
    }
  }
  messages.push({ role: 'user', content: input.question });
  return messages;
}
