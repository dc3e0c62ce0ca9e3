// home.js: after sign-in (#/home): who you are and, for company accounts, your organisation.
import { append, h, dateEl, notice } from '../dom.js';
import { describeError } from '../errors.js';
import { field, makeForm, showPasswords } from '../forms.js';

// A <dl> row; value is text or a node. Empty values are left out.
function row(labelKey, value) {
  if (value === undefined || value === null || value === '') return null;
  return h('div', { class: 'row' }, h('dt', { i18n: labelKey }), h('dd', {}, value));
}

// An enumerated value (role, status…) from the catalogue, or as the server sent it.
const term = (prefix, value) => h('span', { i18n: `${prefix}.${value}`, fallback: value });

function accountSection(u) {
  return h('section', { class: 'card', 'aria-labelledby': 'home-account' },
    h('h2', { id: 'home-account', i18n: 'home.account' }),
    h('dl', { class: 'facts' },
      row('field.full_name', u.full_name),
      row('field.username', u.username),
      row('home.role', term('role', u.role)),
      row('field.email', u.email),
      row('field.phone', u.phone),
      row('field.language', term('lang', u.language)),
      row('home.status', term('status', u.status)),
      row('home.member_since', dateEl(u.created_at))));
}

function organisationSection(o) {
  return h('section', { class: 'card', 'aria-labelledby': 'home-org', dataset: { organisation: o.id } },
    h('h2', { id: 'home-org', i18n: 'home.organisation' }),
    h('p', { class: 'org-name' }, o.name),
    h('dl', { class: 'facts' },
      row('home.org_kind', term('org_kind', o.kind)),
      row('field.inn', o.inn),
      row('field.address', o.address),
      row('field.licence_number', o.licence_number),
      row('field.contact_name', o.contact?.name),
      row('field.contact_phone', o.contact?.phone),
      row('field.contact_email', o.contact?.email),
      row('home.country', o.country),
      row('home.status', term('status', o.status)),
      row('home.registered', dateEl(o.created_at))));
}

// Change one's own password: the current one, the new one twice; other sessions end.
function passwordSection(ctx) {
  const done = h('div');
  const long = (v) => ([...v].length >= 10 ? null : { key: 'problem.min_chars', args: { count: 10 } });
  const same = (v, all) => (v === all.new_password ? null : { key: 'problem.password_mismatch' });
  const f = makeForm({
    submit: 'security.password_submit',
    async onSubmit(v, form) {
      const r = await ctx.api.put('/api/v1/session/password', { current_password: v.current_password, new_password: v.new_password });
      form.form.reset();
      done.replaceChildren(notice({ key: 'security.password_changed', args: { count: r.other_sessions_ended } }));
    },
  },
  field({ name: 'current_password', label: 'security.current_password', type: 'password', required: true,
    autocomplete: 'current-password', maxlength: 256 }),
  field({ name: 'new_password', label: 'security.new_password', hint: 'security.new_password_hint', type: 'password',
    required: true, autocomplete: 'new-password', maxlength: 256, check: long }),
  field({ name: 'new_password_repeat', label: 'field.password_repeat', type: 'password', required: true,
    autocomplete: 'new-password', maxlength: 256, check: same }),
  showPasswords());
  return h('section', { class: 'card', 'aria-labelledby': 'home-password' },
    h('h2', { id: 'home-password', i18n: 'security.password_title' }), done, f.form);
}

export default {
  async render(view, ctx) {
    const u = ctx.user;
    append(view,
      h('h1', { i18n: 'home.welcome', args: { name: u.full_name || u.username } }),
      ctx.flash ? notice(ctx.flash) : null,
      accountSection(u));
    if (u.role === 'traveller' || !u.organisation_id) {
      append(view, h('p', { class: 'aside', i18n: 'home.no_organisation' }), passwordSection(ctx));
      return;
    }
    try {
      append(view, organisationSection(await ctx.api.get('/api/v1/organisations/mine')));
    } catch (err) {
      append(view, h('section', { class: 'card', 'aria-labelledby': 'home-org' },
        h('h2', { id: 'home-org', i18n: 'home.organisation' }), notice(describeError(err), 'error')));
    }
    append(view, passwordSection(ctx));
  },
};
