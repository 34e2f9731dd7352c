/** Pure handoff decisions: no I/O, no clock. */
import type { MemoryTurn } from './ports/memory.js';
import type { Understanding } from './turn.js';

export type HandoffDecision =
  | { readonly action: 'answer' }
  | { readonly action: 'handoff'; readonly reason: 'low_confidence' | 'user_request' | 'repeated_low_confidence' };

export interface HandoffPolicyInput {
  /** Calibrated confidence of the best answer. */
  readonly confidence: number;
  /** Threshold in force for this intent (default 0.8). */
  readonly threshold: number;
  /** The customer asked for a person. */
  readonly userAskedForHuman: boolean;
  /** Low-confidence answers in a row, this turn included when it is one. */
  readonly lowConfidenceStreak?: number;
  /** Hand off when `lowConfidenceStreak` reaches this (absent or 0: never on streaks). */
  readonly maxLowConfidenceStreak?: number;
}

/**
 * An explicit request -> handoff; `confidence < threshold` -> handoff; `lowConfidenceStreak` reaching
 * `maxLowConfidenceStreak` -> handoff as `repeated_low_confidence`.
 */
export function decideHandoff(input: HandoffPolicyInput): HandoffDecision {
  if (input.userAskedForHuman) return { action: 'handoff', reason: 'user_request' };
  if (input.confidence < input.threshold) return { action: 'handoff', reason: 'low_confidence' };
  const max = input.maxLowConfidenceStreak;
  if (max !== undefined && max > 0 && (input.lowConfidenceStreak ?? 0) >= max) {
    return { action: 'handoff', reason: 'repeated_low_confidence' };
  }
  return { action: 'answer' };
}

/** `MemoryTurn.meta` key marking a turn the bot answered with low confidence (value "1"). */
export const LOW_CONFIDENCE_META = 'lowConfidence';

/**
 * Whether the bot answered a turn without being sure: below the bot-wide threshold (a per-intent threshold let it
 * through), or with nothing from its knowledge (a fallback such as "sorry, I did not get that").
 * Handed-off turns are not counted: they are not answers.
 */
export function isLowConfidenceAnswer(understanding: Understanding, botThreshold: number): boolean {
  if (understanding.handoff) return false;
  return understanding.confidence < botThreshold || understanding.sources.length === 0;
}

/** Low-confidence answers at the end of the memory window, in a row (oldest first window). */
export function lowConfidenceStreak(history: readonly MemoryTurn[]): number {
  let streak = 0;
  for (let i = history.length - 1; i >= 0; i--) {
    if (history[i]?.meta?.[LOW_CONFIDENCE_META] !== '1') break;
    streak++;
  }
  return streak;
}

const HUMAN_REQUEST_ZH = /(转人工|人工客服|人工服务|找人工|要人工|接人工|真人客服|客服人员|人工坐席)/;
const HUMAN_REQUEST_EN =
  /\b(talk|speak|chat|connect|transfer|put)\b[^.?!]*\b(agent|human|person|someone|representative|operator)\b|^\s*(human|agent|representative|operator)\b|\b(live|real|human) (agent|person|support)\b/i;

/** Whether a message asks for a human agent. */
export function asksForHuman(text: string): boolean {
  return HUMAN_REQUEST_ZH.test(text) || HUMAN_REQUEST_EN.test(text);
}

const END_HUMAN_ZH = /^(结束人工|结束人工客服|结束人工服务|退出人工|结束对话|不用人工了)[。.!！]?$/;
const END_HUMAN_EN = /^(\/end|\/bot|end chat|end human( chat)?|back to (the )?bot)[.!]?$/i;

/** Whether a message ends the human session ("/end", "结束人工"). Whole-message commands only. */
export function asksToEndHandoff(text: string): boolean {
  const t = text.trim();
  return END_HUMAN_ZH.test(t) || END_HUMAN_EN.test(t);
}
