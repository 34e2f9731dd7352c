/** Pure handoff decision: no I/O, no clock. */

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
  /** Low-confidence turns in a row before this one. */
  readonly lowConfidenceStreak?: number;
  /** Hand off after this many low-confidence turns in a row (0 = on the first). */
  readonly maxLowConfidenceStreak?: number;
}

/** `confidence < threshold` or an explicit request -> handoff. */
export function decideHandoff(input: HandoffPolicyInput): HandoffDecision {
  if (input.userAskedForHuman) return { action: 'handoff', reason: 'user_request' };
  if (input.confidence < input.threshold) return { action: 'handoff', reason: 'low_confidence' };
  return { action: 'answer' };
}

const HUMAN_REQUEST_ZH = /(转人工|人工客服|人工服务|找人工|要人工|接人工|真人客服|客服人员|人工坐席)/;
const HUMAN_REQUEST_EN =
  /\b(talk|speak|chat|connect|transfer|put)\b[^.?!]*\b(agent|human|person|someone|representative|operator)\b|^\s*(human|agent|representative|operator)\b|\b(live|real|human) (agent|person|support)\b/i;

/** Whether a message asks for a human agent. */
export function asksForHuman(text: string): boolean {
  return HUMAN_REQUEST_ZH.test(text) || HUMAN_REQUEST_EN.test(text);
}
