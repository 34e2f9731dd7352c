/**
 * The pairing store in a JSON file (used when `redis.url` is not set). Writes go to a temporary file that is
 * renamed over the old one, so readers never see half a document; read-modify-write cycles hold an exclusive
 * lock file (`<file>.lock`, created with O_EXCL), so the gateway and `clawbot pairing` never lose each other's
 * changes. A lock left by a crashed process is broken once it is older than `staleLockMs`.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Clock } from '../../../core/clock.js';
import { BotError, describeError } from '../../../core/errors.js';
import { decodePairingState, type PairingChange, type PairingStore } from './store.js';

/** Options of {@link createFilePairingStore}. */
export interface FilePairingStoreOptions {
  /** Absolute path of the JSON file; its folder is created (mode 0700) on the first write. */
  readonly path: string;
  /** How long to wait for the lock; default 5000 ms. */
  readonly lockTimeoutMs?: number;
  /** Age after which a lock is considered abandoned; default 10 000 ms. */
  readonly staleLockMs?: number;
}

function isErrno(error: unknown, code: string): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === code;
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return undefined;
    throw new BotError('internal', `cannot read the pairing store ${path}: ${describeError(error)}`, { cause: error });
  }
}

/**
 * Creates the file store.
 *
 * @example const store = createFilePairingStore({ path: resolve('.data/pairing.json') }, { clock: systemClock });
 */
export function createFilePairingStore(options: FilePairingStoreOptions, deps: { clock: Clock }): PairingStore {
  const { path } = options;
  const lockPath = `${path}.lock`;
  const lockTimeoutMs = options.lockTimeoutMs ?? 5000;
  const staleLockMs = options.staleLockMs ?? 10_000;

  const acquire = async (): Promise<() => Promise<void>> => {
    const deadline = deps.clock.now() + lockTimeoutMs;
    for (;;) {
      try {
        const handle = await open(lockPath, 'wx', 0o600);
        await handle.writeFile(`${process.pid}\n`);
        await handle.close();
        return () => rm(lockPath, { force: true });
      } catch (error) {
        if (!isErrno(error, 'EEXIST')) {
          throw new BotError('internal', `cannot lock the pairing store ${path}: ${describeError(error)}`, {
            cause: error,
          });
        }
      }
      const held = await stat(lockPath).catch(() => undefined);
      if (held !== undefined && deps.clock.now() - held.mtimeMs > staleLockMs) {
        await rm(lockPath, { force: true });
        continue;
      }
      if (deps.clock.now() >= deadline) {
        throw new BotError('lock.timeout', `the pairing store ${path} stayed locked for ${lockTimeoutMs} ms`);
      }
      await deps.clock.sleep(15 + Math.floor(Math.random() * 20));
    }
  };

  return {
    kind: 'file',
    location: path,
    async read() {
      return decodePairingState(await readText(path), path);
    },
    async update<T>(change: PairingChange<T>): Promise<T> {
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      const release = await acquire();
      try {
        const before = decodePairingState(await readText(path), path);
        const { state, result } = change(before);
        if (state !== before) {
          const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
          try {
            await writeFile(temporary, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600, flush: true });
            await rename(temporary, path);
          } catch (error) {
            await rm(temporary, { force: true });
            throw new BotError('internal', `cannot write the pairing store ${path}: ${describeError(error)}`, {
              cause: error,
            });
          }
        }
        return result;
      } finally {
        await release();
      }
    },
    close: () => Promise.resolve(),
  };
}
