// Shared state of the console page and the current translator.
import { translator } from './i18n.js';

export const state = {
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

let current = translator(state.lang);

/** Translates a key in the current language. */
export function t(key, values) {
  return current(key, values);
}

/** Switches the UI language (remembered in localStorage). */
export function setLanguage(lang) {
  state.lang = lang;
  localStorage.setItem('clawbot.console.lang', lang);
  current = translator(lang);
}
