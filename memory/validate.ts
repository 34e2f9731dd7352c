import { BotError } from '../core/errors.js';
import { DEFAULT_MEMORY_OPTIONS, type MemoryOptions } from '../core/ports/memory.js';

/** Memory options with defaults applied and checked (turns: integer >= 1; ttlMs: integer >= 1). */
export function resolveMemoryOptions(options: Partial<MemoryOptions>): MemoryOptions {
  const resolved = { ...DEFAULT_MEMORY_OPTIONS, ...options };
  requirePositiveInteger('memory turns', resolved.turns);
  requirePositiveInteger('memory ttlMs', resolved.ttlMs);
  return resolved;
}

/** Throws `config.invalid` unless `value` is an integer >= 1. */
export function requirePositiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new BotError('config.invalid', `${name} must be an integer >= 1, got ${String(value)}`);
  }
}

/**
 * A per-call TTL as whole milliseconds (rounded up, Redis PX needs an integer).
 * Throws `config.invalid` unless it is a finite number > 0.
 */
export function ttlToMs(name: string, ttlMs: number): number {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new BotError('config.invalid', `${name} must be a finite number of milliseconds > 0, got ${String(ttlMs)}`);
  }
  return Math.ceil(ttlMs);
}

/** A wait budget: finite and >= 0 (0 means "try once"). */
export function waitToMs(waitMs: number): number {
  if (!Number.isFinite(waitMs) || waitMs < 0) {
    throw new BotError('config.invalid', `lock waitMs must be a finite number >= 0, got ${String(waitMs)}`);
  }
  return waitMs;
}
