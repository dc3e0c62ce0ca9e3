// booking.js: a driver's booked queue (#/booking): pick a crossing, a day and a flow, book
// a slot for a vehicle (priority cargo in its capped lane), then check in at the waiting zone
// and see the call forward with the time left to reach the gate; or join the live queue
// without a booking. The bookings refresh every 30 seconds while the page is open.
import { append, h, notice, announce } from '../dom.js';
import { field, fieldset, makeForm } from '../forms.js';
import { t, language } from '../i18n.js';
import { errorNotice, confirmButton, row } from '../permit-ui.js';
import { QUEUE_FLOWS, cpName, cpOffset, localTime, todayLocal, flowName } from '../checkpoint-ui.js';
import { historyBox } from '../history.js';

const PRIORITIES = ['perishable', 'dangerous', 'humanitarian', 'postal'];
const REFRESH_MS = 30000;
const WAITING_REFRESH_MS = 10000; // while a vehicle waits at the zone for its call
// Each checkpoint's UTC offset (from the registry, set when the page renders): a slot, a
// call's deadline, in the checkpoint's own local time.
let offsets = {};
const cpTime = (code, iso) => localTime(iso, offsets[code] ?? cpOffset(null));
const plateCheck = (v) => (/^[A-Za-z0-9 -]{4,20}$/.test(v) ? null : { key: 'problem.plate_length' });

// The slip a driver keeps (or prints): where, when, which vehicle, the booking's number.
function bookingSlip(b, names) {
  return h('section', { class: 'card slip', 'aria-labelledby': `slip-${b.id}`, dataset: { slip: String(b.id) } },
    h('h3', { id: `slip-${b.id}`, i18n: 'ui.booking_slip' }),
    h('dl', { class: 'facts' },
      row('ui.booking_number', h('span', { class: 'mono' }, String(b.id))),
      row('booking.checkpoint', names[b.checkpoint] || b.checkpoint),
      row('booking.slot', b.live ? h('span', { i18n: 'booking.live' }) : cpTime(b.checkpoint, b.slot_starts_at)),
      row('booking.flow', flowName(b.flow)),
      row('vehicle.plate', h('span', { class: 'plate' }, b.plate))),
    h('p', { class: 'hint', i18n: 'ui.booking_slip_hint' }),
    h('div', { class: 'button-row no-print' }, printButton()));
}

function printButton() {
  const b = h('button', { type: 'button', class: 'secondary', i18n: 'ui.print' });
  b.addEventListener('click', () => window.print());
  return b;
}

function bookingCard(b, names, ctx, reload, startMove) {
  const called = b.status === 'called';
  const when = b.live ? h('span', { i18n: 'booking.live' }) : cpTime(b.checkpoint, b.slot_starts_at);
  const actions = [];
  if (b.status === 'booked') {
    const checkIn = h('button', { type: 'button', class: 'primary', i18n: 'booking.check_in' });
    checkIn.addEventListener('click', async () => {
      checkIn.disabled = true;
      try {
        await ctx.api.post(`/api/v1/bookings/${b.id}/check-in`);
        announce(t('booking.checked_in_done'));
        await reload();
      } catch (err) {
        checkIn.disabled = false;
        checkIn.after(errorNotice(err));
      }
    });
    actions.push(checkIn);
  }
  if (b.status === 'booked' && !b.live) {
    const move = h('button', { type: 'button', class: 'secondary', i18n: 'ui.booking_move' });
    move.addEventListener('click', () => startMove(b));
    actions.push(move);
  }
  if (['booked', 'checked_in', 'called'].includes(b.status)) {
    actions.push(confirmButton({ label: 'booking.cancel', confirm: 'booking.cancel_confirm', danger: true,
      act: async () => { await ctx.api.del(`/api/v1/bookings/${b.id}`); await reload(); } }));
  }
  return h('li', { class: `card booking${called ? ' called' : ''}`, dataset: { id: String(b.id), status: b.status } },
    h('h3', { class: 'plate' }, b.plate),
    called ? h('div', { class: 'notice notice-warn', role: 'alert' },
      h('p', { i18n: 'booking.called', args: { time: cpTime(b.checkpoint, b.call_deadline) } })) : null,
    h('dl', { class: 'facts' },
      row('booking.checkpoint', names[b.checkpoint] || b.checkpoint),
      row('booking.slot', when),
      row('booking.flow', flowName(b.flow)),
      row('booking.priority', b.priority ? h('span', { i18n: `priority.${b.priority}` }) : null),
      row('booking.status', h('span', { class: 'badge badge-info', i18n: `booking_status.${b.status}` })),
      row('booking.position', b.position ? String(b.position) : null)),
    h('div', { class: 'actions' }, actions),
    historyBox(ctx, `/api/v1/bookings/${b.id}/history`));
}

