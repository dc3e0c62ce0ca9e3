// permit-issue.js: the ministry issues a permit itself (#/permit-issue: POST /api/v1/permits):
// a paper permit made digital, or a carrier without an account, with the trailer's plate,
// the trip's countries, an explicit expiry and other claims (one "name = value" a line).
import { append, h, announce } from '../dom.js';
import { field, fieldset, makeForm } from '../forms.js';
import { t, has } from '../i18n.js';
import { permitFacts, qrImage, pdfLink, errorNotice, currentYear } from '../permit-ui.js';

function countryOptions(authorities, { partnersOnly = false } = {}) {
  const name = (a) => (has(`country.${a.code.toLowerCase()}`) ? t(`country.${a.code.toLowerCase()}`) : a.name);
  return [{ value: '', label: 'form.choose' }, ...authorities
    .filter((a) => /^[A-Z]{2}$/.test(a.code) && !(partnersOnly && a.self))
    .map((a) => ({ value: a.code, label: `country.${a.code.toLowerCase()}`, fallback: a.name, sort: name(a) }))
    .sort((x, y) => x.sort.localeCompare(y.sort))];
}

// "paper_permit = TR-004512" lines → {paper_permit: "TR-004512"}; a line without "=" is a problem.
function claimsOf(text) {
  const out = {};
  for (const line of text.split('\n').map((l) => l.trim()).filter(Boolean)) {
    const at = line.indexOf('=');
    if (at <= 0) return null;
    out[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return out;
}

export default {
  async render(view, ctx) {
    let authorities, types;
    try {
      [authorities, types] = await Promise.all([ctx.api.get('/api/v1/authorities'), ctx.api.get('/api/v1/permit-types')]);
    } catch (err) {
      append(view, h('h1', { i18n: 'pm.issue_title' }), errorNotice(err));
      return;
    }
    const result = h('div', { class: 'decision-box' });
    const year = currentYear();
    const f = makeForm({
      submit: 'pm.issue_submit',
      async onSubmit(values, ctl) {
        result.replaceChildren();
        const body = { partner: values.partner, type: Number(values.type), year: Number(values.year), plate: values.plate,
          company_name: values.company_name, company_id: values.company_id };
        for (const k of ['trailer_plate', 'departure_country', 'arrival_country', 'expires_at']) if (values[k]) body[k] = values[k];
        if (values.other_claims?.trim()) {
          const claims = claimsOf(values.other_claims);
          if (!claims) {
            ctl.showProblems([{ field: 'other_claims', problem: { key: 'pm.claims_problem' } }]);
            return;
          }
          body.other_claims = claims;
        }
        const p = await ctx.api.post('/api/v1/permits', body);
        append(result,
          h('div', { class: 'decision decision-ok', role: 'status' },
            h('h2', { i18n: 'pm.issued_title', tabindex: '-1' }),
            h('p', { i18n: 'pm.issued_body', args: { id: p.id } })),
          h('div', { class: 'permit-doc card', dataset: { permit: p.id } }, permitFacts(p, { more: true }), qrImage(p),
            h('div', { class: 'button-row' }, pdfLink(p))));
        announce(t('pm.issued_title'));
        result.querySelector('h2')?.focus();
      },
    },
    fieldset('apply.permit',
      field({ name: 'partner', label: 'apply.partner', required: true, value: '', options: countryOptions(authorities.items, { partnersOnly: true }) }),
      field({ name: 'type', label: 'apply.type', required: true, value: '1',
        options: types.items.map((ty) => ({ value: String(ty.code), label: `permit_type.${ty.name.toLowerCase()}`, fallback: ty.name })) }),
      field({ name: 'year', label: 'pm.year', required: true, value: String(year),
        options: [year, year + 1].map((y) => ({ value: String(y), text: String(y) })) }),
      field({ name: 'expires_at', label: 'pm.expires_at', hint: 'pm.expires_at_hint', type: 'date' })),
    fieldset('pm.carrier_vehicle',
      field({ name: 'company_name', label: 'field.company_name', required: true, maxlength: 500 }),
      field({ name: 'company_id', label: 'field.inn', required: true, maxlength: 255, inputmode: 'numeric' }),
      field({ name: 'plate', label: 'permit.plate', required: true, maxlength: 20, autocapitalize: 'characters', spellcheck: false }),
      field({ name: 'trailer_plate', label: 'pm.trailer_plate', hint: 'pm.trailer_plate_hint', maxlength: 20, autocapitalize: 'characters', spellcheck: false })),
    fieldset('pm.trip',
      field({ name: 'departure_country', label: 'pm.departure_country', hint: 'pm.countries_hint', value: '', options: countryOptions(authorities.items) }),
      field({ name: 'arrival_country', label: 'pm.arrival_country', value: '', options: countryOptions(authorities.items) }),
      field({ name: 'other_claims', label: 'pm.other_claims', hint: 'pm.other_claims_hint', multiline: true, maxlength: 2000 })));
    append(view, h('h1', { i18n: 'pm.issue_title' }), h('p', { class: 'lead', i18n: 'pm.issue_lead' }), f.form, result);
  },
};
