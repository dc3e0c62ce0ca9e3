// lookup.js: find a permit by its number or the vehicle's plate (#/lookup, #/lookup/<id>:
// GET /api/v1/permits/{id}, GET /api/v1/permits?plate=…), see its crossings and, for border
// officers, record an entrance or exit.
import { append, h } from '../dom.js';
import { field } from '../forms.js';
import { permitFacts, errorNotice } from '../permit-ui.js';
import { crossingSection } from '../crossing.js';
import { historyBox } from '../history.js';

const PERMIT_ID = /^[A-Z]{2}-[A-Z]{2}-\d{4}-[1-7]-\d+$/;

function resultCard(p, ctx) {
  return h('li', { class: 'card permit', dataset: { permit: p.id } },
    h('h2', { class: 'mono' }, p.id),
    permitFacts(p, { more: true }),
    crossingSection(p.id, ctx, { canRecord: ctx.user.role === 'officer' }),
    historyBox(ctx, `/api/v1/permits/${encodeURIComponent(p.id)}/history`));
}

export default {
  async render(view, ctx) {
    const results = h('div', { class: 'lookup-results', 'aria-live': 'polite' });
    const initial = ctx.params[0] || ctx.query.plate || '';
    const q = field({ name: 'q', label: 'lookup.query', hint: 'hint.lookup', required: true, maxlength: 40,
      autocapitalize: 'characters', spellcheck: 'false', value: initial });
    const input = q.querySelector('input');
    input.type = 'search';
    const form = h('form', { novalidate: true, role: 'search', class: 'lookup-form' }, q,
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary big', i18n: 'lookup.submit' })));

    async function search(text) {
      const s = text.trim().toUpperCase();
      if (!s) return;
      results.replaceChildren(h('p', { class: 'aside', i18n: 'lookup.searching' }));
      try {
        let items;
        if (PERMIT_ID.test(s)) {
          try {
            items = [await ctx.api.get(`/api/v1/permits/${encodeURIComponent(s)}`)];
          } catch (err) {
            if (err.status !== 404) throw err;
            items = [];
          }
        } else {
          items = (await ctx.api.get(`/api/v1/permits?plate=${encodeURIComponent(s)}&limit=20`)).items;
        }
        if (!ctx.current()) return;
        results.replaceChildren(items.length
          ? h('ul', { class: 'cards' }, items.map((p) => resultCard(p, ctx)))
          : h('p', { class: 'notice notice-error', role: 'alert', i18n: 'lookup.none', args: { q: s } }));
      } catch (err) {
        results.replaceChildren(err.code === 'bad_query' ? h('p', { class: 'notice notice-error', role: 'alert', i18n: 'lookup.bad_query' })
          : errorNotice(err));
      }
    }
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      search(input.value);
    });
    append(view, h('h1', { i18n: 'lookup.title' }), h('p', { class: 'lead', i18n: 'lookup.lead' }), form, results);
    if (initial) await search(initial);
    else input.dataset.autofocus = '';
  },
};
