// audit.js: the audit trail for auditors (#/audit: GET /api/v1/audit): who did what to which
// object and when, newest first, filtered by object type and id, a page at a time (the
// server's next_before cursor), each entry's before and after shown on request.
import { append, h, dateEl } from '../dom.js';
import { field, makeForm } from '../forms.js';
import { table, errorNotice } from '../permit-ui.js';

const PAGE = 50;

function snapshot(label, value) {
  if (value === null || value === undefined) return null;
  return h('details', { class: 'audit-snapshot' }, h('summary', { i18n: label }),
    h('pre', { class: 'mono' }, JSON.stringify(value, null, 2)));
}

export default {
  async render(view, ctx) {
    const box = h('div', { 'aria-live': 'polite' });
    const pages = []; // cursors of the pages seen, for "previous"
    async function load(before) {
      const v = filters.values();
      const q = new URLSearchParams({ limit: String(PAGE) });
      if (v.object_type) q.set('object_type', v.object_type);
      if (v.object_id) q.set('object_id', v.object_id);
      if (before) q.set('before', String(before));
      try {
        const r = await ctx.api.get(`/api/v1/audit?${q}`);
        box.replaceChildren(r.items.length ? table({ caption: 'ui.audit_title', items: r.items,
          rowAttrs: (e) => ({ dataset: { audit: String(e.id), action: e.action } }),
          columns: [
            { key: 'ui.audit_at', cell: (e) => dateEl(e.at, true) },
            { key: 'ui.audit_actor', cell: (e) => h('span', { class: 'mono' }, e.actor) },
            { key: 'ui.audit_action', cell: (e) => h('span', { class: 'mono' }, e.action) },
            { key: 'ui.audit_object', cell: (e) => h('span', { class: 'mono' }, `${e.object_type}${e.object_id ? ` ${e.object_id}` : ''}`) },
            { key: 'ui.audit_change', cell: (e) => [snapshot('ui.audit_before', e.before), snapshot('ui.audit_after', e.after)] },
          ] }) : h('p', { class: 'aside', i18n: 'ui.audit_none' }),
        h('div', { class: 'button-row pager' },
          pages.length > 1 ? h('button', { type: 'button', class: 'secondary', i18n: 'ui.previous', onclick: () => { pages.pop(); load(pages[pages.length - 1]); } }) : null,
          r.next_before && r.items.length === PAGE ? h('button', { type: 'button', class: 'secondary', i18n: 'ui.next', onclick: () => { pages.push(r.next_before); load(r.next_before); } }) : null));
      } catch (err) {
        box.replaceChildren(errorNotice(err));
      }
    }
    const filters = makeForm({ submit: 'ui.filter', async onSubmit() { pages.length = 0; pages.push(null); await load(null); } },
      h('div', { class: 'filters' },
        field({ name: 'object_type', label: 'ui.audit_object_type', hint: 'ui.audit_object_type_hint', maxlength: 40 }),
        field({ name: 'object_id', label: 'ui.audit_object_id', maxlength: 80 })));
    append(view, h('h1', { i18n: 'ui.audit_title' }), h('p', { class: 'lead', i18n: 'ui.audit_lead' }), filters.form, box);
    pages.push(null);
    await load(null);
  },
};