export default {
  async render(view, ctx) {
    const { items: cps } = await ctx.api.get('/api/v1/checkpoints?country=KG');
    // whether the call also comes by SMS (only when this kapka sends SMS), and my phone
    const channels = await ctx.api.get('/api/v1/notification-settings').catch(() => null);
    const names = Object.fromEntries(cps.map((c) => [c.code, cpName(c)]));
    offsets = Object.fromEntries(cps.map((c) => [c.code, cpOffset(c)]));
    const cpOptions = cps.filter((c) => c.modes.some((m) => ['car', 'bus', 'truck'].includes(m)))
      .map((c) => ({ value: c.code, text: cpName(c) }));
    const mine = h('div', { class: 'booking-list', 'aria-live': 'polite' });
    const notices = h('div', { class: 'booking-notices' });
    async function reload() {
      try {
        // bookings a closure cancelled: the driver is told why (issue 13, finding 6)
        const { items: told } = await ctx.api.get('/api/v1/booking-notices');
        notices.replaceChildren(...told.slice(0, 5).map((n) => h('div', { class: 'notice notice-warn', role: 'status', dataset: { notice: String(n.id) } },
          h('p', { i18n: 'booking.notice_cancelled', args: { plate: n.plate, checkpoint: names[n.checkpoint] || n.checkpoint,
            time: n.slot_starts_at ? cpTime(n.checkpoint, n.slot_starts_at) : t('booking.live'), reason: n.reason } }))));
        const { items } = await ctx.api.get('/api/v1/bookings?limit=20');
        const withPlace = await Promise.all(items.map((b) => (['checked_in', 'called'].includes(b.status)
          ? ctx.api.get(`/api/v1/bookings/${b.id}`) : b)));
        yourTurn(withPlace.filter((b) => b.status === 'called'));
        waiting = withPlace.some((b) => ['checked_in', 'called'].includes(b.status));
        mine.replaceChildren(withPlace.length ? h('ul', { class: 'cards' }, withPlace.map((b) => bookingCard(b, names, ctx, reload, startMove)))
          : h('p', { class: 'aside', i18n: 'booking.none' }));
      } catch (err) {
        mine.replaceChildren(errorNotice(err));
      }
    }

    let moving = null; // the booking being moved to another hour
    // "Your turn": a banner at the very top, the tab's title and a vibration, not a pale box below.
    const turn = h('div', { class: 'your-turn-box' });
    const baseTitle = document.title;
    let waiting = false;
    let told = new Set();
    function yourTurn(called) {
      turn.replaceChildren(...called.map((b) => h('section', { class: 'your-turn', role: 'alert', dataset: { turn: String(b.id) } },
        h('p', { class: 'your-turn-title', i18n: 'ui.your_turn', args: { plate: b.plate } }),
        h('p', { i18n: 'booking.called', args: { time: cpTime(b.checkpoint, b.call_deadline) } }))));
      document.title = called.length ? `▶ ${t('ui.your_turn', { plate: called[0].plate })}` : baseTitle;
      const fresh = called.filter((b) => !told.has(b.id));
      if (fresh.length) {
        turn.scrollIntoView({ block: 'start' });
        // Browsers refuse (and log an error) before the user has touched the page.
        if (navigator.userActivation?.hasBeenActive ?? true) {
          try { navigator.vibrate?.([300, 150, 300]); } catch { /* not on this device */ }
        }
      }
      told = new Set(called.map((b) => b.id));
    }
    const slotsBox = h('div', { class: 'slots', 'aria-live': 'polite' });
    const done = h('div');
    let slotsSeq = 0; // only the answer to the latest choice is shown
    async function loadSlots(form) {
      const v = form.values();
      const seq = ++slotsSeq;
      try {
        const { items } = await ctx.api.get(`/api/v1/checkpoints/${encodeURIComponent(v.checkpoint)}/slots?date=${v.date}&flow=${v.flow}`);
        if (seq !== slotsSeq) return;
        const open = items.filter((s) => Date.parse(s.ends_at) - Date.now() > 5 * 60000); // time left to get there
        slotsBox.replaceChildren(open.length ? h('fieldset', { class: 'slot-choice' }, h('legend', { i18n: 'booking.choose_slot' }),
          open.map((s) => h('div', { class: 'field-check' },
            h('input', { type: 'radio', name: 'slot', id: `slot-${s.id}`, value: String(s.id), class: 'check', disabled: s.left === 0 }),
            h('label', { for: `slot-${s.id}` }, `${cpTime(v.checkpoint, s.starts_at).slice(11)}–${cpTime(v.checkpoint, s.ends_at).slice(11)} · `,
              h('span', { i18n: 'booking.places_left', args: { count: s.left } })))))
          : h('p', { class: 'aside', i18n: 'booking.no_slots' }));
      } catch (err) {
        if (seq === slotsSeq) slotsBox.replaceChildren(errorNotice(err));
      }
    }
    // The server moves the booking in one step (same booking, the old hour freed); when it
    // refuses, the booking stays in its hour.
    function moveBooking(old, body) {
      return ctx.api.post(`/api/v1/bookings/${old.id}/move`, { slot_id: body.slot_id });
    }
    function startMove(b) {
      moving = b;
      for (const [name, value] of [['checkpoint', b.checkpoint], ['flow', b.flow], ['plate', b.plate]]) {
        const el = f.form.querySelector(`[name="${name}"]`);
        if (el) el.value = value;
      }
      done.replaceChildren(h('p', { class: 'notice notice-warn', dataset: { moving: String(b.id) }, i18n: 'ui.booking_moving', args: { plate: b.plate } }));
      loadSlots(f);
      f.form.querySelector('[name="date"]').focus();
    }
    const f = makeForm({
      submit: 'booking.submit',
      async onSubmit(v, form) {
        const chosen = form.form.querySelector('input[name="slot"]:checked');
        if (!chosen) {
          await loadSlots(form);
          const any = form.form.querySelector('input[name="slot"]:not(:disabled)');
          form.showProblems([{ field: 'date', problem: { key: any ? 'ui.booking_pick_hour' : 'ui.booking_no_hours' } }]);
          return;
        }
        const body = { slot_id: Number(chosen.value), plate: v.plate.toUpperCase(), lang: language() };
        if (v.priority) body.priority = v.priority;
        if (v.phone) body.phone = v.phone;
        const moved = moving;
        const b = moved ? await moveBooking(moved, body) : await ctx.api.post('/api/v1/bookings', body);
        moving = null;
        done.replaceChildren(notice({ key: moved ? 'ui.booking_moved' : 'booking.booked', args: { plate: b.plate, time: cpTime(b.checkpoint, b.slot_starts_at) } }),
          bookingSlip(b, names));
        await Promise.all([reload(), loadSlots(form)]);
      },
    }, fieldset('booking.book_title',
      field({ name: 'checkpoint', label: 'booking.checkpoint', required: true, options: cpOptions }),
      field({ name: 'date', label: 'booking.date', type: 'date', required: true, value: todayLocal() }),
      field({ name: 'flow', label: 'booking.flow', required: true, options: QUEUE_FLOWS.map((x) => ({ value: x, label: `flow.${x}` })) })),
    slotsBox,
    fieldset('booking.vehicle',
      field({ name: 'plate', label: 'vehicle.plate', hint: 'hint.plate', required: true, autocapitalize: 'characters', maxlength: 20, check: plateCheck }),
      // Priority is granted by an officer on the cargo's papers, never declared by a driver.
      ctx.user?.role === 'officer' ? field({ name: 'priority', label: 'booking.priority', hint: 'booking.priority_hint',
        options: [{ value: '', label: 'booking.no_priority' }, ...PRIORITIES.map((p) => ({ value: p, label: `priority.${p}` }))] }) : null,
      field({ name: 'phone', label: 'field.contact_phone', type: 'tel', autocomplete: 'tel', value: channels?.phone ?? undefined,
        hint: channels?.available?.sms ? 'notify.booking_sms' : 'booking.phone_hint' })));
    for (const name of ['checkpoint', 'date', 'flow']) f.form.querySelector(`[name="${name}"]`).addEventListener('change', () => loadSlots(f));

    const liveDone = h('div');
    const live = makeForm({
      submit: 'booking.live_submit',
      async onSubmit(v, form) {
        const b = await ctx.api.post(`/api/v1/checkpoints/${encodeURIComponent(v.checkpoint)}/queue`, { flow: v.flow, plate: v.plate.toUpperCase(), lang: language() });
        form.form.reset();
        liveDone.replaceChildren(notice({ key: 'booking.live_joined', args: { position: String(b.position || '') } }));
        await reload();
      },
    }, field({ name: 'checkpoint', label: 'booking.checkpoint', required: true, options: cpOptions }),
    field({ name: 'flow', label: 'booking.flow', required: true, options: QUEUE_FLOWS.map((x) => ({ value: x, label: `flow.${x}` })) }),
    field({ name: 'plate', label: 'vehicle.plate', required: true, autocapitalize: 'characters', maxlength: 20, check: plateCheck }));

    append(view, turn, h('h1', { i18n: 'booking.title' }), h('p', { class: 'lead', i18n: 'booking.lead' }),
      h('section', { 'aria-labelledby': 'booking-mine' }, h('h2', { id: 'booking-mine', i18n: 'booking.mine' }), notices, mine),
      h('section', { class: 'card', 'aria-labelledby': 'booking-book' }, h('h2', { id: 'booking-book', i18n: 'booking.book_title' }), done, f.form),
      h('section', { class: 'card', 'aria-labelledby': 'booking-live' }, h('h2', { id: 'booking-live', i18n: 'booking.live_title' }),
        h('p', { class: 'hint', i18n: 'booking.live_hint' }), liveDone, live.form));
    f.form.querySelector('legend').classList.add('visually-hidden');
    await Promise.all([reload(), loadSlots(f)]);
    // Refreshed every 10 s while a vehicle waits for its call (else 30 s), and at once when
    // the phone shows the page again.
    let last = Date.now();
    const tick = () => {
      if (!(ctx.current() && mine.isConnected)) { clearInterval(timer); document.removeEventListener('visibilitychange', onShow); document.title = baseTitle; return; }
      if (Date.now() - last >= (waiting ? WAITING_REFRESH_MS : REFRESH_MS) - 500) { last = Date.now(); reload(); }
    };
    const onShow = () => { if (document.visibilityState === 'visible') { last = 0; tick(); } };
    const timer = setInterval(tick, WAITING_REFRESH_MS);
    document.addEventListener('visibilitychange', onShow);
  },
};
