// forms.js: labelled fields, simple client-side checks, and API errors shown both at the
// top of the form (an alert) and next to each field (aria-invalid + aria-describedby).
//
//   const f = makeForm({ submit: 'login.submit', onSubmit: async (values, f) => {...} },
//   (fields: the page's field for a server field path, {'planned.entry': 'planned_entry'} or a
//   function returning the page's name or undefined, when the two differ)
//     field({ name: 'username', label: 'field.username', required: true, autocomplete: 'username' }));
import { h, tx } from './dom.js';
import { describeError, describeProblem, implicitFieldProblems } from './errors.js';

let nextId = 0;

// One labelled input (or <select> when options is given, <textarea> when multiline).
// spec: {name, label, type, required, autocomplete, inputmode, maxlength, hint, hintArgs, value,
//        options: [{value, label, args, fallback} or {value, text}], check: (value, values) => problem|null,
//        min, max, step, pattern (passed on to the input)}
export function field(spec) {
  const id = `f${++nextId}-${spec.name}`;
  const common = {
    id, name: spec.name, required: !!spec.required, autocomplete: spec.autocomplete || 'off',
    inputmode: spec.inputmode, maxlength: spec.maxlength, spellcheck: spec.spellcheck,
    autocapitalize: spec.autocapitalize, min: spec.min, max: spec.max, step: spec.step,
    dataset: spec.type === 'password' ? { field: spec.name, password: '' } : { field: spec.name },
  };
  let input;
  if (spec.options) {
    // An option's text: a catalogue key (label, args, fallback) or data (text).
    input = h('select', common, spec.options.map((o) => h('option',
      { value: o.value, i18n: o.label, args: o.args, fallback: o.fallback, lang: o.lang }, o.text)));
    if (spec.value !== undefined) input.value = spec.value;
  } else if (spec.multiline) {
    input = h('textarea', { ...common, rows: 3 });
    if (spec.value !== undefined) input.value = spec.value;
  } else {
    input = h('input', { ...common, type: spec.type || 'text', value: spec.value });
  }
  const hint = spec.hint ? h('p', { id: `${id}-hint`, class: 'hint', i18n: spec.hint, args: spec.hintArgs }) : null;
  const error = h('p', { id: `${id}-error`, class: 'field-error', hidden: true });
  input.setAttribute('aria-describedby', [hint && hint.id, error.id].filter(Boolean).join(' '));
  const label = h('label', { for: id },
    tx(spec.label), spec.required ? null : [' ', h('span', { class: 'optional', i18n: 'form.optional' })]);
  const wrap = h('div', { class: 'field', dataset: { name: spec.name } }, label, hint, input, error);
  wrap.spec = spec;
  return wrap;
}

// A group of fields with a legend.
export function fieldset(legendKey, ...fields) {
  return h('fieldset', {}, h('legend', { i18n: legendKey }), ...fields);
}

// A checkbox that shows the form's passwords as plain text (handy on a phone keyboard).
export function showPasswords() {
  const id = `f${++nextId}-show`;
  const box = h('input', { type: 'checkbox', id, class: 'check' });
  box.addEventListener('change', () => {
    for (const el of box.form.querySelectorAll('input[data-password]')) el.type = box.checked ? 'text' : 'password';
  });
  return h('div', { class: 'field field-check' }, box, h('label', { for: id, i18n: 'form.show_password' }));
}

