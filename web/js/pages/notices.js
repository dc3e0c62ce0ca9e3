// notices.js: my notices (#/notices): what kapka told me (my turn at the gate, permit
// decisions, single-window requests and decisions, expiring permits and temporary imports),
// newest first, marked read one by one or all at once; the phone and email kapka reaches me
// at and which channels are on (only those this kapka can send are offered); and, for the
// ministry and administrators, SMS and email that failed, to send again.
import { append, h, announce } from '../dom.js';
import { field, fieldset, makeForm } from '../forms.js';
import { t, KG_OFFSET_MIN } from '../i18n.js';
import { row, errorNotice } from '../permit-ui.js';
import { localTime } from '../checkpoint-ui.js';
import { refreshBell } from '../notices-bell.js';

// Where a notice about this object is seen in full.
const LINKS = { booking: '#/booking', permit: '#/permits', permit_application: '#/permits', sw_application: '#/window', tip: '#/tips' };

function noticeItem(n, ctx, reload) {
  const unread = !n.read_at;
  const read = unread ? h('button', { type: 'button', class: 'secondary', i18n: 'notify.mark_read' }) : null;
  read?.addEventListener('click', async () => {
    read.disabled = true;
    try {
      await ctx.api.post(`/api/v1/notices/${n.id}/read`);
      announce(t('notify.marked'));
      await reload();
    } catch (err) {
      read.disabled = false;
      read.after(errorNotice(err));
    }
  });
  const link = LINKS[n.object_type];
  return h('li', { class: `card notice-item${unread ? ' unread' : ''}`, dataset: { notice: String(n.id), kind: n.kind } },
    h('h3', { lang: n.lang }, unread ? h('span', { class: 'badge badge-warn', i18n: 'notify.new' }) : null, unread ? ' ' : null, n.subject),
    h('p', { lang: n.lang }, n.text),
    h('p', { class: 'aside' }, h('time', { datetime: n.created_at }, localTime(n.created_at, KG_OFFSET_MIN)), link ? [' · ', h('a', { href: link, i18n: `notify.open_${n.object_type}` })] : null),
    n.sms_delivery ? h('p', { class: 'aside', dataset: { sms: n.sms_delivery.state } }, h('span', { i18n: 'dlr.sms' }), ': ', deliveryFact(n.sms_delivery)) : null,
    read ? h('div', { class: 'actions' }, read) : null);
}

function switchBox(name, labelKey, checked, disabled) {
  const id = `notify-${name}`;
  return h('div', { class: 'field field-check' },
    h('input', { type: 'checkbox', id, name, class: 'check', checked: checked && !disabled, disabled }),
    h('label', { for: id, i18n: labelKey }));
}

function settingsForm(s, ctx, box) {
  const f = makeForm({ submit: 'notify.save', async onSubmit(v, ctl) {
    const body = { phone: v.phone ?? null, email: v.email ?? null };
    if (s.available.sms) body.sms = ctl.form.querySelector('[name="sms"]').checked;
    if (s.available.email) body.email_on = ctl.form.querySelector('[name="email_on"]').checked;
    const saved = await ctx.api.put('/api/v1/notification-settings', body);
    announce(t('notify.saved'));
    box.replaceChildren(settingsForm(saved, ctx, box).form);
    box.prepend(h('div', { class: 'notice notice-ok', role: 'status' }, h('p', { i18n: 'notify.saved' })));
  } }, fieldset('notify.channels',
    h('p', { class: 'hint', i18n: 'notify.inapp_always' }),
    field({ name: 'phone', label: 'field.contact_phone', type: 'tel', autocomplete: 'tel', value: s.phone ?? '', maxlength: 32,
      hint: s.available.sms ? 'notify.phone_hint' : 'notify.no_sms' }),
    switchBox('sms', 'notify.sms_on', s.sms, !s.available.sms),
    field({ name: 'email', label: 'notify.email', type: 'email', autocomplete: 'email', value: s.email ?? '', maxlength: 254,
      hint: s.available.email ? 'notify.email_hint' : 'notify.no_email' }),
    switchBox('email_on', 'notify.email_on', s.email_on, !s.available.email)));
  return f;
}

