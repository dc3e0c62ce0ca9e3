// users.js: the administrator's accounts (#/users: GET/POST /api/v1/users, PUT
// /api/v1/users/{id}/status): find an account by name or role, add a staff account, suspend
// or reactivate one (never one's own). Auditors see the list read only.
import { append, h, notice, dateEl } from '../dom.js';
import { field, fieldset, makeForm } from '../forms.js';
import { table, confirmButton } from '../permit-ui.js';
import { pagedList } from '../list.js';

const ROLES = ['carrier', 'traveller', 'officer', 'ministry', 'auditor', 'admin'];
const STAFF = ['officer', 'ministry', 'auditor', 'admin']; // accounts the administrator adds
const PAGE = 25;
const STAFF_ORG_KINDS = ['ministry', 'border_service', 'customs', 'partner_authority'];

function statusCell(u, ctx, reload) {
  const badge = h('span', { class: `badge badge-${u.status === 'active' ? 'ok' : 'bad'}`, i18n: `status.${u.status}` });
  if (ctx.user.role !== 'admin' || u.id === ctx.user.id) return badge;
  const to = u.status === 'active' ? 'suspended' : 'active';
  return h('div', {}, badge, ' ', confirmButton({
    label: to === 'suspended' ? 'ui.users_suspend' : 'ui.users_reactivate',
    confirm: to === 'suspended' ? 'ui.users_suspend_confirm' : 'ui.users_reactivate_confirm',
    danger: to === 'suspended',
    act: async () => { await ctx.api.put(`/api/v1/users/${u.id}/status`, { status: to }); await reload(); },
  }));
}

export default {
  async render(view, ctx) {
    // The server searches and pages (GET /api/v1/users?q=&role=&limit=&offset=).
    const list = pagedList(ctx, {
      path: '/api/v1/users', size: PAGE, empty: 'list.none',
      search: { label: 'ui.users_search', hint: 'ui.users_search_hint' },
      filters: [{ name: 'role', label: 'ui.users_role', options: [{ value: '', label: 'ui.any' }, ...ROLES.map((r) => ({ value: r, label: `role.${r}` }))] }],
      draw: (items) => table({ caption: 'ui.users_title', items,
        rowAttrs: (u) => ({ dataset: { user: u.username } }),
        columns: [
          { key: 'field.username', cell: (u) => h('span', { class: 'mono' }, u.username) },
          { key: 'ui.users_name', cell: (u) => u.full_name || '' },
          { key: 'ui.users_role', cell: (u) => h('span', { i18n: `role.${u.role}` }) },
          { key: 'ui.users_contact', cell: (u) => [u.email, u.phone].filter(Boolean).join(' · ') },
          { key: 'ui.users_created', cell: (u) => dateEl(u.created_at) },
          { key: 'ui.users_status', cell: (u) => statusCell(u, ctx, reload) },
        ] }),
    });
    const reload = () => list.reload();
    append(view, h('h1', { i18n: 'ui.users_title' }), h('p', { class: 'lead', i18n: 'ui.users_lead' }), list.el);
    if (ctx.user.role === 'admin') {
      // the organisations staff belong to, one kind at a time (carriers are many and paged)
      const staffOrgs = (await Promise.all(STAFF_ORG_KINDS.map((kind) =>
        ctx.api.get(`/api/v1/organisations?kind=${kind}&limit=500`).then((r) => r.items).catch(() => []))))
        .flat().sort((a, b) => a.name.localeCompare(b.name));
      const done = h('div');
      const add = makeForm({
        submit: 'ui.users_add',
        async onSubmit(v, form) {
          const body = { username: v.username, password: v.password, role: v.role };
          for (const k of ['full_name', 'email', 'phone', 'language']) if (v[k]) body[k] = v[k];
          if (v.organisation_id) body.organisation_id = Number(v.organisation_id);
          const r = await ctx.api.post('/api/v1/users', body);
          form.form.reset();
          done.replaceChildren(notice({ key: 'ui.users_added', args: { username: (r.user || r).username } }));
          await reload();
        },
      }, fieldset('ui.users_add_title',
        field({ name: 'username', label: 'field.username', required: true, maxlength: 32, autocomplete: 'off' }),
        field({ name: 'password', label: 'field.password', type: 'password', required: true, autocomplete: 'new-password', hint: 'ui.users_password_hint' }),
        field({ name: 'role', label: 'ui.users_role', required: true, options: STAFF.map((r) => ({ value: r, label: `role.${r}` })) }),
        field({ name: 'organisation_id', label: 'ui.users_organisation', hint: 'ui.users_organisation_hint',
          options: [{ value: '', label: 'ui.none' }, ...staffOrgs.map((o) => ({ value: String(o.id), text: o.name }))] }),
        field({ name: 'full_name', label: 'ui.users_name', maxlength: 200 }),
        field({ name: 'email', label: 'field.contact_email', type: 'email', maxlength: 254 }),
        field({ name: 'phone', label: 'field.contact_phone', type: 'tel', maxlength: 32 }),
        field({ name: 'language', label: 'ui.users_language', options: ['ky', 'ru', 'en'].map((l) => ({ value: l, label: `lang.${l}` })) })));
      append(view, h('section', { class: 'card no-print', 'aria-labelledby': 'users-add' },
        h('h2', { id: 'users-add', i18n: 'ui.users_add_title' }), done, add.form));
      add.form.querySelector('legend').classList.add('visually-hidden');
    }
    await reload();
  },
};
