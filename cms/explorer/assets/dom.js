// Building the page from API data: every value is set as text, never as HTML, except
// through clean(), which keeps only the elements it is told to and drops the rest.

/** An element with attributes (`on…` keys add listeners) and children (strings become text). */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on')) element.addEventListener(key.slice(2), value);
    else if (key === 'className') element.className = value;
    else element.setAttribute(key, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

/** Replaces what `element` holds with `children` (null, undefined and false are left out). */
export function fill(element, ...children) {
  element.replaceChildren();
  append(element, children);
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

const SAFE_URL = /^(https?:|mailto:|\/(?!\/)|#)/i;

/**
 * The HTML `html` (from the API) as nodes, keeping only the elements named in `allowed`
 * (with no attributes but a safe `href` on links); any other element is replaced by its text.
 */
export function clean(html, allowed) {
  const parsed = new DOMParser().parseFromString(`<body>${html}`, 'text/html');
  const fragment = document.createDocumentFragment();
  const copy = (source, target) => {
    for (const node of source.childNodes) {
      if (node.nodeType === Node.TEXT_NODE) {
        target.append(document.createTextNode(node.data));
      } else if (node.nodeType === Node.ELEMENT_NODE) {
        const tag = node.tagName.toLowerCase();
        if (allowed.has(tag)) {
          const element = document.createElement(tag);
          const href = tag === 'a' ? node.getAttribute('href') : null;
          if (href && SAFE_URL.test(href.trim())) {
            element.setAttribute('href', href.trim());
            if (/^https?:/i.test(href.trim())) element.setAttribute('rel', 'noopener noreferrer');
          }
          copy(node, element);
          target.append(element);
        } else if (!['script', 'style', 'template', 'iframe', 'object'].includes(tag)) {
          copy(node, target);
        }
      }
    }
  };
  copy(parsed.body, fragment);
  return fragment;
}

const SNIPPET = new Set(['mark']);
const PROSE = new Set([
  'p', 'br', 'a', 'em', 'strong', 'b', 'i', 'ul', 'ol', 'li', 'blockquote', 'code', 'pre',
  'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'table', 'thead', 'tbody', 'tr', 'th', 'td',
]);

/** A search snippet: its text, with only its <mark> elements kept. */
export const snippet = (html) => clean(html, SNIPPET);
/** Rendered Markdown from the API, with only prose elements kept. */
export const prose = (html) => clean(html, PROSE);

/** 754000 ms as "12:34", or "1:02:03" past an hour. */
export function clock(ms) {
  const total = Math.floor(ms / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

/** The fragment that addresses one cue of a recording's transcript on its event page. */
export const cueId = (recordingId, startMs) => `cue-${recordingId}-${startMs}`;

const DATE = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'UTC' });

/** "2021-06-17" as "17 June 2021"; several dates joined. */
export function dates(values) {
  return (values || []).map((value) => DATE.format(new Date(`${value}T00:00:00Z`))).join(', ');
}

/** "PANELLIST" as "Panellist". */
export const label = (value) =>
  value ? value.charAt(0) + value.slice(1).toLowerCase().replaceAll('_', ' ') : '';

/** A status line for the page's live region, and the main area's busy flag. */
export function status(message, { busy = false } = {}) {
  document.getElementById('status').textContent = message;
  document.getElementById('main').setAttribute('aria-busy', busy ? 'true' : 'false');
}