// What the mobile operator last reported of an SMS (docs/notifications.md), or null.
function deliveryFact(d) {
  if (!d) return null;
  const bad = d.state === 'failed' || d.state === 'rejected';
  return h('span', {}, h('span', { class: `badge ${bad ? 'badge-bad' : d.state === 'delivered' ? 'badge-ok' : 'badge-warn'}`, i18n: `dlr.state_${d.state}` }),
    ' ', h('time', { datetime: d.at }, localTime(d.at, KG_OFFSET_MIN)));
}

function outboxSection(ctx) {
  const list = h('div', { 'aria-live': 'polite' });
  async function reload() {
    try {
      const { items } = await ctx.api.get('/api/v1/notification-outbox');
      list.replaceChildren(items.length ? h('ul', { class: 'cards' }, items.map((m) => {
        const retry = h('button', { type: 'button', class: 'secondary', i18n: 'notify.retry' });
        retry.addEventListener('click', async () => {
          retry.disabled = true;
          try { await ctx.api.post(`/api/v1/notification-outbox/${m.id}/retry`); announce(t('notify.retried')); await reload(); }
          catch (err) { retry.disabled = false; retry.after(errorNotice(err)); }
        });
        return h('li', { class: 'card', dataset: { message: String(m.id), state: m.state } },
          h('h3', {}, h('span', { i18n: `notify.channel_${m.channel}` }), ' · ', h('span', { class: 'mono' }, m.recipient ?? '')),
          h('dl', { class: 'facts' },
            row('notify.state', h('span', { class: `badge ${m.state === 'given_up' ? 'badge-bad' : 'badge-warn'}`, i18n: `notify.state_${m.state}` })),
            row('notify.attempts', String(m.attempts)),
            row('notify.last_error', m.last_error),
            row('notify.next_attempt', m.next_attempt_at ? localTime(m.next_attempt_at, KG_OFFSET_MIN) : null),
            row('dlr.delivery', deliveryFact(m.delivery))),
          h('div', { class: 'actions' }, retry));
      })) : h('p', { class: 'aside', i18n: 'notify.outbox_empty' }));
    } catch (err) { list.replaceChildren(errorNotice(err)); }
  }
  return { section: h('section', { class: 'card', 'aria-labelledby': 'notify-outbox' },
    h('h2', { id: 'notify-outbox', i18n: 'notify.outbox_title' }), h('p', { class: 'hint', i18n: 'notify.outbox_hint' }), list), reload };
}

export default {
  async render(view, ctx) {
    const list = h('div', { 'aria-live': 'polite' });
    const readAll = h('button', { type: 'button', class: 'secondary', i18n: 'notify.read_all', hidden: true });
    async function reload() {
      try {
        const { items, unread } = await ctx.api.get('/api/v1/notices?limit=100');
        readAll.hidden = unread === 0;
        list.replaceChildren(items.length ? h('ul', { class: 'cards notices' }, items.map((n) => noticeItem(n, ctx, reload)))
          : h('p', { class: 'aside', i18n: 'notify.none' }));
        refreshBell(unread);
      } catch (err) { list.replaceChildren(errorNotice(err)); }
    }
    readAll.addEventListener('click', async () => {
      readAll.disabled = true;
      try { await ctx.api.post('/api/v1/notices/read'); announce(t('notify.marked')); await reload(); }
      catch (err) { readAll.after(errorNotice(err)); }
      finally { readAll.disabled = false; }
    });
    const settingsBox = h('div');
    try {
      settingsBox.replaceChildren(settingsForm(await ctx.api.get('/api/v1/notification-settings'), ctx, settingsBox).form);
    } catch (err) { settingsBox.replaceChildren(errorNotice(err)); }
    const ops = ['ministry', 'admin'].includes(ctx.user?.role) ? outboxSection(ctx) : null;
    append(view, h('h1', { i18n: 'notify.title', tabindex: '-1' }), h('p', { class: 'lead', i18n: 'notify.lead' }),
      h('section', { 'aria-labelledby': 'notify-list' }, h('h2', { id: 'notify-list', i18n: 'notify.list_title' }),
        h('div', { class: 'button-row' }, readAll), list),
      h('section', { class: 'card', 'aria-labelledby': 'notify-settings' }, h('h2', { id: 'notify-settings', i18n: 'notify.settings_title' }), settingsBox),
      ops?.section);
    await Promise.all([reload(), ops?.reload()]);
  },
};
