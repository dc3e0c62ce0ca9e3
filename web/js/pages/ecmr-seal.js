// ecmr-seal.js: a sender or consignee without an account seals a consignment note through
// the one-time link sent to them (#/ecmr-seal/TOKEN) with the six-digit code that came with
// it. kapka holds their key on their behalf, and the seal says so.
import { append, h, notice } from '../dom.js';
import { field, makeForm } from '../forms.js';
import { errorNotice } from '../permit-ui.js';
import { noteFacts, sealList } from './ecmr.js';

const ACTS = {
  sender: ['issue', 'accept_reservations', 'transfer_disposal', 'instructions'],
  consignee: ['deliver', 'transfer_disposal', 'instructions'],
};

export default {
  async render(view, ctx) {
    const token = ctx.params[0] || '';
    append(view, h('h1', { i18n: 'ecmr_seal.title' }));
    let n;
    try {
      n = await ctx.api.get(`/api/v1/ecmr-links/${encodeURIComponent(token)}`);
    } catch (err) {
      append(view, errorNotice(err));
      return;
    }
    const done = h('div', { 'aria-live': 'polite' });
    const f = makeForm({
      submit: 'ecmr_seal.submit',
      async onSubmit(v, form) {
        const body = { code: v.code, act: v.act };
        if (v.text) body[v.act === 'instructions' ? 'instructions' : 'reservations'] = v.text;
        const r = await ctx.api.post(`/api/v1/ecmr-links/${encodeURIComponent(token)}/seals`, body);
        form.form.hidden = true;
        done.replaceChildren(notice({ key: 'ecmr_seal.done', args: { ref: r.consignment.ref } }),
          h('section', {}, sealList(r.consignment.seals)));
      },
    },
    field({ name: 'act', label: 'ecmr.act', required: true,
      options: ACTS[n.your_role].map((a) => ({ value: a, label: `ecmr_act.${a}` })) }),
    field({ name: 'text', label: 'ecmr.reservations', hint: 'ecmr_seal.text_hint', multiline: true, maxlength: 2000 }),
    field({ name: 'code', label: 'ecmr_seal.code', hint: 'ecmr_seal.code_hint', required: true, inputmode: 'numeric',
      maxlength: 6, autocomplete: 'one-time-code', check: (c) => (/^\d{6}$/.test(c) ? null : { key: 'ecmr_seal.code_digits' }) }));
    append(view,
      h('p', { class: 'lead', i18n: `ecmr_seal.lead_${n.your_role}` }),
      noteFacts(n),
      h('section', {}, h('h2', { i18n: 'ecmr.seals_title' }), sealList(n.seals)),
      h('p', { class: 'aside', i18n: 'ecmr_seal.custody' }),
      f.form, done);
  },
};
