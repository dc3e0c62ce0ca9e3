// checkpoint-ui.js: pieces shared by the checkpoint, booking, border and throughput pages:
// a checkpoint's name in the current language, its status (open or closed, every reason in
// words, when it next opens, in the checkpoint's own local time), modes and flows.
import { h, named } from './dom.js';
import { kgDate, nameIn, KG_OFFSET_MIN } from './i18n.js';
import { countryName } from './permit-ui.js';

export const MODES = ['pedestrian', 'bicycle', 'car', 'motorcycle', 'bus', 'truck'];
export const NEIGHBOURS = ['KZ', 'CN', 'UZ', 'TJ', 'TM'];
export const QUEUE_FLOWS = ['truck', 'car', 'bus'];
export const FLOWS = ['pedestrian', 'car', 'bus', 'truck'];

export function cpName(cp) {
  return nameIn(cp.name) || cp.code;
}

// Minutes east of UTC of the checkpoint's own side, from a status answer.
function offsetOf(status, country) {
  const local = status?.local_time?.[country];
  if (!local || !status.at) return KG_OFFSET_MIN;
  // local_time is to the minute and `at` to the second: 03:00:37Z against 09:00 is 359.4
  // minutes, which read every time a minute early (08:59). Offsets are whole quarter hours.
  return Math.round((Date.parse(`${local}:00Z`) - Date.parse(status.at)) / 900000) * 15;
}

// Minutes east of UTC of a checkpoint's own side, from the registry's answer (every
// checkpoint, listed or alone, carries utc_offsets); Kyrgyz time if it is not given.
export function cpOffset(cp) {
  return cp?.utc_offsets?.[cp.country] ?? KG_OFFSET_MIN;
}

// "2026-11-24 16:00": an instant in local time at offset (minutes).
export function localTime(iso, offset) {
  if (!iso) return '';
  const d = new Date(Date.parse(iso) + offset * 60000);
  return d.toISOString().slice(0, 16).replace('T', ' ');
}

// "2026-11-24T12:00" now in Kyrgyzstan, for datetime-local inputs.
export function nowLocalInput(offset = KG_OFFSET_MIN) {
  return new Date(Date.now() + offset * 60000).toISOString().slice(0, 16);
}

export function todayLocal(offset = KG_OFFSET_MIN) {
  return kgDate(0, offset);
}

export function statusBadge(status) {
  return h('span', { class: `badge badge-${status.open ? 'ok' : 'bad'}`, dataset: { open: String(status.open) },
    i18n: status.open ? 'checkpoint.open' : 'checkpoint.closed' });
}

// One reason in words; side and times in the checkpoint's own local time.
function reasonText(cp, r, offset) {
  const key = `checkpoint.reason.${r.code.toLowerCase()}`;
  const side = r.side ? countryName(r.side) : null;
  const args = { until: localTime(r.until, offset), since: localTime(r.since, offset), detail: r.detail_names || r.detail || '' };
  return h('li', { dataset: { code: r.code, side: r.side || '' } },
    h('span', { i18n: key, args, fallback: r.message }),
    side ? [' (', side, ')'] : null);
}

// The status of a checkpoint as a block: badge, reasons, next opening, permission.
export function statusBlock(cp, status) {
  const offset = offsetOf(status, cp.country);
  return h('div', { class: 'cp-status' },
    h('p', { class: 'cp-status-line' }, statusBadge(status), ' ',
      h('span', { class: 'hint', i18n: 'checkpoint.local_time', args: { time: (status.local_time?.[cp.country] || '').replace('T', ' ') } })),
    status.reasons.length ? h('ul', { class: 'reasons' }, status.reasons.map((r) => reasonText(cp, r, offset))) : null,
    !status.open && status.next_open
      ? h('p', { class: 'cp-next', i18n: 'checkpoint.next_open', args: { time: localTime(status.next_open, offset) } })
      : null,
    !status.open && !status.next_open ? h('p', { class: 'cp-next', i18n: 'checkpoint.next_open_unknown' }) : null,
    status.permission_needed
      ? h('p', { class: 'notice notice-warn cp-permission' }, h('span', { i18n: 'checkpoint.permission' }), ' ',
        status.permission_names ? named(status.permission_names) : status.permission)
      : null);
}

export function modeName(mode) {
  return h('span', { i18n: `mode.${mode}` });
}

export function flowName(flow) {
  return h('span', { i18n: `flow.${flow}` });
}
