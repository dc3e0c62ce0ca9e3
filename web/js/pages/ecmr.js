// ecmr.js: electronic consignment notes (#/ecmr, #/ecmr/REF). A carrier draws one up, sends
// the sender and the consignee their one-time sealing links, seals its own acts and checks the
// chain; officers and staff find notes by plate and country (the eFTI identifier query) and
// see one with its permit, seals and crossings.
import { pagedList } from '../list.js';
import { append, h, notice, dateEl, announce } from '../dom.js';
import { field, fieldset, makeForm } from '../forms.js';
import { t } from '../i18n.js';
import { row, term, errorNotice, table } from '../permit-ui.js';
import { describeReason } from '../errors.js';
import { QrScanner } from '../qr-scan.js';

const enc = encodeURIComponent;

export function sealList(seals) {
  if (!seals.length) return h('p', { class: 'aside', i18n: 'ecmr.no_seals' });
  return h('ol', { class: 'seals' }, seals.map((s) => h('li', { dataset: { act: s.act, role: s.role } },
    h('strong', {}, term('ecmr_act', s.act)), ' — ', s.party, ' (', term('ecmr_role', s.role), '), ', dateEl(s.at, true),
    s.custody === 'kapka' ? h('span', { class: 'badge badge-info', i18n: 'ecmr.custody_kapka' }) : null,
    s.custody === 'partner' ? h('span', { class: 'badge badge-info', i18n: 'ecmr.custody_partner', args: { issuer: s.issuer } }) : null,
    s.reservations ? h('p', { class: 'reservations' }, h('span', { i18n: 'ecmr.reservations' }), ': ', s.reservations) : null,
    h('p', { class: 'mono digest' }, s.digest.slice(0, 16), '…'))));
}

function place(loc) {
  return loc ? `${loc.city}, ${loc.country}` : '';
}

// The note's document as the boxes people read.
export function noteFacts(n) {
  const d = n.document || {};
  return h('dl', { class: 'facts' },
    row('ecmr.ref', h('span', { class: 'mono' }, n.ref)),
    row('ecmr.status', h('span', { class: 'badge badge-ok', dataset: { status: n.status } }, term('ecmr_status', n.status))),
    row('ecmr.sender', d.consignor?.name),
    row('ecmr.consignee', d.consignee?.name),
    row('ecmr.carrier', d.carrier?.name),
    row('ecmr.taking_over', d.taking_over ? `${place(d.taking_over.location)}, ${d.taking_over.date}` : ''),
    row('ecmr.delivery', place(d.delivery?.location)),
    row('ecmr.vehicle', h('span', { class: 'mono' }, `${n.plate ?? ''} (${n.plate_country ?? ''})${n.trailer_plate ? ` + ${n.trailer_plate}` : ''}`)),
    row('ecmr.disposal', term('ecmr_role', n.disposal_holder)),
    n.permit_id ? row('ecmr.permit', h('span', { class: 'mono' }, n.permit_id)) : null);
}

function goodsTable(d) {
  return table({
    caption: 'ecmr.goods',
    columns: [
      { key: 'ecmr.goods_nature', cell: (g) => (g.dangerous_goods ? `${g.nature} (${g.dangerous_goods.un_number})` : g.nature) },
      { key: 'ecmr.goods_packages', cell: (g) => `${g.packages} × ${g.packaging}` },
      { key: 'ecmr.goods_weight', cell: (g) => `${g.gross_weight_kg} kg`, num: true },
    ],
    items: d.goods || [],
  });
}

// The browser's copy of the server's checks (kp_check_email, kp_check_phone in
// src/domain/account.c), so a mistake shows before the note is sent.
function emailCheck(v) {
  const at = v.indexOf('@');
  if (v.length < 3 || v.length > 254 || at <= 0 || v.indexOf('@', at + 1) >= 0 || !v.slice(at + 1).includes('.')
    || v[at + 1] === '.' || v.endsWith('.')) return { key: 'problem.email' };
  return /\s/.test(v) ? { key: 'problem.no_spaces' } : null;
}
function phoneCheck(v) {
  if (!v.startsWith('+')) return { key: 'problem.phone_plus' };
  if (!/^[0-9 -]*$/.test(v.slice(1))) return { key: 'problem.phone_chars' };
  const digits = v.replace(/[^0-9]/g, '').length;
  return digits < 8 || digits > 15 ? { key: 'problem.digit_count', args: { min: 8, max: 15 } } : null;
}

