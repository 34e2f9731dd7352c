// The supervisor dashboard.
import { $, api, duration, el } from './util.js';
import { state, t } from './state.js';

export function scheduleDashboard() {
  clearTimeout(state.dashTimer);
  state.dashTimer = setTimeout(() => loadDashboard().catch(() => undefined), 500);
}

export async function loadDashboard() {
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
