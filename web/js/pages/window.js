// window.js: the applicant's single window. #/window lists one's applications and the
// procedures one may apply to; #/window/new/<procedure> is the form, built from the
// procedure's definition (fields, vehicles, documents uploaded once and reused);
// #/window/<id> is the one status page: every agency's step with its time and decision,
// requests for more answered in place, fees paid with a receipt.
import { pagedList } from '../list.js';
import { append, h, dateEl, notice, announce, named as namedEl } from '../dom.js';
import { field, fieldset, makeForm } from '../forms.js';
import { t } from '../i18n.js';
import { errorNotice, confirmButton } from '../permit-ui.js';
import { named, stepList, statusBadge, row, uploadDocument, localError, patternHint } from '../window-ui.js';

async function listView(view, ctx) {
  const { items: procs } = await ctx.api.get('/api/v1/window/procedures');
  const mine = procs.filter((p) => p.applicants.includes(ctx.user.role));
  // the applicant's own applications, searched (number, procedure, form) and paged by the server
  const apps = pagedList(ctx, {
    path: '/api/v1/window/applications', size: 20, empty: 'window.none',
    search: { label: 'list.search', hint: 'list.window_hint' },
    filters: [{ name: 'status', label: 'list.status', options: [{ value: '', label: 'ui.any' },
      ...['in_progress', 'approved', 'refused', 'expired', 'withdrawn'].map((v) => ({ value: v, label: `window.status.${v}` }))] }],
    draw: (items) => h('ul', { class: 'cards' }, items.map((a) => {
      const p = procs.find((x) => x.code === a.procedure);
      return h('li', { class: 'card', dataset: { application: String(a.id) } },
        h('h3', {}, h('a', { href: `#/window/${a.id}` }, `${t('window.application_no', { id: String(a.id) })} · ${named(p?.name) || a.procedure}`),
          ' ', statusBadge(a.status)),
        h('p', { class: 'aside' }, dateEl(a.submitted_at, true)));
    })),
  });
  append(view, h('h1', { i18n: 'window.title' }), h('p', { class: 'lead', i18n: 'window.lead' }),
    h('section', {}, h('h2', { i18n: 'window.procedures' }),
      h('ul', { class: 'cards' }, mine.map((p) => h('li', { class: 'card', dataset: { procedure: p.code } },
        h('h3', {}, named(p.name)), h('p', {}, named(p.summary)),
        h('p', {}, h('a', { class: 'button', href: `#/window/new/${p.code}`, i18n: 'window.apply' })))))),
    h('section', {}, h('h2', { i18n: 'window.mine' }), apps.el));
  await apps.reload();
}

// A label whose text is data in three languages; the hidden catalogue text names it in the
// form's list of problems.
function dataLabel(input, text) {
  return h('label', { for: input }, h('span', { i18n: 'window.this_field', class: 'visually-hidden' }), text);
}

// One input per field of the definition; vehicles get rows.
function formFields(def) {
  const out = [];
  for (const f of def.fields) {
    const name = `data.${f.name}`;
    if (f.type === 'vehicles') continue;
    if (f.type === 'bool') {
      out.push(h('div', { class: 'field field-check', dataset: { name } },
        h('input', { type: 'checkbox', id: `w-${f.name}`, class: 'check', 'aria-describedby': `w-${f.name}-error`, dataset: { field: name, bool: '' } }),
        dataLabel(`w-${f.name}`, named(f.label)),
        h('p', { id: `w-${f.name}-error`, class: 'field-error', hidden: true })));
      continue;
    }
    const spec = { name, label: 'window.this_field', required: !!f.required, maxlength: f.max };
    if (f.type === 'enum') spec.options = f.options.map((o) => ({ value: o, label: `window.option.${o}`, fallback: o }));
    if (f.type === 'date') spec.type = 'date';
    if (f.type === 'country') { spec.maxlength = 2; spec.autocapitalize = 'characters'; }
    const el = field(spec);
    const span = el.querySelector('label span[data-i18n]');
    span.classList.add('visually-hidden');
    span.after(named(f.label));
    const hint = patternHint(f); // what the pattern asks for, in the page's language
    if (hint) {
      const input = el.querySelector('[data-field]');
      const p = h('p', { id: `${input.id}-hint`, class: 'hint' }, namedEl(hint));
      el.querySelector('label').after(p);
      input.setAttribute('aria-describedby', `${p.id} ${input.getAttribute('aria-describedby')}`);
    }
    out.push(el);
  }
  return out;
}

