// The search page: a query and facet filters, kept in the URL, and results grouped by kind.

import { run } from './api.js';
import { clock, cueId, dates, h, snippet, status } from './dom.js';

const DEBOUNCE_MS = 250;
const SLOW_MS = 1500;
const FACETS = [
  { facet: 'COMMITTEE', param: 'committee', legend: 'Committee' },
  { facet: 'TOPIC', param: 'topic', legend: 'Topic' },
  { facet: 'PERSON', param: 'person', legend: 'Person' },
  { facet: 'YEAR', param: 'year', legend: 'Year', single: true },
];

/** The search the URL describes. */
export function stateFromUrl(url = new URL(window.location.href)) {
  const params = url.searchParams;
  const state = { q: params.get('q') || '' };
  for (const { param } of FACETS) state[param] = params.getAll(param).filter(Boolean);
  return state;
}

function urlOf(state) {
  const params = new URLSearchParams();
  if (state.q) params.set('q', state.q);
  for (const { param } of FACETS) for (const value of state[param]) params.append(param, value);
  const query = params.toString();
  return query ? `/?${query}` : '/';
}

function filterOf(state) {
  const filter = {};
  if (state.committee.length) filter.committees = state.committee;
  if (state.topic.length) filter.topics = state.topic;
  if (state.person.length) filter.people = state.person;
  if (state.year.length) {
    const year = Number(state.year[0]);
    if (Number.isInteger(year)) Object.assign(filter, { yearFrom: year, yearTo: year });
  }
  return filter;
}

let controller = null;
let pending = null;

/** Draws the search page into `main` for the URL's search, and runs that search. */
export function renderSearch(main) {
  const state = stateFromUrl();
  const input = h('input', {
    id: 'q', type: 'search', name: 'q', value: state.q, autocomplete: 'off',
    placeholder: 'e.g. desertification, Hakan, refugees', 'aria-describedby': 'q-help',
  });
  const form = h('form', { role: 'search', className: 'search-form', onsubmit: (event) => {
    event.preventDefault();
    clearTimeout(pending);
    update({ ...stateFromUrl(), q: input.value.trim() }, { push: true });
  } },
    h('label', { for: 'q' }, 'Search events, people and what was said'),
    h('div', { className: 'search-row' }, input, h('button', { type: 'submit' }, 'Search')),
    h('p', { id: 'q-help', className: 'help' },
      'Results appear as you type; typos are forgiven. Put "quotes" around a phrase.'),
  );
  input.addEventListener('input', () => {
    clearTimeout(pending);
    pending = setTimeout(() => {
      const state = stateFromUrl();
      // A new search gets its own history entry; refining it as one types does not.
      update({ ...state, q: input.value.trim() }, { push: !state.q });
    }, DEBOUNCE_MS);
  });
  const facets = h('aside', { id: 'facets', className: 'facets', 'aria-label': 'Filters' });
  const results = h('section', { id: 'results', className: 'results', 'aria-label': 'Results' });
  main.replaceChildren(
    h('h1', { tabindex: '-1' }, 'Search past events'),
    form,
    h('div', { className: 'search-layout' }, facets, results),
  );
  search(state, facets, results);
  return input;
}

/** Puts `state` into the URL (a new history entry when `push`) and searches it. */
function update(state, { push = false } = {}) {
  const url = urlOf(state);
  if (url !== `${window.location.pathname}${window.location.search}`) {
    if (push) window.history.pushState(null, '', url);
    else window.history.replaceState(null, '', url);
  }
  search(state, document.getElementById('facets'), document.getElementById('results'));
}

async function search(state, facets, results) {
  controller?.abort();
  const mine = (controller = new AbortController());
  const slow = setTimeout(() => status('Still searching…', { busy: true }), SLOW_MS);
  status('Searching…', { busy: true });
  try {
    if (!state.q) {  // filters alone are no search: show the latest events
      const data = await run('LatestEvents', {}, { signal: mine.signal });
      if (mine.signal.aborted) return;
      facets.replaceChildren();
      results.replaceChildren(latest(data.events));
      status('');
      return;
    }
    const data = await run('Search', { query: state.q, filter: filterOf(state) }, { signal: mine.signal });
    if (mine.signal.aborted) return;
    const focused = document.activeElement?.id;
    facets.replaceChildren(...facetGroups(data.search.facets, state));
    results.replaceChildren(...groups(data.search, state));
    // A filter just clicked keeps the keyboard focus after the facets are redrawn.
    if (focused?.startsWith('facet-')) document.getElementById(focused)?.focus();
    const n = data.search.totalHits;
    status(`${n} result${n === 1 ? '' : 's'}${state.q ? ` for “${state.q}”` : ''}`);
  } catch (error) {
    if (mine.signal.aborted) return;
    results.replaceChildren(h('div', { className: 'error', role: 'alert' },
      h('p', {}, `The search failed: ${error.message}`),
      h('button', { type: 'button', onclick: () => search(stateFromUrl(), facets, results) }, 'Try again'),
    ));
    status('The search failed.');
  } finally {
    clearTimeout(slow);
  }
}

