// window-queue.js: an agency's queue in the single window (#/window-queue): its steps,
// soonest due first, with the time left and filters; #/window-queue/<step> is one step with
// only the data it needs, its documents, the agency's private notes, and the acts: take,
// approve, refuse with reasons, ask for more.
import { pagedList } from '../list.js';
import { append, h, dateEl, notice, announce } from '../dom.js';
import { field, fieldset, makeForm } from '../forms.js';
import { t, has } from '../i18n.js';
import { errorNotice } from '../permit-ui.js';
import { named, stateBadge, timeLeft, row, localError } from '../window-ui.js';

const STATES = ['', 'ready', 'in_progress', 'more_info', 'approved', 'refused'];

// A form value as the agency reads it: options and vehicle kinds in the page's language.
function value(v) {
  if (Array.isArray(v)) {
    return h('ul', {}, v.map((x) => h('li', {}, typeof x !== 'object' ? String(x)
      : [x.vin, ' · ', x.kind ? h('span', { i18n: `window.kind.${x.kind}`, fallback: x.kind }) : '', ' · ', x.make_model ?? ''])));
  }
  if (typeof v === 'boolean') return h('span', { i18n: v ? 'window.yes' : 'window.no' });
  return has(`window.option.${v}`) ? h('span', { i18n: `window.option.${v}` }) : String(v);
}

async function queueView(view, ctx) {
  const { items: procs } = await ctx.api.get('/api/v1/window/procedures');
  // The agency's queue, searched (application number, procedure, step) and paged by the server.
  const list = pagedList(ctx, {
    path: '/api/v1/window/queue', size: 25, empty: 'window.queue_empty',
    search: { label: 'list.search', hint: 'list.queue_hint' },
    filters: [
      { name: 'state', label: 'window.state', options: STATES.map((s) => ({ value: s, label: s ? `window.state.${s}` : 'window.open_steps' })) },
      { name: 'procedure', label: 'window.procedure', options: [{ value: '', label: 'window.any' },
        ...procs.map((p) => ({ value: p.code, text: named(p.name) }))] },
      { name: 'due_within_hours', label: 'window.due_within', type: 'number', inputmode: 'numeric', min: 0, max: 8784 },
    ],
    draw: (items) => h('ul', { class: 'cards' }, items.map((s) => h('li', { class: `card queue-item${s.overdue ? ' overdue' : ''}`, dataset: { step: String(s.id), state: s.state } },
      h('h3', {}, h('a', { href: `#/window-queue/${s.id}` }, `${t('window.application_no', { id: String(s.application_id) })} · ${named(s.label) || s.code}`), ' ', stateBadge(s.state)),
      h('p', {}, named(s.procedure_name), ' · ', named(s.agency.name)),
      h('p', {}, s.seconds_left !== null ? timeLeft(s.seconds_left) : null, ' ', s.due_at ? h('span', { class: 'aside' }, '(', dateEl(s.due_at, true), ')') : null)))),
  });
  append(view, h('h1', { i18n: 'window.queue_title' }), h('p', { class: 'lead', i18n: 'window.queue_lead' }), list.el);
  await list.reload();
}

