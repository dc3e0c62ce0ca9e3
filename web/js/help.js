// help.js: the short help a traveller (or an officer) can open at the top of a page: two
// or three plain sentences from the catalogue (help.<page>), closed until asked for. A page
// asks for it in pages/index.js with `help: true`; app.js puts it under the page's heading.
import { h } from './dom.js';

export function helpBox(page) {
  return h('details', { class: 'help no-print', dataset: { help: page } },
    h('summary', { i18n: 'help.title' }),
    h('p', { i18n: `help.${page}` }));
}

// Put the help under the view's first heading (or first, when it has none).
export function addHelp(view, page) {
  const box = helpBox(page);
  const h1 = view.querySelector('h1');
  const after = h1?.nextElementSibling?.classList.contains('lead') ? h1.nextElementSibling : h1;
  if (after) after.after(box);
  else view.prepend(box);
}
