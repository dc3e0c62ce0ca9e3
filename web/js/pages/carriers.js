// carriers.js: carrier companies (#/carriers: GET /api/v1/organisations?kind=carrier, searched
// and paged by the server); the ministry suspends one (it then gets no permits) or
// reactivates it, always with a reason (PUT /api/v1/organisations/{id}/status).
import { pagedList } from '../list.js';
import { append, h, notice, announce, dateEl } from '../dom.js';
import { field, clearErrors, showError } from '../forms.js';
import { row, term } from '../permit-ui.js';
import { GOV_ROLES } from './quotas.js';

function statusForm(o, ctx, reload) {
  const suspended = o.status === 'suspended';
  const summary = h('div', { class: 'error-summary', role: 'alert', tabindex: '-1', hidden: true });
  const reason = field({ name: 'reason', label: suspended ? 'carriers.reason_reactivate' : 'carriers.reason_suspend',
    required: true, multiline: true, maxlength: 500 });
  const button = h('button', { type: 'submit', class: suspended ? 'primary' : 'primary danger',
    i18n: suspended ? 'carriers.reactivate' : 'carriers.suspend' });
  const form = h('form', { novalidate: true, class: 'status-form' }, summary, reason, h('div', { class: 'button-row' }, button));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const text = reason.querySelector('textarea').value.trim();
    if (!text) {
      showError(form, { code: 'invalid_field', status: 400, fields: [{ field: 'reason', problem: { key: 'problem.required' } }] });
      return;
    }
    button.disabled = true;
    try {
      const updated = await ctx.api.put(`/api/v1/organisations/${o.id}/status`,
        { status: suspended ? 'active' : 'suspended', reason: text });
      const key = updated.status === 'suspended' ? 'carriers.suspended_done' : 'carriers.reactivated_done';
      await reload({ key, args: { name: o.name } });
    } catch (err) {
      showError(form, err?.name === 'ApiError' ? err : { code: 'internal', status: 500 });
      button.disabled = false;
    }
  });
  // Open on request only: a list of carriers should not be a wall of forms.
  return h('details', { class: 'status-change' },
    h('summary', { i18n: suspended ? 'carriers.reactivate' : 'carriers.suspend' }), form);
}

// The ministry's check of a self-registered carrier: both boxes ticked to verify, a note to reject.
function checkForm(x, ctx, reload) {
  const summary = h('div', { class: 'error-summary', role: 'alert', tabindex: '-1', hidden: true });
  const box = (name, label) => {
    const id = `chk-${name}-${x.organisation_id}`;
    return h('div', { class: 'field field-check', dataset: { name } },
      h('input', { type: 'checkbox', id, class: 'check', name, dataset: { field: name } }), h('label', { for: id }, h('span', { i18n: label })),
      h('p', { class: 'field-error', hidden: true }));
  };
  const note = field({ name: 'note', label: 'pm.check_note_label', hint: 'pm.check_note_hint', multiline: true, maxlength: 1000 });
  const verify = h('button', { type: 'submit', class: 'primary', value: 'verified', i18n: 'pm.check_verify' });
  const reject = h('button', { type: 'submit', class: 'secondary danger', value: 'rejected', i18n: 'pm.check_reject' });
  const form = h('form', { novalidate: true, class: 'check-form' }, summary,
    box('licence_checked', 'pm.check_licence_done'), box('inn_checked', 'pm.check_inn_done'), note,
    h('div', { class: 'button-row' }, verify, reject));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const body = { status: ev.submitter?.value === 'rejected' ? 'rejected' : 'verified',
      licence_checked: form.elements.licence_checked.checked, inn_checked: form.elements.inn_checked.checked };
    const text = form.elements.note.value.trim();
    if (text) body.note = text;
    verify.disabled = reject.disabled = true;
    try {
      await ctx.api.post(`/api/v1/carrier-verifications/${x.organisation_id}`, body);
      await reload({ key: body.status === 'verified' ? 'pm.check_verified_done' : 'pm.check_rejected_done', args: { name: x.organisation_name } });
    } catch (err) {
      showError(form, err?.name === 'ApiError' ? err : { code: 'internal', status: 500 });
      verify.disabled = reject.disabled = false;
    }
  });
  return form;
}

function checkCard(x, ctx, reload) {
  return h('li', { class: 'card carrier-check', dataset: { organisation: String(x.organisation_id), check: x.status } },
    h('h2', { class: 'org-name' }, x.organisation_name),
    h('dl', { class: 'facts' },
      row('field.inn', x.inn),
      row('field.licence_number', x.licence_number),
      row('pm.check_requested', x.requested_at ? dateEl(x.requested_at, true) : null),
      x.note ? row('pm.check_note', x.note) : null),
    GOV_ROLES.includes(ctx.user.role) ? checkForm(x, ctx, reload) : null);
}

function carrierCard(o, ctx, reload) {
  const suspended = o.status === 'suspended';
  return h('li', { class: `card carrier${suspended ? ' muted' : ''}`, dataset: { organisation: String(o.id), status: o.status } },
    h('h2', { class: 'org-name' }, o.name),
    h('dl', { class: 'facts' },
      row('field.inn', o.inn),
      row('field.licence_number', o.licence_number),
      row('field.contact_name', o.contact?.name),
      row('field.contact_phone', o.contact?.phone),
      row('home.status', h('span', { class: `badge badge-${suspended ? 'bad' : 'ok'}` }, term('status', o.status)))),
    GOV_ROLES.includes(ctx.user.role) ? statusForm(o, ctx, reload) : null);
}

export default {
  async render(view, ctx) {
    const flash = h('div', { 'aria-live': 'polite' });
    // Carriers waiting for verification: searched (name, INN, licence) and paged by the server.
    const checks = pagedList(ctx, {
      path: '/api/v1/carrier-verifications', size: 10, fixed: { status: 'pending' }, empty: 'list.none',
      search: { label: 'list.search', hint: 'list.carriers_hint' },
      draw: (items) => h('ul', { class: 'cards' }, items.map((x) => checkCard(x, ctx, reload))),
    });
    const waiting = h('section', { class: 'carrier-checks' }, h('h2', { i18n: 'pm.checks_title' }),
      h('p', { class: 'aside', i18n: 'pm.checks_lead' }), checks.el);
    // Every carrier, by name: searched (name, INN, licence, contact), filtered by state and
    // paged by the server (GET /api/v1/organisations?kind=carrier&q=&status=&limit=&offset=).
    const carriers = pagedList(ctx, {
      path: '/api/v1/organisations', size: 25, fixed: { kind: 'carrier' }, empty: 'carriers.none',
      search: { label: 'list.search', hint: 'search.orgs_hint' },
      filters: [{ name: 'status', label: 'list.status', options: [{ value: '', label: 'ui.any' },
        { value: 'suspended', label: 'status.suspended' }, { value: 'active', label: 'status.active' }] }],
      draw: (items) => h('ul', { class: 'cards' }, items.map((o) => carrierCard(o, ctx, reload))),
    });
    async function reload(done) {
      await Promise.all([carriers.reload(), checks.reload()]);
      flash.replaceChildren(done ? notice(done) : '');
      if (done) announce(flash.textContent);
    }
    append(view, h('h1', { i18n: 'carriers.title' }), h('p', { class: 'lead', i18n: 'carriers.lead' }), flash, waiting,
      h('section', { class: 'carrier-list' }, carriers.el));
    await reload();
  },
};
