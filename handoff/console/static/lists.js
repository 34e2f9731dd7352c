// The ticket lists (queue, my conversations) and view switching.
import { selectTicket } from './conversation.js';
import { loadDashboard } from './dashboard.js';
import { $, duration, el, supervisor, toast } from './util.js';
import { state, t } from './state.js';

function visibleTickets() {
  const all = [...state.tickets.values()].sort((a, b) => a.createdAt - b.createdAt);
  if (state.view === 'mine') return all.filter((x) => x.agentId === state.me?.username);
  return all.filter((x) => x.status === 'queued');
}

export function renderLists() {
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
            onclick: () => selectTicket(x.id),
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

export function setView(view) {
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
