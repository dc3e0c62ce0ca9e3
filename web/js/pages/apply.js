// apply.js: a carrier applies for a freight permit (#/apply → POST /api/v1/permit-applications)
// and sees the decision at once: the issued permit with its QR code and PDF, every failed
// check of a refusal, or that the ministry will review it.
import { append, h, notice, announce } from '../dom.js';
import { field, fieldset, makeForm } from '../forms.js';
import { t, has, kgDate } from '../i18n.js';
import { permitFacts, qrImage, pdfLink, reasonsList, errorNotice } from '../permit-ui.js';

// Country names sorted in the current language (the catalogue's, else the server's).
function partnerOptions(authorities) {
  const name = (a) => (has(`country.${a.code.toLowerCase()}`) ? t(`country.${a.code.toLowerCase()}`) : a.name);
  return authorities.filter((a) => !a.self)
    .map((a) => ({ value: a.code, label: `country.${a.code.toLowerCase()}`, fallback: a.name, sort: name(a) }))
    .sort((x, y) => x.sort.localeCompare(y.sort));
}

// Every known country (this one included) for the trip's ends, named in the current language.
function countryOptions(authorities) {
  const name = (a) => (has(`country.${a.code.toLowerCase()}`) ? t(`country.${a.code.toLowerCase()}`) : a.name);
  return authorities.filter((a) => /^[A-Z]{2}$/.test(a.code))
    .map((a) => ({ value: a.code, label: `country.${a.code.toLowerCase()}`, fallback: a.name, sort: name(a) }))
    .sort((x, y) => x.sort.localeCompare(y.sort));
}

// A carrier that registered itself waits for the ministry's check: say what is pending.
function checkNotice(check) {
  if (!check || check.status === 'verified') return null;
  const rejected = check.status === 'rejected';
  return h('div', { class: `notice${rejected ? ' notice-error' : ''} carrier-check`, role: 'status', dataset: { status: check.status } },
    h('p', { i18n: rejected ? 'pm.check_rejected' : 'pm.check_pending' }),
    check.pending.length ? h('ul', {}, check.pending.map((x) => h('li', { i18n: `pm.check_${x}` }))) : null,
    check.note ? h('p', {}, h('span', { i18n: 'pm.check_note' }), ' ', h('q', {}, check.note)) : null);
}

function issued(result, p) {
  append(result,
    h('div', { class: 'decision decision-ok', role: 'status' },
      h('h2', { i18n: 'apply.issued_title', tabindex: '-1' }),
      h('p', { i18n: 'apply.issued_body', args: { id: p.id } })),
    h('div', { class: 'permit-doc card', dataset: { permit: p.id } },
      permitFacts(p),
      qrImage(p),
      h('div', { class: 'button-row' }, pdfLink(p), h('a', { class: 'button secondary', href: '#/permits', i18n: 'apply.to_permits' }))));
}

function refused(result, reasons) {
  append(result, h('div', { class: 'decision decision-bad', role: 'alert' },
    h('h2', { i18n: 'apply.refused_title', tabindex: '-1' }),
    h('p', { i18n: 'apply.refused_body' }),
    reasonsList(reasons)));
}

function pending(result, ap) {
  append(result, h('div', { class: 'decision decision-wait', role: 'status' },
    h('h2', { i18n: 'apply.pending_title', tabindex: '-1' }),
    h('p', { i18n: 'apply.pending_body', args: { id: String(ap.id) } })));
}

