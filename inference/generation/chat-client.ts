/** A minimal OpenAI-compatible chat-completions client with a timeout and retries on transient failures. */
import type { Clock } from '../../core/clock.js';
import { BotError, describeError } from '../../core/errors.js';
import type { GenerationEndpoint } from './options.js';
import type { ChatMessage } from './prompt.js';

export type FetchFn = typeof fetch;

export interface Completion {
  text: string;
  model: string;
  latencyMs: number;
  finishReason: string | undefined;
  usage: { promptTokens: number; completionTokens: number } | undefined;
}

export interface CompletionSettings {
  timeoutMs: number;
  retries: number;
  retryBackoffMs: number;
  maxTokens: number;
  temperature: number;
}

/** Why a completion failed: `timeout` is kept apart because it is never retried on the same endpoint. */
export class CompletionError extends BotError {
  readonly kind: 'timeout' | 'http' | 'network' | 'invalid';
  readonly httpStatus: number | undefined;
  constructor(kind: CompletionError['kind'], message: string, options: { httpStatus?: number; cause?: unknown } = {}) {
    super('inference.unavailable', message, {
      cause: options.cause,
      details: { kind, httpStatus: options.httpStatus },
    });
    this.name = 'CompletionError';
    this.kind = kind;
    this.httpStatus = options.httpStatus;
  }
}

interface ChatResponse {
  model?: string;
  choices?: { message?: { content?: string | null }; finish_reason?: string | null }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number };
}

function retryable(error: CompletionError): boolean {
  if (error.kind === 'network') return true;
  return error.kind === 'http' && (error.httpStatus === 429 || (error.httpStatus ?? 0) >= 500);
}

async function once(
  endpoint: GenerationEndpoint,
  messages: readonly ChatMessage[],
  settings: CompletionSettings,
  deps: { fetch: FetchFn; clock: Clock },
  signal: AbortSignal | undefined,
): Promise<Completion> {
  const started = deps.clock.now();
  const timeoutMs = endpoint.timeoutMs ?? settings.timeoutMs;
  const controller = new AbortController();
  const timer = new AbortController();
  let timedOut = false;
  deps.clock.sleep(timeoutMs, timer.signal).then(
    () => {
      timedOut = true;
      controller.abort(new Error('timeout'));
    },
    () => undefined,
  );
  const onAbort = (): void => controller.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const res = await deps.fetch(`${endpoint.baseUrl.replace(/\/+$/, '')}/chat/completions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(endpoint.apiKey === undefined ? {} : { authorization: `Bearer ${endpoint.apiKey}` }),
      },
      body: JSON.stringify({
        model: endpoint.model,
        messages,
        max_tokens: settings.maxTokens,
        temperature: settings.temperature,
        stream: false,
      }),
      signal: controller.signal,
    });
    if (!res.ok) {
      const body = (await res.text().catch(() => '')).slice(0, 200);
      throw new CompletionError('http', `${endpoint.model} answered HTTP ${res.status}: ${body}`, {
        httpStatus: res.status,
      });
    }
    const json = (await res.json()) as ChatResponse;
    const choice = json.choices?.[0];
    const text = choice?.message?.content;
    if (typeof text !== 'string') throw new CompletionError('invalid', `${endpoint.model} gave no message content`);
    return {
      text,
      model: json.model ?? endpoint.model,
      latencyMs: deps.clock.now() - started,
      finishReason: choice?.finish_reason ?? undefined,
      usage:
        json.usage === undefined
          ? undefined
          : { promptTokens: json.usage.prompt_tokens ?? 0, completionTokens: json.usage.completion_tokens ?? 0 },
    };
  } catch (error) {
    if (error instanceof CompletionError) throw error;
    if (timedOut) throw new CompletionError('timeout', `${endpoint.model} did not answer within ${timeoutMs} ms`);
    if (signal?.aborted === true) throw error;
    throw new CompletionError('network', `${endpoint.model} unreachable: ${describeError(error)}`, { cause: error });
  } finally {
    timer.abort();
    signal?.removeEventListener('abort', onAbort);
  }
}

/** Asks one endpoint, retrying network errors, 429 and 5xx (`settings.retries` times, with back-off). */
export async function complete(
  endpoint: GenerationEndpoint,
  messages: readonly ChatMessage[],
  settings: CompletionSettings,
  deps: { fetch: FetchFn; clock: Clock },
  signal?: AbortSignal,
): Promise<Completion> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await once(endpoint, messages, settings, deps, signal);
    } catch (error) {
      if (!(error instanceof CompletionError) || !retryable(error) || attempt >= settings.retries) throw error;
      await deps.clock.sleep(settings.retryBackoffMs * 2 ** attempt, signal);
    }
  }
}
