// The event, person and committee pages.

import { run } from './api.js';
import { clock, cueId, dates, fill, h, label, prose } from './dom.js';

const PLATFORMS = { YOUTUBE: 'YouTube', VIMEO: 'Vimeo', ZOOM: 'Zoom', INSTAGRAM: 'Instagram', FACEBOOK: 'Facebook' };

const link = (kind, thing, text = thing.name) =>
  h('a', { href: `/${kind}/${encodeURIComponent(thing.slug)}` }, text);

function notFound(main, what) {
  fill(main, 
    h('h1', { tabindex: '-1' }, `No such ${what}`),
    h('p', {}, `There is no published ${what} at this address. `, h('a', { href: '/' }, 'Search instead'), '.'),
  );
  return `No such ${what}`;
}

function section(title, ...content) {
  return h('section', { 'aria-label': title }, h('h2', {}, title), ...content);
}

/** The dates, and when the source doubts or lacks them, how sure they are and why. */
function datesWithTheirNote(event) {
  const sure = event.dateCertainty === 'STATED';
  return [
    dates(event.dates),
    !sure && h('span', { className: 'certainty' }, ` (${label(event.dateCertainty).toLowerCase()})`),
    event.dateNote && h('p', { className: 'date-note' }, event.dateNote),
  ];
}

/** An event page; resolves to the page's title. */
export async function renderEvent(main, slug) {
  const { event } = await run('EventPage', { slug });
  if (!event) return notFound(main, 'event');
  const facts = [
    ['Date', datesWithTheirNote(event)],
    ['Place', event.place],
    ['Committee', event.committee && link('committees', event.committee)],
    ['Format', label(event.format)],
    ['Topics', event.topics.length && event.topics.map((topic) => topic.name).join(', ')],
  ].filter(([, value]) => value);
  const recordings = await Promise.all(event.recordings.map(withAllCues));
  fill(main, 
    h('p', { className: 'breadcrumb' }, h('a', { href: '/' }, 'Search')),
    h('h1', { tabindex: '-1' }, event.title),
    event.summary && h('p', { className: 'lead' }, event.summary),
    h('dl', { className: 'facts' }, facts.map(([term, value]) => [h('dt', {}, term), h('dd', {}, value)])),
    event.participants.length > 0 && section('Participants',
      h('ul', { className: 'participants' }, event.participants.map((p) => h('li', {},
        link('people', p.person), ` — ${label(p.role)}`,
        p.affiliation ? `, ${p.affiliation}` : '',
        p.session ? ` (${dates([p.session])})` : '',
      )))),
    event.organisations.length > 0 && section('Organisations',
      h('ul', {}, event.organisations.map(({ role, organisation }) => h('li', {},
        organisation.url ? h('a', { href: organisation.url, rel: 'noopener noreferrer' }, organisation.name) : organisation.name,
        ` — ${role}`)))),
    section('About', h('div', { className: 'prose' }, prose(event.bodyHtml))),
    event.outcomesHtml && section('Outcomes', h('div', { className: 'prose' }, prose(event.outcomesHtml))),
    recordings.length > 0 && section('Recordings', recordings.map(recording)),
  );
  return event.title;
}

/** A recording with every cue of its transcript, fetching the pages after the first. */
async function withAllCues(rec) {
  const segments = rec.transcript?.segments;
  if (!segments) return rec;
  const cues = [...segments.nodes];
  let { hasNextPage, endCursor } = segments.pageInfo;
  while (hasNextPage) {
    const { node } = await run('TranscriptCues', { recording: rec.id, after: endCursor });
    const next = node.transcript.segments;
    cues.push(...next.nodes);
    ({ hasNextPage, endCursor } = next.pageInfo);
  }
  return { ...rec, cues };
}

function recording(rec) {
  const watch = rec.url
    ? h('a', { href: rec.url, rel: 'noopener noreferrer', target: '_blank' }, `Watch on ${PLATFORMS[rec.platform] || label(rec.platform) || 'the web'}`)
    : h('span', {}, 'No link to the recording is known.');
  return h('article', { className: 'recording' },
    h('h3', {}, rec.title),
    h('p', {}, watch),
    rec.cues && h('details', { className: 'transcript', open: true },
      h('summary', {}, `Transcript (${rec.cues.length} cues, ${rec.transcript.language})`),
      h('ol', { className: 'cues' }, rec.cues.map((cue) => {
        const id = cueId(rec.id, cue.startMs);
        const speaker = cue.speaker ? link('people', cue.speaker) : cue.speakerName;
        return h('li', { id, className: 'cue', tabindex: '-1' },
          h('a', { className: 'cue-time', href: `#${id}`, 'aria-label': `Link to ${clock(cue.startMs)}` }, clock(cue.startMs)),
          speaker && h('span', { className: 'speaker' }, speaker, ': '),
          h('span', { className: 'text' }, cue.text),
        );
      })),
    ),
  );
}

/** A person page; resolves to the page's title. */
export async function renderPerson(main, slug) {
  const { person } = await run('PersonPage', { slug });
  if (!person) return notFound(main, 'person');
  fill(main, 
    h('p', { className: 'breadcrumb' }, h('a', { href: '/' }, 'Search')),
    h('h1', { tabindex: '-1' }, person.name),
    person.affiliations.length > 0 && h('ul', { className: 'affiliations' }, person.affiliations.map((a) =>
      h('li', {}, [a.title, a.organisation?.name].filter(Boolean).join(', ')))),
    person.bio && section('Biography', h('p', { className: 'bio' }, person.bio)),
    person.links.length > 0 && section('Links', h('ul', {}, person.links.map((l) =>
      h('li', {}, /^https?:/i.test(l.url) ? h('a', { href: l.url, rel: 'noopener noreferrer' }, l.label) : l.label)))),
    section('Events',
      person.participations.length === 0
        ? h('p', { className: 'empty' }, 'No published events yet.')
        : h('ul', { className: 'events' }, person.participations.filter((p) => p.event).map((p) => h('li', {},
            link('events', p.event, p.event.title),
            h('span', { className: 'meta' }, ` — ${label(p.role)}${p.affiliation ? `, ${p.affiliation}` : ''}, ${dates(p.session ? [p.session] : p.event.dates)}`),
          )))),
  );
  return person.name;
}

/** A committee page; resolves to the page's title. */
export async function renderCommittee(main, slug) {
  const { committee } = await run('CommitteePage', { slug });
  if (!committee) return notFound(main, 'committee');
  fill(main, 
    h('p', { className: 'breadcrumb' }, h('a', { href: '/' }, 'Search')),
    h('h1', { tabindex: '-1' }, committee.name),
    committee.description && h('p', { className: 'lead' }, committee.description),
    section('Members', committee.members.length === 0
      ? h('p', { className: 'empty' }, 'No members listed.')
      : h('ul', {}, committee.members.map((m) => h('li', {}, link('people', m.person), ` — ${m.role}`)))),
    section('Events', committee.events.length === 0
      ? h('p', { className: 'empty' }, 'No published events yet.')
      : h('ul', { className: 'events' }, committee.events.map((event) => h('li', {},
          link('events', event, event.title), h('span', { className: 'meta' }, ` — ${dates(event.dates)}`))))),
  );
  return committee.name;
}
