// login.js: sign in with username and password (#/login). After a registration the
// username arrives filled in; after too many failed attempts the wait is shown.
import { append, h, notice } from '../dom.js';
import { field, makeForm, showPasswords } from '../forms.js';

export default {
  render(view, ctx) {
    const username = field({ name: 'username', label: 'field.username', required: true, autocomplete: 'username',
      autocapitalize: 'none', spellcheck: 'false', maxlength: 64, value: ctx.flash?.data?.username });
    const password = field({ name: 'password', label: 'field.password', type: 'password', required: true,
      autocomplete: 'current-password', maxlength: 256 });
    const f = makeForm({
      submit: 'login.submit',
      async onSubmit(values, form) {
        try {
          await ctx.signIn(values.username, values.password);
        } catch (err) {
          if (err.status === 429 && err.retryAfter) holdSubmit(form, err.retryAfter);
          throw err;
        }
        const next = ctx.query.next && /^[a-z0-9/_-]+$/.test(ctx.query.next) ? ctx.query.next : 'home';
        ctx.navigate(next);
      },
    }, username, password, showPasswords());
    append(view,
      h('h1', { i18n: 'login.title' }),
      ctx.flash ? notice(ctx.flash) : null,
      h('p', { class: 'lead', i18n: 'login.lead' }),
      f.form,
      h('p', { class: 'aside' }, h('span', { i18n: 'login.no_account' }), ' ',
        h('a', { href: '#/register', i18n: 'login.register_link' })),
    );
    // Put the cursor where typing starts.
    (ctx.flash?.data?.username ? password : username).querySelector('input').dataset.autofocus = '';
  },
};

// Keep the sign-in button disabled while the server refuses attempts.
function holdSubmit(form, seconds) {
  form.holdDisabled = true;
  form.busy(true);
  setTimeout(() => {
    form.holdDisabled = false;
    if (form.form.isConnected) form.busy(false);
  }, Math.min(seconds, 3600) * 1000);
}
