/**
 * Configuration of optional text generation through OpenAI-compatible chat-completions endpoints (vLLM,
 * llama.cpp server, Ollama). Generation is off unless an `inference.generation` section is configured.
 */
import { z } from 'zod';

/** One OpenAI-compatible endpoint and the model to ask there. */
export const generationEndpointSchema = z.object({
  /** Base URL up to and including `/v1`, e.g. `http://127.0.0.1:8000/v1` (vLLM) or `http://127.0.0.1:11434/v1` (Ollama). */
  baseUrl: z.url(),
  model: z.string().min(1),
  /** Sent as `Authorization: Bearer`; never logged. */
  apiKey: z.string().min(1).optional(),
  /** Overrides the section's timeoutMs for this endpoint. */
  timeoutMs: z.number().int().positive().optional(),
});

export const generationOptionsSchema = z.object({
  enabled: z.boolean().default(true),
  default: generationEndpointSchema,
  /** Asked when the default (or canary) fails or times out. */
  fallback: generationEndpointSchema.optional(),
  /** Gets a copy of the traffic; its answers are logged, never returned. */
  shadow: generationEndpointSchema.optional(),
  /** Takes `share` of conversations (sticky by conversation key) instead of the default. */
  canary: z.object({ endpoint: generationEndpointSchema, share: z.number().min(0).max(1) }).optional(),
  timeoutMs: z.number().int().positive().default(15_000),
  /** Extra attempts on the same endpoint after a network error, HTTP 429 or 5xx (not after a timeout). */
  retries: z.number().int().min(0).max(5).default(1),
  retryBackoffMs: z.number().int().min(0).default(200),
  maxTokens: z.number().int().positive().default(512),
  temperature: z.number().min(0).max(2).default(0.2),
  /** How many recent conversation turns go into the prompt. */
  historyTurns: z.number().int().min(0).max(20).default(5),
  /** Most knowledge passages put into the prompt. */
  maxPassages: z.number().int().min(0).max(20).default(5),
  systemPrompt: z
    .string()
    .default(
      'You are a customer-service assistant. Answer only from the knowledge passages below. ' +
        'If they do not contain the answer, say that you do not know and offer to bring in a human agent. ' +
        "Reply in the user's language, briefly.",
    ),
});

export type GenerationEndpoint = z.infer<typeof generationEndpointSchema>;
/** Parsed options (defaults applied). */
export type GenerationOptions = z.infer<typeof generationOptionsSchema>;
/** Options as written in a config file. */
export type GenerationOptionsInput = z.input<typeof generationOptionsSchema>;
