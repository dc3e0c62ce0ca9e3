// crossing.js: the border officer's record of a crossing (POST /api/v1/permits/{id}/activities)
// and the permit's earlier crossings (GET …/activities). Two large buttons, Entrance and Exit,
// and the checkpoint, which this device remembers (an officer stands at the same post).
import { append, h, dateEl, notice, announce } from './dom.js';
import { field, clearErrors, showError } from './forms.js';
import { t } from './i18n.js';
import { term, errorNotice } from './permit-ui.js';

const CHECKPOINT_KEY = 'kapka_checkpoint';

function rememberedCheckpoint() {
  try { return localStorage.getItem(CHECKPOINT_KEY) || ''; } catch { return ''; }
}

function rememberCheckpoint(v) {
  try { localStorage.setItem(CHECKPOINT_KEY, v); } catch { /* private mode: not remembered */ }
}

export function activityList(items) {
  if (!items.length) return h('p', { class: 'aside', i18n: 'crossing.none' });
  return h('ol', { class: 'activities' }, items.map((a) => h('li', { dataset: { activity: a.activity_type } },
    h('strong', {}, term('activity', a.activity_type)), ' · ', dateEl(a.at, true),
    a.checkpoint ? [' · ', a.checkpoint] : null, ' · ', h('span', { class: 'mono' }, a.country))));
}

// The crossings of permit id and, for officers, the form to record one.
export function crossingSection(permitId, ctx, { canRecord }) {
  const path = `/api/v1/permits/${encodeURIComponent(permitId)}/activities`;
  const history = h('div', { class: 'activity-history' });
  async function loadHistory() {
    try {
      history.replaceChildren(activityList((await ctx.api.get(path)).items));
    } catch (err) {
      history.replaceChildren(errorNotice(err));
    }
  }
  const section = h('section', { class: 'crossing', dataset: { crossing: permitId } },
    h('h3', { i18n: 'crossing.title' }), history);
  loadHistory();
  if (!canRecord) return section;

  const summary = h('div', { class: 'error-summary', role: 'alert', tabindex: '-1', hidden: true });
  const checkpoint = field({ name: 'checkpoint', label: 'crossing.checkpoint', hint: 'hint.checkpoint', required: true,
    maxlength: 80, value: rememberedCheckpoint(), autocomplete: 'off' });
  const done = h('div', { 'aria-live': 'polite' });
  const buttons = ['ENTRANCE', 'EXIT'].map((type) => h('button', {
    type: 'submit', class: 'primary big', value: type, dataset: { activity: type },
    i18n: type === 'ENTRANCE' ? 'crossing.record_entrance' : 'crossing.record_exit' }));
  const form = h('form', { novalidate: true, class: 'crossing-form' }, summary, checkpoint,
    h('div', { class: 'button-row' }, buttons));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const type = ev.submitter?.value || 'ENTRANCE';
    clearErrors(form);
    done.replaceChildren();
    const input = checkpoint.querySelector('input');
    const cp = input.value.trim();
    if (!cp) {
      showError(form, { code: 'invalid_field', status: 400, fields: [{ field: 'checkpoint', problem: { key: 'problem.required' } }] });
      return;
    }
    for (const b of buttons) b.disabled = true;
    try {
      const a = await ctx.api.post(path, { activity_type: type, checkpoint: cp });
      rememberCheckpoint(cp);
      done.replaceChildren(notice({ key: type === 'ENTRANCE' ? 'crossing.entrance_done' : 'crossing.exit_done',
        args: { checkpoint: cp } }));
      announce(t(type === 'ENTRANCE' ? 'crossing.entrance_done' : 'crossing.exit_done', { checkpoint: cp }));
      history.dataset.last = a.activity_type;
      await loadHistory();
    } catch (err) {
      if (err?.name !== 'ApiError') console.error(err);
      showError(form, err?.name === 'ApiError' ? err : { code: 'internal', status: 500 });
    } finally {
      for (const b of buttons) b.disabled = false;
    }
  });
  return append(section, h('h4', { i18n: 'crossing.record_title' }), form, done);
}
