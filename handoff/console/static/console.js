// The agent console: plain JavaScript over the agent REST API and its event stream. Customer text is only ever
// put in the page as text nodes (never as HTML).
import { loadPacket, renderConversation, renderTranscript } from './conversation.js';
import { scheduleDashboard } from './dashboard.js';
import { renderLists, setView } from './lists.js';
import { setLanguage, state, t } from './state.js';
import { $, act, api, isOpen, supervisor, toast } from './util.js';

// ---------------------------------------------------------------- texts

function applyTexts() {
  document.documentElement.lang = state.lang === 'zh' ? 'zh-CN' : 'en';
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  $('lang-toggle').textContent = state.lang === 'zh' ? 'EN' : '中文';
  renderPresence();
  renderLists();
  renderConversation();
}

function renderPresence() {
  const btn = $('presence-toggle');
  btn.textContent = state.online ? `● ${t('online')} · ${t('goAway')}` : `○ ${t('away')} · ${t('goOnline')}`;
  btn.setAttribute('aria-pressed', String(state.online));
}

// ---------------------------------------------------------------- login

async function boot() {
  applyTexts();
  try {
    const me = await api('/me');
    startDesk(me);
  } catch {
    showLogin();
  }
}

function showLogin() {
  $('login-view').hidden = false;
  $('desk-view').hidden = true;
  for (const id of ['me', 'logout', 'presence-toggle']) $(id).hidden = true;
  $('login-username').focus();
}

$('login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('login-error').textContent = '';
  try {
    const res = await api('/login', {
      method: 'POST',
      body: { username: $('login-username').value.trim(), password: $('login-password').value },
    });
    $('login-password').value = '';
    startDesk({ agent: res.agent, csrfToken: res.csrfToken });
  } catch (error) {
    $('login-error').textContent = t('loginFailed', { message: error.message });
  }
});

$('logout').addEventListener(
  'click',
  act(async () => {
    await api('/logout', { method: 'POST' });
    state.source?.close();
    state.me = undefined;
    showLogin();
  }),
);

// ---------------------------------------------------------------- desk

async function startDesk(me) {
  state.me = me.agent;
  state.csrf = me.csrfToken;
  $('login-view').hidden = true;
  $('desk-view').hidden = false;
  $('me').hidden = false;
  $('me').textContent = `${state.me.displayName} (${state.me.role})`;
  $('logout').hidden = false;
  $('presence-toggle').hidden = false;
  $('tab-dashboard').hidden = !supervisor();
  const [canned, agents] = await Promise.all([api('/canned'), api('/agents')]);
  state.canned = canned.replies;
  state.agents = agents.agents;
  state.online = agents.agents.find((a) => a.username === state.me.username)?.online ?? true;
  await reloadTickets();
  connect();
  applyTexts();
  $('main').focus();
}

async function reloadTickets() {
  const res = await api('/tickets?view=open');
  state.tickets = new Map(res.tickets.map((x) => [x.id, x]));
  renderLists();
}

function connect() {
  state.source?.close();
  const source = new EventSource('/api/v1/agent/events');
  state.source = source;
  let dropped = false;
  source.addEventListener('error', () => {
    dropped = true;
    toast(t('connLost'));
  });
  source.addEventListener('open', () => {
    if (dropped) reloadTickets().catch(() => undefined);
    dropped = false;
  });
  source.addEventListener('ticket', (e) => {
    const { change, ticket } = JSON.parse(e.data);
    const before = state.tickets.get(ticket.id);
    if (isOpen(ticket.status)) state.tickets.set(ticket.id, ticket);
    else state.tickets.delete(ticket.id);
    if (change === 'open' && before === undefined) toast(t('newTicket', { who: ticket.conversation.conversation }));
    renderLists();
    if (ticket.id === state.selected) loadPacket(ticket.id).catch(() => undefined);
    if (state.view === 'dashboard') scheduleDashboard();
  });
  source.addEventListener('transcript', (e) => {
    const event = JSON.parse(e.data);
    if (event.ticketId === state.selected && state.packet !== undefined) {
      state.packet.transcript.push(event.entry);
      renderTranscript();
    }
  });
  source.addEventListener('presence', (e) => {
    const p = JSON.parse(e.data);
    const agent = state.agents.find((a) => a.username === p.agentId);
    if (agent !== undefined) agent.online = p.online;
    if (p.agentId === state.me?.username) {
      state.online = p.online;
      renderPresence();
    }
  });
}

$('presence-toggle').addEventListener(
  'click',
  act(async () => {
    const res = await api('/presence', { method: 'POST', body: { online: !state.online } });
    state.online = res.online;
    renderPresence();
  }),
);

$('lang-toggle').addEventListener('click', () => {
  setLanguage(state.lang === 'zh' ? 'en' : 'zh');
  applyTexts();
});

// ---------------------------------------------------------------- keyboard

document.addEventListener('keydown', (event) => {
  if (state.me === undefined) return;
  if (event.altKey && ['1', '2', '3'].includes(event.key)) {
    event.preventDefault();
    setView(['queue', 'mine', 'dashboard'][Number(event.key) - 1]);
    return;
  }
  const typing = ['INPUT', 'TEXTAREA', 'SELECT'].includes(document.activeElement?.tagName ?? '');
  if (typing) return;
  const items = [...document.querySelectorAll('.ticket-item')];
  const at = items.indexOf(document.activeElement);
  if (event.key === 'j' || event.key === 'ArrowDown') {
    event.preventDefault();
    (items[Math.min(items.length - 1, at + 1)] ?? items[0])?.focus();
  } else if (event.key === 'k' || event.key === 'ArrowUp') {
    event.preventDefault();
    (items[Math.max(0, at - 1)] ?? items[0])?.focus();
  } else if (event.key === '/') {
    event.preventDefault();
    $('reply-text').focus();
  }
});

setInterval(() => renderLists(), 15_000);
boot();