export default {
  async render(view, ctx) {
    let authorities, types, vehicles, check, years;
    try {
      [authorities, types, vehicles, check, years] = await Promise.all([
        ctx.api.get('/api/v1/authorities'), ctx.api.get('/api/v1/permit-types'), ctx.api.get('/api/v1/vehicles'),
        ctx.api.get('/api/v1/carrier-verification'), ctx.api.get('/api/v1/permit-years')]);
    } catch (err) {
      append(view, h('h1', { i18n: 'apply.title' }), errorNotice(err));
      return;
    }
    const active = vehicles.items.filter((v) => v.status === 'active');
    // Today in Kyrgyzstan (UTC+6), as the server counts it.
    const today = kgDate();

    const result = h('div', { class: 'decision-box' });

    const f = makeForm({
      submit: 'apply.submit',
      fields: { 'trip.departure_date': 'departure_date', trip: 'route' }, // the body's trip object
      async onSubmit(values) {
        result.replaceChildren();
        const body = { partner: values.partner, type: Number(values.type), vehicle_id: Number(values.vehicle_id) };
        if (values.year) body.year = Number(values.year);
        const trip = {};
        for (const k of ['route', 'departure_date', 'cargo']) if (values[k]) trip[k] = values[k];
        if (Object.keys(trip).length) body.trip = trip;
        for (const k of ['departure_country', 'arrival_country', 'trailer_plate']) if (values[k]) body[k] = values[k];
        try {
          const r = await ctx.api.post('/api/v1/permit-applications', body);
          if (r.decision === 'issued') issued(result, r.permit);
          else pending(result, r.application);
          announce(t(r.decision === 'issued' ? 'apply.issued_title' : 'apply.pending_title'));
        } catch (err) {
          // A refusal: every failed check. A rule answered without a list (an unknown partner,
          // someone else's vehicle) is shown the same way.
          if (err.name === 'ApiError' && err.status === 422 && err.code !== 'invalid_field') {
            refused(result, err.reasons.length ? err.reasons : [{ code: err.code, message: err.message }]);
            announce(t('apply.refused_title'));
          } else {
            throw err;
          }
        }
        result.querySelector('h2')?.focus();
      },
    },
    fieldset('apply.permit',
      field({ name: 'partner', label: 'apply.partner', hint: 'hint.partner', required: true, value: '',
        options: [{ value: '', label: 'form.choose' }, ...partnerOptions(authorities.items)] }),
      field({ name: 'type', label: 'apply.type', required: true, value: '1',
        options: types.items.map((ty) => ({
          value: String(ty.code),
          label: ty.fee_som > 0 ? 'apply.type_with_fee' : `permit_type.${ty.name.toLowerCase()}`,
          args: ty.fee_som > 0 ? { type: t(`permit_type.${ty.name.toLowerCase()}`), fee: ty.fee_som } : undefined,
          fallback: ty.name,
        })) }),
      // From 1 December next year's permits may be asked for too, once the ministry opens its quota.
      years.years.length > 1 ? field({ name: 'year', label: 'pm.year', hint: 'pm.year_hint', required: true,
        value: String(years.current), options: years.years.map((y) => ({ value: String(y), text: String(y) })) }) : null,
      field({ name: 'vehicle_id', label: 'apply.vehicle', required: true, value: active.length === 1 ? String(active[0].id) : '',
        options: [{ value: '', label: 'form.choose' },
          ...active.map((v) => ({ value: String(v.id), text: [v.plate, v.make, v.model].filter(Boolean).join(' · ') }))] })),
    fieldset('apply.trip',
      h('p', { class: 'hint', i18n: 'apply.trip_hint' }),
      field({ name: 'departure_country', label: 'pm.departure_country', hint: 'pm.countries_hint', value: '',
        options: [{ value: '', label: 'form.choose' }, ...countryOptions(authorities.items)] }),
      field({ name: 'arrival_country', label: 'pm.arrival_country', value: '',
        options: [{ value: '', label: 'form.choose' }, ...countryOptions(authorities.items)] }),
      field({ name: 'trailer_plate', label: 'pm.trailer_plate', hint: 'pm.trailer_plate_hint', maxlength: 20,
        autocapitalize: 'characters', spellcheck: false }),
      field({ name: 'route', label: 'apply.route', hint: 'hint.route', maxlength: 200 }),
      field({ name: 'departure_date', label: 'apply.departure_date', type: 'date', min: today }),
      field({ name: 'cargo', label: 'apply.cargo', maxlength: 200 })));

    append(view,
      h('h1', { i18n: 'apply.title' }),
      h('p', { class: 'lead', i18n: 'apply.lead' }),
      checkNotice(check),
      active.length ? null : notice({ key: 'apply.no_vehicles' }, 'error'),
      h('p', { class: 'aside' }, h('a', { href: '#/vehicles', i18n: 'apply.manage_vehicles' })),
      f.form,
      result);
  },
};
