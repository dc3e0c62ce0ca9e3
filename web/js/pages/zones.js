// zones.js: border-zone permits for travellers (#/zones): apply for oneself or a group
// (an agency's account), see the fee in som and in one's own currency, record the payment,
// download each person's permit (PDF with a copy per post, QR), extend once, cancel.
import { append, h, dateEl, notice, announce, named } from '../dom.js';
import { field, fieldset, makeForm } from '../forms.js';
import { t, kgDate } from '../i18n.js';
import { row, term, confirmButton, errorNotice, fmt } from '../permit-ui.js';
import { historyBox } from '../history.js';

const enc = encodeURIComponent;
const today = (days = 0) => kgDate(days);

function personFields(i) {
  return h('fieldset', { class: 'person', dataset: { person: String(i) } },
    h('legend', { i18n: 'zones.person', args: { n: String(i + 1) } }),
    field({ name: `surname_${i}`, label: 'zones.surname', hint: 'zones.latin_hint', required: true, maxlength: 60, autocapitalize: 'characters' }),
    field({ name: `given_${i}`, label: 'zones.given_names', required: true, maxlength: 60, autocapitalize: 'characters' }),
    field({ name: `nat_${i}`, label: 'zones.nationality', hint: 'zones.nationality_hint', required: true, maxlength: 2, autocapitalize: 'characters',
      check: (v) => (/^[A-Za-z]{2}$/.test(v) ? null : { key: 'problem.country' }) }),
    field({ name: `pp_${i}`, label: 'zones.passport_number', hint: 'zones.passport_hint', required: true, maxlength: 30, autocapitalize: 'characters', spellcheck: 'false' }),
    field({ name: `ppexp_${i}`, label: 'zones.passport_expiry', type: 'date', required: true }));
}

function zonesPicker(zones) {
  return h('fieldset', { class: 'zones-picker' }, h('legend', { i18n: 'zones.zones' }),
    zones.map((z) => h('div', { class: 'zone-choice' },
      h('label', {}, h('input', { type: 'checkbox', name: 'zone', value: String(z.code), dataset: { zone: String(z.code) } }),
        ` ${z.code}. `, named(z.region)),
      h('ul', { class: 'places' }, z.places.map((p) => h('li', {},
        h('label', {}, h('input', { type: 'checkbox', name: 'route', value: p.code, dataset: { place: p.code } }), ' ', named(p.name),
          p.post ? h('span', { class: 'badge badge-info', i18n: 'zones.post' }) : null)))))));
}

function permitItem(p, app, ctx, reload) {
  const active = p.status === 'active';
  return h('li', { class: 'card permit-person', dataset: { number: p.number, status: p.status } },
    h('h4', {}, `${p.surname} ${p.given_names}`),
    h('dl', { class: 'facts' },
      row('zones.number', h('span', { class: 'mono' }, p.number)),
      row('zones.passport_number', h('span', { class: 'mono' }, p.passport_number)),
      row('zones.status', term('zone_status', p.status))),
    active ? h('img', { class: 'qr', alt: t('zones.qr_alt', { number: p.number }), src: `/api/v1/zone-permits/${enc(p.number)}/qr?format=svg`, loading: 'lazy' }) : null,
    active ? h('p', {}, h('a', { href: `/api/v1/zone-permits/${enc(p.number)}/pdf`, download: `${p.number}.pdf`, i18n: 'zones.download_pdf' })) : null);
}

function appCard(a, ctx, reload) {
  const box = h('li', { class: 'card zone-app', dataset: { id: String(a.id), status: a.status } },
    h('h3', { i18n: 'zones.application', args: { id: String(a.id) } }),
    h('dl', { class: 'facts' },
      row('zones.status', term('zone_status', a.status)),
      row('zones.dates', h('span', {}, dateEl(a.date_from), ' – ', dateEl(a.date_to))),
      row('zones.valid', h('span', {}, dateEl(a.valid_from), ' – ', dateEl(a.valid_until), a.extended ? h('span', { class: 'badge badge-info', i18n: 'zones.extended' }) : null)),
      row('zones.zones', a.zones.join(', ')),
      row('zones.fee', h('span', {}, `${fmt(a.fee.total_som)} `, h('span', { i18n: 'zones.som' }),
        a.fee.in_currency ? ` ≈ ${a.fee.in_currency.amount} ${a.fee.in_currency.currency}` : ''))),
    h('ul', { class: 'cards' }, a.permits.map((p) => permitItem(p, a, ctx, reload))));
  if (a.status === 'awaiting_payment') {
    const f = makeForm({ submit: 'zones.pay', async onSubmit(v) {
      await ctx.api.post(`/api/v1/zone-permit-applications/${a.id}/payment`, { reference: v.reference, ...(v.currency ? { currency: v.currency.toUpperCase() } : {}) });
      announce(t('zones.paid_done'));
      await reload();
    } }, fieldset('zones.pay_title',
      h('p', { class: 'aside', i18n: 'zones.pay_note' }),
      field({ name: 'reference', label: 'zones.reference', required: true, maxlength: 100 }),
      field({ name: 'currency', label: 'zones.currency', hint: 'zones.currency_hint', maxlength: 3 })));
    append(box, f.form, confirmButton({ label: 'zones.cancel', confirm: 'zones.cancel_confirm', danger: true,
      act: async () => { await ctx.api.post(`/api/v1/zone-permit-applications/${a.id}/cancel`); await reload(); } }));
  } else if (a.status === 'paid' && !a.extended) {
    const f = makeForm({ submit: 'zones.extend', async onSubmit(v) {
      await ctx.api.post(`/api/v1/zone-permit-applications/${a.id}/extension`, { valid_until: v.valid_until });
      announce(t('zones.extended_done'));
      await reload();
    } }, fieldset('zones.extend_title', h('p', { class: 'aside', i18n: 'zones.extend_note' }),
      field({ name: 'valid_until', label: 'zones.new_end', type: 'date', required: true })));
    append(box, f.form);
  }
  append(box, historyBox(ctx, `/api/v1/zone-permit-applications/${a.id}/history`));
  return box;
}

