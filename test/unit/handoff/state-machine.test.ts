import assert from 'node:assert/strict';
import type { HandoffTicket, TicketStatus } from '../../../core/ports/handoff.js';
import {
  openTicket,
  transition,
  type Actor,
  type AgentRef,
  type TicketEvent,
  type TransitionContext,
} from '../../../handoff/state-machine.js';

const T0 = 1_700_000_000_000;
const TIMEOUT = 300_000;
const alice: AgentRef = { id: 'alice', name: 'Alice', role: 'agent' };
const bob: AgentRef = { id: 'bob', name: 'Bob', role: 'agent' };
const sue: AgentRef = { id: 'sue', name: 'Sue', role: 'supervisor' };
const as = (a: AgentRef): Actor => ({ kind: 'agent', ...a });
const ctxAt = (now: number, survey = true): TransitionContext => ({ now, timeoutMs: TIMEOUT, survey });

const base = openTicket(
  {
    id: 't1',
    conversation: { channel: 'rest', tenant: 'default', conversation: 's1' },
    reason: 'low_confidence',
    lang: 'zh',
    confidence: 0.42,
    intent: 'faq:refund',
    sources: ['faq:refund'],
    history: [],
    draft: { text: 'Refunds take 3 days.', confidence: 0.7, sources: ['faq:refund'], createdAt: T0 },
  },
  ctxAt(T0),
).ticket;

/** A ticket in each status, reached through the machine itself. */
function reach(status: TicketStatus | 'timed_out_callback'): HandoffTicket {
  const step = (t: HandoffTicket, e: TicketEvent, now = T0 + 1000): HandoffTicket => {
    const r = transition(t, e, ctxAt(now));
    if (!r.ok) throw new Error(r.message);
    return r.ticket;
  };
  const assigned = step(base, { type: 'assign', agent: alice, actor: as(alice) });
  const human = step(assigned, { type: 'agent_message', actor: as(alice) });
  switch (status) {
    case 'queued':
      return base;
    case 'assigned':
      return assigned;
    case 'human':
      return human;
    case 'resolved':
      return step(human, { type: 'resolve', actor: as(alice) });
    case 'returned_to_bot':
      return step(human, { type: 'return_to_bot', actor: as(alice) });
    case 'timed_out':
      return step(base, { type: 'timeout', fallback: 'resume_bot' }, T0 + TIMEOUT);
    case 'timed_out_callback':
      return step(base, { type: 'timeout', fallback: 'callback' }, T0 + TIMEOUT);
  }
}

const EVENTS: Record<string, TicketEvent> = {
  'claim by alice': { type: 'assign', agent: alice, actor: as(alice) },
  'claim by bob': { type: 'assign', agent: bob, actor: as(bob) },
  'alice assigns bob': { type: 'assign', agent: bob, actor: as(alice) },
  'round robin gives bob': { type: 'assign', agent: bob, actor: { kind: 'system' } },
  'alice replies': { type: 'agent_message', actor: as(alice) },
  'bob replies': { type: 'agent_message', actor: as(bob) },
  'customer writes': { type: 'customer_message' },
  'alice transfers to bob': { type: 'transfer', actor: as(alice), to: { agent: bob } },
  'bob transfers to sue': { type: 'transfer', actor: as(bob), to: { agent: sue } },
  'alice transfers to group vip': { type: 'transfer', actor: as(alice), to: { group: 'vip' } },
  'alice releases': { type: 'release', actor: as(alice) },
  'alice resolves': { type: 'resolve', actor: as(alice) },
  'bob resolves': { type: 'resolve', actor: as(bob) },
  'sue resolves': { type: 'resolve', actor: as(sue) },
  'alice returns to bot': { type: 'return_to_bot', actor: as(alice) },
  'customer ends (/end)': { type: 'return_to_bot', actor: { kind: 'customer' } },
  'timeout (due)': { type: 'timeout', fallback: 'resume_bot' },
  'bob approves draft': { type: 'approve_draft', actor: as(bob), text: 'Refunds take 3 days.' },
  'rate 4': { type: 'rate', score: 4 },
  'callback message': { type: 'callback_message', text: 'call me at 123' },
};

