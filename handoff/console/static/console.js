// The agent console: plain JavaScript over the agent REST API and its event stream. Customer text is only ever
// put in the page as text nodes (never as HTML).
import { translator } from './i18n.js';

const $ = (id) => document.getElementById(id);
const state = {
  lang:
    localStorage.getItem('clawbot.console.lang') ?? (navigator.language.toLowerCase().startsWith('zh') ? 'zh' : 'en'),
  me: undefined,
  csrf: '',
  view: 'queue',
  tickets: new Map(),
  selected: undefined,
  packet: undefined,
  canned: [],
  agents: [],
  online: true,
  source: undefined,
  dashTimer: undefined,
};
let t = translator(state.lang);

/** Creates an element; strings become text nodes. */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== undefined && c !== null) node.append(c instanceof Node ? c : String(c));
  return node;
}

async function api(path, { method = 'GET', body } = {}) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') headers['x-csrf-token'] = state.csrf;
  const res = await fetch(`/api/v1/agent${path}`, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) {
    const error = new Error(data?.error?.message ?? `HTTP ${res.status}`);
    error.status = res.status;
    error.code = data?.error?.code;
    throw error;
  }
  return data;
}

function toast(text) {
  const box = $('toast');
  box.textContent = text;
  box.classList.add('show');
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => box.classList.remove('show'), 4000);
}

const act =
  (fn) =>
  async (...args) => {
    try {
      await fn(...args);
    } catch (error) {
      toast(error.message);
    }
  };

function duration(ms) {
  if (ms === undefined || ms === null) return '—';
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? t('seconds', { n: s }) : t('minutes', { n: Math.round(s / 60) });
}

const time = (at) =>
  new Date(at).toLocaleTimeString(state.lang === 'zh' ? 'zh-CN' : 'en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
const isOpen = (s) => s === 'queued' || s === 'assigned' || s === 'human';
const supervisor = () => state.me?.role === 'supervisor' || state.me?.role === 'admin';

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
  state.lang = state.lang === 'zh' ? 'en' : 'zh';
  localStorage.setItem('clawbot.console.lang', state.lang);
  t = translator(state.lang);
  applyTexts();
});

// ---------------------------------------------------------------- lists

function visibleTickets() {
  const all = [...state.tickets.values()].sort((a, b) => a.createdAt - b.createdAt);
  if (state.view === 'mine') return all.filter((x) => x.agentId === state.me?.username);
  return all.filter((x) => x.status === 'queued');
}

function renderLists() {
  if (state.me === undefined) return;
  const all = [...state.tickets.values()];
  $('count-queue').textContent = String(all.filter((x) => x.status === 'queued').length);
  $('count-mine').textContent = String(all.filter((x) => x.agentId === state.me.username).length);
  const list = $('ticket-list');
  const focused = document.activeElement?.classList?.contains('ticket-item')
    ? document.activeElement.dataset.id
    : undefined;
  list.replaceChildren();
  const tickets = visibleTickets();
  $('list-empty').hidden = tickets.length > 0;
  const now = Date.now();
  for (const x of tickets) {
    const waiting = x.sla.waitingSince === undefined ? undefined : now - x.sla.waitingSince;
    list.append(
      el(
        'li',
        {},
        el(
          'button',
          {
            type: 'button',
            class: `ticket-item${x.id === state.selected ? ' selected' : ''}`,
            dataset: { id: x.id },
            'aria-current': x.id === state.selected ? 'true' : undefined,
            onclick: () => select(x.id),
          },
          el('span', { class: 'who' }, x.conversation.conversation),
          el('span', { class: `badge ${x.status}` }, t(`statuses.${x.status}`)),
          el(
            'span',
            { class: 'meta' },
            `${x.conversation.channel} · ${x.lang} · ${t(`reasons.${x.reason}`)}${x.draft ? ' · ✎' : ''}`,
          ),
          el(
            'span',
            { class: 'meta' },
            waiting === undefined ? (x.agentName ?? '') : `${t('waiting')} ${duration(waiting)}`,
          ),
        ),
      ),
    );
  }
  if (focused !== undefined) list.querySelector(`[data-id="${CSS.escape(focused)}"]`)?.focus();
}

function setView(view) {
  if (view === 'dashboard' && !supervisor()) return;
  state.view = view;
  for (const tab of document.querySelectorAll('[role=tab]'))
    tab.setAttribute('aria-selected', String(tab.dataset.view === view));
  $('work-area').hidden = view === 'dashboard';
  $('dashboard-view').hidden = view !== 'dashboard';
  if (view === 'dashboard') loadDashboard().catch((e) => toast(e.message));
  renderLists();
}

for (const tab of document.querySelectorAll('[role=tab]'))
  tab.addEventListener('click', () => setView(tab.dataset.view));

// ---------------------------------------------------------------- conversation

