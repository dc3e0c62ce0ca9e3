// i18n.js: message catalogues (web/i18n/<lang>.json) and the current language. Every
// user-visible string comes from here: markup carries data-i18n="key" (text),
// data-i18n-args='{"name":"…"}' (placeholders, for the text and the attributes alike),
// data-i18n-attr="aria-label:key;title:key" (attributes), and <time data-format="date|datetime"> for dates; localize() fills them,
// again on every language change, so nothing typed into a form is lost.

export const LANGUAGES = ['ky', 'ru', 'en'];
const STORAGE_KEY = 'kapka.lang';
const FALLBACK = 'en';

const catalogues = new Map();   // lang -> {key: text}
const loading = new Map();      // lang -> Promise of its catalogue (one request per language)
const listeners = new Set();
let current = FALLBACK;

function load(lang) {
  if (!loading.has(lang)) {
    loading.set(lang, (async () => {
      const res = await fetch(`/i18n/${lang}.json`, { cache: 'no-cache' });
      if (!res.ok) throw new Error(`catalogue ${lang}: HTTP ${res.status}`);
      catalogues.set(lang, await res.json());
      return catalogues.get(lang);
    })().catch((err) => {
      loading.delete(lang);
      throw err;
    }));
  }
  return loading.get(lang);
}

// English stands in for a key missing from another catalogue. Every catalogue is complete
// (the tests see to it), so English is fetched only when a key turns out to be missing,
// and the page is relabelled when it has come.
function needFallback() {
  if (catalogues.has(FALLBACK) || loading.has(FALLBACK)) return;
  load(FALLBACK).then(() => localize(document), () => {});
}

export function language() {
  return current;
}

// The language the user chose before, or the browser's, or English.
export function storedLanguage() {
  try {
    const l = localStorage.getItem(STORAGE_KEY);
    return LANGUAGES.includes(l) ? l : null;
  } catch {
    return null;
  }
}

export function browserLanguage() {
  for (const tag of navigator.languages?.length ? navigator.languages : [navigator.language || '']) {
    const base = String(tag).toLowerCase().split('-')[0];
    if (LANGUAGES.includes(base)) return base;
  }
  return FALLBACK;
}

// Switch to lang (loading its catalogue), relabel the page and tell the listeners.
// remember: keep the choice for the next visit.
export async function setLanguage(lang, { remember = false } = {}) {
  if (!LANGUAGES.includes(lang)) lang = FALLBACK;
  await load(lang);
  current = lang;
  if (remember) {
    try { localStorage.setItem(STORAGE_KEY, lang); } catch { /* private mode: not remembered */ }
  }
  document.documentElement.lang = lang;
  localize(document);
  for (const fn of listeners) fn(lang);
}

export function onLanguageChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function lookup(cat, key, count) {
  if (typeof count === 'number') {
    const form = new Intl.PluralRules(current).select(count);
    if (cat[`${key}.${form}`] !== undefined) return cat[`${key}.${form}`];
    if (cat[`${key}.other`] !== undefined) return cat[`${key}.other`];
  }
  return cat[key];
}

export function has(key) {
  const cat = catalogues.get(current) || {};
  return cat[key] !== undefined || cat[`${key}.other`] !== undefined;
}

// Data named in each language ({ky, ru, en}, a missing one null): the name in the page's
// language, else the English; '' for none. The one place that picks a data name.
export function nameIn(n) {
  return n?.[current] || n?.en || '';
}

// An argument: a number in the language's digits, data named in each language as that
// name (nameIn), else text.
function formatValue(v) {
  if (typeof v === 'number') return formatNumber(v);
  if (v && typeof v === 'object') return nameIn(v);
  return String(v);
}

// Intl where the browser has the current language's data, else null (Chromium has no Kyrgyz).
function intlFor(Kind, opts) {
  const f = new Kind(current, opts);
  return f.resolvedOptions().locale.split('-')[0] === current ? f : null;
}