function latest(events) {
  return h('div', { className: 'group' },
    h('h2', {}, 'Latest events'),
    h('ul', { className: 'hits' }, events.nodes.map((event) => h('li', { className: 'hit' },
      h('h3', {}, h('a', { href: `/events/${encodeURIComponent(event.slug)}` }, event.title)),
      h('p', { className: 'meta' }, [dates(event.dates), event.place, event.committee?.name].filter(Boolean).join(' · ')),
      h('p', {}, event.summary),
    ))),
  );
}

function groups(search, state) {
  const byKind = { EventHit: [], TranscriptHit: [], PersonHit: [] };
  for (const hit of search.hits) byKind[hit.__typename]?.push(hit);
  if (!search.hits.length) {
    return [h('p', { className: 'empty' }, state.q
      ? `Nothing found for “${state.q}”${Object.keys(filterOf(state)).length ? ' with these filters' : ''}. Try fewer words or remove a filter.`
      : 'Nothing matches these filters.')];
  }
  const sections = [
    ['Events', byKind.EventHit, eventHit],
    ['Transcript moments', byKind.TranscriptHit, transcriptHit],
    ['People', byKind.PersonHit, personHit],
  ];
  return sections.filter(([, hits]) => hits.length).map(([title, hits, draw]) =>
    h('section', { className: 'group', 'aria-label': title },
      h('h2', {}, `${title} `, h('span', { className: 'count' }, `(${hits.length})`)),
      h('ol', { className: 'hits' }, hits.map(draw)),
    ));
}

function highlights(list) {
  const distinct = [...new Set(list.map((highlight) => highlight.snippet))];
  return distinct.slice(0, 2).map((html) => h('p', { className: 'snippet' }, snippet(html)));
}

function eventHit(hit) {
  const { event } = hit;
  return h('li', { className: 'hit event-hit' },
    h('h3', {}, h('a', { href: `/events/${encodeURIComponent(event.slug)}` }, event.title)),
    h('p', { className: 'meta' }, [dates(event.dates), event.place, event.committee?.name].filter(Boolean).join(' · ')),
    highlights(hit.highlights),
  );
}

function personHit(hit) {
  return h('li', { className: 'hit person-hit' },
    h('h3', {}, h('a', { href: `/people/${encodeURIComponent(hit.person.slug)}` }, hit.person.name)),
    highlights(hit.highlights),
  );
}

function transcriptHit(hit) {
  const time = clock(hit.startMs);
  const speaker = hit.speaker
    ? h('a', { href: `/people/${encodeURIComponent(hit.speaker.slug)}` }, hit.speaker.name)
    : hit.speakerName || 'Unnamed speaker';
  const cue = `/events/${encodeURIComponent(hit.event.slug)}#${cueId(hit.recording.id, hit.startMs)}`;
  return h('li', { className: 'hit transcript-hit', 'data-start-ms': hit.startMs },
    h('h3', {}, h('a', { href: `/events/${encodeURIComponent(hit.event.slug)}` }, hit.event.title)),
    h('p', { className: 'meta' }, h('span', { className: 'speaker' }, speaker), ` · ${hit.recording.title}`),
    h('blockquote', { className: 'snippet' }, snippet(hit.snippet)),
    h('p', { className: 'actions' },
      hit.url
        ? h('a', { className: 'play', href: hit.url, target: '_blank', rel: 'noopener noreferrer',
            'aria-label': `Play the recording from ${time}` }, `▶ ${time}`)
        : h('span', { className: 'time' }, time),
      ' ',
      h('a', { className: 'cue-link', href: cue }, 'Read in the transcript'),
    ),
  );
}

function facetGroups(counted, state) {
  const byFacet = new Map(counted.map((facet) => [facet.facet, facet.values]));
  return FACETS.map(({ facet, param, legend, single }) => {
    const values = [...(byFacet.get(facet) || [])];
    if (facet === 'YEAR') values.sort((a, b) => b.value.localeCompare(a.value));
    // A chosen value stays listed even when the other filters leave it no matches.
    for (const chosen of state[param]) {
      if (!values.some((value) => value.value === chosen)) values.push({ value: chosen, label: chosen, count: 0 });
    }
    if (!values.length) return null;
    return h('fieldset', { className: 'facet' },
      h('legend', {}, legend),
      h('ul', {}, values.map((value) => {
        const id = `facet-${param}-${value.value}`;
        const checked = state[param].includes(value.value);
        return h('li', {},
          h('input', { type: 'checkbox', id, name: param, value: value.value, checked, onchange: (event) => {
            const current = stateFromUrl();
            const others = single ? [] : current[param].filter((v) => v !== value.value);
            current[param] = event.target.checked ? [...others, value.value] : others;
            update(current, { push: true });
          } }),
          h('label', { for: id }, `${value.label} `, h('span', { className: 'count' }, `(${value.count})`)),
        );
      })),
    );
  }).filter(Boolean);
}
