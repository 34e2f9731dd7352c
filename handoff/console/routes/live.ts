/**
 * Live streams. `GET /api/v1/agent/events`: every ticket change, transcript line and presence change, from every
 * replica (Redis pub/sub), for consoles; keeps the agent's presence fresh while connected.
 * `GET /api/v1/sessions/:id/events`: what a REST customer receives outside a request (agent replies, handoff
 * notices, status changes), from any replica.
 */
import type { Request, Response, Router } from 'express';
import { Router as createRouter } from 'express';
import { textOf, type OutboundMessage } from '../../../core/envelope.js';
import { BotError, describeError } from '../../../core/errors.js';
import type { Logger } from '../../../core/logger.js';
import type { HandoffEvent, HandoffEvents, HandoffQueue } from '../../../core/ports/handoff.js';
import type { AgentDesk } from '../../desk.js';
import { callerOf } from '../auth.js';
import { openSse, type SseRegistry } from '../sse.js';
import { ticketSummary } from './agent-api.js';

/** What a console receives for one event. */
function consolePayload(event: HandoffEvent): { name: string; data: unknown } | undefined {
  switch (event.type) {
    case 'ticket':
      return { name: 'ticket', data: { change: event.change, ticket: ticketSummary(event.ticket) } };
    case 'transcript':
      return { name: 'transcript', data: event };
    case 'presence':
      return { name: 'presence', data: event.presence };
    case 'delivery':
      return undefined;
  }
}

/** Adds `GET /api/v1/agent/events` to the (authenticated) agent router. */
export function addAgentEventsRoute(
  router: Router,
  deps: { events: HandoffEvents; desk: AgentDesk; log: Logger; heartbeatMs: number; streams: SseRegistry },
): void {
  router.get('/api/v1/agent/events', async (req: Request, res: Response) => {
    const { account } = callerOf(res);
    const stream = openSse(req, res, deps.streams);
    stream.send('hello', { agent: account.username });
    const unsubscribe = deps.events.subscribe((event) => {
      const payload = consolePayload(event);
      if (payload !== undefined) stream.send(payload.name, payload.data);
    });
    const beat = (): void => {
      deps.desk
        .heartbeat(account.username)
        .catch((error: unknown) => deps.log.warn({ err: describeError(error) }, 'console heartbeat failed'));
    };
    beat();
    const timer = setInterval(beat, deps.heartbeatMs);
    timer.unref();
    stream.onClose(() => {
      clearInterval(timer);
      unsubscribe();
    });
    await Promise.resolve();
  });
}

export interface SessionEventsDeps {
  readonly events: HandoffEvents;
  readonly queue: HandoffQueue;
  /** Local deliveries to a REST conversation (the REST channel's subscribe). */
  readonly subscribeLocal: (conversationKey: string, listener: (message: OutboundMessage) => void) => () => void;
  readonly authenticate: (authorization: string | undefined, ip: string | undefined) => Promise<unknown>;
  readonly sessionKeyOf: (id: string) => string;
  readonly isValidSessionId: (id: string) => boolean;
  readonly clock: { now(): number };
  readonly streams: SseRegistry;
}

/** `GET /api/v1/sessions/:id/events` (needs the `chat` scope, like the rest of the sessions API). */
export function sessionEventsRoutes(deps: SessionEventsDeps): Router {
  const router = createRouter();
  router.get('/api/v1/sessions/:id/events', async (req, res) => {
    await deps.authenticate(req.headers.authorization, req.ip);
    const id = req.params.id;
    if (!deps.isValidSessionId(id)) throw new BotError('request.invalid', 'invalid session id');
    const key = deps.sessionKeyOf(id);
    const ticket = await deps.queue.active(key);
    const stream = openSse(req, res, deps.streams);
    stream.send('handoff', ticket === undefined ? { status: 'bot' } : statusOf(ticket));
    const offLocal = deps.subscribeLocal(key, (message) => {
      stream.send('message', {
        author: message.author.kind,
        text: textOf(message.parts),
        at: new Date(deps.clock.now()).toISOString(),
        ...(message.author.kind === 'agent'
          ? { agent_id: message.author.agentId, agent_name: message.author.displayName ?? message.author.agentId }
          : {}),
      });
    });
    const offRemote = deps.events.subscribe((event, local) => {
      if (event.type === 'ticket' && event.ticket.conversationKey === key) {
        stream.send('handoff', statusOf(event.ticket));
      } else if (event.type === 'delivery' && !local && event.conversationKey === key) {
        const e = event.entry;
        stream.send('message', {
          author: e.role,
          text: e.text,
          at: new Date(e.at).toISOString(),
          ...(e.agentId === undefined ? {} : { agent_id: e.agentId, agent_name: e.agentName ?? e.agentId }),
        });
      }
    });
    stream.onClose(() => {
      offLocal();
      offRemote();
    });
  });
  return router;
}

function statusOf(ticket: { id: string; status: string; agentName?: string }): {
  status: string;
  ticket_id: string;
  agent_name?: string;
} {
  const open = ticket.status === 'queued' || ticket.status === 'assigned' || ticket.status === 'human';
  return {
    status: open ? ticket.status : 'bot',
    ticket_id: ticket.id,
    ...(ticket.agentName === undefined ? {} : { agent_name: ticket.agentName }),
  };
}