function vehicleRows(def, count) {
  const vf = def.fields.find((f) => f.type === 'vehicles');
  if (!vf) return [];
  const rows = [];
  for (let i = 0; i < count; i++) {
    rows.push(fieldset('window.vehicle', h('p', { class: 'aside' }, `#${i + 1}`),
      field({ name: `data.vehicles[${i}].vin`, label: 'window.vin', required: true, maxlength: 17, autocapitalize: 'characters', hint: 'window.vin_hint' }),
      field({ name: `data.vehicles[${i}].kind`, label: 'window.kind', required: true, options: vf.options.map((o) => ({ value: o, label: `window.kind.${o}`, fallback: o })) }),
      field({ name: `data.vehicles[${i}].make_model`, label: 'window.make_model', required: true, maxlength: 80 })));
  }
  return rows;
}

// Per document kind: a file to upload, or one given before (documents are kept once and
// reused by every application and step that needs them).
function documentInputs(def, mine) {
  return def.documents.map((d) => {
    const before = mine.filter((x) => x.kind === d.kind);
    return h('div', { class: 'field', dataset: { name: `doc.${d.kind}` } },
      h('label', { for: `w-doc-${d.kind}` }, named(d.label), ' ', h('span', { class: 'optional', i18n: 'form.optional' })),
      before.length ? h('select', { id: `w-reuse-${d.kind}`, 'aria-label': named(d.label), dataset: { reuse: d.kind } },
        h('option', { value: '', i18n: 'window.doc_new' }),
        before.map((x) => h('option', { value: String(x.id) }, `${x.filename} · ${x.uploaded_at.slice(0, 10)}`))) : null,
      h('input', { type: 'file', id: `w-doc-${d.kind}`, accept: 'application/pdf,image/jpeg,image/png', dataset: { kind: d.kind } }));
  });
}

// The documents the form names: new files uploaded first, else the ones chosen again.
async function chosenDocuments(form) {
  const out = [];
  for (const input of form.querySelectorAll('input[type=file][data-kind]')) {
    const kind = input.dataset.kind;
    const reuse = form.querySelector(`select[data-reuse="${kind}"]`);
    if (input.files[0]) out.push({ kind, id: (await uploadDocument(input.files[0], kind)).id });
    else if (reuse?.value) out.push({ kind, id: Number(reuse.value) });
  }
  return out;
}

// The body of an application from the form's inputs.
function readForm(form, def) {
  const data = {};
  for (const f of def.fields) {
    if (f.type === 'bool') data[f.name] = form.querySelector(`[data-field="data.${f.name}"]`).checked;
    else if (f.type !== 'vehicles') {
      const v = form.querySelector(`[data-field="data.${f.name}"]`)?.value.trim();
      if (v) data[f.name] = f.type === 'country' ? v.toUpperCase() : v;
    }
  }
  if (def.fields.some((f) => f.type === 'vehicles')) {
    data.vehicles = [];
    for (let i = 0; form.querySelector(`[data-field="data.vehicles[${i}].vin"]`); i++) {
      const get = (k) => form.querySelector(`[data-field="data.vehicles[${i}].${k}"]`).value.trim();
      data.vehicles.push({ vin: get('vin').toUpperCase(), kind: get('kind'), make_model: get('make_model') });
    }
  }
  return data;
}

async function applyView(view, ctx, code) {
  const [def, { items: mine }] = await Promise.all([
    ctx.api.get(`/api/v1/window/procedures/${encodeURIComponent(code)}`), ctx.api.get('/api/v1/window/documents')]);
  let count = 1;
  const vehicles = h('div', { class: 'vehicles' });
  const addBtn = def.fields.some((f) => f.type === 'vehicles')
    ? h('button', { type: 'button', class: 'secondary', i18n: 'window.add_vehicle', onclick: () => { count++; vehicles.replaceChildren(...vehicleRows(def, count)); } }) : null;
  vehicles.replaceChildren(...vehicleRows(def, count));
  const f = makeForm({ submit: 'window.submit', async onSubmit(_v, ctl) {
    try {
      const documents = await chosenDocuments(ctl.form);
      const app = await ctx.api.post('/api/v1/window/applications', { procedure: code, data: readForm(ctl.form, def), documents });
      ctx.navigate(`window/${app.id}`, { flash: { key: 'window.submitted', args: { id: String(app.id) } } });
    } catch (err) { throw localError(err, def); }
  } }, fieldset('window.form', ...formFields(def)), vehicles, addBtn, fieldset('window.documents', h('p', { class: 'hint', i18n: 'window.doc_reuse' }), ...documentInputs(def, mine)));
  append(view, h('p', {}, h('a', { href: '#/window', i18n: 'window.back' })), h('h1', {}, named(def.name)),
    h('p', { class: 'lead' }, named(def.summary)),
    def.citations?.length ? h('details', {}, h('summary', { i18n: 'window.rules' }),
      h('ul', {}, def.citations.map((c) => h('li', {}, c.source)))) : null,
    f.form);
}

