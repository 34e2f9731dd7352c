import type { Clock } from '../../core/clock.js';
import type { BotDefinition } from '../../core/engine/types.js';
import { trainingExamples } from '../../core/engine/index.js';
import { BotError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { Embedder, IntentClassifier } from '../../core/ports/inference.js';
import { createOnnxRuntime, type OnnxRuntime } from '../../inference/runtime/index.js';
import { createTrainedIntentClassifier, type TrainedIntentClassifier } from '../../inference/intent-model/index.js';
import type { AppConfig } from '../config/index.js';

/** The trained-in-place intent model served through ONNX Runtime, one classifier per bot version. */
export interface IntentModelProvider {
  readonly runtime: OnnxRuntime;
  /** Trains (or loads the cached model for) this bot version and waits until it serves. */
  classifierFor(bot: BotDefinition): Promise<IntentClassifier>;
  /** Sentence embeddings from the model currently serving (retrieval's dense side). */
  readonly embedder: Embedder;
  close(): Promise<void>;
}

/**
 * Builds the ONNX Runtime (`inference.device`: auto tries CUDA and falls back to CPU with the reason logged;
 * dynamic micro-batching per `inference.*`) and the intent model on it. A bot reload retrains only when the
 * examples changed (content hash); the runtime swaps the session while in-flight requests finish on the old one.
 */
export async function createIntentModelProvider(
  config: AppConfig,
  deps: { log: Logger; clock: Clock },
): Promise<IntentModelProvider> {
  const runtime = await createOnnxRuntime(
    {
      device: config.inference.device,
      maxBatchSize: config.inference.maxBatchSize,
      maxWaitMs: config.inference.maxWaitMs,
      maxConcurrentRequests: config.inference.maxConcurrentRequests,
      ortLogLevel: 'fatal',
    },
    { log: deps.log, clock: deps.clock },
  );
  let current: TrainedIntentClassifier | undefined;
  const embedder: Embedder = {
    name: 'intent-fasttext-embedding',
    get dimensions() {
      return current?.dimensions() ?? 0;
    },
    embed(texts, options) {
      if (current === undefined)
        return Promise.reject(new BotError('inference.unavailable', 'intent model not loaded yet'));
      return current.embed(texts, options);
    },
  };
  return {
    runtime,
    embedder,
    async classifierFor(bot) {
      const classifier = createTrainedIntentClassifier({
        runtime,
        modelDir: `${config.inference.modelDir}/intent`,
        examples: trainingExamples(bot),
        threshold: { default: config.handoff.threshold, perIntent: bot.handoff.perIntent ?? {} },
        log: deps.log,
        clock: deps.clock,
      });
      await classifier.whenReady();
      current = classifier;
      return classifier;
    },
    async close() {
      await current?.close();
      await runtime.close();
    },
  };
}
