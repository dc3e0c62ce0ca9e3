// border.js: the officer's post (#/border): register a crossing in a few taps (direction,
// vehicle, plate, scale and scanner readings, the driver) with the permit match and any
// inspection flag shown at once (POST /api/v1/crossings), and the waiting zone with the
// call forward (GET /api/v1/checkpoints/{code}/queue, POST …/queue/call). The post is
// remembered on this device: an officer stands at the same one.
import { append, h, notice, announce } from '../dom.js';
import { field, fieldset, makeForm } from '../forms.js';
import { t } from '../i18n.js';
import { countryName, errorNotice, row } from '../permit-ui.js';
import { QUEUE_FLOWS, cpName, cpOffset, localTime, flowName } from '../checkpoint-ui.js';

const KEY = 'kapka:checkpoint'; // localStorage
const KINDS = ['truck', 'tractor', 'car', 'bus', 'motorcycle', 'bicycle'];
const RESULTS = ['', 'clear', 'alarm'];

function remembered() {
  try { return localStorage.getItem(KEY); } catch { return null; }
}
function remember(code) {
  try { localStorage.setItem(KEY, code); } catch { /* private mode */ }
}

function resultCard(x) {
  const m = x.permit.match;
  const tone = x.inspection ? 'error' : 'ok';
  return h('div', { class: `notice notice-${tone} crossing-result`, role: x.inspection ? 'alert' : 'status',
    dataset: { match: m, flags: x.flags.join(',') } },
  h('p', { class: 'crossing-headline', i18n: x.inspection ? 'border.inspect' : 'border.pass', args: { plate: x.plate || '' } }),
  h('dl', { class: 'facts' },
    row('border.permit', h('span', { i18n: `permit_match.${m}`, args: { id: x.permit.id || '' } })),
    x.permit.problem ? row('border.problem', h('span', { i18n: `reason.${x.permit.problem.toLowerCase()}`, fallback: x.permit.problem })) : null,
    x.flags.length ? row('border.flags', x.flags.map((f, i) => [i ? ', ' : '', h('span', { i18n: `flag.${f.toLowerCase()}` })])) : null,
    row('border.people', String(x.people)),
    x.booking_id ? row('border.booking', h('span', { i18n: 'border.booking_closed' })) : null));
}

// A vehicle in the waiting zone; a call's deadline in the checkpoint's own local time.
function queueCard(b, offset) {
  return h('li', { class: `card queue-item${b.status === 'called' ? ' called' : ''}`, dataset: { plate: b.plate, status: b.status } },
    h('strong', { class: 'plate' }, `${b.position}. ${b.plate}`), ' ',
    h('span', { class: 'badge badge-info', i18n: `booking_status.${b.status}` }),
    b.priority ? [' ', h('span', { class: 'badge badge-warn', i18n: `priority.${b.priority}` })] : null,
    b.live ? [' ', h('span', { class: 'hint', i18n: 'booking.live' })] : null,
    b.status === 'called' ? h('p', { class: 'hint', i18n: 'border.deadline', args: { time: localTime(b.call_deadline, offset).slice(11) } }) : null);
}

