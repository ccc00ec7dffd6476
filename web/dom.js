// retex — les outils DOM de la page : création d'éléments (HTML et SVG), extraits surlignés, liens
// sûrs, Markdown rendu en nœuds texte, formats français, et la région principale. Aucun texte venu de
// l'API n'est inséré comme HTML : tout passe par des nœuds texte, sauf les extraits surlignés, dont
// seules les balises <mark> sont gardées (voir `highlighted`). Les tableaux larges défilent dans leur
// cadre (`scrollTable`), les dates s'écrivent « 1er septembre 2021 » (`formatDate`, `formatDateTime`), les
// montants « 180 000 € » (`formatEuros`).

/** The page's main region, where every view is drawn. */
export const main = document.getElementById('contenu');

/** Creates an element: `attrs` sets attributes (`on…` adds listeners), children are nodes or text. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = value;
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false || child === '') continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

const SVG = 'http://www.w3.org/2000/svg';
export function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) if (value !== null && value !== undefined) el.setAttribute(key, String(value));
  append(el, children);
  return el;
}

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
function decodeEntities(text) {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (match, name) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) ? String.fromCodePoint(code) : match;
    }
    return ENTITIES[name.toLowerCase()] ?? match;
  });
}

/** Renders an API snippet (escaped text, matched words in <mark>) as DOM nodes: text nodes and <mark>
 *  elements only; any other markup stays visible text. */
export function highlighted(html) {
  const fragment = document.createDocumentFragment();
  let inMark = false;
  for (const part of String(html).split(/(<mark>|<\/mark>)/)) {
    if (part === '<mark>') inMark = true;
    else if (part === '</mark>') inMark = false;
    else if (part) fragment.append(inMark ? h('mark', {}, decodeEntities(part)) : document.createTextNode(decodeEntities(part)));
  }
  return fragment;
}

/** An external link, only for http(s) addresses. */
export function safeUrl(url) {
  try {
    const parsed = new URL(url, location.origin);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
  } catch {
    return null;
  }
}

/** Inline Markdown: **bold** and *emphasis*, as elements holding text nodes. */
function inline(text) {
  return text.split(/(\*\*[^*]+\*\*|\*[^*\s][^*]*\*)/).map((part) => {
    if (/^\*\*[^*]+\*\*$/.test(part)) return h('strong', {}, part.slice(2, -2));
    if (/^\*[^*\s][^*]*\*$/.test(part)) return h('em', {}, part.slice(1, -1));
    return part;
  });
}

/** A small Markdown subset (headings, lists, paragraphs, bold, emphasis), as DOM nodes built from text:
 *  nothing of the source is ever parsed as HTML. Headings start at level 3, under the page's sections. */
export function markdown(source) {
  const blocks = [];
  let paragraph = [];
  let list = null;
  const flush = () => {
    if (paragraph.length) blocks.push(h('p', {}, inline(paragraph.join(' '))));
    paragraph = [];
    if (list) blocks.push(list);
    list = null;
  };
  for (const raw of String(source || '').replace(/\r\n/g, '\n').split('\n')) {
    const line = raw.trim();
    const heading = line.match(/^(#{1,6})\s+(.*)$/);
    const item = line.match(/^([-*+]|\d+[.)])\s+(.*)$/);
    if (!line) flush();
    else if (heading) {
      flush();
      blocks.push(h(heading[1].length <= 3 ? 'h3' : 'h4', {}, inline(heading[2])));
    } else if (item) {
      if (paragraph.length) flush();
      const ordered = /^\d/.test(item[1]);
      if (!list || (list.tagName === 'OL') !== ordered) {
        if (list) blocks.push(list);
        list = h(ordered ? 'ol' : 'ul');
      }
      list.append(h('li', {}, inline(item[2])));
    } else if (list && /^\s/.test(raw)) list.lastChild.append(' ', ...inline(line));
    else {
      if (list) flush();
      paragraph.push(line);
    }
  }
  flush();
  return blocks;
}

export const numberFormat = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 2 });
const euros = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR', maximumFractionDigits: 0 });
const eurosAndCents = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR', minimumFractionDigits: 2, maximumFractionDigits: 2 });
/** An amount in euros as French writes it: « 180 000 € », with cents only when it has some
 *  (« 12 500,50 € »). */
export function formatEuros(amount) {
  return (Number.isInteger(Math.round(amount * 100) / 100) ? euros : eurosAndCents).format(amount);
}
const percent = new Intl.NumberFormat('fr-FR', { style: 'percent', maximumFractionDigits: 0 });
/** A share (0 to 1) as a whole percentage: « 92 % ». */
export function formatPercent(share) {
  return percent.format(share);
}
const dateFormat = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeZone: 'UTC' });
/** A date (`2021-09-01`, or a date and time) as French writes it: « 1er septembre 2021 », « 2 septembre
 *  2021 » (the first day of a month is an ordinal). Every date the page shows goes through here. */
export function formatDate(iso) {
  if (!iso) return '';
  const date = new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
  if (Number.isNaN(date.getTime())) return iso;
  return dateFormat.formatToParts(date).map((part) => (part.type === 'day' && part.value === '1' ? '1er' : part.value)).join('');
}
const dateTimeFormat = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeStyle: 'short' });
/** A moment (an ISO date and time) in this browser's time zone, as French writes it: « 10 décembre
 *  2026 à 14:38 » (« 1er » for the first day of a month). */
export function formatDateTime(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return dateTimeFormat.formatToParts(date).map((part) => (part.type === 'day' && part.value === '1' ? '1er' : part.value)).join('');
}
export function plural(count, one, many) {
  return `${numberFormat.format(count)} ${count > 1 ? many : one}`;
}

/** Whether each wide-table wrapper scrolls sideways: one that does is focusable, so that the keyboard
 *  scrolls it too (one that does not stays out of the tab order). */
const scrollables = new ResizeObserver((entries) => {
  for (const { target } of entries) {
    if (!target.isConnected) scrollables.unobserve(target);
    else if (target.scrollWidth > target.clientWidth + 1) target.setAttribute('tabindex', '0');
    else target.removeAttribute('tabindex');
  }
});

/** A table that may be wider than a phone's screen, in a wrapper that scrolls sideways (its last
 *  columns stay within reach, the page itself never wider than the screen): a region named
 *  « Tableau : `name` » (apart from a section of the same title). */
export function scrollTable(name, table) {
  const box = h('div', { class: 'table-scroll', role: 'region', 'aria-label': `Tableau : ${name}` }, table);
  scrollables.observe(box);
  return box;
}

/** Replaces the content of the page's main region (arrays are flattened, empty values skipped). */
export function show(...children) {
  main.replaceChildren();
  append(main, children);
}

export function pageTitle(text) {
  document.title = `${text} — retex`;
}
