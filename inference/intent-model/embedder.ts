/** The core Embedder port backed by the intent model's embedding output (for retrieval in the Knowledge issue). */

import type { Embedder } from '../../core/ports/inference.js';
import type { TrainedIntentClassifier } from './classifier.js';

/**
 * Embeds texts with the classifier's current model (L2-normalised bag of n-gram embeddings). `dimensions` follows
 * the serving model; it is 0 until the classifier is ready, and can change after a swap to a model of another width.
 */
export function createIntentModelEmbedder(classifier: TrainedIntentClassifier, name = 'intent-fasttext'): Embedder {
  return {
    name,
    get dimensions(): number {
      return classifier.dimensions();
    },
    embed: (texts, options) => classifier.embed(texts, options),
  };
}
