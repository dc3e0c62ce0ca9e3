// dom.js: build elements without innerHTML. Text comes from catalogue keys or from data,
// never from markup strings:
//   h('h1', { i18n: 'home.welcome', args: { name } })
//   h('input', { id, name: 'inn', required: true, i18nAttr: { placeholder: 'x.y' } })
//   h('dd', {}, org.name)                       // data: plain text node
import { localize } from './i18n.js';

export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'i18n') el.dataset.i18n = v;
    else if (k === 'args') el.dataset.i18nArgs = JSON.stringify(v);
    else if (k === 'fallback') el.dataset.i18nFallback = v;
    else if (k === 'i18nAttr') el.dataset.i18nAttr = Object.entries(v).map(([a, key]) => `${a}:${key}`).join(';');
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'value') el.value = v;
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, ...children);
  if (el.dataset.i18n || el.dataset.i18nAttr || el.dataset.format || el.dataset.names) localize(el);
  return el;
}

// Append children, skipping null, undefined and false (so `cond ? node : null` works).
export function append(el, ...children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

// Text from the catalogue in its own <span>, relabelled on language change.
export function tx(key, args) {
  return h('span', { i18n: key, args });
}

// A date (ISO 8601) shown in the current language.
export function dateEl(iso, withTime = false) {
  return h('time', { datetime: iso, dataset: { format: withTime ? 'datetime' : 'date' } });
}

// Screen-reader announcement through the page's polite live region.
export function announce(text) {
  const region = document.getElementById('announcer');
  if (!region) return;
  region.textContent = '';
  setTimeout(() => { region.textContent = text; }, 50);
}

// A short message box: kind 'ok' (role=status) or 'error' (role=alert).
export function notice({ key, args, text }, kind = 'ok') {
  return h('div', { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status' },
    key ? h('p', { i18n: key, args }) : h('p', {}, text));
}

// Data named in each language ({ky, ru, en}, a missing one null) in a <span> that shows
// i18n.js nameIn's choice (with its lang) and follows a change of language. '' for no names.
export function named(n) {
  return n ? h('span', { dataset: { names: JSON.stringify(n) } }) : '';
}
