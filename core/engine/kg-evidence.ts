/** How a knowledge-graph question was linked (plain data): what its calibrated confidence is computed from. */
import type { AttributeCue } from './graph.js';

/** Where the entity of a question came from: named in the text, "the other one", or the memory window. */
export type EntitySource = 'text' | 'other' | 'memory';

/** Where the attribute came from: the text (a synonym, a question phrase, a guessed character, a comparative), memory. */
export type AttributeSource = AttributeCue | 'implied' | 'memory' | 'none';

/** How a question was linked: what its calibrated confidence is computed from (see `kgFeatures`). */
export interface KgEvidence {
  readonly entityFrom: EntitySource;
  /** Words of the entity names matched with a typo. */
  readonly entityTypos: number;
  /** An unknown model word or number follows a name ("claw phone 15 pro"). */
  readonly unknownSuffix: boolean;
  /** Turns since the remembered entity was mentioned (0 when it is named in the text). */
  readonly entityTurnsAgo: number;
  /** A variant name narrowed the product ("那黑色的呢"). */
  readonly variant: boolean;
  readonly attributeFrom: AttributeSource;
  readonly attributeTypos: number;
  /** Turns since the remembered attribute was asked (0 when it is in the text). */
  readonly attributeTurnsAgo: number;
}
