/** Runs `fn` now and returns its result as a promise: a throw becomes a rejection, never a synchronous throw. */
export function fromSync<T>(fn: () => T): Promise<T> {
  return new Promise<T>((resolve) => resolve(fn()));
}
