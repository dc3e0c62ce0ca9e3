// stay.js: the stay calculator (#/stay) for travellers (the API itself is public): nationality
// picked by the country's name in the user's language, past entries and exits, a planned trip;
// the answer (days used and left, last legal day, earliest entry and earliest full new stay,
// e-visa) says in words which rule applied, in force from when, and its source; a calendar
// shows the window the days are counted in.
import { append, h, dateEl, announce } from '../dom.js';
import { field, fieldset, makeForm } from '../forms.js';
import { t, language, onLanguageChange, formatMonthYear } from '../i18n.js';
import { row, errorNotice } from '../permit-ui.js';

const DAY = 86400000;
// ISO 3166-1 alpha-2 codes; names come from the browser in the page's language.
const COUNTRIES = ('AD AE AF AG AI AL AM AO AR AT AU AW AZ BA BB BD BE BF BG BH BI BJ BN BO BR BS BT BW BY BZ CA CD CF CG CH '
  + 'CI CL CM CN CO CR CU CV CY CZ DE DJ DK DM DO DZ EC EE EG ER ES ET FI FJ FM FR GA GB GD GE GH GM GN GQ GR GT GW GY '
  + 'HK HN HR HT HU ID IE IL IN IQ IR IS IT JM JO JP KE KG KH KI KM KN KP KR KW KZ LA LB LC LI LK LR LS LT LU LV LY MA MC '
  + 'MD ME MG MH MK ML MM MN MO MR MT MU MV MW MX MY MZ NA NE NG NI NL NO NP NR NZ OM PA PE PG PH PK PL PS PT PW PY QA RO '
  + 'RS RU RW SA SB SC SD SE SG SI SK SL SM SN SO SR SS ST SV SY SZ TD TG TH TJ TL TM TN TO TR TT TV TW TZ UA UG US UY UZ '
  + 'VA VC VE VN VU WS YE ZA ZM ZW').split(' ');

// Options of the nationality picker: each country by name in the page's language (the
// browser's region names; the code itself where it has none), sorted by name, and a UN
// laissez-passer.
function nationalityOptions() {
  const lang = language();
  let names = null;
  try { names = new Intl.DisplayNames([lang, 'ru', 'en'], { type: 'region' }); } catch { names = null; }
  const name = (c) => { try { return names?.of(c) || c; } catch { return c; } };
  const opts = COUNTRIES.map((c) => ({ value: c, text: name(c) }))
    .sort((a, b) => a.text.localeCompare(b.text, lang));
  return [{ value: '', label: 'stay.pick_country' }, ...opts, { value: 'UN', label: 'stay.un_passport' }];
}

// The rule in words: "30 days in any 60", with its period and source.
function ruleWords(rule) {
  const kinds = { reentry: 'stay.kind.reentry', rolling: 'stay.kind.rolling', per_entry: 'stay.kind.per_entry',
    visa_required: 'stay.kind.visa_required', unlimited: 'stay.kind.unlimited' };
  return h('span', { class: 'stay-rule' },
    h('span', { i18n: kinds[rule.kind] || 'stay.kind.visa_required', args: { days: String(rule.days), window: String(rule.window_days) } }),
    rule.valid_from ? [' · ', h('span', { i18n: rule.valid_to ? 'stay.in_force_between' : 'stay.in_force_since',
      args: { from: rule.valid_from, to: rule.valid_to || '' } })] : null,
    rule.source && rule.source !== 'request' ? h('small', { class: 'stay-source' }, h('span', { i18n: 'stay.source' }), ' ', rule.source) : null);
}
const iso = (ms) => new Date(ms).toISOString().slice(0, 10);
const ms = (d) => Date.parse(`${d}T00:00:00Z`);

function stayRow(i) {
  return h('div', { class: 'stay-row', dataset: { stay: String(i) } },
    field({ name: `entry_${i}`, label: 'stay.entry', type: 'date' }),
    field({ name: `exit_${i}`, label: 'stay.exit', type: 'date' }));
}

