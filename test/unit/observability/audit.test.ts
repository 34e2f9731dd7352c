import assert from 'node:assert/strict';
import type { HandoffTicket } from '../../../core/ports/handoff.js';
import type { Logger } from '../../../core/logger.js';
import { auditOfHandoffEvent, createAuditLog } from '../../../gateway/observability/audit.js';
import { auditedAction, outcomeOfStatus } from '../../../gateway/observability/http-audit.js';
import { createInProcessHandoffEvents } from '../../../handoff/index.js';
import { auditHandoff } from '../../../gateway/observability/audit.js';
import { silentLogger } from '../../../core/logger.js';

/** A logger that keeps every line with its bindings. */
function capture(): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const make = (bindings: Record<string, unknown>): Logger => {
    const write = (obj: object | string, msg?: string) =>
      lines.push({ ...bindings, ...(typeof obj === 'string' ? { msg: obj } : { ...obj, msg }) });
    return { debug: write, info: write, warn: write, error: write, child: (b) => make({ ...bindings, ...b }) };
  };
  return { log: make({}), lines };
}

const ticket = (over: Partial<HandoffTicket> = {}): HandoffTicket => ({
  id: 'T1',
  conversation: { channel: 'rest', tenant: 'default', conversation: 's1' },
  conversationKey: 'rest:default:s1',
  status: 'assigned',
  reason: 'user_request',
  lang: 'zh',
  sources: [],
  history: [],
  agentId: 'alice',
  sla: { openedAt: 0 },
  transfers: 0,
  version: 2,
  createdAt: 0,
  updatedAt: 0,
  ...over,
});

describe('audit log', () => {
  it('writes structured lines with audit: true, the action and the actor', () => {
    const { log, lines } = capture();
    createAuditLog({ log }).record({
      action: 'pairing.approve',
      actor: { kind: 'operator', id: 'cli' },
      target: 'ABCD2345',
    });
    assert.deepEqual(lines[0], {
      audit: true,
      outcome: 'ok',
      action: 'pairing.approve',
      actor: { kind: 'operator', id: 'cli' },
      target: 'ABCD2345',
      msg: 'audit: pairing.approve',
    });
  });

  it('maps agent actions on tickets to audit entries (pure)', () => {
    const cases: [string, string | undefined][] = [
      ['assign', 'handoff.claim'],
      ['transfer', 'handoff.transfer'],
      ['resolve', 'handoff.resolve'],
      ['return_to_bot', 'handoff.return_to_bot'],
      ['release', 'handoff.release'],
      ['customer_message', undefined],
      ['open', undefined],
      ['rate', undefined],
    ];
    for (const [change, action] of cases) {
      assert.equal(auditOfHandoffEvent({ type: 'ticket', change, ticket: ticket() })?.action, action, change);
    }
    const claim = auditOfHandoffEvent({ type: 'ticket', change: 'assign', ticket: ticket() });
    assert.deepEqual(claim?.actor, { kind: 'agent', id: 'alice' });
    assert.equal(claim?.target, 'T1');
    const reply = auditOfHandoffEvent({
      type: 'transcript',
      ticketId: 'T1',
      conversationKey: 'rest:default:s1',
      entry: { role: 'agent', text: 'hello, this is Alice', at: 1, agentId: 'alice' },
    });
    assert.deepEqual(reply, { action: 'handoff.reply', actor: { kind: 'agent', id: 'alice' }, target: 'T1' });
    assert.equal(reply !== undefined && 'text' in reply, false, 'what the agent wrote is not in the audit line');
  });

  it('audits the events this process published, not those relayed from other replicas', async () => {
    const { log, lines } = capture();
    const events = createInProcessHandoffEvents({ log: silentLogger });
    const stop = auditHandoff(events, createAuditLog({ log }));
    await events.publish({ type: 'ticket', change: 'resolve', ticket: ticket({ status: 'resolved' }) });
    stop();
    await events.publish({ type: 'ticket', change: 'resolve', ticket: ticket({ status: 'resolved' }) });
    assert.equal(lines.length, 1);
    assert.equal(lines[0]?.['action'], 'handoff.resolve');
  });

  it('audits agent login and logout calls with their outcome (pure parts)', () => {
    assert.equal(auditedAction('POST', '/api/v1/agent/login'), 'agent.login');
    assert.equal(auditedAction('POST', '/api/v1/agent/logout'), 'agent.logout');
    assert.equal(auditedAction('GET', '/api/v1/agent/login'), undefined);
    assert.equal(auditedAction('POST', '/api/v1/chat'), undefined);
    assert.deepEqual([200, 204, 401, 403, 429, 400, 500].map(outcomeOfStatus), [
      'ok',
      'ok',
      'denied',
      'denied',
      'denied',
      'failed',
      'failed',
    ]);
  });
});