export default {
  async render(view, ctx) {
    const { items } = await ctx.api.get('/api/v1/checkpoints?country=KG');
    const here = items.find((c) => c.code === (ctx.query.checkpoint || remembered())) || items[0];
    const cpSelect = field({ name: 'checkpoint', label: 'border.checkpoint', required: true, value: here.code,
      options: items.map((c) => ({ value: c.code, text: cpName(c) })) });
    cpSelect.querySelector('select').addEventListener('change', (ev) => {
      remember(ev.target.value);
      ctx.navigate('border', { query: { checkpoint: ev.target.value } });
    });
    remember(here.code);

    const result = h('div', { 'aria-live': 'polite' });
    const f = makeForm({
      submit: 'border.register',
      async onSubmit(v, form) {
        const body = { checkpoint: here.code, direction: form.form.querySelector('input[name="direction"]:checked').value };
        if (v.vehicle_kind) body.vehicle_kind = v.vehicle_kind;
        if (v.plate) { body.plate = v.plate.toUpperCase(); body.plate_source = 'typed'; }
        if (v.vehicle_country) body.vehicle_country = v.vehicle_country.toUpperCase();
        if (v.weight_kg) body.weight_kg = Number(v.weight_kg);
        for (const k of ['scan_result', 'xray_result', 'radiation_result']) if (v[k]) body[k] = v[k];
        if (v.driver_name || v.driver_passport) {
          body.persons = [{ name: v.driver_name || null, nationality: v.driver_nationality ? v.driver_nationality.toUpperCase() : null,
            passport: v.driver_passport || null, driver: true }];
        }
        const x = await ctx.api.post('/api/v1/crossings', body);
        result.replaceChildren(resultCard(x));
        announce(t(x.inspection ? 'border.inspect' : 'border.pass', { plate: x.plate || '' }));
        // Ready for the next vehicle: the direction and the kind of vehicle stay, the rest is its own.
        for (const name of ['plate', 'vehicle_country', 'weight_kg', 'driver_name', 'driver_nationality', 'driver_passport',
          'scan_result', 'xray_result', 'radiation_result']) form.form.querySelector(`[name="${name}"]`).value = '';
        form.form.querySelector('[name="plate"]').focus();
        await loadQueue();
      },
    },
    h('fieldset', { class: 'direction' }, h('legend', { i18n: 'border.direction' }),
      ['entry', 'exit'].map((d, i) => h('div', { class: 'field-check big-choice' },
        h('input', { type: 'radio', name: 'direction', id: `dir-${d}`, value: d, class: 'check', checked: i === 0 }),
        h('label', { for: `dir-${d}`, i18n: `border.${d}`, args: { country: t(`country.${here.neighbour.toLowerCase()}`) } })))),
    fieldset('border.vehicle',
      field({ name: 'vehicle_kind', label: 'border.kind', value: 'truck',
        options: [{ value: '', label: 'border.on_foot' }, ...KINDS.map((k) => ({ value: k, label: `crossing_kind.${k}` }))] }),
      field({ name: 'plate', label: 'vehicle.plate', autocapitalize: 'characters', maxlength: 20, spellcheck: 'false' }),
      field({ name: 'vehicle_country', label: 'border.vehicle_country', hint: 'border.vehicle_country_hint', maxlength: 2, autocapitalize: 'characters' }),
      field({ name: 'weight_kg', label: 'border.weight', type: 'number', inputmode: 'numeric', min: 1, max: 1000000 }),
      ...['scan_result', 'xray_result', 'radiation_result'].map((k) => field({ name: k, label: `border.${k}`,
        options: RESULTS.map((r) => ({ value: r, label: `scan.${r || 'none'}` })) }))),
    fieldset('border.driver',
      field({ name: 'driver_name', label: 'border.driver_name', maxlength: 200 }),
      field({ name: 'driver_nationality', label: 'border.driver_nationality', maxlength: 2, autocapitalize: 'characters' }),
      field({ name: 'driver_passport', label: 'border.driver_passport', maxlength: 20, autocapitalize: 'characters' })));

    const queueBox = h('div', { 'aria-live': 'polite' });
    const flowSel = field({ name: 'flow', label: 'booking.flow', options: QUEUE_FLOWS.map((x) => ({ value: x, label: `flow.${x}` })) });
    async function loadQueue() {
      try {
        const flow = flowSel.querySelector('select').value;
        const { items: q } = await ctx.api.get(`/api/v1/checkpoints/${encodeURIComponent(here.code)}/queue?flow=${flow}`);
        queueBox.replaceChildren(q.length ? h('ol', { class: 'cards queue' }, q.map((b) => queueCard(b, cpOffset(here)))) : h('p', { class: 'aside', i18n: 'border.queue_empty' }));
      } catch (err) {
        queueBox.replaceChildren(errorNotice(err));
      }
    }
    flowSel.querySelector('select').addEventListener('change', loadQueue);
    const call = h('button', { type: 'button', class: 'primary', i18n: 'border.call_next' });
    const callMsg = h('div');
    call.addEventListener('click', async () => {
      call.disabled = true;
      try {
        const r = await ctx.api.post(`/api/v1/checkpoints/${encodeURIComponent(here.code)}/queue/call`, { flow: flowSel.querySelector('select').value, count: 1 });
        callMsg.replaceChildren(notice(r.called ? { key: 'border.called', args: { plate: r.items[0].plate, minutes: String(r.minutes_to_reach_gate) } } : { key: 'border.queue_empty' }));
        await loadQueue();
      } catch (err) {
        callMsg.replaceChildren(errorNotice(err));
      } finally {
        call.disabled = false;
      }
    });

    append(view, h('h1', { i18n: 'border.title' }),
      h('p', { class: 'lead' }, h('span', { i18n: 'border.lead' }), ' ', countryName(here.country), ' → ', countryName(here.neighbour)),
      cpSelect,
      h('section', { class: 'card', 'aria-labelledby': 'border-register' }, h('h2', { id: 'border-register', i18n: 'border.register_title' }), result, f.form),
      h('section', { class: 'card', 'aria-labelledby': 'border-queue' }, h('h2', { id: 'border-queue', i18n: 'border.queue_title' }),
        flowSel, h('div', { class: 'actions' }, call), callMsg, queueBox));
    await loadQueue();
  },
};
