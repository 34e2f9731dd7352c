/**
 * A client wrapper for tests that holds Lua scripts to the Redis Cluster rule "every key a script touches is passed
 * in KEYS": each EVAL/EVALSHA is run as EVAL of an instrumented copy of the script in which every `redis.call`
 * fails the script when its key argument is not one of KEYS. (Redis itself lets a script touch undeclared keys of
 * the same slot, so a real cluster alone would not catch a script that builds key names.)
 */
import type { Cluster, Redis } from 'ioredis';

/** Commands our scripts send whose first argument is not a key. */
const KEYLESS = ['PUBLISH'];

const PRELUDE = `local __declared = {}
for _, k in ipairs(KEYS) do __declared[k] = true end
local function __call(command, ...)
  local name = string.upper(command)
  if ${KEYLESS.map((c) => `name ~= '${c}'`).join(' and ')} then
    local key = ...
    if not __declared[key] then error('undeclared key ' .. tostring(key) .. ' in ' .. name) end
  end
  return redis.call(command, ...)
end
`;

/** The script with every `redis.call(` checked against KEYS. */
export function instrumentScript(lua: string): string {
  return PRELUDE + lua.replace(/redis\.call\(/g, '__call(');
}

/** `client` with every script it runs instrumented (see the module comment); everything else is unchanged. */
export function declaredKeysOnly<T extends Redis | Cluster>(client: T): T {
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property === 'evalsha') {
        // Never run the uninstrumented cached script: callers fall back to EVAL on NOSCRIPT.
        return () => Promise.reject(new Error('NOSCRIPT instrumented for the declared-keys check'));
      }
      if (property === 'eval') {
        return (lua: string, ...rest: (string | number)[]) =>
          (target.eval as (...args: unknown[]) => Promise<unknown>).call(target, instrumentScript(lua), ...rest);
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
