/** Ports for understanding: intent classification and sentence embeddings. */

export interface IntentScore {
  readonly intent: string;
  /** Calibrated probability in [0, 1]. */
  readonly confidence: number;
}

export interface IntentPrediction {
  /** Best intent, or undefined when nothing matched at all. */
  readonly intent: string | undefined;
  /** Calibrated confidence in [0, 1] of `intent`. */
  readonly confidence: number;
  /** The top candidates, best first. */
  readonly ranking: readonly IntentScore[];
  /** The training example closest to the query, when the classifier keeps them. */
  readonly nearestExample?: string;
}

/** Classifies a text into one of the bot's intents. */
export interface IntentClassifier {
  readonly name: string;
  /** Whether the model is loaded and can answer (readiness). */
  ready(): boolean;
  classify(text: string, options?: { signal?: AbortSignal }): Promise<IntentPrediction>;
}

/** Turns texts into unit-length vectors. */
export interface Embedder {
  readonly name: string;
  readonly dimensions: number;
  embed(texts: readonly string[], options?: { signal?: AbortSignal }): Promise<Float32Array[]>;
}
