// Small helpers: DOM building (text nodes only), the agent API client, toasts, formatting.
import { state, t } from './state.js';

export const $ = (id) => document.getElementById(id);

/** Creates an element; strings become text nodes. */
export function el(tag, attrs = {}, ...children) {
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

export async function api(path, { method = 'GET', body } = {}) {
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

export function toast(text) {
  const box = $('toast');
  box.textContent = text;
  box.classList.add('show');
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => box.classList.remove('show'), 4000);
}

export const act =
  (fn) =>
  async (...args) => {
    try {
      await fn(...args);
    } catch (error) {
      toast(error.message);
    }
  };

export function duration(ms) {
  if (ms === undefined || ms === null) return '—';
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? t('seconds', { n: s }) : t('minutes', { n: Math.round(s / 60) });
}

export const time = (at) =>
  new Date(at).toLocaleTimeString(state.lang === 'zh' ? 'zh-CN' : 'en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
export const isOpen = (s) => s === 'queued' || s === 'assigned' || s === 'human';
export const supervisor = () => state.me?.role === 'supervisor' || state.me?.role === 'admin';
