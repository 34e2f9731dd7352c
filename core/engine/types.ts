import type { IntentPrediction } from '../ports/inference.js';

/**
 * The plain data a dialogue engine needs to know about a bot. Knowledge loaders (e.g. `knowledge/bot-folder`)
 * produce these shapes; core never reads files itself.
 */

/** Languages the engine answers in. */
export type Language = 'zh' | 'en';

/** The languages, in preference order (the first is the default). */
export const LANGUAGES: readonly Language[] = ['zh', 'en'];

/** A text in every supported language. */
export type LocalizedText = Readonly<Record<Language, string>>;

/**
 * What an intent does when it wins:
 * - `faq`: reply with its answer;
 * - `smalltalk`: reply with its answer (greetings, thanks, goodbyes);
 * - `kg`: answer from the knowledge graph (product attributes); its answer, when present, is the clarification
 *   sent when no product could be identified;
 * - `handoff`: hand the conversation to a person.
 */
export type IntentAction = 'faq' | 'kg' | 'handoff' | 'smalltalk';

export interface IntentDefinition {
  readonly id: string;
  /** Training utterances, any language. */
  readonly examples: readonly string[];
  readonly answer?: LocalizedText;
  readonly action: IntentAction;
}

export interface FaqEntry {
  readonly id: string;
  /** Ways customers ask it, any language. */
  readonly questions: readonly string[];
  readonly answer: LocalizedText;
  readonly tags: readonly string[];
}

/** A scalar attribute value: localized text, a plain string/number, or a yes/no. */
export type AttributeScalar = string | number | boolean | LocalizedText;

/** An attribute value: a scalar or a list of scalars (e.g. colours). */
export type AttributeValue = AttributeScalar | readonly AttributeScalar[];

export interface GraphEntity {
  readonly id: string;
  /** Entity type, e.g. `product`, `variant`. */
  readonly type: string;
  readonly name: LocalizedText;
  /** Other ways customers name it, any language (matched case-insensitively). */
  readonly aliases: readonly string[];
  readonly attributes: Readonly<Record<string, AttributeValue>>;
}

/** `[subject, predicate, object]`; `[variant, 'variant_of', product]` links a variant to its product. */
export type GraphRelation = readonly [string, string, string];

export interface AttributeDefinition {
  readonly label: LocalizedText;
  /** Words that ask for this attribute, any language (e.g. 价格, 多少钱, how much, cost). */
  readonly synonyms: readonly string[];
  /** Answer template with `{entity}`, `{label}` and `{value}` placeholders. */
  readonly template?: LocalizedText;
}

export interface KnowledgeGraph {
  readonly entities: readonly GraphEntity[];
  readonly relations: readonly GraphRelation[];
  readonly attributes: Readonly<Record<string, AttributeDefinition>>;
}

/** Fixed texts the bot sends, per language. */
export interface BotMessages {
  /** Greeting when a conversation starts. */
  readonly welcome: LocalizedText;
  /** Sent when an intent matched but there is nothing specific to say. */
  readonly fallback: LocalizedText;
  /** Sent when the conversation is queued for a person. */
  readonly handoff: LocalizedText;
  /** Sent when a turn failed. */
  readonly apology: LocalizedText;
  /** Sent for message types the bot cannot read (images, voice without transcript...). */
  readonly unsupported: LocalizedText;
}

export interface HandoffSettings {
  /** Confidence below which the bot hands off instead of answering (default 0.8). */
  readonly threshold: number;
  /** Thresholds for single intents (`ID`, `faq:ID` or `kg:ATTRIBUTE`). */
  readonly perIntent: Readonly<Record<string, number>>;
}

/** Everything the engine knows about one bot. */
export interface BotDefinition {
  readonly name: string;
  readonly languages: readonly Language[];
  readonly handoff: HandoffSettings;
  readonly messages: BotMessages;
  readonly intents: readonly IntentDefinition[];
  readonly faq: readonly FaqEntry[];
  readonly graph: KnowledgeGraph;
}

/** One labelled utterance for training a classifier. */
export interface TrainingExample {
  readonly text: string;
  readonly intent: string;
}

/** One answer (an intent or FAQ entry, by classifier id: `INTENT` or `faq:ID`) scored for a message. */
export interface RankedAnswer {
  readonly id: string;
  /** Calibrated probability in [0, 1] that this answer is right. */
  readonly confidence: number;
  /**
   * The probability as fitted on held-out splits of the bot's own data, before any adjustment for live traffic;
   * what a graph answer's calibrated confidence is weighed against when both match (default: `confidence`).
   */
  readonly heldOut?: number;
  /** What the score was made of (retrieval and classifier features), for logs. */
  readonly evidence?: Readonly<Record<string, number>>;
}

/**
 * Ranks the bot's answers for a message, fusing the intent classifier's prediction with retrieval evidence
 * (knowledge/retrieval's hybrid ranker). Without one, the engine uses the classifier's ranking as it is.
 */
export interface AnswerRanker {
  readonly name: string;
  rank(
    text: string,
    prediction: IntentPrediction | undefined,
    options?: { signal?: AbortSignal },
  ): Promise<RankedAnswer[]>;
}

/**
 * Turns the features of a knowledge-graph question (`kgFeatures`, in `KG_FEATURE_NAMES` order) into a calibrated
 * probability that its answer is right (knowledge/kg-calibration fits one on the bot's own graph).
 */
export interface KgCalibrator {
  readonly name: string;
  confidence(features: readonly number[]): number;
}

/** A string cache for whole answers (in-process LRU or Redis; see knowledge/cache). */
export interface AnswerCache {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  /** Told once per answered question whether it was served from the cache (for the hit ratio). */
  recordLookup?(hit: boolean): void;
}