// A party's e-mail and phone: neither alone is required, one of the two is (the sealing
// link is sent there), so both say so instead of "optional".
function contactFields(p) {
  const out = [
    field({ name: `${p}_email`, label: 'ecmr.email', type: 'email', autocomplete: 'off', maxlength: 254, hint: 'ecmr.contact_hint', check: emailCheck }),
    field({ name: `${p}_phone`, label: 'field.phone', type: 'tel', maxlength: 20, hint: 'hint.phone', check: phoneCheck }),
  ];
  for (const el of out) el.querySelector('label .optional').replaceWith(h('span', { class: 'optional', i18n: 'ecmr.one_of_two' }));
  return out;
}

function newNoteForm(ctx, onDone) {
  // the note's paths (consignor.address.city, goods[0].nature...) as this form's fields
  const fields = (path) => {
    const parts = { consignor: 'sender', consignee: 'consignee', 'taking_over.location': 'sender', 'delivery.location': 'consignee' };
    const m = /^(consignor|consignee|taking_over\.location|delivery\.location)(?:\.address)?\.(name|city|country|email|phone)$/.exec(path);
    if (m) return `${parts[m[1]]}_${m[2]}`;
    const g = /^goods\[0\]\.(nature|packages|packaging|gross_weight_kg)$/.exec(path);
    if (g) return g[1] === 'gross_weight_kg' ? 'goods_weight' : `goods_${g[1]}`;
    return { 'taking_over.date': 'taking_over_date', 'transport.plate': 'plate', 'transport.plate_country': 'plate_country' }[path];
  };
  const f = makeForm({
    submit: 'ecmr.create_submit',
    fields,
    async onSubmit(v, ctl) {
      const party = (p) => ({ name: v[`${p}_name`], address: { city: v[`${p}_city`], country: v[`${p}_country`].toUpperCase() },
        ...(v[`${p}_email`] ? { email: v[`${p}_email`] } : {}), ...(v[`${p}_phone`] ? { phone: v[`${p}_phone`] } : {}) });
      // the server's rule: each party gives an e-mail or a phone (src/domain/ecmr.c party)
      const missing = ['sender', 'consignee'].filter((p) => !v[`${p}_email`] && !v[`${p}_phone`]);
      if (missing.length) {
        ctl.showProblems(missing.map((p) => ({ field: `${p}_email`, problem: { key: 'form.problem.email_or_phone' } })));
        return;
      }
      const body = {
        consignor: party('sender'), consignee: party('consignee'),
        taking_over: { location: { city: v.sender_city, country: v.sender_country.toUpperCase() }, date: v.taking_over_date },
        delivery: { location: { city: v.consignee_city, country: v.consignee_country.toUpperCase() } },
        transport: { plate: v.plate, plate_country: v.plate_country.toUpperCase() },
        goods: [{ nature: v.goods_nature, packages: Number(v.goods_packages), packaging: v.goods_packaging,
          gross_weight_kg: Number(v.goods_weight) }],
      };
      const n = await ctx.api.post('/api/v1/ecmr', body);
      onDone(n);
    },
  },
  fieldset('ecmr.sender',
    field({ name: 'sender_name', label: 'ecmr.name', required: true, maxlength: 200 }),
    field({ name: 'sender_city', label: 'ecmr.city', required: true, maxlength: 100 }),
    field({ name: 'sender_country', label: 'ecmr.country', required: true, maxlength: 2, value: 'KG' }),
    ...contactFields('sender')),
  fieldset('ecmr.consignee',
    field({ name: 'consignee_name', label: 'ecmr.name', required: true, maxlength: 200 }),
    field({ name: 'consignee_city', label: 'ecmr.city', required: true, maxlength: 100 }),
    field({ name: 'consignee_country', label: 'ecmr.country', required: true, maxlength: 2 }),
    ...contactFields('consignee')),
  fieldset('ecmr.transport',
    field({ name: 'taking_over_date', label: 'ecmr.taking_over_date', type: 'date', required: true }),
    field({ name: 'plate', label: 'ecmr.plate', required: true, maxlength: 20, autocapitalize: 'characters' }),
    field({ name: 'plate_country', label: 'ecmr.plate_country', required: true, maxlength: 2, value: 'KG' })),
  fieldset('ecmr.goods',
    field({ name: 'goods_nature', label: 'ecmr.goods_nature', required: true, maxlength: 300 }),
    field({ name: 'goods_packages', label: 'ecmr.goods_packages', type: 'number', min: 1, required: true }),
    field({ name: 'goods_packaging', label: 'ecmr.goods_packaging', required: true, maxlength: 60 }),
    field({ name: 'goods_weight', label: 'ecmr.goods_weight', type: 'number', min: 0, step: 'any', required: true })));
  return f.form;
}

