// One conversation: transcript, handoff packet, reply box, canned replies, draft approval and ticket actions.
import { renderLists, setView } from './lists.js';
import { $, act, api, duration, el, isOpen, supervisor, time, toast } from './util.js';
import { state, t } from './state.js';

export async function selectTicket(id) {
  state.selected = id;
  renderLists();
  await loadPacket(id).catch((e) => toast(e.message));
}

export async function loadPacket(id) {
  const packet = await api(`/tickets/${encodeURIComponent(id)}`);
  if (state.selected !== id) return;
  state.packet = packet;
  renderConversation();
}

export function renderTranscript() {
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
  const at = (ms) => new Date(ms).toLocaleString(state.lang === 'zh' ? 'zh-CN' : 'en-GB');
  const expires = w.expiresAt === undefined ? '—' : at(w.expiresAt);
  const open =
    w.remaining !== undefined
      ? t('windowOpen', { remaining: w.remaining, expires })
      : w.expiresAt !== undefined
        ? t('windowOpenNoCount', { expires })
        : t('windowOpenNoEnd');
  // DingTalk: replies use the conversation's sessionWebhook until then, the OpenAPI after.
  return w.sessionReplyUntil === undefined
    ? open
    : `${open} ${t('sessionReplyUntil', { until: at(w.sessionReplyUntil) })}`;
}

export function renderConversation() {
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
