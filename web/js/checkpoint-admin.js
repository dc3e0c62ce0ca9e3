// checkpoint-admin.js: what officials do on a crossing's page: the ministry closes and
// reopens it and changes its traffic, permission and capacity (PUT /api/v1/checkpoints/{code},
// POST/DELETE …/closures); officers and the ministry open booking hours (POST …/slots);
// officers and administrators issue and revoke equipment keys (…/devices), each key shown once;
// the ministry sets the open season from a date with its source (…/season).
import { append, h, notice, announce, named } from './dom.js';
import { field, fieldset, makeForm } from './forms.js';
import { t } from './i18n.js';
import { confirmButton, errorNotice } from './permit-ui.js';
import { MODES, FLOWS, QUEUE_FLOWS, cpOffset, localTime, todayLocal } from './checkpoint-ui.js';

const enc = encodeURIComponent;
const GOV = ['ministry', 'admin'];

function closures(cp, ctx) {
  const list = h('ul', { class: 'closure-list' }, cp.closures.map((c) => h('li', { dataset: { id: String(c.id) } },
    `${localTime(c.from, cpOffset(cp))} – ${c.to ? localTime(c.to, cpOffset(cp)) : '…'}: `, c.reason_names ? named(c.reason_names) : c.reason, ' ',
    !c.to || Date.parse(c.to) > Date.now() ? confirmButton({ label: 'cpadmin.reopen', confirm: 'cpadmin.reopen_confirm',
      act: async () => {
        await ctx.api.del(`/api/v1/checkpoints/${enc(cp.code)}/closures/${c.id}`);
        ctx.navigate(`checkpoints/${cp.code}`, { flash: { key: 'cpadmin.reopened' } });
      } }) : null)));
  const f = makeForm({
    submit: 'cpadmin.close_submit',
    async onSubmit(v) {
      const body = { reason: v.reason };
      if (v.reason_ky) body.reason_ky = v.reason_ky;
      if (v.reason_ru) body.reason_ru = v.reason_ru;
      if (v.from) body.from = v.from;
      if (v.to) body.to = v.to;
      await ctx.api.post(`/api/v1/checkpoints/${enc(cp.code)}/closures`, body);
      ctx.navigate(`checkpoints/${cp.code}`, { flash: { key: 'cpadmin.closed' } });
    },
  }, fieldset('cpadmin.close_title',
    field({ name: 'from', label: 'cpadmin.from', type: 'datetime-local', hint: 'cpadmin.from_hint' }),
    field({ name: 'to', label: 'cpadmin.to', type: 'datetime-local', hint: 'cpadmin.to_hint' }),
    field({ name: 'reason', label: 'cpadmin.reason', required: true, maxlength: 300 }),
    field({ name: 'reason_ky', label: 'form.reason_ky', maxlength: 300 }),
    field({ name: 'reason_ru', label: 'form.reason_ru', maxlength: 300 })));
  return h('section', { class: 'card cp-admin', 'aria-labelledby': 'cpadmin-closures' },
    h('h2', { id: 'cpadmin-closures', i18n: 'cpadmin.closures_title' }), cp.closures.length ? list : null, f.form);
}