async function select(id) {
  state.selected = id;
  renderLists();
  await loadPacket(id).catch((e) => toast(e.message));
}

async function loadPacket(id) {
  const packet = await api(`/tickets/${encodeURIComponent(id)}`);
  if (state.selected !== id) return;
  state.packet = packet;
  renderConversation();
}

function renderTranscript() {
  const list = $('transcript');
  list.replaceChildren();
  for (const e of state.packet?.transcript ?? []) {
    const who = e.role === 'agent' ? (e.agentName ?? e.agentId ?? t('agent')) : t(e.role);
    list.append(
      el(
        'li',
        { class: `line ${e.role}` },
        el('span', { class: 'who' }, `${who} · ${time(e.at)}`),
        el('p', {}, e.text),
      ),
    );
  }
  list.lastElementChild?.scrollIntoView({ block: 'nearest' });
}

function windowText(w) {
  if (w === undefined) return t('noWindow');
  if (!w.open) return t('windowClosed', { detail: w.detail ?? '' });
  const expires =
    w.expiresAt === undefined ? '—' : new Date(w.expiresAt).toLocaleString(state.lang === 'zh' ? 'zh-CN' : 'en-GB');
  return w.remaining === undefined
    ? t('windowOpenNoCount', { expires })
    : t('windowOpen', { remaining: w.remaining, expires });
}

function renderConversation() {
  const p = state.packet;
  $('conv-placeholder').hidden = p !== undefined;
  $('conv-body').hidden = p === undefined;
  if (p === undefined) return;
  const x = p.ticket;
  const mine = x.agentId === state.me?.username;
  const canAct = mine || supervisor();
  $('conv-title').textContent = `${x.conversation.conversation}`;
  $('conv-meta').textContent =
    `${x.conversation.channel} · ${t(`statuses.${x.status}`)}${x.agentName ? ` · ${x.agentName}` : ''}`;
  $('claim-btn').hidden = x.status !== 'queued';
  $('resolve-btn').hidden =
    !(isOpen(x.status) && x.status !== 'queued' && canAct) && !(x.status === 'queued' && supervisor());
  $('return-btn').hidden = !(isOpen(x.status) && (x.status === 'queued' ? supervisor() : canAct));
  $('release-btn').hidden = !((x.status === 'assigned' || x.status === 'human') && canAct);
  const transferable = (x.status === 'assigned' || x.status === 'human') && canAct;
  $('transfer-btn').hidden = !transferable;
  $('transfer-target').parentElement.hidden = !transferable;
  const targets = $('transfer-target');
  targets.replaceChildren(el('option', { value: '' }, t('pickTransfer')));
  for (const a of state.agents.filter((a) => a.username !== x.agentId)) {
    targets.append(el('option', { value: `agent:${a.username}` }, `${a.displayName}${a.online ? ' ●' : ''}`));
  }
  for (const g of new Set(state.agents.flatMap((a) => a.groups)))
    targets.append(el('option', { value: `group:${g}` }, t('group', { name: g })));
  $('reply-form').hidden = !(mine && (x.status === 'assigned' || x.status === 'human'));
  $('draft-box').hidden = x.draft === undefined || !(x.status === 'queued' || (x.status === 'assigned' && canAct));
  if (x.draft !== undefined && document.activeElement !== $('draft-text')) $('draft-text').value = x.draft.text;
  const canned = $('canned');
  canned.replaceChildren(el('option', { value: '' }, t('pickCanned')));
  state.canned.forEach((c, i) => canned.append(el('option', { value: String(i) }, c.title)));

  const esc = $('escalation');
  esc.replaceChildren();
  const row = (k, v) => esc.append(el('dt', {}, k), el('dd', {}, v));
  row(t('reason'), t(`reasons.${p.escalation.reason}`));
  row(t('intent'), p.escalation.intent ?? t('none'));
  row(t('confidence'), p.escalation.confidence === undefined ? '—' : p.escalation.confidence.toFixed(2));
  row(t('lang'), x.lang);
  row(t('waiting'), duration(p.waitingMs));
  $('window').textContent = windowText(p.window);
  const ev = $('evidence');
  ev.replaceChildren(
    ...(p.evidence.length === 0
      ? [el('li', {}, t('none'))]
      : p.evidence.map((e) => el('li', {}, el('code', {}, e.id), e.text ? ` ${e.text}` : ''))),
  );
  const turns = $('last-turns');
  turns.replaceChildren(
    ...p.lastTurns.map((turn) =>
      el(
        'li',
        {},
        el('p', { class: 'user' }, `${t('customer')}: ${turn.user}`),
        ...turn.replies.map((r) => el('p', { class: r.author }, `${t(r.author)}: ${r.text}`)),
      ),
    ),
  );
  renderTranscript();
}

