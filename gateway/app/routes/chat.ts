import { randomUUID } from 'node:crypto';
import { Router, type Request } from 'express';
import { z } from 'zod';
import type { Clock } from '../../../core/clock.js';
import type { Dispatch } from '../../../core/dispatcher.js';
import { textOf, type InboundMessage } from '../../../core/envelope.js';
import { BotError } from '../../../core/errors.js';
import type { ConversationMemory } from '../../../core/ports/memory.js';
import { isValidSessionId, sessionKeyOf } from '../rest-session-id.js';

/** Checks the bearer token for a scope; throws `auth.*` BotErrors. */
export type Authenticate = (
  authorization: string | undefined,
  scope: 'chat' | 'agent' | 'admin',
  ip: string | undefined,
) => Promise<unknown>;

const ChatBody = z.object({
  query: z.string().trim().min(1, 'must not be empty').max(4000, 'must be at most 4000 characters'),
  session_id: z.string().refine(isValidSessionId, 'must be 1-200 characters of letters, digits, . _ - : @').optional(),
  user_id: z.string().min(1).max(200).optional(),
});

function parseBody(req: Request): z.infer<typeof ChatBody> {
  if (req.body === undefined || req.body === null || typeof req.body !== 'object' || Array.isArray(req.body)) {
    throw new BotError(
      'request.invalid',
      'send a JSON object body with Content-Type: application/json, e.g. {"query":"hi"}',
    );
  }
  const parsed = ChatBody.safeParse(req.body);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
    throw new BotError('request.invalid', problems);
  }
  return parsed.data;
}

/** The REST channel's HTTP surface: `POST /api/v1/chat` and `GET /api/v1/sessions/:id`. */
export function chatRoutes(deps: {
  dispatch: Dispatch;
  memory: ConversationMemory;
  authenticate: Authenticate;
  clock: Clock;
  tenant: string;
  /** Flow control before the turn runs (rate limits); throws `rate_limited`. */
  admit?: (input: {
    principal: unknown;
    userId: string | undefined;
    sessionId: string;
    tenant: string;
    text: string;
  }) => Promise<void>;
}): Router {
  const router = Router();

  router.post('/api/v1/chat', async (req, res) => {
    const principal = await deps.authenticate(req.headers.authorization, 'chat', req.ip);
    const body = parseBody(req);
    const sessionId = body.session_id ?? randomUUID();
    await deps.admit?.({ principal, userId: body.user_id, sessionId, tenant: deps.tenant, text: body.query });
    const key = sessionKeyOf(sessionId, deps.tenant);
    const [channel = 'rest', tenant = deps.tenant, ...rest] = key.split(':');
    if (channel !== 'rest')
      throw new BotError('request.invalid', 'session_id addresses another channel; use a plain id for REST sessions');
    const text = body.query;
    const message: InboundMessage = {
      kind: 'message',
      id: randomUUID(),
      receivedAt: deps.clock.now(),
      conversation: { channel: 'rest', tenant, conversation: rest.join(':') },
      sender: { id: body.user_id ?? `session:${sessionId}` },
      parts: [{ type: 'text', text }],
      text,
      mentionsBot: true,
      raw: body,
    };
    const outcome = await deps.dispatch(message);
    const u = outcome.understanding;
    res.json({
      reply: outcome.replies.map((r) => textOf(r.parts)).join('\n'),
      confidence: u?.confidence ?? 0,
      handoff: u?.handoff ?? false,
      intent: u?.intent ?? null,
      session_id: sessionId,
      sources: u?.sources ?? [],
      message_id: message.id,
    });
  });

  router.get('/api/v1/sessions/:id', async (req, res) => {
    await deps.authenticate(req.headers.authorization, 'chat', req.ip);
    const id = req.params.id;
    if (!isValidSessionId(id)) throw new BotError('request.invalid', 'invalid session id');
    const turns = await deps.memory.recent(sessionKeyOf(id, deps.tenant));
    if (turns.length === 0)
      throw new BotError('not_found', `no session ${id} (unknown, or idle longer than memory.ttl)`);
    res.json({
      session_id: id,
      turns: turns.map((t) => ({
        user: t.user,
        replies: t.replies.map((r) => ({
          author: r.author,
          text: r.text,
          at: new Date(r.at).toISOString(),
          ...(r.agentId === undefined ? {} : { agent_id: r.agentId }),
        })),
        at: new Date(t.at).toISOString(),
      })),
    });
  });

  return router;
}