export default {
  async render(view, ctx) {
    const list = h('div', { 'aria-live': 'polite' });
    const cur = () => (localStorage.getItem('kapka_currency') || '');
    async function reload() {
      try {
        const q = cur() ? `?currency=${enc(cur())}` : '';
        const { items } = await ctx.api.get(`/api/v1/zone-permit-applications${q}`);
        list.replaceChildren(items.length ? h('ul', { class: 'cards' }, items.map((a) => appCard(a, ctx, reload)))
          : h('p', { class: 'aside', i18n: 'zones.none' }));
      } catch (err) { list.replaceChildren(errorNotice(err)); }
    }
    let zones = [];
    let fees = [];
    try {
      zones = (await ctx.api.get('/api/v1/border-zones')).items;
      fees = (await ctx.api.get('/api/v1/zone-fees')).items;
    } catch (err) { append(view, errorNotice(err)); return; }
    const people = h('div', { class: 'people' }, personFields(0));
    let count = 1;
    const addPerson = h('button', { type: 'button', class: 'secondary', i18n: 'zones.add_person',
      onclick: () => { if (count < 50) people.append(personFields(count++)); } });
    const done = h('div');
    const f = makeForm({ submit: 'zones.apply_submit', async onSubmit(v, ctl) {
      const form = ctl.form;
      const travellers = [];
      for (let i = 0; i < count; i++) {
        travellers.push({ surname: v[`surname_${i}`], given_names: v[`given_${i}`], nationality: (v[`nat_${i}`] || '').toUpperCase(),
          passport_number: v[`pp_${i}`], passport_expiry: v[`ppexp_${i}`] });
      }
      const picked = (name) => [...form.querySelectorAll(`input[name=${name}]:checked`)].map((x) => x.value);
      if (v.currency) localStorage.setItem('kapka_currency', v.currency.toUpperCase());
      const body = { travellers, date_from: v.date_from, date_to: v.date_to, zones: picked('zone').map(Number), route: picked('route'), purpose: v.purpose };
      const q = cur() ? `?currency=${enc(cur())}` : '';
      let a;
      try {
        a = await ctx.api.post(`/api/v1/zone-permit-applications${q}`, body);
      } catch (err) {
        // travellers[1].surname → the form's surname_1, so the problem is shown next to it
        const FIELD = { surname: 'surname', given_names: 'given', nationality: 'nat', passport_number: 'pp', passport_expiry: 'ppexp' };
        if (Array.isArray(err.fields)) {
          err.fields = err.fields.map((x) => {
            const m = /^travellers\[(\d+)\]\.(\w+)$/.exec(x.field || '');
            return m && FIELD[m[2]] ? { ...x, field: `${FIELD[m[2]]}_${m[1]}` } : x;
          });
        }
        throw err;
      }
      done.replaceChildren(notice({ key: 'zones.applied', args: { id: String(a.id), fee: fmt(a.fee.total_som) } }));
      await reload();
    } },
    fieldset('zones.trip', field({ name: 'date_from', label: 'zones.date_from', type: 'date', required: true, value: today(7) }),
      field({ name: 'date_to', label: 'zones.date_to', type: 'date', required: true, value: today(14) }),
      field({ name: 'purpose', label: 'zones.purpose', required: true, maxlength: 300, value: '' }),
      field({ name: 'currency', label: 'zones.currency', hint: 'zones.currency_hint', maxlength: 3, value: cur() })),
    zonesPicker(zones), people, addPerson);
    append(view,
      h('h1', { i18n: 'zones.title' }),
      h('p', { class: 'lead', i18n: 'zones.lead' }),
      h('p', { class: 'aside' }, h('span', { i18n: 'zones.fees' }), ' ', fees.map((x) => `${x.max_zones}: ${fmt(x.fee_som)}`).join(' · '), ' ', h('span', { i18n: 'zones.som' })),
      h('section', { class: 'card', 'aria-labelledby': 'zones-apply' }, h('h2', { id: 'zones-apply', i18n: 'zones.apply_title' }), done, f.form),
      h('section', { 'aria-labelledby': 'zones-mine' }, h('h2', { id: 'zones-mine', i18n: 'zones.mine' }), list));
    await reload();
  },
};