// Months from the first to the last day shown; each day marked as a past stay, a legal
// planned day, an overstay day, and whether it is inside the counted window.
function calendar(r, stays, planned) {
  const inStay = (d) => stays.some((s) => d >= ms(s.entry) && d <= ms(s.exit || s.entry));
  const last = r.last_legal_day ? ms(r.last_legal_day) : null;
  const pEnd = planned.exit ? ms(planned.exit) : last ?? ms(planned.entry);
  const wStart = r.window ? ms(r.window.start) : null;
  const wEnd = r.window ? ms(r.window.end) : null;
  const first = Math.min(...[wStart, ms(planned.entry), ...stays.map((s) => ms(s.entry))].filter((x) => x !== null));
  const end = Math.max(pEnd, last ?? 0, wEnd ?? 0);
  const months = [];
  for (let m = new Date(first); m.getTime() <= end && months.length < 24; m = new Date(Date.UTC(m.getUTCFullYear(), m.getUTCMonth() + 1, 1))) {
    const y = m.getUTCFullYear();
    const mo = m.getUTCMonth();
    const start = Date.UTC(y, mo, 1);
    const days = new Date(Date.UTC(y, mo + 1, 0)).getUTCDate();
    const pad = (new Date(start).getUTCDay() + 6) % 7;
    const cells = [];
    for (let i = 0; i < pad; i++) cells.push(h('span', { class: 'cal-day cal-empty', 'aria-hidden': 'true' }));
    for (let d = 1; d <= days; d++) {
      const t0 = Date.UTC(y, mo, d);
      const cls = ['cal-day'];
      let what = '';
      if (inStay(t0)) { cls.push('cal-past'); what = 'stay.cal_past'; }
      if (t0 >= ms(planned.entry) && t0 <= pEnd) {
        const legal = last !== null && t0 <= last;
        cls.push(legal ? 'cal-legal' : 'cal-over');
        what = legal ? 'stay.cal_legal' : 'stay.cal_over';
      }
      if (wStart !== null && t0 >= wStart && t0 <= wEnd) cls.push('cal-window');
      cells.push(h('span', { class: cls.join(' '), title: what ? `${iso(t0)} · ${t(what)}` : iso(t0), dataset: { day: iso(t0) } }, String(d)));
    }
    months.push(h('div', { class: 'cal-month' },
      h('h4', {}, formatMonthYear(start)),
      h('div', { class: 'cal-grid', role: 'img', 'aria-label': t('stay.cal_label') }, cells)));
  }
  return h('section', { class: 'calendar', 'aria-labelledby': 'cal-title' },
    h('h3', { id: 'cal-title', i18n: 'stay.calendar' }),
    h('ul', { class: 'cal-legend' },
      ['past', 'legal', 'over', 'window'].map((k) => h('li', {}, h('span', { class: `cal-day cal-${k}`, 'aria-hidden': 'true' }), ' ', h('span', { i18n: `stay.cal_${k}` })))),
    h('div', { class: 'cal-months' }, months));
}

function result(r, stays, planned) {
  const good = r.entry_allowed && !r.evisa_needed;
  return h('section', { class: `verdict ${good ? 'verdict-valid' : 'verdict-invalid'}`, tabindex: '-1', dataset: { rule: r.rule_applied } },
    h('p', { class: 'verdict-word', i18n: good ? 'stay.ok' : 'stay.evisa' }),
    h('p', { class: 'verdict-note' }, h('span', { i18n: `stay.rule.${r.rule_applied.toLowerCase()}`, fallback: r.explanation,
      args: { used: String(r.days_used), left: String(r.days_left ?? ''), days: String(r.rule.days) } })),
    r.last_day_rule ? h('p', { class: 'verdict-note', dataset: { changed: 'true' } },
      h('span', { i18n: 'stay.rule_changed' }), ' ', ruleWords(r.last_day_rule)) : null,
    h('dl', { class: 'facts' },
      row('stay.days_used', String(r.days_used)),
      row('stay.days_left', r.days_left === null ? t('stay.unlimited') : String(r.days_left)),
      row('stay.last_legal_day', r.last_legal_day ? dateEl(r.last_legal_day) : null),
      row('stay.overstay', r.overstay_days ? String(r.overstay_days) : null),
      row('stay.earliest_entry', r.earliest_entry ? dateEl(r.earliest_entry) : null),
      row('stay.earliest_full_entry', r.earliest_full_entry ? dateEl(r.earliest_full_entry) : null),
      row('stay.rule_used', ruleWords(r.rule))),
    calendar(r, stays, planned));
}