function listItems(items) {
  if (!items.length) return h('p', { class: 'aside', i18n: 'ecmr.none' });
  return h('ul', { class: 'cards' }, items.map((n) => h('li', { class: 'card', dataset: { ref: n.ref } },
    h('h3', {}, h('a', { href: `#/ecmr/${enc(n.ref)}`, class: 'mono' }, n.ref)),
    h('p', {}, n.sender, ' → ', n.consignee),
    h('p', {}, h('span', { class: 'mono' }, n.plate ?? ''), ' · ', term('ecmr_status', n.status)))));
}

async function renderList(view, ctx) {
  const isCarrier = ctx.user.role === 'carrier';
  const box = h('div', { 'aria-live': 'polite' });
  async function load(query = '') {
    try {
      box.replaceChildren(listItems((await ctx.api.get(`/api/v1/ecmr${query}`)).items));
    } catch (err) {
      box.replaceChildren(errorNotice(err));
    }
  }
  append(view, h('h1', { i18n: 'ecmr.title' }), h('p', { class: 'lead', i18n: isCarrier ? 'ecmr.lead_carrier' : 'ecmr.lead_staff' }));
  if (isCarrier) {
    append(view, h('details', { class: 'new-note' }, h('summary', { i18n: 'ecmr.create_title' }),
      newNoteForm(ctx, (n) => ctx.navigate(`ecmr/${n.ref}`))));
    // the carrier's own notes, searched and paged by the server
    const list = pagedList(ctx, {
      path: '/api/v1/ecmr', size: 20, empty: 'ecmr.none',
      search: { label: 'list.search', hint: 'list.ecmr_hint' },
      filters: [{ name: 'status', label: 'list.status', options: [{ value: '', label: 'ui.any' },
        ...['draft', 'issued', 'in_transit', 'delivered'].map((v) => ({ value: v, label: `ecmr_status.${v}` }))] }],
      draw: listItems,
    });
    append(view, h('section', {}, h('h2', { i18n: 'ecmr.list_title' }), list.el));
    await list.reload();
    return;
  } else {
    const f = makeForm({
      submit: 'ecmr.search_submit',
      async onSubmit(v) {
        const q = new URLSearchParams({ plate: v.plate, ...(v.country ? { country: v.country.toUpperCase() } : {}) });
        await load(`?${q}`);
      },
    }, field({ name: 'plate', label: 'ecmr.plate', required: true, maxlength: 20 }),
    field({ name: 'country', label: 'ecmr.plate_country', maxlength: 2 }));
    append(view, scanSection(ctx), h('section', { class: 'ecmr-search' }, h('h2', { i18n: 'ecmr.search_title' }), f.form));
  }
  append(view, h('section', {}, h('h2', { i18n: 'ecmr.list_title' }), box));
}

// The officer's one scan: the QR (from the camera or pasted) is checked, and a note kept
// here opens with its permit.
function scanSection(ctx) {
  const out = h('div', { 'aria-live': 'polite' });
  async function check(qr) {
    const r = await ctx.api.post('/api/v1/ecmr-checks', { qr: qr.trim() });
    if (!r.valid) {
      out.replaceChildren(notice(describeReason({ code: r.reason, message: r.reason }), 'error'));
    } else if (r.consignment) {
      ctx.navigate(`ecmr/${r.consignment.ref}`);
    } else {
      out.replaceChildren(notice({ key: 'ecmr.qr_foreign', args: { id: r.claims.id, iss: r.claims.iss } }));
    }
  }
  const f = makeForm({ submit: 'ecmr.qr_check', async onSubmit(v) { await check(v.qr); } },
    field({ name: 'qr', label: 'ecmr.qr_text', required: true, multiline: true, maxlength: 8192 }));
  const video = h('video', { class: 'scanner', hidden: true, playsinline: true, muted: true });
  const scanner = new QrScanner(video);
  const cam = h('button', { type: 'button', class: 'secondary', i18n: 'ecmr.scan_camera', async onclick() {
    video.hidden = false;
    try {
      await scanner.start({ alive: () => ctx.current(), onResult: async (text) => { scanner.stop(); video.hidden = true; await check(text); } });
    } catch (err) {
      video.hidden = true;
      out.replaceChildren(notice({ key: 'ecmr.camera_failed' }, 'error'));
    }
  } });
  return h('section', { class: 'ecmr-scan' }, h('h2', { i18n: 'ecmr.scan_title' }), cam, video, f.form, out);
}