function changes(cp, ctx) {
  const f = makeForm({
    submit: 'cpadmin.save',
    fields: (name) => (/^capacity\.(\w+)$/.exec(name) || [])[1] && `cap_${name.slice(9)}`,
    async onSubmit(v, form) {
      const modes = MODES.filter((m) => form.form.querySelector(`input[name="mode-${m}"]`).checked);
      const capacity = {};
      for (const fl of FLOWS) if (v[`cap_${fl}`] !== undefined && v[`cap_${fl}`] !== '') capacity[fl] = Number(v[`cap_${fl}`]);
      await ctx.api.put(`/api/v1/checkpoints/${enc(cp.code)}`, {
        modes, capacity, foreigners: form.form.querySelector('input[name="foreigners"]').checked,
        permission: v.permission ? v.permission : null,
        ...(v.permission && v.permission_ky ? { permission_ky: v.permission_ky } : {}),
        ...(v.permission && v.permission_ru ? { permission_ru: v.permission_ru } : {}),
        // the notes with their translations, when given (new notes drop old translations)
        ...(v.notes ? { notes: v.notes, ...(v.notes_ky ? { notes_ky: v.notes_ky } : {}), ...(v.notes_ru ? { notes_ru: v.notes_ru } : {}) } : {}),
      });
      ctx.navigate(`checkpoints/${cp.code}`, { flash: { key: 'cpadmin.saved' } });
    },
  },
  h('fieldset', { class: 'modes' }, h('legend', { i18n: 'checkpoint.allowed' }),
    MODES.map((m) => h('div', { class: 'field-check' },
      h('input', { type: 'checkbox', class: 'check', id: `mode-${m}`, name: `mode-${m}`, checked: cp.modes.includes(m) }),
      h('label', { for: `mode-${m}`, i18n: `mode.${m}` })))),
  h('div', { class: 'field-check' }, h('input', { type: 'checkbox', class: 'check', id: 'cp-foreigners', name: 'foreigners', checked: cp.foreigners }),
    h('label', { for: 'cp-foreigners', i18n: 'checkpoint.foreigners' })),
  field({ name: 'permission', label: 'cpadmin.permission', value: cp.permission || '', maxlength: 300, hint: 'cpadmin.permission_hint' }),
  field({ name: 'permission_ky', label: 'form.permission_ky', value: cp.permission_names?.ky || '', maxlength: 300 }),
  field({ name: 'permission_ru', label: 'form.permission_ru', value: cp.permission_names?.ru || '', maxlength: 300 }),
  field({ name: 'notes', label: 'words.notes', value: cp.notes || '', maxlength: 1000, multiline: true, hint: 'words.notes_hint' }),
  field({ name: 'notes_ky', label: 'words.notes_ky', value: cp.notes_names?.ky || '', maxlength: 1000, multiline: true }),
  field({ name: 'notes_ru', label: 'words.notes_ru', value: cp.notes_names?.ru || '', maxlength: 1000, multiline: true }),
  fieldset('checkpoint.capacity', ...FLOWS.map((fl) => field({ name: `cap_${fl}`, label: `cpadmin.cap_${fl}`, type: 'number',
    inputmode: 'numeric', min: 0, max: 1000000, value: cp.capacity[fl] !== undefined ? String(cp.capacity[fl]) : '' }))));
  return h('section', { class: 'card cp-admin', 'aria-labelledby': 'cpadmin-change' },
    h('h2', { id: 'cpadmin-change', i18n: 'cpadmin.change_title' }), f.form);
}

// The open season from a date, with its source (PUT …/season): applied at once, or kept
// until its day (rules.md).
function season(cp, ctx) {
  const done = h('div');
  const f = makeForm({
    submit: 'rules.season_submit',
    fields: { from: 'season_from', to: 'season_to' },
    async onSubmit(v) {
      const allYear = !v.season_from && !v.season_to;
      const body = { from: allYear ? null : v.season_from, to: allYear ? null : v.season_to, source: v.source };
      if (v.effective_from) body.effective_from = v.effective_from;
      const r = await ctx.api.put(`/api/v1/checkpoints/${enc(cp.code)}/season`, body);
      if (r.applied_at) ctx.navigate(`checkpoints/${cp.code}`, { flash: { key: 'cpadmin.saved' } });
      else done.replaceChildren(notice({ key: 'rules.saved', args: { from: v.effective_from } }));
    },
  }, fieldset('rules.season',
    field({ name: 'season_from', label: 'rules.season_from', value: cp.season?.from || '', maxlength: 5, pattern: '[0-1][0-9]-[0-3][0-9]', hint: 'rules.all_year' }),
    field({ name: 'season_to', label: 'rules.season_to', value: cp.season?.to || '', maxlength: 5, pattern: '[0-1][0-9]-[0-3][0-9]' }),
    field({ name: 'effective_from', label: 'rules.from', type: 'date', min: todayLocal() }),
    field({ name: 'source', label: 'rules.source', required: true, maxlength: 300 })));
  return h('section', { class: 'card cp-admin', 'aria-labelledby': 'cpadmin-season' },
    h('h2', { id: 'cpadmin-season', i18n: 'rules.season' }), done, f.form);
}

