// window-ui.js: pieces the single-window pages share: names given in data in three
// languages, step states and time left, the steps of an application as a list, uploading a
// document's bytes, and the server's problems in the current language.
import { h, dateEl, named as namedEl } from './dom.js';
import { t, has, nameIn } from './i18n.js';
import { csrfToken, ApiError } from './api.js';

// A {ky, ru, en} name from the data in the current language.
export const named = nameIn;

// A step's state as a badge.
export function stateBadge(state) {
  const tone = state === 'approved' ? 'ok' : state === 'refused' ? 'bad' : state === 'more_info' ? 'warn'
    : state === 'ready' || state === 'in_progress' ? 'info' : '';
  return h('span', { class: `badge ${tone ? `badge-${tone}` : ''}`, dataset: { state }, i18n: `window.state.${state}`, fallback: state });
}

export function statusBadge(status) {
  const tone = status === 'approved' ? 'ok' : status === 'in_progress' ? 'info' : 'bad';
  return h('span', { class: `badge badge-${tone}`, dataset: { status }, i18n: `window.status.${status}`, fallback: status });
}

// "12 h 5 min left" or "overdue by 3 h".
export function timeLeft(seconds) {
  if (seconds === null || seconds === undefined) return null;
  const abs = Math.abs(seconds);
  const hours = Math.floor(abs / 3600), minutes = Math.floor((abs % 3600) / 60);
  return h('span', { class: seconds < 0 ? 'overdue' : 'time-left', dataset: { seconds: String(seconds) },
    i18n: seconds < 0 ? 'window.overdue_by' : 'window.time_left', args: { hours: String(hours), minutes: String(minutes) } });
}

// Every step of an application: agency, state, since when, the rule's time, what is left,
// the decision's reasons and a request for more.
export function stepList(steps) {
  return h('ol', { class: 'steps' }, steps.map((s) => h('li', { class: 'card step', dataset: { step: s.code, state: s.state } },
    h('h3', {}, named(s.label) || s.code, ' ', stateBadge(s.state)),
    h('dl', { class: 'facts' },
      row('window.agency', named(s.agency.name) || s.agency.code),
      row('window.since', dateEl(s.since, true)),
      row('window.rule_time', h('span', { i18n: 'window.hours', args: { count: s.sla_hours } })),
      s.state === 'ready' || s.state === 'in_progress' ? row('window.left', timeLeft(s.seconds_left)) : null,
      s.decided_at ? row('window.decided_at', dateEl(s.decided_at, true)) : null,
      s.reasons?.length ? row('window.reasons', h('ul', {}, s.reasons.map((r) => h('li', {}, r)))) : null,
      s.request ? row('window.request', s.request) : null))));
}

export function row(labelKey, value) {
  if (value === undefined || value === null || value === '') return null;
  return h('div', { class: 'row' }, h('dt', { i18n: labelKey }), h('dd', {}, value));
}

// Upload a file's bytes as a document of kind; resolves with the stored document.
export async function uploadDocument(file, kind) {
  const headers = { 'Content-Type': file.type || 'application/octet-stream', Accept: 'application/json' };
  const csrf = csrfToken();
  if (csrf) headers['X-CSRF-Token'] = csrf;
  const res = await fetch(`/api/v1/window/documents?kind=${encodeURIComponent(kind)}&filename=${encodeURIComponent(file.name)}`,
    { method: 'POST', headers, body: file, credentials: 'same-origin' });
  const data = await res.json().catch(() => null);
  if (!res.ok) {
    const e = data?.error || {};
    throw new ApiError({ status: res.status, code: e.code || `http_${res.status}`, message: e.message || '', fields: [], requestId: e.request_id });
  }
  return data;
}

// The server's sentences about the form, as catalogue keys where we know them.
const PROBLEMS = [
  [/I, O or Q/, 'window.problem.vin_ioq'],
  [/check digit/, 'window.problem.vin_check'],
  [/model-year/, 'window.problem.vin_year'],
  [/exactly 17 characters/, 'window.problem.vin_length'],
  [/manufacturer identifier|no region/, 'window.problem.vin_wmi'],
  [/only digits and upper-case/, 'window.problem.vin_chars'],
  [/kinds this procedure admits|is not admitted by/, 'window.problem.kind'],
  [/^is required/, 'problem.required'],
  [/must be true: the rule requires it/, 'window.problem.must_be_true'],
  [/14-digit/, 'window.problem.tax_id'],
  [/already claimed by application (\d+)/, 'window.problem.vin_claimed', 'id'],
  [/listed twice/, 'window.problem.vin_twice'],
  [/is not a field of this procedure/, 'window.problem.unknown_field'],
];

export function localProblem(text) {
  for (const [re, key, arg] of PROBLEMS) {
    const m = re.exec(text || '');
    if (m) return { key, args: arg ? { [arg]: m[1] } : undefined };
  }
  return text;
}

// What a field's pattern asks for (pattern_hint: text, or {ky, ru, en}) as names.
export function patternHint(f) {
  const hint = f?.pattern_hint;
  return typeof hint === 'string' ? { en: hint, ky: null, ru: null } : hint?.en ? hint : null;
}

// The server's problem with a field of def (data.NAME) that is the field's pattern hint in
// English, as that hint in the page's language: a fresh element each time it is shown (by
// the field and in the summary) that follows a change of language.
function hintProblem(def, field, text) {
  const f = def?.fields?.find((x) => `data.${x.name}` === field);
  const hint = patternHint(f);
  return hint && hint.en === text ? { get text() { return namedEl(hint); } } : null;
}

// An ApiError with its field problems (and its code's message) in the current language;
// def: the procedure the form follows, whose hints name their problems in three languages.
export function localError(err, def) {
  if (err?.name !== 'ApiError') return err;
  err.fields = (err.fields || []).map((f) => ({ field: f.field, problem: hintProblem(def, f.field, f.problem) || localProblem(f.problem) }));
  const key = `window.error.${err.code}`;
  if (has(key)) {
    const m = /(\d+) places left/.exec(err.message || '');
    err.message = t(key, { id: String(err.body?.error?.first_application ?? ''), left: m ? m[1] : '' });
  }
  return err;
}
