// carriers.js: carrier companies (#/carriers: GET /api/v1/organisations?kind=carrier); the
// ministry suspends one (it then gets no permits) or reactivates it, always with a reason
// (PUT /api/v1/organisations/{id}/status).
import { append, h, notice, announce } from '../dom.js';
import { field, clearErrors, showError } from '../forms.js';
import { row, term, errorNotice } from '../permit-ui.js';
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
  title: 'carriers.title',
  roles: ['ministry', 'auditor', 'admin'],
  nav: { label: 'nav.carriers', order: 50 },
  async render(view, ctx) {
    const flash = h('div', { 'aria-live': 'polite' });
    const box = h('div');
    async function reload(done) {
      try {
        const { items } = await ctx.api.get('/api/v1/organisations?kind=carrier');
        items.sort((a, b) => (a.status === b.status ? a.name.localeCompare(b.name) : a.status === 'suspended' ? -1 : 1));
        box.replaceChildren(items.length ? h('ul', { class: 'cards' }, items.map((o) => carrierCard(o, ctx, reload)))
          : h('p', { class: 'aside', i18n: 'carriers.none' }));
        flash.replaceChildren(done ? notice(done) : '');
        if (done) announce(flash.textContent);
      } catch (err) {
        box.replaceChildren(errorNotice(err));
      }
    }
    append(view, h('h1', { i18n: 'carriers.title' }), h('p', { class: 'lead', i18n: 'carriers.lead' }), flash, box);
    await reload();
  },
};