function carrierActions(n, ctx, reload) {
  const out = h('div', { class: 'ecmr-actions' });
  const linkButton = (role) => h('button', { type: 'button', dataset: { link: role }, i18n: `ecmr.send_link_${role}`,
    async onclick() {
      try {
        const r = await ctx.api.post(`/api/v1/ecmr/${enc(n.ref)}/links`, { role });
        out.querySelector('.link-sent')?.remove();
        append(out, h('div', { class: 'link-sent' }, notice({ key: 'ecmr.link_sent', args: { to: r.sent_to } })));
      } catch (err) { append(out, errorNotice(err)); }
    } });
  const seal = makeForm({
    submit: 'ecmr.seal_submit',
    async onSubmit(v) {
      await ctx.api.post(`/api/v1/ecmr/${enc(n.ref)}/seals`, { act: v.act, ...(v.text ? { [v.act === 'instructions' ? 'instructions' : 'reservations']: v.text } : {}) });
      announce(t('ecmr.sealed'));
      await reload();
    },
  }, field({ name: 'act', label: 'ecmr.act', required: true, value: 'take_over',
    options: ['take_over'].map((a) => ({ value: a, label: `ecmr_act.${a}` })) }),
  field({ name: 'text', label: 'ecmr.reservations', multiline: true, maxlength: 2000 }));
  append(out, h('div', { class: 'actions' }, linkButton('sender'), linkButton('consignee')),
    h('section', {}, h('h2', { i18n: 'ecmr.seal_title' }), seal.form));
  return out;
}

async function renderOne(view, ctx, ref) {
  let n;
  try {
    n = await ctx.api.get(`/api/v1/ecmr/${enc(ref)}`);
  } catch (err) {
    append(view, h('h1', { i18n: 'ecmr.title' }), errorNotice(err));
    return;
  }
  const body = h('div');
  const check = h('div', { 'aria-live': 'polite' });
  async function reload() {
    ctx.navigate(`ecmr/${n.ref}`);
  }
  const verify = h('button', { type: 'button', class: 'secondary', i18n: 'ecmr.verify', async onclick() {
    const v = await ctx.api.get(`/api/v1/ecmr/${enc(n.ref)}/verification`);
    check.replaceChildren(v.valid ? notice({ key: 'ecmr.valid', args: { n: String(v.seals) } })
      : notice({ key: 'ecmr.invalid', args: { seal: String(v.broken_at), reason: v.reason } }, 'error'));
  } });
  append(body,
    h('h1', {}, h('span', { i18n: 'ecmr.note' }), ' ', h('span', { class: 'mono' }, n.ref)),
    noteFacts(n),
    goodsTable(n.document || {}),
    h('section', { class: 'seal-history' }, h('h2', { i18n: 'ecmr.seals_title' }), sealList(n.seals)),
    n.permit ? h('section', { class: 'ecmr-permit' }, h('h2', { i18n: 'ecmr.permit' }),
      h('dl', { class: 'facts' }, row('ecmr.permit', h('span', { class: 'mono' }, n.permit.id)),
        row('ecmr.status', term('permit_status', n.permit.status)))) : null,
    n.crossings.length ? h('p', { class: 'crossings' }, h('span', { i18n: 'ecmr.crossings' }), ': ', n.crossings.join(', ')) : null,
    h('div', { class: 'actions' }, verify,
      h('a', { class: 'button', href: `/api/v1/ecmr/${enc(n.ref)}/pdf`, i18n: 'ecmr.pdf' })),
    check,
    h('figure', { class: 'qr' }, h('img', { src: `/api/v1/ecmr/${enc(n.ref)}/qr?format=svg`, width: 240, height: 240,
      i18nAttr: { alt: 'ecmr.qr_alt' } }), h('figcaption', { i18n: 'ecmr.qr_caption' })),
    ctx.user.role === 'carrier' ? carrierActions(n, ctx, reload) : null);
  view.append(body);
}

export default {
  async render(view, ctx) {
    if (ctx.params[0]) await renderOne(view, ctx, ctx.params[0]);
    else await renderList(view, ctx);
  },
};
