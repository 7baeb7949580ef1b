// The explorer's entry point: which page the address shows, and moving between pages
// without reloading (links and the back button).

import { status, h } from './dom.js';
import { renderSearch } from './search.js';
import { renderCommittee, renderEvent, renderPerson } from './pages.js';

const SITE = 'Civic CMS explorer';
const main = document.getElementById('main');
const PAGES = [
  [/^\/events\/([^/]+)\/?$/, renderEvent],
  [/^\/people\/([^/]+)\/?$/, renderPerson],
  [/^\/committees\/([^/]+)\/?$/, renderCommittee],
];
let shown = null;

async function show({ moved }) {
  const path = window.location.pathname;
  if (path === '/') {
    renderSearch(main);  // the query and filters come from the address
    document.title = SITE;
    shown = 'search';
    if (moved) main.querySelector('h1').focus();
    return;
  }
  shown = path;
  for (const [pattern, render] of PAGES) {
    const match = pattern.exec(path);
    if (!match) continue;
    status('Loading…', { busy: true });
    const slow = setTimeout(() => status('Still loading…', { busy: true }), 1500);
    try {
      const title = await render(main, decodeURIComponent(match[1]));
      document.title = `${title} · ${SITE}`;
      status('');
      landOnCue() || (moved && main.querySelector('h1')?.focus());
    } catch (error) {
      main.replaceChildren(
        h('h1', { tabindex: '-1' }, 'This page could not be loaded'),
        h('p', { role: 'alert' }, error.message),
        h('button', { type: 'button', onclick: () => show({ moved: true }) }, 'Try again'),
      );
      status('Loading failed.');
    } finally {
      clearTimeout(slow);
    }
    return;
  }
  main.replaceChildren(h('h1', { tabindex: '-1' }, 'Page not found'), h('p', {}, h('a', { href: '/' }, 'Search')));
}

/** Scrolls to and focuses the cue the address names (#cue-…), if there is one. */
function landOnCue() {
  const id = decodeURIComponent(window.location.hash.slice(1));
  const cue = id && document.getElementById(id);
  if (!cue) return false;
  document.querySelectorAll('.cue.is-target').forEach((other) => other.classList.remove('is-target'));
  cue.classList.add('is-target');
  cue.scrollIntoView({ block: 'center' });
  cue.focus({ preventScroll: true });
  return true;
}

document.addEventListener('click', (event) => {
  const anchor = event.target.closest('a[href]');
  if (!anchor || event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey || anchor.target) return;
  const url = new URL(anchor.href);
  if (url.origin !== window.location.origin || url.pathname.startsWith('/graphql')) return;
  event.preventDefault();
  if (url.pathname === window.location.pathname && url.search === window.location.search && url.hash) {
    window.history.pushState(null, '', url);
    landOnCue();
    return;
  }
  window.history.pushState(null, '', url);
  show({ moved: true });
});

window.addEventListener('popstate', () => {
  if (shown === window.location.pathname && window.location.hash) return void landOnCue();
  show({ moved: false });
});

show({ moved: false });
