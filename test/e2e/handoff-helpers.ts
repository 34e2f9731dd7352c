/**
 * HTTP helpers for handoff tests: agent login (cookie + CSRF token), agent API calls, and event-stream readers
 * that collect server-sent events and wait for one matching a predicate.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseServerSentEvents } from '../../client/sse.js';
import type { CliContext } from '../../gateway/cli/context.js';
import { runCli } from '../../gateway/cli/program.js';

/** A logged-in agent. */
export interface AgentSession {
  readonly cookie: string;
  readonly csrf: string;
  readonly token: string;
}

/** A parsed server-sent event. */
export interface StreamEvent {
  readonly event: string;
  readonly data: Record<string, unknown>;
}

/** Logs in over the agent API; throws with the error body on failure. */
export async function loginAgent(url: string, username: string, password: string): Promise<AgentSession> {
  const res = await fetch(`${url}/api/v1/agent/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const body = (await res.json()) as { csrfToken?: string; token?: string; error?: { message: string } };
  if (!res.ok) throw new Error(`login failed ${res.status}: ${body.error?.message ?? ''}`);
  const setCookie = res.headers.get('set-cookie') ?? '';
  return { cookie: setCookie.split(';')[0] ?? '', csrf: body.csrfToken ?? '', token: body.token ?? '' };
}

/** Calls the agent API with the session cookie and CSRF header. */
export async function agentCall<T = Record<string, unknown>>(
  url: string,
  session: AgentSession,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${url}/api/v1/agent${path}`, {
    method,
    headers: {
      cookie: session.cookie,
      'x-csrf-token': session.csrf,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as T };
}

/** An open event stream collecting events. */
export interface EventCollector {
  readonly events: StreamEvent[];
  /** Resolves with the first event (already received or coming) that matches; rejects after `timeoutMs`. */
  waitFor(match: (e: StreamEvent) => boolean, timeoutMs?: number): Promise<StreamEvent>;
  close(): void;
}

/** Opens `GET {url}{path}` as an event stream with the given headers. */
export async function openEvents(url: string, path: string, headers: Record<string, string>): Promise<EventCollector> {
  const controller = new AbortController();
  const res = await fetch(`${url}${path}`, {
    headers: { accept: 'text/event-stream', ...headers },
    signal: controller.signal,
  });
  if (!res.ok || res.body === null) throw new Error(`event stream ${path}: HTTP ${res.status} ${await res.text()}`);
  const events: StreamEvent[] = [];
  const waiters = new Set<() => void>();
  void (async () => {
    try {
      for await (const e of parseServerSentEvents(res.body!)) {
        events.push({ event: e.event, data: JSON.parse(e.data) as Record<string, unknown> });
        for (const w of [...waiters]) w();
      }
    } catch {
      // aborted
    }
  })();
  return {
    events,
    waitFor(match, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const found = events.find(match);
          if (found === undefined) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(events.map((e) => e.event))}`),
          );
        }, timeoutMs);
        if (!check()) waiters.add(check);
      });
    },
    close: () => controller.abort(),
  };
}

/** A temporary folder with a config.yaml whose handoff.agentsFile lives in it; returns the paths. */
export function tempConsoleConfig(yaml = ''): { dir: string; configPath: string; agentsFile: string } {
  const dir = mkdtempSync(join(tmpdir(), 'clawbot-handoff-'));
  const agentsFile = join(dir, 'agents.json');
  const configPath = join(dir, 'config.yaml');
  writeFileSync(configPath, `handoff:\n  agentsFile: ${JSON.stringify(agentsFile)}\n${yaml}`);
  return { dir, configPath, agentsFile };
}

/** Runs `clawbot agents add …` in-process (the real CLI) and throws with its output when it fails. */
export async function cliAddAgent(
  configPath: string,
  cwd: string,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<string> {
  const out: string[] = [];
  const ctx: CliContext = {
    env,
    cwd,
    interactive: false,
    print: (text) => out.push(text),
    printError: (text) => out.push(text),
    exitCode: 0,
  };
  const code = await runCli(['node', 'clawbot', 'agents', 'add', ...args, '--config', configPath], ctx);
  if (code !== 0) throw new Error(`clawbot agents add failed (${code}): ${out.join('\n')}`);
  return out.join('\n');
}
