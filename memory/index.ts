/** State stores behind the core ports: conversation memory, key-value and locks, in-process and Redis. */
export { createInProcessMemory, DEFAULT_MAX_CONVERSATIONS, type InProcessMemoryOptions } from './in-process-memory.js';
export { createRedisMemory, type RedisMemoryDeps, type RedisMemoryOptions } from './redis-memory.js';
export { createInProcessKeyValue, DEFAULT_MAX_ENTRIES, type InProcessKeyValueOptions } from './in-process-kv.js';
export { createRedisKeyValue, type RedisKeyValueOptions } from './redis-kv.js';
export { createInProcessLocks, type InProcessLocksOptions } from './in-process-locks.js';
export { createRedisLocks, type RedisLocksOptions } from './redis-locks.js';
export {
  DEFAULT_KEY_PREFIX,
  DEFAULT_TENANT,
  hashTagOf,
  kvKey,
  lockKey,
  lockReleaseChannel,
  memoryKey,
  namespaceOf,
  type RedisNamespace,
} from './redis-keys.js';
export { decodeTurn, encodeTurn } from './turn-codec.js';
export { duplicateForSubscribe, type RedisClient, type SubscriberOptions } from './redis-client.js';