// Expected: "status [notice kinds]" or the error code.
const E = {
  inv: 'handoff.invalid_transition',
  taken: 'handoff.already_claimed',
  no: 'auth.forbidden',
} as const;
const TABLE: Record<string, Record<string, string>> = {
  queued: {
    'claim by alice': 'assigned [agent_joined]',
    'claim by bob': 'assigned [agent_joined]',
    'alice assigns bob': E.no,
    'round robin gives bob': 'assigned [agent_joined]',
    'alice replies': E.inv,
    'bob replies': E.inv,
    'customer writes': 'queued [] unchanged',
    'alice transfers to bob': E.inv,
    'bob transfers to sue': E.inv,
    'alice transfers to group vip': E.inv,
    'alice releases': E.inv,
    'alice resolves': E.no,
    'bob resolves': E.no,
    'sue resolves': 'resolved [resolved,survey]',
    'alice returns to bot': E.no,
    'customer ends (/end)': 'returned_to_bot [customer_ended]',
    'timeout (due)': 'timed_out [timed_out]',
    'bob approves draft': 'returned_to_bot [answer]',
    'rate 4': E.inv,
    'callback message': E.inv,
  },
  assigned: {
    'claim by alice': E.inv,
    'claim by bob': E.taken,
    'alice assigns bob': E.taken,
    'round robin gives bob': E.taken,
    'alice replies': 'human []',
    'bob replies': E.no,
    'customer writes': 'assigned [] unchanged',
    'alice transfers to bob': 'assigned [transferred]',
    'bob transfers to sue': E.no,
    'alice transfers to group vip': 'queued [queued]',
    'alice releases': 'queued [queued]',
    'alice resolves': 'resolved [resolved,survey]',
    'bob resolves': E.no,
    'sue resolves': 'resolved [resolved,survey]',
    'alice returns to bot': 'returned_to_bot [returned_to_bot]',
    'customer ends (/end)': 'returned_to_bot [customer_ended]',
    'timeout (due)': 'timed_out [timed_out]',
    'bob approves draft': E.no,
    'rate 4': E.inv,
    'callback message': E.inv,
  },
  human: {
    'claim by alice': E.inv,
    'claim by bob': E.taken,
    'alice assigns bob': E.taken,
    'round robin gives bob': E.taken,
    'alice replies': 'human []',
    'bob replies': E.no,
    'customer writes': 'human []',
    'alice transfers to bob': 'assigned [transferred]',
    'bob transfers to sue': E.no,
    'alice transfers to group vip': 'queued [queued]',
    'alice releases': 'queued [queued]',
    'alice resolves': 'resolved [resolved,survey]',
    'bob resolves': E.no,
    'sue resolves': 'resolved [resolved,survey]',
    'alice returns to bot': 'returned_to_bot [returned_to_bot]',
    'customer ends (/end)': 'returned_to_bot [customer_ended]',
    'timeout (due)': E.inv,
    'bob approves draft': E.inv,
    'rate 4': E.inv,
    'callback message': E.inv,
  },
  resolved: { 'rate 4': 'resolved [rated]' },
  returned_to_bot: {},
  timed_out: {},
  timed_out_callback: { 'callback message': 'timed_out [callback_received]' },
};

function describe_(r: ReturnType<typeof transition>): string {
  if (!r.ok) return r.code;
  return `${r.ticket.status} [${r.notices.map((n) => n.kind).join(',')}]${r.changed ? '' : ' unchanged'}`;
}

