/**
 * Generation routing: the default model (or the canary for its sticky share of conversations), the fallback model
 * when that fails or times out, and a shadow model that gets a copy of the traffic (logged, never returned).
 */
import { systemClock } from '../../core/clock.js';
import type { Clock } from '../../core/clock.js';
import { BotError, describeError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { inCanary } from './canary.js';
import { CompletionError, complete } from './chat-client.js';
import type { Completion, CompletionSettings, FetchFn } from './chat-client.js';
import { generationOptionsSchema } from './options.js';
import type { GenerationEndpoint, GenerationOptions, GenerationOptionsInput } from './options.js';
import { buildGroundedPrompt } from './prompt.js';
import type { ChatMessage, GroundedPromptInput } from './prompt.js';

export type GenerationRoute = 'default' | 'canary' | 'fallback';

export interface GenerationRequest {
  messages: readonly ChatMessage[];
  /** Sticky canary assignment and log correlation. */
  conversationKey: string;
  signal?: AbortSignal;
}

export interface GenerationResult extends Completion {
  route: GenerationRoute;
  /** Set when the fallback answered: why the first choice failed. */
  fallbackReason?: string;
}

export interface GenerationRouter {
  readonly options: GenerationOptions;
  generate(request: GenerationRequest): Promise<GenerationResult>;
  /** Builds the grounded prompt from the configured system prompt and limits, then generates. */
  answer(
    input: Omit<GroundedPromptInput, 'systemPrompt' | 'historyTurns' | 'maxPassages'> & {
      conversationKey: string;
      signal?: AbortSignal;
    },
  ): Promise<GenerationResult>;
  /** Resolves once every shadow request started so far has finished (for shutdown and tests). */
  idle(): Promise<void>;
}

export interface GenerationDeps {
  log: Logger;
  clock?: Clock;
  fetch?: FetchFn;
}

function describeFailure(error: unknown): string {
  return error instanceof CompletionError ? `${error.kind}: ${error.message}` : describeError(error);
}

/** Creates the router from parsed options. */
export function createGenerationRouter(options: GenerationOptions, deps: GenerationDeps): GenerationRouter {
  const log = deps.log.child({ component: 'generation' });
  const clientDeps = { fetch: deps.fetch ?? fetch, clock: deps.clock ?? systemClock };
  const settings: CompletionSettings = {
    timeoutMs: options.timeoutMs,
    retries: options.retries,
    retryBackoffMs: options.retryBackoffMs,
    maxTokens: options.maxTokens,
    temperature: options.temperature,
  };
  const shadows = new Set<Promise<void>>();

  function mirror(endpoint: GenerationEndpoint, request: GenerationRequest, primary: Promise<Completion>): void {
    const task = complete(endpoint, request.messages, { ...settings, retries: 0 }, clientDeps)
      .then(async (shadow) => {
        const main = await primary.catch(() => undefined);
        log.info(
          {
            conversationKey: request.conversationKey,
            shadowModel: shadow.model,
            shadowLatencyMs: shadow.latencyMs,
            shadowText: shadow.text.slice(0, 500),
            primaryModel: main?.model,
            sameAsPrimary: main === undefined ? undefined : main.text.trim() === shadow.text.trim(),
          },
          'shadow generation',
        );
      })
      .catch((error: unknown) => {
        log.warn(
          { conversationKey: request.conversationKey, shadowModel: endpoint.model, reason: describeFailure(error) },
          'shadow generation failed',
        );
      })
      .finally(() => shadows.delete(task));
    shadows.add(task);
  }

  async function generate(request: GenerationRequest): Promise<GenerationResult> {
    const canary = options.canary !== undefined && inCanary(request.conversationKey, options.canary.share);
    const route: GenerationRoute = canary ? 'canary' : 'default';
    const first = canary && options.canary !== undefined ? options.canary.endpoint : options.default;
    const primary = complete(first, request.messages, settings, clientDeps, request.signal);
    if (options.shadow !== undefined) mirror(options.shadow, request, primary);
    try {
      return { ...(await primary), route };
    } catch (error) {
      if (request.signal?.aborted === true) throw error;
      const reason = describeFailure(error);
      if (options.fallback === undefined) {
        throw new BotError('inference.unavailable', `generation failed (${first.model}): ${reason}`, { cause: error });
      }
      log.warn(
        { conversationKey: request.conversationKey, model: first.model, route, reason },
        'generation falling back',
      );
      try {
        const result = await complete(options.fallback, request.messages, settings, clientDeps, request.signal);
        return { ...result, route: 'fallback', fallbackReason: reason };
      } catch (fallbackError) {
        throw new BotError(
          'inference.unavailable',
          `generation failed (${first.model}: ${reason}; fallback ${options.fallback.model}: ${describeFailure(fallbackError)})`,
          { cause: fallbackError },
        );
      }
    }
  }

  return {
    options,
    generate,
    answer: (input) =>
      generate({
        conversationKey: input.conversationKey,
        ...(input.signal === undefined ? {} : { signal: input.signal }),
        messages: buildGroundedPrompt({
          ...input,
          systemPrompt: options.systemPrompt,
          historyTurns: options.historyTurns,
          maxPassages: options.maxPassages,
        }),
      }),
    idle: async () => {
      while (shadows.size > 0) await Promise.all([...shadows]);
    },
  };
}

/**
 * Generation is off unless configured: undefined for a missing section or `enabled: false`, else the router.
 * Invalid settings give `config.invalid`.
 */
export function createGeneration(
  config: GenerationOptionsInput | undefined,
  deps: GenerationDeps,
): GenerationRouter | undefined {
  if (config === undefined) return undefined;
  const parsed = generationOptionsSchema.safeParse(config);
  if (!parsed.success) {
    throw new BotError(
      'config.invalid',
      `inference.generation: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  if (!parsed.data.enabled) return undefined;
  return createGenerationRouter(parsed.data, deps);
}