async function stepView(view, ctx, id) {
  const box = h('div', { 'aria-live': 'polite' });
  let def = null;
  async function reload(flash) {
    const s = await ctx.api.get(`/api/v1/window/steps/${id}`);
    def ??= await ctx.api.get(`/api/v1/window/procedures/${encodeURIComponent(s.procedure)}`).catch(() => ({ fields: [] }));
    const label = (k) => named(def.fields.find((f) => f.name === k)?.label) || k;
    const open = s.state === 'ready' || s.state === 'in_progress';
    const acts = [];
    if (s.state === 'ready') {
      acts.push(h('button', { type: 'button', class: 'secondary', i18n: 'window.take', async onclick() {
        await ctx.api.post(`/api/v1/window/steps/${id}/take`); await reload({ key: 'window.taken' });
      } }));
    }
    if (open) {
      const decide = makeForm({ submit: 'window.decide', async onSubmit(v) {
        const reasons = (v.reasons || '').split('\n').map((x) => x.trim()).filter(Boolean);
        const body = { decision: v.decision };
        if (reasons.length) body.reasons = reasons;
        if (v.decision === 'ask') body.request = v.reasons || '';
        let r;
        try { r = await ctx.api.post(`/api/v1/window/steps/${id}/decision`, body); } catch (err) { throw localError(err); }
        await reload({ key: `window.done.${r.state}` });
      } }, fieldset('window.decision',
        field({ name: 'decision', label: 'window.decision', required: true, options: [
          { value: 'approve', label: 'window.approve' }, { value: 'refuse', label: 'window.refuse' }, { value: 'ask', label: 'window.ask' }] }),
        field({ name: 'reasons', label: 'window.reasons_text', hint: 'window.reasons_hint', multiline: true, maxlength: 2000,
          check: (v, all) => (all.decision !== 'approve' && !v ? { key: 'problem.required' } : null) })));
      acts.push(decide.form);
    }
    const note = makeForm({ submit: 'window.add_note', async onSubmit(v, ctl) {
      await ctx.api.post(`/api/v1/window/steps/${id}/notes`, { text: v.text });
      ctl.form.reset();
      announce(t('window.note_added'));
      await reload();
    } }, field({ name: 'text', label: 'window.note', hint: 'window.note_hint', required: true, multiline: true, maxlength: 2000 }));
    box.replaceChildren();
    append(box,
      flash ? notice(flash) : null,
      h('h1', {}, `${t('window.application_no', { id: String(s.application.id) })} · ${named(s.label) || s.code}`),
      h('p', {}, stateBadge(s.state), ' ', open ? timeLeft(s.seconds_left) : null),
      h('dl', { class: 'facts' },
        row('window.procedure', named(s.procedure_name)),
        row('window.agency', named(s.agency.name)),
        row('window.rule_time', h('span', { i18n: 'window.hours', args: { count: s.sla_hours } })),
        row('window.ready_at', s.ready_at ? dateEl(s.ready_at, true) : null),
        row('window.due_at', s.due_at ? dateEl(s.due_at, true) : null),
        s.quota ? row('window.quota', h('span', { i18n: `window.quota.${s.quota.state}`, args: { year: String(s.quota.year), granted: String(s.quota.granted), requested: String(s.quota.requested) } })) : null,
        s.fee ? row('window.fee', h('span', { i18n: `window.fee.${s.fee.status}` }, )) : null,
        s.reasons?.length ? row('window.reasons', h('ul', {}, s.reasons.map((r) => h('li', {}, r)))) : null),
      h('h2', { i18n: 'window.data' }),
      h('dl', { class: 'facts step-data' }, Object.entries(s.application.data).map(([k, v]) => h('div', { class: 'row', dataset: { field: k } }, h('dt', {}, label(k)), h('dd', {}, value(v))))),
      h('h2', { i18n: 'window.documents' }),
      s.attached.length ? h('ul', {}, s.attached.map((d) => h('li', {}, h('a', { href: `/api/v1/window/documents/${d.id}`, download: d.filename }, `${d.kind}: ${d.filename}`),
        ' ', h('span', { class: 'aside' }, `SHA-256 ${d.sha256.slice(0, 16)}…`)))) : h('p', { class: 'aside', i18n: 'window.no_documents' }),
      s.missing_documents.length ? notice({ key: 'window.missing_documents', args: { kinds: s.missing_documents.map((x) => named(def.documents?.find((d) => d.kind === x)?.label) || x).join(', ') } }, 'error') : null,
      h('h2', { i18n: 'window.others' }),
      h('ul', {}, s.other_steps.map((o) => h('li', {}, named(o.label) || o.code, ' ', stateBadge(o.state)))),
      acts,
      h('h2', { i18n: 'window.notes' }),
      s.notes.length ? h('ul', { class: 'notes' }, s.notes.map((n) => h('li', {}, dateEl(n.at, true), ` · ${n.author}: `, n.text))) : h('p', { class: 'aside', i18n: 'window.no_notes' }),
      note.form);
  }
  append(view, h('p', {}, h('a', { href: '#/window-queue', i18n: 'window.back_queue' })), box);
  await reload();
}

export default {
  async render(view, ctx) {
    try {
      if (ctx.params[0] && /^\d+$/.test(ctx.params[0])) await stepView(view, ctx, ctx.params[0]);
      else await queueView(view, ctx);
    } catch (err) {
      append(view, h('h1', { i18n: 'window.queue_title' }), errorNotice(err));
    }
  },
};
