// history.js: an object's status history (who did what, when) on its detail card, loaded
// when opened: GET /api/v1/{bookings,permits,permit-applications}/{id}/history.
//
//   card.append(historyBox(ctx, `/api/v1/bookings/${b.id}/history`));
import { h, dateEl } from './dom.js';
import { localTime } from './checkpoint-ui.js';
import { KG_OFFSET_MIN } from './i18n.js';
import { errorNotice } from './permit-ui.js';

// One change: when, what (history.action.<action>), by whom (you, or a role), and the
// hour a booking moved to (bookings are only at our own checkpoints: Kyrgyz time).
function entry(x) {
  const what = `history.action.${x.action.replace(/\./g, '_')}`;
  const moved = x.action === 'booking.move' && x.after?.starts_at;
  return h('li', { class: 'history-entry', dataset: { action: x.action } },
    dateEl(x.at, true), ' · ',
    h('span', { class: 'history-what', i18n: what, fallback: x.action }),
    moved ? [' ', h('span', { i18n: 'history.moved_to', args: { time: localTime(x.after.starts_at, KG_OFFSET_MIN) } })] : null,
    x.after?.reason ? [' (', h('q', {}, x.after.reason), ')'] : null,
    ' · ', h('span', { class: 'history-who', i18n: x.you ? 'history.by_you' : `history.by.${x.by}`, fallback: x.by }));
}

// A <details> "History" that loads url the first time it is opened.
export function historyBox(ctx, url) {
  const list = h('div', { class: 'history-list', 'aria-live': 'polite' });
  const box = h('details', { class: 'history', dataset: { history: url } }, h('summary', { i18n: 'history.title' }), list);
  let loaded = false;
  box.addEventListener('toggle', async () => {
    if (!box.open || loaded) return;
    loaded = true;
    list.replaceChildren(h('p', { class: 'aside', i18n: 'history.loading' }));
    try {
      const { items } = await ctx.api.get(url);
      list.replaceChildren(items.length ? h('ol', { class: 'history-entries' }, items.map(entry))
        : h('p', { class: 'aside', i18n: 'history.none' }));
    } catch (err) {
      loaded = false;
      list.replaceChildren(errorNotice(err));
    }
  });
  return box;
}