function slots(cp, ctx) {
  const done = h('div');
  const f = makeForm({
    submit: 'cpadmin.slots_submit',
    async onSubmit(v) {
      const body = { flow: v.flow, date: v.date, from_hour: Number(v.from_hour), to_hour: Number(v.to_hour) };
      if (v.capacity) body.capacity = Number(v.capacity);
      const r = await ctx.api.post(`/api/v1/checkpoints/${enc(cp.code)}/slots`, body);
      done.replaceChildren(notice({ key: 'cpadmin.slots_done', args: { count: r.created, total: r.items.length } }));
    },
  }, field({ name: 'flow', label: 'booking.flow', required: true, options: QUEUE_FLOWS.map((x) => ({ value: x, label: `flow.${x}` })) }),
  field({ name: 'date', label: 'booking.date', type: 'date', required: true, value: todayLocal(), min: todayLocal() }),
  field({ name: 'from_hour', label: 'cpadmin.from_hour', type: 'number', required: true, min: 0, max: 23, value: '8' }),
  field({ name: 'to_hour', label: 'cpadmin.to_hour', type: 'number', required: true, min: 1, max: 24, value: '20' }),
  field({ name: 'capacity', label: 'cpadmin.slot_capacity', type: 'number', min: 0, max: 100000, hint: 'cpadmin.slot_capacity_hint' }));
  return h('section', { class: 'card cp-admin', 'aria-labelledby': 'cpadmin-slots' },
    h('h2', { id: 'cpadmin-slots', i18n: 'cpadmin.slots_title' }), done, f.form);
}

async function devices(cp, ctx) {
  const box = h('div', { 'aria-live': 'polite' });
  const shown = h('div');
  async function reload() {
    const { items } = await ctx.api.get(`/api/v1/checkpoints/${enc(cp.code)}/devices`);
    box.replaceChildren(items.length ? h('ul', { class: 'device-list' }, items.map((d) => h('li', { dataset: { id: String(d.id), active: String(d.active) } },
      h('strong', {}, d.name), ' · ', h('span', { i18n: `device_kind.${d.kind}` }), ' · ', h('span', { class: 'mono' }, `${d.key_prefix}…`), ' ',
      d.active ? confirmButton({ label: 'cpadmin.revoke', confirm: 'cpadmin.revoke_confirm', danger: true,
        act: async () => { await ctx.api.post(`/api/v1/devices/${d.id}/revoke`); announce(t('cpadmin.revoked')); await reload(); } })
        : h('span', { class: 'badge badge-bad', i18n: 'cpadmin.revoked_badge' })))) : h('p', { class: 'aside', i18n: 'cpadmin.no_devices' }));
  }
  const f = makeForm({
    submit: 'cpadmin.device_submit',
    async onSubmit(v, form) {
      const d = await ctx.api.post(`/api/v1/checkpoints/${enc(cp.code)}/devices`, { name: v.name, kind: v.kind });
      form.form.reset();
      shown.replaceChildren(h('div', { class: 'notice notice-warn device-key', role: 'status' },
        h('p', { i18n: 'cpadmin.key_once' }), h('p', { class: 'mono key' }, d.key)));
      await reload();
    },
  }, field({ name: 'name', label: 'cpadmin.device_name', required: true, maxlength: 80 }),
  field({ name: 'kind', label: 'cpadmin.device_kind', required: true,
    options: ['plate_camera', 'scale', 'scanner', 'gate', 'kiosk'].map((k) => ({ value: k, label: `device_kind.${k}` })) }));
  try { await reload(); } catch (err) { box.replaceChildren(errorNotice(err)); }
  return h('section', { class: 'card cp-admin', 'aria-labelledby': 'cpadmin-devices' },
    h('h2', { id: 'cpadmin-devices', i18n: 'cpadmin.devices_title' }), box, shown, f.form);
}

// The sections this user may use on a crossing of ours (none on a Kazakh post).
export async function adminSections(cp, ctx, view) {
  const role = ctx.user?.role;
  if (!role || cp.country !== 'KG') return;
  if (GOV.includes(role)) append(view, closures(cp, ctx), changes(cp, ctx), season(cp, ctx));
  if ([...GOV, 'officer'].includes(role)) append(view, slots(cp, ctx));
  if (['officer', 'admin'].includes(role)) append(view, await devices(cp, ctx));
  if (ctx.flash?.key?.startsWith('cpadmin.')) view.querySelector('h1')?.after(notice({ key: ctx.flash.key }));
}