describe('handoff state machine', () => {
  describe('every status x every event (table)', () => {
    for (const [status, expectations] of Object.entries(TABLE)) {
      for (const [name, event] of Object.entries(EVENTS)) {
        // Closed tickets accept only their follow-ups; everything else is an invalid transition.
        const expected = expectations[name] ?? E.inv;
        it(`${status} + ${name} -> ${expected}`, () => {
          const ticket = reach(status as TicketStatus);
          const now = ticket.deadlineAt ?? ticket.updatedAt + 1;
          const result = transition(ticket, event, ctxAt(Math.max(now, ticket.updatedAt + 1)));
          assert.equal(describe_(result), expected);
          if (result.ok && result.changed) {
            assert.equal(result.ticket.version, ticket.version + 1, 'every change bumps the version');
            assert.equal(result.ticket.id, ticket.id);
          }
          if (!result.ok) assert.ok(result.message.length > 0, 'errors say why');
        });
      }
    }
  });

  it('opens queued with every SLA clock started, a deadline and the queued notice', () => {
    const { ticket, notices } = openTicket(
      {
        id: 'x',
        conversation: { channel: 'rest', tenant: 'default', conversation: 'c' },
        reason: 'user_request',
        lang: 'en',
        history: [],
      },
      ctxAt(T0),
    );
    assert.equal(ticket.status, 'queued');
    assert.equal(ticket.conversationKey, 'rest:default:c');
    assert.deepEqual(ticket.sla, { openedAt: T0, waitingSince: T0 });
    assert.equal(ticket.deadlineAt, T0 + TIMEOUT);
    assert.deepEqual(notices, [{ kind: 'queued' }]);
    assert.equal(ticket.version, 1);
  });

  it('keeps the SLA clocks through notices, transfers and requeues; sets first response once', () => {
    const t0 = reach('queued');
    const step = (t: HandoffTicket, e: TicketEvent, now: number): HandoffTicket => {
      const r = transition(t, e, ctxAt(now));
      assert.ok(r.ok, r.ok ? '' : r.message);
      return r.ticket;
    };
    const assigned = step(t0, EVENTS['claim by alice']!, T0 + 60_000);
    assert.equal(assigned.sla.waitingSince, T0, 'the join notice does not reset waiting_since');
    assert.equal(assigned.sla.assignedAt, T0 + 60_000);
    const human = step(assigned, EVENTS['alice replies']!, T0 + 90_000);
    assert.equal(human.sla.firstResponseAt, T0 + 90_000);
    assert.equal(human.sla.waitingSince, undefined, 'answered: nobody is waiting');
    assert.equal(human.deadlineAt, undefined, 'an answered ticket does not time out');
    const waiting = step(human, EVENTS['customer writes']!, T0 + 100_000);
    assert.equal(waiting.sla.waitingSince, T0 + 100_000);
    const again = step(waiting, EVENTS['customer writes']!, T0 + 110_000);
    assert.equal(again.sla.waitingSince, T0 + 100_000, 'the oldest unanswered message counts');
    const requeued = step(again, EVENTS['alice transfers to group vip']!, T0 + 120_000);
    assert.equal(requeued.group, 'vip');
    assert.equal(requeued.agentId, undefined);
    assert.equal(requeued.transfers, 1);
    assert.equal(requeued.sla.openedAt, T0);
    assert.equal(requeued.sla.assignedAt, T0 + 60_000);
    assert.equal(requeued.sla.firstResponseAt, T0 + 90_000);
    assert.equal(requeued.deadlineAt, T0 + 120_000 + TIMEOUT);
    const bobs = step(requeued, EVENTS['claim by bob']!, T0 + 130_000);
    const bobHuman = step(bobs, EVENTS['bob replies']!, T0 + 140_000);
    assert.equal(bobHuman.sla.firstResponseAt, T0 + 90_000, 'first response is set once');
    const resolved = step(bobHuman, { type: 'resolve', actor: as(bob) }, T0 + 150_000);
    assert.equal(resolved.sla.closedAt, T0 + 150_000);
    assert.equal(resolved.closedBy, 'agent');
    assert.equal(resolved.agentId, 'bob', 'the resolving agent stays on record');
  });

  it('times out only when due, and records the fallback', () => {
    const t = reach('queued');
    assert.equal(describe_(transition(t, EVENTS['timeout (due)']!, ctxAt(T0 + TIMEOUT - 1))), E.inv);
    const r = transition(t, { type: 'timeout', fallback: 'callback' }, ctxAt(T0 + TIMEOUT));
    assert.ok(r.ok);
    assert.equal(r.ticket.fallback, 'callback');
    assert.equal(r.ticket.closedBy, 'timeout');
    assert.deepEqual(r.notices, [{ kind: 'timed_out', fallback: 'callback' }]);
  });

  it('gives a claiming agent a fresh deadline to answer', () => {
    const r = transition(reach('queued'), EVENTS['claim by alice']!, ctxAt(T0 + 200_000));
    assert.ok(r.ok);
    assert.equal(r.ticket.deadlineAt, T0 + 200_000 + TIMEOUT);
  });

  it('names the agent in the join and transfer notices', () => {
    const joined = transition(reach('queued'), EVENTS['claim by bob']!, ctxAt(T0 + 1));
    assert.ok(joined.ok);
    assert.deepEqual(joined.notices, [{ kind: 'agent_joined', agentName: 'Bob' }]);
    const moved = transition(reach('human'), EVENTS['alice transfers to bob']!, ctxAt(T0 + 2000));
    assert.ok(moved.ok);
    assert.deepEqual(moved.notices, [{ kind: 'transferred', agentName: 'Bob' }]);
  });

  it('omits the survey when it is turned off', () => {
    const r = transition(reach('human'), EVENTS['alice resolves']!, {
      now: T0 + 5000,
      timeoutMs: TIMEOUT,
      survey: false,
    });
    assert.ok(r.ok);
    assert.deepEqual(
      r.notices.map((n) => n.kind),
      ['resolved'],
    );
  });

  it('sends the approved (edited) draft as the agent and closes back to the bot', () => {
    const r = transition(
      reach('queued'),
      { type: 'approve_draft', actor: as(bob), text: '  Refunds take 5 days. ' },
      ctxAt(T0 + 10),
    );
    assert.ok(r.ok);
    assert.deepEqual(r.notices, [{ kind: 'answer', text: 'Refunds take 5 days.', agentName: 'Bob' }]);
    assert.equal(r.ticket.agentId, 'bob');
    assert.equal(r.ticket.sla.firstResponseAt, T0 + 10);
    const empty = transition(reach('queued'), { type: 'approve_draft', actor: as(bob), text: '  ' }, ctxAt(T0 + 10));
    assert.equal(describe_(empty), E.inv);
  });

  it('accepts only whole scores 1-5, once', () => {
    for (const score of [0, 6, 2.5]) {
      assert.equal(describe_(transition(reach('resolved'), { type: 'rate', score }, ctxAt(T0 + 9000))), E.inv);
    }
    const rated = transition(reach('resolved'), { type: 'rate', score: 5 }, ctxAt(T0 + 9000));
    assert.ok(rated.ok);
    assert.equal(rated.ticket.satisfaction, 5);
    assert.equal(describe_(transition(rated.ticket, { type: 'rate', score: 3 }, ctxAt(T0 + 9001))), E.inv);
  });

  it('lets a supervisor act on tickets assigned to others', () => {
    const r = transition(reach('human'), { type: 'return_to_bot', actor: as(sue) }, ctxAt(T0 + 5000));
    assert.ok(r.ok);
    assert.equal(r.ticket.closedBy, 'supervisor');
    const assign = transition(reach('queued'), { type: 'assign', agent: bob, actor: as(sue) }, ctxAt(T0 + 1));
    assert.ok(assign.ok);
    assert.equal(assign.ticket.agentId, 'bob');
  });
});
