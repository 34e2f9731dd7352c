/** Optional text generation through OpenAI-compatible endpoints with default/fallback/shadow/canary routing. */
export { inCanary } from './canary.js';
export { CompletionError, complete } from './chat-client.js';
export type { Completion, CompletionSettings } from './chat-client.js';
export { generationEndpointSchema, generationOptionsSchema } from './options.js';
export type { GenerationEndpoint, GenerationOptions, GenerationOptionsInput } from './options.js';
export { buildGroundedPrompt } from './prompt.js';
export type { ChatMessage, GroundedPromptInput, GroundingPassage } from './prompt.js';
export { createGeneration, createGenerationRouter } from './router.js';
export type {
  GenerationDeps,
  GenerationRequest,
  GenerationResult,
  GenerationRoute,
  GenerationRouter,
} from './router.js';