// The form: an alert box on top, the given children, and a submit button.
// onSubmit(values, ctl) runs after the client checks pass; errors it throws are shown.
export function makeForm({ submit, onSubmit, fields }, ...children) {
  const summary = h('div', { class: 'error-summary', role: 'alert', tabindex: '-1', hidden: true });
  const button = h('button', { type: 'submit', class: 'primary', i18n: submit });
  const form = h('form', { novalidate: true }, summary, ...children, h('div', { class: 'actions' }, button));
  const ctl = {
    form, button, summary,
    values: () => readValues(form),
    clear: () => clearErrors(form),
    showError: (err) => showError(form, err, fields),
    showProblems: (problems) => showProblems(form, { key: 'error.invalid_field' }, problems),
    busy(on) {
      button.disabled = on;
      form.setAttribute('aria-busy', on ? 'true' : 'false');
    },
  };
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (button.disabled) return;
    clearErrors(form);
    const values = readValues(form);
    const problems = checkFields(form, values);
    if (problems.length) {
      ctl.showProblems(problems);
      return;
    }
    ctl.busy(true);
    try {
      await onSubmit(values, ctl);
    } catch (err) {
      if (err?.name !== 'ApiError') console.error(err);
      showError(form, err?.name === 'ApiError' ? err : { code: 'internal', status: 500 }, fields);
    } finally {
      if (!ctl.holdDisabled) ctl.busy(false);
    }
  });
  return ctl;
}

// Trimmed values by field name; empty optional fields are left out. Passwords are not trimmed.
function readValues(form) {
  const out = {};
  for (const el of form.querySelectorAll('[data-field]')) {
    const raw = el.value ?? '';
    const v = el.dataset.password !== undefined ? raw : raw.trim();
    if (v !== '' || el.required) out[el.name] = v;
  }
  return out;
}

function checkFields(form, values) {
  const problems = [];
  for (const wrap of form.querySelectorAll('.field[data-name]')) {
    const spec = wrap.spec;
    if (!spec) continue;
    const v = values[spec.name];
    if (spec.required && (v === undefined || v === '')) problems.push({ field: spec.name, problem: { key: 'problem.required' } });
    else if (v !== undefined && spec.check) {
      const p = spec.check(v, values);
      if (p) problems.push({ field: spec.name, problem: p });
    }
  }
  return problems;
}

export function clearErrors(form) {
  const summary = form.querySelector('.error-summary');
  summary.hidden = true;
  summary.replaceChildren();
  for (const el of form.querySelectorAll('.field-error')) {
    el.hidden = true;
    el.replaceChildren();
  }
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
}

function textEl(tag, d, props = {}) {
  return d.key ? h(tag, { ...props, i18n: d.key, args: d.args }) : h(tag, props, d.text);
}

// Show an ApiError: its message on top, its field problems next to the fields (server
// field paths renamed by fields, see makeForm).
export function showError(form, err, fields) {
  const rename = typeof fields === 'function' ? fields : (name) => fields?.[name];
  const problems = [...(err.fields || []), ...implicitFieldProblems(err)]
    .map((p) => ({ ...p, field: rename(p.field) ?? p.field }));
  showProblems(form, describeError(err), problems, err.requestId);
}

function showProblems(form, message, problems, requestId) {
  const summary = form.querySelector('.error-summary');
  const list = h('ul');
  let firstInvalid = null;
  for (const { field: name, problem, code, args } of problems) {
    const d = describeProblem(problem, code, args);
    const input = form.querySelector(`[data-field="${CSS.escape(name)}"]`);
    if (input) {
      const wrap = input.closest('.field');
      const err = wrap.querySelector('.field-error');
      err.replaceChildren(textEl('span', d));
      err.hidden = false;
      input.setAttribute('aria-invalid', 'true');
      firstInvalid ??= input;
      const label = wrap.querySelector('label span[data-i18n]');
      const link = h('a', { href: `#${input.id}` }, h('span', { i18n: label.dataset.i18n }), ': ', textEl('span', d));
      link.addEventListener('click', (ev) => { ev.preventDefault(); input.focus(); });
      list.append(h('li', {}, link));
    } else {
      list.append(h('li', {}, h('span', {}, name), ': ', textEl('span', d)));
    }
  }
  summary.replaceChildren(textEl('p', message, { class: 'error-message' }));
  if (list.children.length) summary.append(list);
  if (requestId && message.key === 'error.internal') summary.append(h('p', { class: 'hint', i18n: 'error.request_id', args: { id: requestId } }));
  summary.hidden = false;
  summary.focus();
}
