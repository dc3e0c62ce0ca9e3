// review.js: the ministry's review queue (#/review: GET /api/v1/permit-applications?
// status=pending_review): each application with the carrier, the vehicle and the trip;
// approve or reject it with a reason (POST /api/v1/permit-applications/{id}/decision).
// An approval still runs every check; a failed one is listed like a refusal.
import { historyBox } from '../history.js';
import { append, h, dateEl, notice, announce } from '../dom.js';
import { field, clearErrors, showError } from '../forms.js';
import { t } from '../i18n.js';
import { row, countryName, typeName, reasonsList, errorNotice } from '../permit-ui.js';
import { GOV_ROLES } from './quotas.js';

function decisionForm(ap, ctx, card) {
  const summary = h('div', { class: 'error-summary', role: 'alert', tabindex: '-1', hidden: true });
  const reason = field({ name: 'reason', label: 'review.reason', hint: 'hint.review_reason', required: true,
    multiline: true, maxlength: 1000 });
  const approve = h('button', { type: 'submit', class: 'primary', value: 'approve', i18n: 'review.approve' });
  const reject = h('button', { type: 'submit', class: 'secondary danger', value: 'reject', i18n: 'review.reject' });
  const form = h('form', { novalidate: true, class: 'decision-form' }, summary, reason, h('div', { class: 'button-row' }, approve, reject));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const yes = ev.submitter?.value === 'approve';
    const text = reason.querySelector('textarea').value.trim();
    if (!text) {
      showError(form, { code: 'invalid_field', status: 400, fields: [{ field: 'reason', problem: { key: 'problem.required' } }] });
      return;
    }
    approve.disabled = reject.disabled = true;
    try {
      const r = await ctx.api.post(`/api/v1/permit-applications/${ap.id}/decision`, { approve: yes, reason: text });
      const outcome = r.decision === 'issued'
        ? notice({ key: 'review.approved_done', args: { id: String(ap.id), permit: r.permit.id } })
        : notice({ key: 'review.rejected_done', args: { id: String(ap.id) } });
      form.replaceWith(outcome);
      card.dataset.decision = r.decision;
      announce(outcome.textContent);
    } catch (err) {
      if (err?.name === 'ApiError' && err.status === 422 && err.reasons?.length) {
        // Approved, but a check failed (the quota ran out meanwhile, the carrier was suspended…).
        form.replaceWith(h('div', { class: 'decision decision-bad', role: 'alert' },
          h('p', { i18n: 'review.approve_refused', args: { id: String(ap.id) } }), reasonsList(err.reasons)));
        card.dataset.decision = 'refused';
        announce(t('review.approve_refused', { id: String(ap.id) }));
      } else {
        showError(form, err?.name === 'ApiError' ? err : { code: 'internal', status: 500 });
      }
    } finally {
      approve.disabled = reject.disabled = false;
    }
  });
  return form;
}

function applicationCard(ap, orgs, vehicles, ctx) {
  const org = orgs.get(ap.organisation_id);
  const v = vehicles.get(ap.vehicle_id);
  const trip = ap.trip || {};
  const card = h('li', { class: 'card application', dataset: { application: String(ap.id) } },
    h('h2', { i18n: 'review.application_title', args: { id: String(ap.id) } }),
    h('dl', { class: 'facts' },
      row('permit.company', org ? org.name : `#${ap.organisation_id}`),
      row('field.inn', org?.inn),
      row('permit.partner', countryName(ap.partner)),
      row('permit.type', typeName(ap.type_name)),
      row('quotas.year', String(ap.year)),
      row('permit.plate', v ? h('span', { class: 'mono' }, v.plate) : `#${ap.vehicle_id}`),
      row('vehicle.euro_class', v ? h('span', { i18n: 'vehicle.euro_value', args: { n: String(v.euro_class) } }) : null),
      row('apply.route', trip.route),
      row('apply.departure_date', trip.departure_date ? dateEl(`${trip.departure_date}T12:00:00`) : null),
      row('apply.cargo', trip.cargo),
      row('review.submitted', dateEl(ap.created_at, true))));
  card.append(historyBox(ctx, `/api/v1/permit-applications/${ap.id}/history`));
  if (GOV_ROLES.includes(ctx.user.role)) card.append(decisionForm(ap, ctx, card));
  return card;
}

export default {
  async render(view, ctx) {
    append(view, h('h1', { i18n: 'review.title' }), h('p', { class: 'lead', i18n: 'review.lead' }));
    try {
      const queue = await ctx.api.get('/api/v1/permit-applications?status=pending_review&limit=200');
      // only the carriers and vehicles of the queue, not every carrier (that list is paged)
      const fetchAll = (ids, path) => Promise.all([...new Set(ids)].map((id) => ctx.api.get(`${path}/${id}`).catch(() => null)))
        .then((found) => new Map(found.filter(Boolean).map((x) => [x.id, x])));
      const [orgs, vehicles] = await Promise.all([
        fetchAll(queue.items.map((ap) => ap.organisation_id).filter(Boolean), '/api/v1/organisations'),
        fetchAll(queue.items.map((ap) => ap.vehicle_id), '/api/v1/vehicles'),
      ]);
      append(view, queue.items.length
        ? h('ul', { class: 'cards' }, queue.items.map((ap) => applicationCard(ap, orgs, vehicles, ctx)))
        : h('p', { class: 'notice notice-ok', role: 'status', i18n: 'review.empty' }));
    } catch (err) {
      append(view, errorNotice(err));
    }
  },
};
