// vehicles.js: a carrier's vehicles (#/vehicles): the list, registering one
// (POST /api/v1/vehicles) and retiring or bringing one back (PUT /api/v1/vehicles/{id}/status).
import { append, h, notice, announce } from '../dom.js';
import { field, fieldset, makeForm } from '../forms.js';
import { t } from '../i18n.js';
import { row, term, confirmButton, errorNotice } from '../permit-ui.js';

export const KINDS = ['tractor', 'truck', 'trailer', 'bus'];

const plateCheck = (v) => {
  const s = v.replace(/[\s-]/g, '');
  if (!/^[A-Za-z0-9]*$/.test(s)) return { key: 'problem.plate_chars' };
  return s.length >= 4 && s.length <= 12 ? null : { key: 'problem.plate_length' };
};
const vinCheck = (v) => {
  const s = v.toUpperCase();
  if (s.length !== 17) return { key: 'problem.vin_length' };
  if (!/^[A-Z0-9]+$/.test(s)) return { key: 'problem.vin_chars' };
  return /[IOQ]/.test(s) ? { key: 'problem.vin_ioq' } : null;
};

function vehicleCard(v, ctx, reload) {
  const retired = v.status !== 'active';
  const setStatus = (status) => async () => {
    await ctx.api.put(`/api/v1/vehicles/${v.id}/status`, { status });
    announce(t(status === 'retired' ? 'vehicles.retired_done' : 'vehicles.reactivated_done', { plate: v.plate }));
    await reload();
  };
  return h('li', { class: `card vehicle${retired ? ' muted' : ''}`, dataset: { plate: v.plate, status: v.status } },
    h('h3', { class: 'plate' }, v.plate),
    h('dl', { class: 'facts' },
      row('vehicle.make_model', [v.make, v.model].filter(Boolean).join(' ')),
      row('vehicle.kind', term('vehicle_kind', v.kind)),
      row('vehicle.euro_class', h('span', { i18n: 'vehicle.euro_value', args: { n: String(v.euro_class) } })),
      row('vehicle.vin', h('span', { class: 'mono' }, v.vin)),
      row('vehicle.status', h('span', { class: `badge badge-${retired ? 'bad' : 'ok'}` }, term('vehicle_status', v.status)))),
    retired
      ? confirmButton({ label: 'vehicles.reactivate', confirm: 'vehicles.reactivate_confirm', act: setStatus('active') })
      : confirmButton({ label: 'vehicles.retire', confirm: 'vehicles.retire_confirm', danger: true, act: setStatus('retired') }));
}

export default {
  async render(view, ctx) {
    const listBox = h('div', { class: 'vehicle-list', 'aria-live': 'polite' });
    async function reload() {
      try {
        const { items } = await ctx.api.get('/api/v1/vehicles');
        items.sort((a, b) => (a.status === b.status ? a.plate.localeCompare(b.plate) : a.status === 'active' ? -1 : 1));
        listBox.replaceChildren(items.length
          ? h('ul', { class: 'cards' }, items.map((v) => vehicleCard(v, ctx, reload)))
          : h('p', { class: 'aside', i18n: 'vehicles.none' }));
      } catch (err) {
        listBox.replaceChildren(errorNotice(err));
      }
    }

    const done = h('div');
    const f = makeForm({
      submit: 'vehicles.add_submit',
      async onSubmit(values, form) {
        const body = {
          plate: values.plate.toUpperCase(), vin: values.vin.toUpperCase(), kind: values.kind,
          euro_class: Number(values.euro_class),
        };
        if (values.make) body.make = values.make;
        if (values.model) body.model = values.model;
        const v = await ctx.api.post('/api/v1/vehicles', body);
        form.form.reset();
        done.replaceChildren(notice({ key: 'vehicles.added', args: { plate: v.plate } }));
        await reload();
      },
    }, fieldset('vehicles.add_title',
      field({ name: 'plate', label: 'vehicle.plate', hint: 'hint.plate', required: true, autocapitalize: 'characters',
        spellcheck: 'false', maxlength: 20, check: plateCheck }),
      field({ name: 'vin', label: 'vehicle.vin', hint: 'hint.vin', required: true, autocapitalize: 'characters',
        spellcheck: 'false', maxlength: 17, check: vinCheck }),
      field({ name: 'kind', label: 'vehicle.kind', required: true, value: 'tractor',
        options: KINDS.map((k) => ({ value: k, label: `vehicle_kind.${k}` })) }),
      field({ name: 'euro_class', label: 'vehicle.euro_class', hint: 'hint.euro_class', required: true, value: '5',
        options: [6, 5, 4, 3, 2, 1, 0].map((n) => ({ value: String(n), label: 'vehicle.euro_value', args: { n: String(n) } })) }),
      field({ name: 'make', label: 'vehicle.make', maxlength: 60 }),
      field({ name: 'model', label: 'vehicle.model', maxlength: 60 })));

    append(view,
      h('h1', { i18n: 'vehicles.title' }),
      h('p', { class: 'lead', i18n: 'vehicles.lead' }),
      h('section', { 'aria-labelledby': 'vehicles-list' }, h('h2', { id: 'vehicles-list', i18n: 'vehicles.list_title' }), listBox),
      h('section', { class: 'card', 'aria-labelledby': 'vehicles-add' },
        h('h2', { id: 'vehicles-add', i18n: 'vehicles.add_title' }), done, f.form));
    // The fieldset legend repeats the section heading: keep one for screen readers.
    f.form.querySelector('legend').classList.add('visually-hidden');
    await reload();
  },
};
