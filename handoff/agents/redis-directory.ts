/** Agent accounts in one Redis hash (`<keyPrefix>:<tenant>:handoff:agents`, field = username, value = JSON). */
import type { RedisClient } from '../redis-client.js';
import type { AgentAccount, AgentDirectory } from './types.js';

export interface RedisAgentDirectoryOptions {
  readonly redis: RedisClient;
  /** `<keyPrefix>:<tenant>` namespace, e.g. `clawbot:default`. */
  readonly namespace: string;
}

/** The Redis agent directory; shares the caller's client (never closes it). */
export function createRedisAgentDirectory(options: RedisAgentDirectoryOptions): AgentDirectory {
  const { redis } = options;
  const key = `${options.namespace}:handoff:agents`;
  const decode = (raw: string): AgentAccount => JSON.parse(raw) as AgentAccount;
  return {
    async get(username) {
      const raw = await redis.hget(key, username);
      return raw === null ? undefined : decode(raw);
    },
    async list() {
      const all = await redis.hgetall(key);
      return Object.values(all)
        .map(decode)
        .sort((a, b) => a.username.localeCompare(b.username));
    },
    async put(account) {
      await redis.hset(key, account.username, JSON.stringify(account));
    },
    async remove(username) {
      return (await redis.hdel(key, username)) > 0;
    },
    close: () => Promise.resolve(),
  };
}
