/**
 * Agent accounts in a JSON file (`handoff.agentsFile`, default `.data/agents.json`). Every read checks the file's
 * modification time, so accounts the CLI writes are seen by a running gateway without a restart. Writes go to a
 * temporary file that is renamed over the old one (mode 0600: it holds password hashes).
 */
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import { BotError } from '../../core/errors.js';
import type { AgentAccount, AgentDirectory } from './types.js';

interface FileShape {
  readonly version: 1;
  readonly agents: readonly AgentAccount[];
}

interface Cached {
  readonly stamp: string;
  readonly agents: ReadonlyMap<string, AgentAccount>;
}

/** Opens (without creating) the JSON agent directory at `path`. */
export function createFileAgentDirectory(options: { path: string }): AgentDirectory {
  const { path } = options;
  let cache: Cached | undefined;

  const load = async (): Promise<ReadonlyMap<string, AgentAccount>> => {
    let stamp: string;
    try {
      const s = await stat(path);
      stamp = `${s.mtimeMs}:${s.size}:${s.ino}`;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
      throw error;
    }
    if (cache?.stamp === stamp) return cache.agents;
    let parsed: FileShape;
    try {
      parsed = JSON.parse(await readFile(path, 'utf8')) as FileShape;
    } catch (error) {
      throw new BotError('config.invalid', `agents file ${path} is not valid JSON; fix or remove it`, { cause: error });
    }
    const list: readonly AgentAccount[] = Array.isArray(parsed.agents) ? parsed.agents : [];
    const agents = new Map(list.map((a) => [a.username, a]));
    cache = { stamp, agents };
    return agents;
  };

  const save = async (agents: ReadonlyMap<string, AgentAccount>): Promise<void> => {
    await mkdir(dirname(path), { recursive: true });
    const body: FileShape = {
      version: 1,
      agents: [...agents.values()].sort((a, b) => a.username.localeCompare(b.username)),
    };
    const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(tmp, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 });
    await rename(tmp, path);
    cache = undefined;
  };

  return {
    async get(username) {
      return (await load()).get(username);
    },
    async list() {
      return [...(await load()).values()].sort((a, b) => a.username.localeCompare(b.username));
    },
    async put(account) {
      const agents = new Map(await load());
      agents.set(account.username, account);
      await save(agents);
    },
    async remove(username) {
      const agents = new Map(await load());
      if (!agents.delete(username)) return false;
      await save(agents);
      return true;
    },
    close: () => Promise.resolve(),
  };
}
