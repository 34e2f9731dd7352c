/** Hand-off thresholds: a global one with optional per-intent overrides (pure). */

/** A global threshold with optional per-intent overrides (`ID`, `faq:ID`, ...). */
export interface ThresholdPolicy {
  readonly default: number;
  readonly perIntent?: Readonly<Record<string, number>>;
}

/** The threshold in force for `intent`: its override, else the global one. */
export function thresholdFor(policy: ThresholdPolicy, intent: string | undefined): number {
  return (intent === undefined ? undefined : policy.perIntent?.[intent]) ?? policy.default;
}
