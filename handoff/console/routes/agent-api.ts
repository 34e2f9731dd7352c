/**
 * The agent REST API (`/api/v1/agent/*`, documented in docs/agent-api.openapi.json): the console uses it, and so
 * can any other front end. Login sets the session cookie and also returns the token for `Authorization: Bearer`.
 */
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Clock } from '../../../core/clock.js';
import { BotError } from '../../../core/errors.js';
import type { HandoffTicket } from '../../../core/ports/handoff.js';
import type { KeyValue } from '../../../core/ports/kv.js';
import { publicAgent, type AgentDirectory } from '../../agents/types.js';
import { decoyHash, verifyPassword } from '../../agents/password.js';
import type { AgentDesk, DeskView } from '../../desk.js';
import { authenticateCaller, callerOf, revokedKey } from '../auth.js';
import type { LoginLimiter } from '../login-limiter.js';
import { sessionCookie, type ConsoleSessions } from '../session.js';

/** A canned reply offered in the reply box. */
export interface CannedReply {
  readonly title: string;
  readonly text: { readonly zh?: string | undefined; readonly en?: string | undefined };
}

export interface AgentApiDeps {
  readonly desk: AgentDesk;
  readonly agents: AgentDirectory;
  readonly sessions: ConsoleSessions;
  readonly kv: KeyValue;
  readonly limiter: LoginLimiter;
  readonly clock: Clock;
  readonly cannedReplies: readonly CannedReply[];
}

const Login = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(1024) });
const Reply = z.object({ text: z.string().min(1).max(4000) });
const Approve = z.object({ text: z.string().max(4000).optional() });
const Transfer = z.union([z.object({ agent: z.string().min(1) }), z.object({ group: z.string().min(1).max(64) })]);
const Presence = z.object({ online: z.boolean() });
const VIEWS: readonly DeskView[] = ['queue', 'mine', 'open', 'closed'];

function body<T>(schema: z.ZodType<T>, req: Request): T {
  const parsed = schema.safeParse(req.body ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
    throw new BotError('request.invalid', problems);
  }
  return parsed.data;
}

/** A ticket without its history (lists stay small; the packet has it). */
export function ticketSummary(t: HandoffTicket): Omit<HandoffTicket, 'history'> {
  const { history: _h, ...rest } = t;
  return rest;
}

const param = (req: Request, name: string): string => {
  const value = req.params[name];
  if (typeof value !== 'string' || value === '') throw new BotError('request.invalid', `missing ${name}`);
  return value;
};

/** Builds the router. */
export function agentApiRoutes(deps: AgentApiDeps): Router {
  const router = Router();
  let decoy: Promise<string> | undefined;

  router.post('/api/v1/agent/login', async (req, res) => {
    const { username, password } = body(Login, req);
    const keys = [`u:${username.toLowerCase()}`, `ip:${req.ip ?? '?'}`];
    if (!deps.limiter.allowed(keys)) {
      throw new BotError('rate_limited', 'too many failed logins; wait 15 minutes or ask an admin');
    }
    const account = await deps.agents.get(username);
    decoy ??= decoyHash();
    const ok = await verifyPassword(password, account?.passwordHash ?? (await decoy));
    if (account === undefined || !ok) {
      deps.limiter.fail(keys);
      throw new BotError('auth.invalid', 'wrong username or password');
    }
    deps.limiter.succeed(keys);
    const { token, claims } = await deps.sessions.issue(account.username, account.role);
    res.setHeader('set-cookie', sessionCookie(token, deps.sessions.ttlSeconds, req.secure));
    res.json({
      agent: publicAgent(account),
      csrfToken: claims.csrf,
      token,
      expiresAt: new Date(claims.exp * 1000).toISOString(),
    });
  });

  router.use('/api/v1/agent', async (req, res, next) => {
    res.locals['caller'] = await authenticateCaller(req, deps);
    next();
  });

  router.post('/api/v1/agent/logout', async (req, res) => {
    const { claims, account } = callerOf(res);
    await deps.desk.signOff(account.username);
    const left = claims.exp * 1000 - deps.clock.now();
    if (left > 0) await deps.kv.set(revokedKey(claims.jti), '1', left);
    res.setHeader('set-cookie', sessionCookie('', 0, req.secure));
    res.json({ ok: true });
  });

  router.get('/api/v1/agent/me', (_req, res) => {
    const { account, claims } = callerOf(res);
    res.json({ agent: publicAgent(account), csrfToken: claims.csrf });
  });

  router.get('/api/v1/agent/tickets', async (req, res) => {
    const view = (typeof req.query['view'] === 'string' ? req.query['view'] : 'open') as DeskView;
    if (!VIEWS.includes(view)) throw new BotError('request.invalid', `view must be one of ${VIEWS.join(', ')}`);
    const tickets = await deps.desk.list(callerOf(res).account.username, view);
    res.json({ tickets: tickets.map(ticketSummary) });
  });

  router.get('/api/v1/agent/tickets/:id', async (req, res) => {
    res.json(await deps.desk.packet(callerOf(res).account.username, param(req, 'id')));
  });

  const action = (path: string, run: (username: string, id: string, req: Request) => Promise<HandoffTicket>): void => {
    router.post(`/api/v1/agent/tickets/:id/${path}`, async (req: Request, res: Response) => {
      const ticket = await run(callerOf(res).account.username, param(req, 'id'), req);
      res.json({ ticket: ticketSummary(ticket) });
    });
  };
  action('claim', (u, id) => deps.desk.claim(u, id));
  action('reply', (u, id, req) => deps.desk.reply(u, id, body(Reply, req).text));
  action('approve', (u, id, req) => deps.desk.approveDraft(u, id, body(Approve, req).text));
  action('resolve', (u, id) => deps.desk.resolve(u, id));
  action('return', (u, id) => deps.desk.returnToBot(u, id));
  action('release', (u, id) => deps.desk.release(u, id));
  action('transfer', (u, id, req) => deps.desk.transfer(u, id, body(Transfer, req)));

  router.post('/api/v1/agent/presence', async (req, res) => {
    const { online } = body(Presence, req);
    await deps.desk.setPresence(callerOf(res).account.username, online);
    res.json({ online });
  });

  router.get('/api/v1/agent/agents', async (_req, res) => {
    res.json({ agents: await deps.desk.agents() });
  });

  router.get('/api/v1/agent/canned', (_req, res) => {
    res.json({ replies: deps.cannedReplies });
  });

  router.get('/api/v1/agent/dashboard', async (req, res) => {
    const seconds = Number(req.query['window'] ?? 86_400);
    if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 90 * 86_400) {
      throw new BotError('request.invalid', 'window is a number of seconds up to 90 days');
    }
    res.json(await deps.desk.dashboard(callerOf(res).account.username, seconds * 1000));
  });

  return router;
}
