// register.js: self-registration (#/register): the choice, then the carrier company form
// (#/register/carrier → POST /api/v1/carriers) or the traveller form
// (#/register/traveller → POST /api/v1/travellers). On success, on to sign-in.
import { append, h } from '../dom.js';
import { field, fieldset, makeForm, showPasswords } from '../forms.js';
import { language, LANGUAGES } from '../i18n.js';

const innCheck = (v) => (/^\d{14}$/.test(v) ? null : { key: 'problem.inn_digits' });
const phoneCheck = (v) => (v.startsWith('+') ? null : { key: 'problem.phone_plus' });
const passwordCheck = (v) => ([...v].length >= 10 ? null : { key: 'problem.min_chars', args: { count: 10 } });
const repeatCheck = (v, all) => (v === all.password ? null : { key: 'problem.password_mismatch' });

// The account part shared by both forms.
function accountFields({ fullNameRequired }) {
  return [
    field({ name: 'full_name', label: fullNameRequired ? 'field.full_name_passport' : 'field.full_name',
      hint: fullNameRequired ? 'hint.full_name_passport' : 'hint.full_name_carrier', required: fullNameRequired,
      autocomplete: 'name', maxlength: 200 }),
    field({ name: 'username', label: 'field.username', hint: 'hint.username', required: true,
      autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false', maxlength: 32 }),
    field({ name: 'password', label: 'field.password', hint: 'hint.password', type: 'password', required: true,
      autocomplete: 'new-password', maxlength: 256, check: passwordCheck }),
    field({ name: 'password_repeat', label: 'field.password_repeat', type: 'password', required: true,
      autocomplete: 'new-password', maxlength: 256, check: repeatCheck }),
    showPasswords(),
    field({ name: 'language', label: 'field.language', required: true, value: language(),
      options: LANGUAGES.map((l) => ({ value: l, label: `lang.${l}`, lang: l })) }),
  ];
}

// The body for the API: without the repeated password, username in lower case.
function body(values) {
  const { password_repeat: _, ...rest } = values;
  if (rest.username) rest.username = rest.username.toLowerCase();
  return rest;
}

function formPage(view, ctx, { kind, title, lead, endpoint, fields }) {
  const f = makeForm({
    submit: 'register.submit',
    async onSubmit(values) {
      const b = body(values);
      await ctx.api.post(endpoint, b);
      ctx.navigate('login', { flash: { key: 'register.done', data: { username: b.username } } });
    },
  }, ...fields);
  append(view,
    h('p', { class: 'breadcrumb' }, h('a', { href: '#/register', i18n: 'register.back' })),
    h('h1', { i18n: title }),
    h('p', { class: 'lead', i18n: lead }),
    f.form,
  );
  view.dataset.kind = kind;
}

function carrier(view, ctx) {
  formPage(view, ctx, {
    kind: 'carrier', title: 'register.carrier.title', lead: 'register.carrier.lead', endpoint: '/api/v1/carriers',
    fields: [
      fieldset('register.carrier.company',
        field({ name: 'company_name', label: 'field.company_name', required: true, autocomplete: 'organization',
          maxlength: 200 }),
        field({ name: 'inn', label: 'field.inn', hint: 'hint.inn', required: true, inputmode: 'numeric',
          maxlength: 14, check: innCheck }),
        field({ name: 'address', label: 'field.address', required: true, multiline: true,
          autocomplete: 'street-address', maxlength: 500 }),
        field({ name: 'licence_number', label: 'field.licence_number', hint: 'hint.licence_number', required: true,
          autocapitalize: 'characters', maxlength: 32 }),
        field({ name: 'contact_name', label: 'field.contact_name', required: true, autocomplete: 'name',
          maxlength: 200 }),
        field({ name: 'contact_phone', label: 'field.contact_phone', hint: 'hint.phone', required: true, type: 'tel',
          autocomplete: 'tel', maxlength: 32, check: phoneCheck }),
        field({ name: 'contact_email', label: 'field.contact_email', type: 'email', autocomplete: 'email',
          maxlength: 254 })),
      fieldset('register.account', ...accountFields({ fullNameRequired: false })),
    ],
  });
}

function traveller(view, ctx) {
  const [fullName, ...rest] = accountFields({ fullNameRequired: true });
  formPage(view, ctx, {
    kind: 'traveller', title: 'register.traveller.title', lead: 'register.traveller.lead',
    endpoint: '/api/v1/travellers',
    fields: [
      fullName,
      field({ name: 'email', label: 'field.email', type: 'email', autocomplete: 'email', maxlength: 254 }),
      ...rest,
    ],
  });
}

function choice(view) {
  const option = (kind) => h('li', {}, h('a', { class: 'choice', href: `#/register/${kind}` },
    h('span', { class: 'choice-title', i18n: `register.${kind}.title` }),
    h('span', { class: 'choice-text', i18n: `register.${kind}.summary` })));
  append(view,
    h('h1', { i18n: 'register.title' }),
    h('p', { class: 'lead', i18n: 'register.lead' }),
    h('ul', { class: 'choices' }, option('carrier'), option('traveller')),
    h('p', { class: 'aside' }, h('span', { i18n: 'register.have_account' }), ' ',
      h('a', { href: '#/login', i18n: 'register.login_link' })),
  );
}

export default {
  render(view, ctx) {
    const kind = ctx.params[0];
    if (kind === 'carrier') carrier(view, ctx);
    else if (kind === 'traveller') traveller(view, ctx);
    else choice(view);
  },
};