async function ticketAction(path, body) {
  const id = state.selected;
  if (id === undefined) return;
  const res = await api(`/tickets/${encodeURIComponent(id)}/${path}`, { method: 'POST', body: body ?? {} });
  if (isOpen(res.ticket.status)) state.tickets.set(id, res.ticket);
  else state.tickets.delete(id);
  renderLists();
  await loadPacket(id);
  return res.ticket;
}

$('claim-btn').addEventListener(
  'click',
  act(async () => {
    await ticketAction('claim');
    setView('mine');
    $('reply-text').focus();
  }),
);
$('resolve-btn').addEventListener(
  'click',
  act(() => ticketAction('resolve').then(() => toast(t('done')))),
);
$('return-btn').addEventListener(
  'click',
  act(() => ticketAction('return').then(() => toast(t('done')))),
);
$('release-btn').addEventListener(
  'click',
  act(() => ticketAction('release')),
);
$('transfer-btn').addEventListener(
  'click',
  act(async () => {
    const value = $('transfer-target').value;
    if (value === '') return;
    const [kind, name] = [value.slice(0, value.indexOf(':')), value.slice(value.indexOf(':') + 1)];
    await ticketAction('transfer', kind === 'agent' ? { agent: name } : { group: name });
    toast(t('done'));
  }),
);
$('approve-btn').addEventListener(
  'click',
  act(() => ticketAction('approve', { text: $('draft-text').value })),
);
$('canned').addEventListener('change', () => {
  const c = state.canned[Number($('canned').value)];
  if (c === undefined) return;
  const lang = state.packet?.ticket.lang?.startsWith('en') ? 'en' : 'zh';
  $('reply-text').value = c.text[lang] ?? c.text.zh ?? c.text.en ?? '';
  $('canned').value = '';
  $('reply-text').focus();
});
$('reply-form').addEventListener(
  'submit',
  act(async (event) => {
    event.preventDefault();
    const text = $('reply-text').value.trim();
    if (text === '') return;
    await ticketAction('reply', { text });
    $('reply-text').value = '';
    $('reply-text').focus();
  }),
);
$('reply-text').addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    $('reply-form').requestSubmit();
  }
});

// ---------------------------------------------------------------- dashboard

function scheduleDashboard() {
  clearTimeout(state.dashTimer);
  state.dashTimer = setTimeout(() => loadDashboard().catch(() => undefined), 500);
}

async function loadDashboard() {
  const [d, agents] = await Promise.all([api('/dashboard?window=86400'), api('/agents')]);
  state.agents = agents.agents;
  const card = (label, value) =>
    el('div', { class: 'card' }, el('span', { class: 'label' }, label), el('strong', {}, value));
  $('dash-cards').replaceChildren(
    card(t('queueLength'), String(d.queueLength)),
    card(t('inProgress'), String(d.assigned + d.human)),
    card(t('longestWait'), duration(d.longestWaitMs)),
    card(t('avgWait'), duration(d.averageWaitMs)),
    card(t('avgFirstResponse'), duration(d.averageFirstResponseMs)),
    card(t('onlineAgents'), String(d.onlineAgents)),
    card(t('turns'), String(d.turns)),
    card(t('resolved'), String(d.outcomes.resolved)),
    card(t('returned'), String(d.outcomes.returnedToBot)),
    card(t('timedOut'), String(d.outcomes.timedOut)),
  );
  $('dash-reasons').replaceChildren(
    el('tr', {}, el('th', {}, t('reason')), el('th', {}, t('count')), el('th', {}, t('rate'))),
    ...Object.entries(d.handoffsByReason).map(([r, n]) =>
      el(
        'tr',
        {},
        el('td', {}, t(`reasons.${r}`)),
        el('td', {}, String(n)),
        el('td', {}, `${(d.handoffRateByReason[r] * 100).toFixed(1)}%`),
      ),
    ),
  );
  $('dash-satisfaction').replaceChildren(
    el(
      'tr',
      {},
      el('th', {}, t('score')),
      ...[1, 2, 3, 4, 5].map((s) => el('th', {}, '★'.repeat(s))),
      el('th', {}, t('average')),
    ),
    el(
      'tr',
      {},
      el('td', {}, t('count')),
      ...d.satisfaction.distribution.map((n) => el('td', {}, String(n))),
      el(
        'td',
        {},
        d.satisfaction.average === null || d.satisfaction.average === undefined
          ? '—'
          : d.satisfaction.average.toFixed(2),
      ),
    ),
  );
  $('dash-agents').replaceChildren(
    el('tr', {}, el('th', {}, t('agent')), el('th', {}, t('status')), el('th', {}, t('inProgress'))),
    ...state.agents.map((a) =>
      el(
        'tr',
        {},
        el('td', {}, `${a.displayName} (${a.role})`),
        el('td', {}, a.online ? t('online') : t('away')),
        el('td', {}, `${a.load}/${a.maxConcurrent}`),
      ),
    ),
  );
}

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