// A number in the current language: Intl where the browser knows the language, else the
// digits grouped as the catalogue's ui.number_pattern shows 1234.5 ("1 234,5": "3 000", not "3,000").
export function formatNumber(n, opts = {}) {
  const intl = intlFor(Intl.NumberFormat, opts);
  if (intl) return intl.format(n);
  const pattern = t('ui.number_pattern');
  const sep = { group: pattern[1], decimal: pattern[5] };
  return new Intl.NumberFormat('en', opts).formatToParts(n)
    .map((p) => sep[p.type] ?? p.value).join('');
}

// "December 2026" in the current language (calendar headings), with the same fallback.
export function formatMonthYear(date) {
  const d = new Date(date);
  const intl = intlFor(Intl.DateTimeFormat, { month: 'long', year: 'numeric', timeZone: 'UTC' });
  if (intl) return intl.format(d);
  return t('ui.month_year', { month: t(`date.month.${d.getUTCMonth() + 1}`), year: String(d.getUTCFullYear()) });
}

// The text for key in the current language, with {name} placeholders filled from args.
// A key missing from the catalogue is reported on the console and shown from English.
export function t(key, args = {}) {
  let text = lookup(catalogues.get(current) || {}, key, args.count);
  if (text === undefined) {
    console.warn(`kapka i18n: missing key "${key}" in ${current}.json`);
    needFallback();
    text = lookup(catalogues.get(FALLBACK) || {}, key, args.count) ?? key;
  }
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in args ? formatValue(args[name]) : m));
}

// Kyrgyzstan's civil time (UTC+6 all year): the date and the year the server counts in.
// The one place the pages compute "today".
export const KG_OFFSET_MIN = 360;
export function kgDate(days = 0, offset = KG_OFFSET_MIN) {
  return new Date(Date.now() + offset * 60000 + days * 86400000).toISOString().slice(0, 10);
}
export function kgYear() {
  return Number(kgDate().slice(0, 4));
}

// A date in the current language: Intl where the browser has the locale's data (Chromium
// has none for Kyrgyz), else the catalogue's date.long pattern and month names.
export function formatDate(iso, withTime = false) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const intl = intlFor(Intl.DateTimeFormat, withTime ? { dateStyle: 'long', timeStyle: 'short' } : { dateStyle: 'long' });
  if (intl) return intl.format(d);
  const date = t('date.long', { day: String(d.getDate()), month: t(`date.month.${d.getMonth() + 1}`),
    year: String(d.getFullYear()) });
  if (!withTime) return date;
  const time = `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
  return t('date.long_time', { date, time });
}

function localizeOne(el) {
  const key = el.dataset.i18n;
  const args = el.dataset.i18nArgs ? JSON.parse(el.dataset.i18nArgs) : {};
  if (key) {
    const fallback = el.dataset.i18nFallback;
    el.textContent = fallback !== undefined && !has(key) ? fallback : t(key, args);
  }
  if (el.dataset.i18nAttr) {
    for (const pair of el.dataset.i18nAttr.split(';')) {
      const [attr, k] = pair.split(':');
      if (attr && k) el.setAttribute(attr, t(k, args)); // the same args as the text, if any
    }
  }
  if (el.dataset.names) { // data named in each language: {"ky": …, "ru": …, "en": …}
    const names = JSON.parse(el.dataset.names);
    el.textContent = nameIn(names);
    el.lang = names[current] ? current : 'en';
  }
  if (el.tagName === 'TIME' && el.dataset.format) {
    el.textContent = formatDate(el.getAttribute('datetime'), el.dataset.format === 'datetime');
  }
}

// Fill every translatable element under root (root included).
export function localize(root) {
  if (root.nodeType === Node.ELEMENT_NODE) localizeOne(root);
  for (const el of root.querySelectorAll('[data-i18n], [data-i18n-attr], time[data-format], [data-names]')) localizeOne(el);
}
