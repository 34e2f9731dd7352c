/**
 * Which gateway processes are alive, in the shared store: each process renews `instance:{id}` every second with a
 * 3-second lifetime while it runs, so a process killed with -9 is known to be gone about 3 s later.
 */
import { randomUUID } from 'node:crypto';
import { describeError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { KeyValue } from '../../core/ports/kv.js';

export interface Instances {
  /** This process's id. */
  readonly id: string;
  /** True while the process `id` renews its key (this process: always). */
  isAlive(id: string): Promise<boolean>;
  /** Starts renewing (idempotent). */
  start(): Promise<void>;
  /** Stops renewing and removes this process's key. */
  stop(): Promise<void>;
}

export interface InstancesOptions {
  readonly ttlMs?: number;
  readonly renewMs?: number;
  readonly id?: string;
}

/** The key of an instance. Pure. */
export function instanceKey(id: string): string {
  return `instance:{${id}}`;
}

export function createInstances(options: InstancesOptions, deps: { kv: KeyValue; log: Logger }): Instances {
  const id = options.id ?? randomUUID();
  const ttlMs = options.ttlMs ?? 3000;
  const renewMs = options.renewMs ?? 1000;
  let timer: NodeJS.Timeout | undefined;
  const renew = () =>
    deps.kv
      .set(instanceKey(id), '1', ttlMs)
      .catch((error: unknown) => deps.log.warn({ err: describeError(error) }, 'instance liveness not renewed'));
  return {
    id,
    async isAlive(other) {
      return other === id || (await deps.kv.get(instanceKey(other))) !== undefined;
    },
    async start() {
      if (timer !== undefined) return;
      await renew();
      timer = setInterval(() => void renew(), renewMs);
      timer.unref();
    },
    async stop() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      await deps.kv.delete(instanceKey(id)).catch(() => undefined);
    },
  };
}