function feeCard(fee, ctx, reload) {
  const li = h('li', { class: 'card fee', dataset: { fee: String(fee.id), status: fee.status } },
    h('p', {}, h('span', { i18n: 'window.fee_line', args: { som: fee.amount_som, step: fee.step } }), ' · ',
      named(fee.collector.name) || fee.collector.code, ' ', h('span', { class: 'badge', i18n: `window.fee.${fee.status}` })));
  if (fee.status === 'paid') {
    append(li, h('p', {}, h('a', { href: `/api/v1/window/fees/${fee.id}/receipt`, download: `${fee.receipt.number}.pdf`, i18n: 'window.receipt' })));
  } else if (fee.status === 'due') {
    const f = makeForm({ submit: 'window.pay', async onSubmit(v) {
      await ctx.api.post(`/api/v1/window/fees/${fee.id}/payment`, { gateway: 'manual', reference: v.reference });
      announce(t('window.paid'));
      await reload();
    } }, field({ name: 'reference', label: 'window.reference', hint: 'window.reference_hint', required: true, maxlength: 100 }));
    append(li, f.form);
  }
  return li;
}

async function statusView(view, ctx, id) {
  const box = h('div', { 'aria-live': 'polite' });
  async function reload() {
    const app = await ctx.api.get(`/api/v1/window/applications/${id}`);
    const asking = app.steps.filter((s) => s.state === 'more_info');
    box.replaceChildren();
    append(box,
      h('h1', {}, `${t('window.application_no', { id: String(app.id) })} · ${named(app.procedure.name)}`),
      h('p', {}, statusBadge(app.status)),
      h('dl', { class: 'facts' },
        row('window.submitted_at', dateEl(app.submitted_at, true)),
        row('window.expires_at', dateEl(app.expires_at, true)),
        app.quota ? row('window.quota', h('span', { i18n: `window.quota.${app.quota.state}`, args: { year: String(app.quota.year), granted: String(app.quota.granted), requested: String(app.quota.requested) } })) : null),
      asking.map((s) => {
        const f = makeForm({ submit: 'window.answer', async onSubmit(v, ctl) {
          const documents = [];
          for (const input of ctl.form.querySelectorAll('input[type=file]')) {
            if (input.files[0]) documents.push({ kind: input.dataset.kind, id: (await uploadDocument(input.files[0], input.dataset.kind)).id });
          }
          await ctx.api.post(`/api/v1/window/applications/${id}/answers`, { step: s.code, text: v.text, documents });
          announce(t('window.answered'));
          await reload();
        } }, field({ name: 'text', label: 'window.answer_text', required: true, multiline: true, maxlength: 2000 }),
        s.documents.map((kind) => h('div', { class: 'field' }, h('label', { for: `a-${s.code}-${kind}` }, kind),
          h('input', { type: 'file', id: `a-${s.code}-${kind}`, accept: 'application/pdf,image/jpeg,image/png', dataset: { kind } }))));
        return h('section', { class: 'card asking', dataset: { step: s.code } },
          h('h2', { i18n: 'window.asked', args: { agency: named(s.agency.name) } }), h('p', { class: 'request' }, s.request), f.form);
      }),
      app.status === 'in_progress' ? confirmButton({ label: 'window.withdraw', confirm: 'window.withdraw_confirm', danger: true, async act() {
        await ctx.api.post(`/api/v1/window/applications/${id}/withdrawal`);
        announce(t('window.withdrawn_done'));
        await reload();
      } }) : null,
      h('h2', { i18n: 'window.steps' }), stepList(app.steps),
      app.fees.length ? [h('h2', { i18n: 'window.fees' }), h('ul', { class: 'cards' }, app.fees.map((fee) => feeCard(fee, ctx, reload)))] : null,
      h('h2', { i18n: 'window.history' }),
      h('ol', { class: 'history' }, app.events.map((e) => h('li', {}, dateEl(e.at, true), ' · ',
        h('span', { i18n: `window.event.${e.action}`, fallback: e.action }),
        e.step ? ` (${named(app.steps.find((x) => x.code === e.step)?.label) || e.step})` : ''))));
  }
  append(view, h('p', {}, h('a', { href: '#/window', i18n: 'window.back' })), ctx.flash ? notice(ctx.flash) : null, box);
  await reload();
}

export default {
  async render(view, ctx) {
    try {
      const [first, second] = ctx.params;
      if (first === 'new' && second) await applyView(view, ctx, second);
      else if (first && /^\d+$/.test(first)) await statusView(view, ctx, first);
      else await listView(view, ctx);
    } catch (err) {
      append(view, h('h1', { i18n: 'window.title' }), errorNotice(err));
    }
  },
};
