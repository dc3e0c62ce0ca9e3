// agency.js: an agency's desk (#/agency) for its officers and auditors: what the agency is
// granted, the events it receives (the pull feed), deliveries that ran out of attempts (with
// replay) and the inspection tasks for its kind.
import { append, h, dateEl, notice } from '../dom.js';
import { errorNotice, term } from '../permit-ui.js';

function eventItem(e) {
  const d = e.body?.data || {};
  return h('li', { class: 'card', dataset: { type: e.type } },
    h('strong', {}, term('agency_event', e.type)), ' ',
    h('span', { class: 'mono' }, e.subject), ' · ', dateEl(e.body?.timestamp, true),
    d.act ? h('p', {}, term('ecmr_act', d.act), ' · ', term('ecmr_status', d.status)) : null,
    d.reason ? h('p', {}, term('flag', d.reason)) : null);
}

export default {
  async render(view, ctx) {
    append(view, h('h1', { i18n: 'agency.title' }));
    let mine;
    try {
      mine = (await ctx.api.get('/api/v1/border-agencies')).items[0];
    } catch (err) {
      append(view, errorNotice(err));
      return;
    }
    if (!mine) {
      append(view, notice({ key: 'agency.not_member' }, 'info'));
      return;
    }
    const ag = await ctx.api.get(`/api/v1/border-agencies/${mine.id}`);
    append(view, h('p', { class: 'lead' }, ag.name, ' · ', term('agency_kind', ag.kind)),
      h('section', { class: 'grants' }, h('h2', { i18n: 'agency.grants' }),
        ag.grants.length ? h('ul', {}, ag.grants.map((g) => h('li', { dataset: { service: g.service } }, term('agency_service', g.service))))
          : h('p', { class: 'aside', i18n: 'agency.no_grants' })));
    const feed = h('section', { class: 'feed' }, h('h2', { i18n: 'agency.feed' }));
    try {
      const { items } = await ctx.api.get('/api/v1/agency-feed?limit=200');
      append(feed, items.length ? h('ul', { class: 'cards' }, items.slice(-30).reverse().map(eventItem))
        : h('p', { class: 'aside', i18n: 'agency.feed_empty' }));
    } catch (err) {
      append(feed, errorNotice(err));
    }
    const dead = h('section', { class: 'dead-letters' }, h('h2', { i18n: 'agency.dead' }));
    const { items: deadItems } = await ctx.api.get(`/api/v1/border-agencies/${ag.id}/deliveries?status=dead`);
    append(dead, deadItems.length ? h('ul', { class: 'cards' }, deadItems.map((d) => h('li', { class: 'card' },
      term('agency_event', d.type), ' ', h('span', { class: 'mono' }, d.subject), ' · ', d.last_error ?? '',
      h('button', { type: 'button', i18n: 'agency.replay', async onclick(ev) {
        await ctx.api.post(`/api/v1/border-agencies/${ag.id}/deliveries/${d.id}/replay`);
        ev.target.replaceWith(h('span', { class: 'badge badge-ok', i18n: 'agency.replayed' }));
      } })))) : h('p', { class: 'aside', i18n: 'agency.dead_none' }));
    const tasks = h('section', { class: 'tasks' }, h('h2', { i18n: 'agency.tasks' }));
    const { items: taskItems } = await ctx.api.get('/api/v1/inspection-tasks?status=open');
    append(tasks, taskItems.length ? h('ul', { class: 'cards' }, taskItems.map((x) => h('li', { class: 'card', dataset: { reason: x.reason } },
      term('flag', x.reason), ' · ', x.crossing_id ? h('span', { i18n: 'agency.crossing', args: { id: String(x.crossing_id) } }) : null,
      ' · ', dateEl(x.created_at, true)))) : h('p', { class: 'aside', i18n: 'agency.tasks_none' }));
    append(view, feed, tasks, dead);
  },
};
