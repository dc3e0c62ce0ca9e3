// list.js: one list over a paged route (GET …?q=&limit=&offset=, answered with
// {items, total, next_offset}: docs/architecture.md, "Lists that grow"). It draws a search
// box with the filters the page names, the page of items the page draws, and
// "Previous"/"Next" with "1–25 of 130"; the server searches, filters and counts, so the
// list stays fast however long it grows. A carrier's list is limited to its own rows by
// the server, whatever is typed.
//
//   const list = pagedList(ctx, {
//     path: '/api/v1/users', size: 25,
//     search: { label: 'list.search', hint: 'ui.users_search_hint' },   // optional
//     filters: [{ name: 'role', label: 'ui.users_role', options: [{ value: '', label: 'ui.any' }, …] }],  // field specs (forms.js)
//     fixed: { status: 'pending' },                 // always sent
//     draw: (items, list) => tableOrCards,          // list.reload() after a change
//     empty: 'list.none',                           // shown when nothing matches
//   });
//   append(view, list.el); await list.reload();
import { append, h } from './dom.js';
import { field, makeForm } from './forms.js';
import { errorNotice } from './permit-ui.js';

export function pagedList(ctx, { path, size = 25, search, filters = [], fixed = {}, draw, empty = 'list.none' }) {
  const box = h('div', { class: 'list-items', 'aria-live': 'polite' });
  const pager = h('div', { class: 'button-row pager' });
  let offset = 0;
  let seq = 0;
  const fields = [
    search ? field({ name: 'q', type: 'search', label: search.label ?? 'list.search', hint: search.hint, maxlength: 100 }) : null,
    ...filters.map((f) => field(f)), // any field spec of forms.js: a select, a number …
  ].filter(Boolean);
  const form = fields.length
    ? makeForm({ submit: 'ui.filter', async onSubmit() { offset = 0; await load(); } }, h('div', { class: 'filters' }, fields))
    : null;
  form?.form.classList.add('filter-form', 'no-print');

  function query() {
    const v = form ? form.values() : {};
    const q = { ...fixed, limit: String(size), offset: String(offset) };
    for (const [k, val] of Object.entries(v)) if (val !== '' && val !== undefined) q[k] = val;
    return new URLSearchParams(q);
  }

  async function load() {
    const mine = ++seq;
    box.setAttribute('aria-busy', 'true');
    try {
      const r = await ctx.api.get(`${path}?${query()}`);
      if (mine !== seq) return;
      const total = r.total ?? r.items.length;
      box.replaceChildren(r.items.length ? draw(r.items, list) : h('p', { class: 'aside', i18n: empty }));
      pager.replaceChildren();
      append(pager,
        h('p', { class: 'aside list-count', i18n: 'ui.shown_of', dataset: { total: String(total) },
          args: { from: r.items.length ? offset + 1 : 0, to: offset + r.items.length, count: total } }),
        offset > 0 ? h('button', { type: 'button', class: 'secondary no-print', i18n: 'ui.previous', onclick: () => go(Math.max(0, offset - size)) }) : null,
        r.next_offset !== undefined ? h('button', { type: 'button', class: 'secondary no-print', i18n: 'ui.next', onclick: () => go(r.next_offset) }) : null);
    } catch (err) {
      if (mine !== seq) return;
      box.replaceChildren(errorNotice(err));
      pager.replaceChildren();
    } finally {
      if (mine === seq) box.removeAttribute('aria-busy');
    }
  }

  async function go(to) {
    offset = to;
    await load();
    box.querySelector('a, button, summary')?.focus?.({ preventScroll: false });
  }

  const list = {
    el: h('div', { class: 'paged-list', dataset: { path } }, form?.form, box, pager),
    reload: load,
  };
  return list;
}
