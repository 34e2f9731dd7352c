/** The trained-in-place intent model served through the OnnxRuntime, with hot update and an Embedder. */
export { createTrainedIntentClassifier } from './classifier.js';
export type {
  ClassifyOptions,
  IntentModelInfo,
  RolloutOptions,
  RolloutStats,
  TrainedIntentClassifier,
  TrainedIntentClassifierOptions,
} from './classifier.js';
export { createIntentModelEmbedder } from './embedder.js';
export { ensureModel, expectedContentHash, versionDir } from './model-store.js';
export type { EnsureModelOptions, StoredModel } from './model-store.js';
export { createPredictor } from './predictor.js';
export type { Predictor } from './predictor.js';
export { canaryPoint, inCanary } from './routing.js';
export type { RolloutMode } from './routing.js';