export default {
  async render(view, ctx) {
    const out = h('div', { 'aria-live': 'polite' });
    const rows = h('div', { class: 'stay-rows' }, stayRow(0));
    let n = 1;
    const more = h('button', { type: 'button', class: 'secondary', i18n: 'stay.add_stay', onclick: () => { if (n < 400) rows.append(stayRow(n++)); } });
    let rowOf = []; // stays[k] sent is the page's row rowOf[k]
    // the server's stays[k].entry, planned.exit... named as the page's fields
    const fields = (name) => {
      const m = /^stays\[(\d+)\]\.(entry|exit)$/.exec(name);
      if (m) return rowOf[Number(m[1])] !== undefined ? `${m[2]}_${rowOf[Number(m[1])]}` : undefined;
      const p = /^planned\.(entry|exit)$/.exec(name);
      return p ? `planned_${p[1]}` : name === 'stays' ? 'entry_0' : undefined;
    };
    const f = makeForm({ submit: 'stay.submit', fields, async onSubmit(v) {
      const stays = [];
      rowOf = [];
      for (let i = 0; i < n; i++) {
        if (!v[`entry_${i}`]) continue;
        stays.push({ entry: v[`entry_${i}`], ...(v[`exit_${i}`] ? { exit: v[`exit_${i}`] } : {}) });
        rowOf.push(i);
      }
      const planned = { entry: v.planned_entry, ...(v.planned_exit ? { exit: v.planned_exit } : {}) };
      const body = { nationality: v.nationality, destination: v.destination, stays, planned };
      try {
        const r = await ctx.api.post('/api/v1/stay-calculations', body);
        out.replaceChildren(result(r, stays, planned));
        announce(t(r.entry_allowed && !r.evisa_needed ? 'stay.ok' : 'stay.evisa'));
        out.firstElementChild.focus();
      } catch (err) {
        if (err?.status === 404) out.replaceChildren(errorNotice(err)); else throw err;
      }
    } },
    fieldset('stay.who',
      field({ name: 'nationality', label: 'zones.nationality', required: true, options: nationalityOptions() }),
      field({ name: 'destination', label: 'stay.destination', value: 'KG', options: [{ value: 'KG', label: 'stay.dest_kg' }, { value: 'EU', label: 'stay.dest_eu' }] })),
    h('fieldset', {}, h('legend', { i18n: 'stay.past' }), h('p', { class: 'aside', i18n: 'stay.past_hint' }), rows, more),
    fieldset('stay.planned',
      field({ name: 'planned_entry', label: 'stay.entry', type: 'date', required: true }),
      field({ name: 'planned_exit', label: 'stay.exit', hint: 'stay.exit_hint', type: 'date' })));
    append(view, h('h1', { i18n: 'stay.title' }), h('p', { class: 'lead', i18n: 'stay.lead' }),
      h('p', {}, h('a', { href: '#/rules', i18n: 'rules.title' })),
      h('section', { class: 'card' }, f.form), out);
    // the countries' names follow the page's language, the choice stays
    const pick = f.form.querySelector('select[name="nationality"]');
    const stop = onLanguageChange(() => {
      if (!pick.isConnected) { stop(); return; }
      const chosen = pick.value;
      pick.replaceChildren(...nationalityOptions().map((o) => h('option', { value: o.value, i18n: o.label }, o.text)));
      pick.value = chosen;
    });
  },
};
