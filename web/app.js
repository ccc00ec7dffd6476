// retex — la page web du réseau : recherche, lecture, récurrence, aperçu et contribution.
// Elle ne parle au serveur que par son API GraphQL publique (POST /graphql). Aucun texte venu de
// l'API n'est inséré comme HTML : tout passe par des nœuds texte, sauf les extraits surlignés, dont
// seules les balises <mark> sont gardées (voir `highlighted`).

const TOKEN_KEY = 'retex.jeton';
const main = document.getElementById('contenu');

// ---------------------------------------------------------------------------------------------------
// DOM

/** Creates an element: `attrs` sets attributes (`on…` adds listeners), children are nodes or text. */
function h(tag, attrs = {}, ...children) {
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
function s(tag, attrs = {}, ...children) {
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
function highlighted(html) {
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
function safeUrl(url) {
  try {
    const parsed = new URL(url, location.origin);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
  } catch {
    return null;
  }
}

const numberFormat = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 2 });
const dateFormat = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeZone: 'UTC' });
function formatDate(iso) {
  if (!iso) return '';
  const date = new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
  return Number.isNaN(date.getTime()) ? iso : dateFormat.format(date);
}
function plural(count, one, many) {
  return `${numberFormat.format(count)} ${count > 1 ? many : one}`;
}

// ---------------------------------------------------------------------------------------------------
// API

class ApiError extends Error {
  constructor(errors, status) {
    super(errors.map((error) => error.message).join(' ; '));
    this.errors = errors;
    this.status = status;
  }
  get code() {
    return this.errors[0]?.extensions?.code;
  }
  get problems() {
    return this.errors.flatMap((error) => error.extensions?.problems || []);
  }
}

function getToken() {
  try {
    return localStorage.getItem(TOKEN_KEY) || '';
  } catch {
    return '';
  }
}
function setToken(token) {
  try {
    if (token) localStorage.setItem(TOKEN_KEY, token);
    else localStorage.removeItem(TOKEN_KEY);
  } catch {
    /* navigation privée : le jeton reste pour cette page seulement */
  }
  viewerPromise = null;
}

async function gql(query, variables = {}) {
  const headers = { 'content-type': 'application/json', accept: 'application/json' };
  const token = getToken();
  if (token) headers.authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch('/graphql', { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  } catch {
    throw new ApiError([{ message: 'Le serveur ne répond pas : vérifiez votre connexion.' }], 0);
  }
  let body;
  try {
    body = await response.json();
  } catch {
    throw new ApiError([{ message: `Réponse illisible du serveur (HTTP ${response.status}).` }], response.status);
  }
  if (body.errors?.length) {
    const error = new ApiError(body.errors, response.status);
    if (token && (response.status === 401 || error.code === 'UNAUTHENTICATED')) tokenRefused();
    throw error;
  }
  return body.data;
}

function tokenRefused() {
  const banner = document.getElementById('banner');
  banner.replaceChildren(
    h('p', { class: 'notice notice-error' }, 'Votre jeton d’accès est refusé par le serveur. ',
      h('button', { type: 'button', class: 'link-button', onclick: () => { setToken(''); banner.replaceChildren(); showViewer(); render(); } }, 'Oublier le jeton')),
  );
}

/** Labels of every vocabulary value, by enum name then code. */
let vocabularies = {};
async function loadVocabularies() {
  const data = await gql('{ vocabularies { name values { code label } } }');
  vocabularies = Object.fromEntries(data.vocabularies.map((list) => [list.name, list.values]));
}
function label(vocabulary, code) {
  return vocabularies[vocabulary]?.find((value) => value.code === code)?.label ?? code;
}
function values(vocabulary) {
  return vocabularies[vocabulary] || [];
}

let viewerPromise = null;
function viewer() {
  if (!getToken()) return Promise.resolve(null);
  viewerPromise ??= gql(
    '{ viewer { authenticated role name mayCreate organisation { id name } programme { id name } } }',
  ).then((data) => data.viewer, (error) => { viewerPromise = null; throw error; });
  return viewerPromise;
}

async function showViewer() {
  const el = document.getElementById('viewer');
  el.replaceChildren();
  if (!getToken()) return;
  try {
    const who = await viewer();
    if (who?.authenticated) el.append(h('span', { class: 'badge' }, label('Role', who.role)), ' ', who.name);
  } catch {
    /* the banner says it */
  }
}

// ---------------------------------------------------------------------------------------------------
// Routing: the History API, with the addresses the server answers.

function isPagePath(path) {
  return path === '/' || /^\/(fiches|lecons)\/[^/]+$/.test(path) || ['/recurrence', '/apercu', '/contribuer'].includes(path);
}

/** Shows another address of the page. `keepFocus` leaves the focus on the control that asked for it
 *  (a facet, a filter), found again by its id once the view is drawn anew. */
function navigate(href, { replace = false, keepFocus = false } = {}) {
  if (replace) history.replaceState(null, '', href);
  else history.pushState(null, '', href);
  render({ moveFocus: !replace && !keepFocus });
}

document.addEventListener('click', (event) => {
  const link = event.target.closest('a[href]');
  if (!link || link.target || link.hasAttribute('download')) return;
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const url = new URL(link.href);
  if (url.origin !== location.origin || !isPagePath(url.pathname)) return;
  if (url.hash && url.pathname === location.pathname && url.search === location.search) return;
  event.preventDefault();
  navigate(url.pathname + url.search);
});
window.addEventListener('popstate', () => render({ moveFocus: false }));

let currentView = null;
let renderCount = 0;

async function render({ moveFocus = false } = {}) {
  const url = new URL(location.href);
  const path = url.pathname;
  const ticket = ++renderCount;
  const focusedId = document.activeElement && document.activeElement !== document.body ? document.activeElement.id : '';
  let view;
  let match;
  if (path === '/') view = 'search';
  else if ((match = path.match(/^\/fiches\/([^/]+)$/))) view = 'sheet';
  else if ((match = path.match(/^\/lecons\/([^/]+)$/))) view = 'lesson';
  else if (path === '/recurrence') view = 'recurrence';
  else if (path === '/apercu') view = 'overview';
  else if (path === '/contribuer') view = 'contribute';
  else view = 'missing';
  for (const link of document.querySelectorAll('[data-nav]')) {
    const active = { search: ['search'], recurrence: ['recurrence'], overview: ['overview'], contribute: ['contribute'] }[link.dataset.nav];
    if (active.includes(view)) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  const stale = () => ticket !== renderCount;
  try {
    if (view === 'search') await searchView(url, { stale, reuse: currentView === 'search' });
    else {
      main.setAttribute('aria-busy', 'true');
      if (view === 'sheet') await sheetView(decodeURIComponent(match[1]), stale);
      else if (view === 'lesson') await lessonView(decodeURIComponent(match[1]), stale);
      else if (view === 'recurrence') await recurrenceView(url, stale);
      else if (view === 'overview') await overviewView(stale);
      else if (view === 'contribute') await contributeView(stale);
      else missingView();
    }
  } catch (error) {
    if (stale()) return;
    show(
      h('h1', { tabindex: '-1' }, 'Impossible d’afficher cette page'),
      h('p', { class: 'notice notice-error' }, error.message || String(error)),
      h('p', {}, h('a', { href: '/' }, 'Revenir à la recherche')),
    );
    document.title = 'Erreur — retex';
  } finally {
    if (!stale()) main.removeAttribute('aria-busy');
  }
  if (stale()) return;
  currentView = view;
  if (moveFocus && view !== 'search') main.querySelector('h1')?.focus();
  else if (focusedId && (!document.activeElement || document.activeElement === document.body)) document.getElementById(focusedId)?.focus();
}

/** Replaces the content of the page's main region (arrays are flattened, empty values skipped). */
function show(...children) {
  main.replaceChildren();
  append(main, children);
}

function pageTitle(text) {
  document.title = `${text} — retex`;
}

function missingView() {
  pageTitle('Page introuvable');
  show(h('h1', { tabindex: '-1' }, 'Page introuvable'), h('p', {}, h('a', { href: '/' }, 'Revenir à la recherche')));
}

function notFound(what) {
  show(
    h('h1', { tabindex: '-1' }, `${what} introuvable`),
    h('p', { class: 'notice' }, 'Elle n’existe pas, ou n’est pas (encore) publiée. Les brouillons ne sont visibles que de leurs auteurs et relecteurs.'),
    h('p', {}, h('a', { href: '/' }, 'Revenir à la recherche')),
  );
}

// ---------------------------------------------------------------------------------------------------
// Search

/** The facets of the search, in the order shown, with their URL parameter and filter field. */
const DIMENSIONS = [
  { dimension: 'KIND', param: 'type', filter: 'kinds', title: 'Type' },
  { dimension: 'PROGRAMME', param: 'programme', filter: 'programmes', title: 'Programme' },
  { dimension: 'THEME', param: 'theme', filter: 'themes', title: 'Thème', vocabulary: 'Theme' },
  { dimension: 'PHASE', param: 'phase', filter: 'phases', title: 'Phase', vocabulary: 'Phase' },
  { dimension: 'CATEGORY', param: 'categorie', filter: 'categories', title: 'Catégorie de leçon', vocabulary: 'LessonCategory' },
  { dimension: 'POLARITY', param: 'polarite', filter: 'polarities', title: 'Polarité', vocabulary: 'Polarity' },
  { dimension: 'TERRITORY_TYPE', param: 'territoire', filter: 'territoryTypes', title: 'Type de territoire', vocabulary: 'TerritoryType' },
  { dimension: 'REGION', param: 'region', filter: 'regions', title: 'Région', vocabulary: 'Region' },
];
const KIND_LABELS = { SHEET: 'Fiche-projet', LESSON: 'Leçon', PROGRAMME: 'Programme', ORGANISATION: 'Organisation' };
const TYPENAME_KIND = { ProjectSheet: 'SHEET', Lesson: 'LESSON', Programme: 'PROGRAMME', Organisation: 'ORGANISATION' };
/** The most pages of 20 results an address may ask to show at once. */
const MAX_PAGES = 25;
const EXAMPLES = ['épicerie solidaire', 'mobilité rurale', 'garage', 'tiers-lieu', 'porteur de projet'];
/** Labels seen in facets (programme names), for the filters shown when their value has no hit left. */
const facetLabels = new Map();

function readSearchState(url) {
  const params = url.searchParams;
  const filters = {};
  for (const dim of DIMENSIONS) {
    const chosen = params.getAll(dim.param).filter(Boolean);
    if (chosen.length) filters[dim.param] = [...new Set(chosen)];
  }
  // « Afficher plus » is in the address too (`pages=3`), so that a reload shows as many results.
  const pages = Math.min(Math.max(Number.parseInt(params.get('pages') || '1', 10) || 1, 1), MAX_PAGES);
  return { q: (params.get('q') || '').trim(), filters, pages };
}

function searchHref(state) {
  const params = new URLSearchParams();
  if (state.q) params.set('q', state.q);
  for (const dim of DIMENSIONS) for (const value of state.filters[dim.param] || []) params.append(dim.param, value);
  const query = params.toString();
  return query ? `/?${query}` : '/';
}

function filterLabel(dim, value) {
  if (dim.dimension === 'KIND') return KIND_LABELS[value] || value;
  if (dim.vocabulary) return label(dim.vocabulary, value);
  return facetLabels.get(`${dim.dimension}:${value}`) || value;
}

const FACET_QUERY = `query Facette($query: String, $filter: SearchFilter, $facets: [SearchDimension!]) {
  search(query: $query, filter: $filter, facets: $facets, first: 1) { facets { dimension values { value label count } } }
}`;

const SEARCH_QUERY = `query Recherche($query: String, $filter: SearchFilter, $facets: [SearchDimension!], $after: String) {
  search(query: $query, filter: $filter, facets: $facets, first: 20, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    facets { dimension values { value label count } }
    hits {
      snippets { field html }
      node {
        __typename id slug
        ... on ProjectSheet { title status programmes { id name } territories { name } }
        ... on Lesson { title polarity programmes { id name } territoryTypes }
        ... on Programme { name }
        ... on Organisation { name region }
      }
    }
  }
}`;

function searchShell() {
  const input = h('input', {
    id: 'q', name: 'q', type: 'search', role: 'combobox', autocomplete: 'off', spellcheck: 'false',
    'aria-autocomplete': 'list', 'aria-expanded': 'false', 'aria-controls': 'suggestions',
    'aria-describedby': 'q-aide', placeholder: 'ex. épicerie solidaire, mobilité rurale…',
  });
  const list = h('ul', { id: 'suggestions', role: 'listbox', class: 'suggestions', hidden: true, 'aria-label': 'Suggestions' });
  const form = h('form', { class: 'search-form', role: 'search', id: 'search-form' },
    h('label', { for: 'q', class: 'search-label' }, 'Rechercher dans les fiches-projet et les leçons'),
    h('div', { class: 'search-row' }, h('div', { class: 'combo' }, input, list), h('button', { type: 'submit', class: 'primary' }, 'Rechercher')),
    h('p', { id: 'q-aide', class: 'hint' }, 'Mots, « expression exacte », -exclusion ou OR. Flèches haut et bas pour parcourir les suggestions, Échap pour les fermer.'),
  );
  const shell = h('div', { class: 'search-page' },
    h('h1', { class: 'visually-hidden', tabindex: '-1' }, 'Rechercher'),
    form,
    h('div', { class: 'search-layout' },
      h('aside', { class: 'facets', 'aria-labelledby': 'facets-title' },
        h('details', { class: 'facets-box', open: true },
          h('summary', { id: 'facets-title' }, 'Affiner'),
          h('div', { id: 'active-filters' }),
          h('div', { id: 'facet-groups' }))),
      h('section', { class: 'results', 'aria-labelledby': 'count' },
        h('p', { id: 'count', class: 'count', 'aria-live': 'polite', 'aria-atomic': 'true' }),
        h('div', { id: 'hits' }),
        h('div', { id: 'more' }))),
  );
  setupSuggestions(form, input, list);
  if (window.matchMedia('(max-width: 48rem)').matches) shell.querySelector('.facets-box').open = false;
  return shell;
}

function setupSuggestions(form, input, list) {
  let options = [];
  let active = -1;
  let timer = null;
  let asked = 0;
  const close = () => {
    list.hidden = true;
    list.replaceChildren();
    options = [];
    active = -1;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
  };
  const highlight = (index) => {
    active = index;
    options.forEach((option, i) => option.el.setAttribute('aria-selected', String(i === index)));
    if (index >= 0) {
      input.setAttribute('aria-activedescendant', options[index].el.id);
      options[index].el.scrollIntoView({ block: 'nearest' });
    } else input.removeAttribute('aria-activedescendant');
  };
  const choose = (option) => {
    close();
    const kind = option.node && TYPENAME_KIND[option.node.__typename];
    if (kind === 'SHEET') navigate(`/fiches/${encodeURIComponent(option.node.slug)}`);
    else if (kind === 'LESSON') navigate(`/lecons/${encodeURIComponent(option.node.slug)}`);
    else {
      input.value = option.text;
      form.requestSubmit();
    }
  };
  const ask = async () => {
    const prefix = input.value.trim();
    const ticket = ++asked;
    if (prefix.length < 2) return close();
    let data;
    try {
      data = await gql('query Suggestions($prefix: String!) { suggest(prefix: $prefix, first: 8) { text node { __typename slug } } }', { prefix });
    } catch {
      return close();
    }
    if (ticket !== asked || document.activeElement !== input) return;
    if (!data.suggest.length) return close();
    options = data.suggest.map((suggestion, i) => {
      const kind = suggestion.node && TYPENAME_KIND[suggestion.node.__typename];
      const el = h('li', { id: `suggestion-${i}`, role: 'option', 'aria-selected': 'false', class: 'suggestion' },
        h('span', {}, suggestion.text), kind ? h('span', { class: 'suggestion-kind' }, KIND_LABELS[kind]) : h('span', { class: 'suggestion-kind' }, 'Recherche'));
      const option = { ...suggestion, el };
      el.addEventListener('mousedown', (event) => event.preventDefault());
      el.addEventListener('click', () => choose(option));
      return option;
    });
    list.replaceChildren(...options.map((option) => option.el));
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    active = -1;
  };
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(ask, 150);
  });
  input.addEventListener('keydown', (event) => {
    const open = !list.hidden && options.length > 0;
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      if (!open) ask();
      else highlight((active + 1) % options.length);
    } else if (event.key === 'ArrowUp' && open) {
      event.preventDefault();
      highlight(active <= 0 ? options.length - 1 : active - 1);
    } else if (event.key === 'Enter' && open && active >= 0) {
      event.preventDefault();
      choose(options[active]);
    } else if (event.key === 'Escape' && open) {
      event.preventDefault();
      close();
    }
  });
  input.addEventListener('blur', () => setTimeout(close, 100));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearTimeout(timer);
    asked++;
    close();
    const state = readSearchState(new URL(location.href));
    state.q = input.value.trim();
    navigate(searchHref(state));
  });
}

async function searchView(url, { stale, reuse }) {
  const state = readSearchState(url);
  if (!reuse || !document.getElementById('search-form')) show(searchShell());
  const input = document.getElementById('q');
  if (document.activeElement !== input || input.value.trim() !== state.q) input.value = state.q;
  pageTitle(state.q ? `Recherche « ${state.q} »` : 'Rechercher');
  const count = document.getElementById('count');
  const hitsBox = document.getElementById('hits');
  main.querySelector('.results').setAttribute('aria-busy', 'true');
  const filter = {};
  for (const dim of DIMENSIONS) if (state.filters[dim.param]) filter[dim.filter] = state.filters[dim.param];
  const variables = { query: state.q || null, filter, facets: DIMENSIONS.map((dim) => dim.dimension) };
  let data;
  try {
    data = await gql(SEARCH_QUERY, variables);
  } finally {
    if (!stale()) main.querySelector('.results')?.removeAttribute('aria-busy');
  }
  if (stale()) return;
  const results = data.search;
  // A facet in which values are ticked counts as if none were: its other values stay on offer with
  // the number of results they would add (one more query per such facet).
  const chosenDims = DIMENSIONS.filter((dim) => state.filters[dim.param]);
  const own = await Promise.all(chosenDims.map((dim) => {
    const without = { ...filter };
    delete without[dim.filter];
    return gql(FACET_QUERY, { query: state.q || null, filter: without, facets: [dim.dimension] }).catch(() => null);
  }));
  if (stale()) return;
  own.forEach((answer) => {
    const facet = answer?.search?.facets?.[0];
    if (!facet) return;
    const at = results.facets.findIndex((f) => f.dimension === facet.dimension);
    if (at >= 0) results.facets[at] = facet;
    else results.facets.push(facet);
  });
  for (const facet of results.facets) for (const value of facet.values) facetLabels.set(`${facet.dimension}:${value.value}`, value.label);
  renderFacets(state, results.facets);
  const filtered = Object.keys(state.filters).length > 0;
  if (results.totalCount === 0) {
    count.textContent = state.q ? `Aucun résultat pour « ${state.q} »` : 'Aucun résultat';
    hitsBox.replaceChildren(noResults(state, filtered));
    document.getElementById('more').replaceChildren();
    return;
  }
  const what = plural(results.totalCount, 'résultat', 'résultats');
  count.textContent = state.q ? `${what} pour « ${state.q} »` : `${what}${filtered ? '' : ' — les plus récents d’abord'}`;
  const list = h('ol', { class: 'hits', id: 'hit-list' }, results.hits.map(hitItem));
  hitsBox.replaceChildren(state.q || filtered ? '' : emptyHelp(), list);
  let pageInfo = results.pageInfo;
  let shown = 1;
  document.getElementById('more').replaceChildren();
  // The pages the address asks for beyond the first; if one fails, the button offers it again.
  while (shown < state.pages && pageInfo.hasNextPage) {
    let next;
    try {
      next = await gql(SEARCH_QUERY, { ...variables, facets: [], after: pageInfo.endCursor });
    } catch {
      break;
    }
    if (stale()) return;
    list.append(...next.search.hits.map(hitItem));
    pageInfo = next.search.pageInfo;
    shown += 1;
  }
  renderMore(pageInfo, variables, list, stale, shown);
}

function renderMore(pageInfo, variables, list, stale, shown) {
  const more = document.getElementById('more');
  more.replaceChildren();
  if (!pageInfo.hasNextPage) return;
  const button = h('button', { type: 'button', class: 'secondary' }, 'Afficher plus de résultats');
  const message = h('p', { class: 'field-error', role: 'status' });
  button.addEventListener('click', async () => {
    button.disabled = true;
    let data;
    try {
      data = await gql(SEARCH_QUERY, { ...variables, facets: [], after: pageInfo.endCursor });
    } catch (error) {
      button.disabled = false;
      message.textContent = error.message;
      return;
    }
    if (stale()) return;
    const first = data.search.hits.map(hitItem);
    list.append(...first);
    first[0]?.querySelector('a')?.focus();
    // The address says how many pages are shown, without a new history entry nor a new render.
    const url = new URL(location.href);
    url.searchParams.set('pages', String(Math.min(shown + 1, MAX_PAGES)));
    history.replaceState(history.state, '', url.pathname + url.search);
    renderMore(data.search.pageInfo, variables, list, stale, shown + 1);
  });
  more.append(message);
  more.append(button);
}

function emptyHelp() {
  return h('div', { class: 'help' },
    h('p', {}, 'Cherchez parmi les fiches-projet, les leçons apprises, les programmes et les structures du réseau. Par exemple : ',
      EXAMPLES.map((example, i) => [i ? ', ' : '', h('a', { href: searchHref({ q: example, filters: {} }) }, example)]), '.'),
    h('p', {}, 'En attendant, voici les derniers contenus publiés.'));
}

function noResults(state, filtered) {
  const tips = [];
  if (filtered) tips.push(h('li', {}, h('a', { href: searchHref({ q: state.q, filters: {} }) }, 'relancer la recherche sans les filtres')));
  if (state.q && state.q.split(/\s+/).length > 1) tips.push(h('li', {}, 'utiliser moins de mots, ou des mots plus généraux'));
  tips.push(h('li', {}, 'vérifier l’orthographe (les accents et le pluriel ne comptent pas)'));
  tips.push(h('li', {}, 'un exemple : ', EXAMPLES.slice(0, 3).map((example, i) => [i ? ', ' : '', h('a', { href: searchHref({ q: example, filters: {} }) }, example)])));
  return h('div', { class: 'empty' },
    h('p', { class: 'empty-title' }, state.q ? `Aucun résultat pour « ${state.q} »${filtered ? ' avec ces filtres' : ''} — essayez :` : 'Aucun résultat avec ces filtres — essayez :'),
    h('ul', {}, tips));
}

function recordHref(node) {
  const kind = TYPENAME_KIND[node.__typename];
  if (kind === 'SHEET') return `/fiches/${encodeURIComponent(node.slug)}`;
  if (kind === 'LESSON') return `/lecons/${encodeURIComponent(node.slug)}`;
  if (kind === 'PROGRAMME') return searchHref({ q: '', filters: { programme: [node.id] } });
  return null;
}

function hitItem(hit) {
  const node = hit.node;
  const kind = TYPENAME_KIND[node.__typename];
  const name = node.title ?? node.name ?? node.slug;
  const titleSnippet = hit.snippets.find((snippet) => snippet.field === 'title');
  const titleContent = titleSnippet ? highlighted(titleSnippet.html) : name;
  const href = recordHref(node);
  const meta = [];
  if (node.programmes?.length) meta.push(['Programme', node.programmes.map((p) => p.name).join(', ')]);
  if (node.territories?.length) meta.push(['Territoire', node.territories.map((t) => t.name).join(', ')]);
  if (node.territoryTypes?.length) meta.push(['Territoire', node.territoryTypes.map((t) => label('TerritoryType', t)).join(', ')]);
  if (node.status) meta.push(['Statut', label('SheetStatus', node.status)]);
  if (node.polarity) meta.push(['Polarité', label('Polarity', node.polarity)]);
  if (node.region) meta.push(['Région', label('Region', node.region)]);
  return h('li', { class: 'hit' },
    h('article', {},
      h('p', { class: `kind kind-${kind.toLowerCase()}` }, KIND_LABELS[kind]),
      h('h2', { class: 'hit-title' }, href ? h('a', { href }, titleContent) : titleContent),
      hit.snippets.filter((snippet) => snippet.field !== 'title').slice(0, 2).map((snippet) => h('p', { class: 'snippet' }, highlighted(snippet.html))),
      meta.length ? h('dl', { class: 'hit-meta' }, meta.map(([term, value]) => h('div', {}, h('dt', {}, term), h('dd', {}, value)))) : null));
}

function renderFacets(state, facets) {
  const active = document.getElementById('active-filters');
  const chips = [];
  for (const dim of DIMENSIONS) {
    for (const value of state.filters[dim.param] || []) {
      const rest = { ...state.filters, [dim.param]: state.filters[dim.param].filter((v) => v !== value) };
      if (!rest[dim.param].length) delete rest[dim.param];
      chips.push(h('li', {}, h('a', { class: 'chip', href: searchHref({ q: state.q, filters: rest }) },
        `${dim.title} : ${filterLabel(dim, value)}`, h('span', { 'aria-hidden': 'true' }, ' ×'), h('span', { class: 'visually-hidden' }, ' (retirer ce filtre)'))));
    }
  }
  active.replaceChildren(chips.length
    ? h('div', { class: 'active' }, h('p', { class: 'active-title' }, 'Filtres actifs'), h('ul', { class: 'chips' }, chips),
      h('a', { href: searchHref({ q: state.q, filters: {} }), class: 'clear' }, 'Tout effacer'))
    : '');
  const groups = [];
  for (const dim of DIMENSIONS) {
    const facet = facets.find((f) => f.dimension === dim.dimension);
    const chosen = state.filters[dim.param] || [];
    const shown = [...(facet?.values || [])];
    for (const value of chosen) if (!shown.some((v) => v.value === value)) shown.push({ value, label: filterLabel(dim, value), count: 0 });
    if (!shown.length) continue;
    const id = `facet-${dim.param}`;
    groups.push(h('fieldset', { class: 'facet', id },
      h('legend', {}, dim.title),
      h('ul', {}, shown.map((value) => {
        const inputId = `${id}-${value.value}`.replace(/[^A-Za-z0-9_-]/g, '_');
        const checked = chosen.includes(value.value);
        const box = h('input', { type: 'checkbox', id: inputId, checked, 'data-param': dim.param, 'data-value': value.value });
        box.addEventListener('change', () => {
          const next = { ...state.filters };
          const list = new Set(next[dim.param] || []);
          if (box.checked) list.add(value.value);
          else list.delete(value.value);
          if (list.size) next[dim.param] = [...list];
          else delete next[dim.param];
          navigate(searchHref({ q: state.q, filters: next }), { keepFocus: true });
        });
        const labelText = dim.dimension === 'KIND' ? KIND_LABELS[value.value] || value.label : value.label;
        return h('li', {}, box, h('label', { for: inputId }, labelText, ' ', h('span', { class: 'facet-count' }, `(${numberFormat.format(value.count)})`)));
      }))));
  }
  document.getElementById('facet-groups').replaceChildren(...groups);
}

// ---------------------------------------------------------------------------------------------------
// Reading: a project sheet

const SHEET_QUERY = `query Fiche($slug: String!) {
  sheet(slug: $slug) {
    id slug version title summary body socialNeed activityType themes targetPublics status publicationStatus sourceUrl licence
    programmes { id name } territories { name types region }
    supportingStructure { name } projectHolder { name } partners { name }
    phases { phase startedOn endedOn methods participants outcome }
    indicators { name unit baseline target actual }
    testimonies { quote speaker role }
    documents { title kind url }
    lessons(first: 100) { role note lesson { slug title polarity } }
  }
}`;

function statusBadge(status) {
  return status && status !== 'PUBLISHED' ? h('span', { class: `badge badge-${status.toLowerCase()}` }, label('PublicationStatus', status)) : null;
}

function tags(vocabulary, codes) {
  return codes?.length ? h('ul', { class: 'tags' }, codes.map((code) => h('li', {}, label(vocabulary, code)))) : null;
}

function facts(pairs) {
  const rows = pairs.filter(([, value]) => value !== null && value !== undefined && value !== '' && !(Array.isArray(value) && !value.length));
  return rows.length ? h('dl', { class: 'facts' }, rows.map(([term, value]) => h('div', {}, h('dt', {}, term), h('dd', {}, value)))) : null;
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
function markdown(source) {
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

function section(title, ...content) {
  const body = content.flat(Infinity).filter(Boolean);
  return body.length ? h('section', { class: 'block' }, h('h2', {}, title), body) : null;
}

async function sheetView(slug, stale) {
  let data;
  try {
    data = await gql(SHEET_QUERY, { slug });
  } catch (error) {
    if (stale()) return;
    if (error.code === 'NOT_FOUND') return (pageTitle('Fiche introuvable'), notFound('Fiche-projet'));
    throw error;
  }
  if (stale()) return;
  const sheet = data.sheet;
  pageTitle(sheet.title);
  const observed = sheet.lessons.filter((link) => link.role === 'OBSERVED_IN');
  const contradicted = sheet.lessons.filter((link) => link.role !== 'OBSERVED_IN');
  const lessonItem = (link) => h('li', {},
    h('span', { class: `polarity polarity-${link.lesson.polarity.toLowerCase()}` }, label('Polarity', link.lesson.polarity)), ' ',
    h('a', { href: `/lecons/${encodeURIComponent(link.lesson.slug)}` }, link.lesson.title),
    link.note ? h('span', { class: 'note' }, ` — ${link.note}`) : null);
  show(h('article', { class: 'record' },
    h('p', { class: 'breadcrumb' }, h('a', { href: '/' }, 'Recherche'), ' › Fiche-projet'),
    h('header', { class: 'record-header' },
      h('p', { class: 'kind kind-sheet' }, 'Fiche-projet', ' ', statusBadge(sheet.publicationStatus)),
      h('h1', { tabindex: '-1' }, sheet.title),
      sheet.summary ? h('p', { class: 'lead' }, sheet.summary) : null),
    facts([
      ['Programme', sheet.programmes.map((p, i) => [i ? ', ' : '', h('a', { href: searchHref({ q: '', filters: { programme: [p.id] } }) }, p.name)])],
      ['Territoire', sheet.territories.map((t) => t.name + (t.region ? ` (${label('Region', t.region)})` : '')).join(', ')],
      ['Type de territoire', [...new Set(sheet.territories.flatMap((t) => t.types))].map((t) => label('TerritoryType', t)).join(', ')],
      ['Activité', label('ActivityType', sheet.activityType)],
      ['Où en est le projet', label('SheetStatus', sheet.status)],
      ['Structure d’accompagnement', sheet.supportingStructure?.name],
      ['Porteur', sheet.projectHolder?.name],
      ['Partenaires', sheet.partners.map((p) => p.name).join(', ')],
      ['Thèmes', tags('Theme', sheet.themes)],
      ['Publics', tags('TargetPublic', sheet.targetPublics)],
    ]),
    section('Le besoin social', sheet.socialNeed ? h('p', {}, sheet.socialNeed) : null),
    section('Le projet', markdown(sheet.body)),
    section('L’histoire, phase par phase', sheet.phases.length ? h('ol', { class: 'timeline' }, sheet.phases.map((phase) => h('li', {},
      h('h3', {}, label('Phase', phase.phase)),
      phase.startedOn || phase.endedOn ? h('p', { class: 'dates' }, [phase.startedOn ? `Du ${formatDate(phase.startedOn)}` : '', phase.endedOn ? ` au ${formatDate(phase.endedOn)}` : ''].join('').trim()) : null,
      facts([['Méthodes', phase.methods.join(', ')], ['Participants', phase.participants.join(', ')]]),
      phase.outcome ? h('p', {}, phase.outcome) : null))) : null),
    section('Indicateurs', sheet.indicators.length ? h('div', { class: 'table-scroll' }, h('table', {},
      h('caption', { class: 'visually-hidden' }, 'Indicateurs du projet'),
      h('thead', {}, h('tr', {}, ['Indicateur', 'Référence', 'Objectif', 'Réalisé'].map((title) => h('th', { scope: 'col' }, title)))),
      h('tbody', {}, sheet.indicators.map((indicator) => h('tr', {},
        h('th', { scope: 'row' }, indicator.name, indicator.unit ? ` (${indicator.unit})` : ''),
        [indicator.baseline, indicator.target, indicator.actual].map((value) => h('td', { class: 'number' }, value === null ? '—' : numberFormat.format(value)))))))) : null),
    section('Témoignages', sheet.testimonies.map((testimony) => h('figure', { class: 'testimony' },
      h('blockquote', {}, h('p', {}, testimony.quote)),
      testimony.speaker || testimony.role ? h('figcaption', {}, '— ', [testimony.speaker, testimony.role].filter(Boolean).join(', ')) : null))),
    section('Documents', sheet.documents.length ? h('ul', {}, sheet.documents.map((doc) => {
      const url = safeUrl(doc.url);
      return h('li', {}, url ? h('a', { href: url, rel: 'noopener' }, doc.title) : doc.title, ` (${label('DocumentKind', doc.kind)})`);
    })) : null),
    section('Les leçons tirées de ce projet',
      observed.length ? h('ul', { class: 'lesson-list' }, observed.map(lessonItem)) : null,
      contradicted.length ? [h('h3', {}, 'Leçons que ce projet contredit'), h('ul', { class: 'lesson-list' }, contradicted.map(lessonItem))] : null),
    sheet.sourceUrl || sheet.licence ? h('p', { class: 'source' },
      sheet.sourceUrl && safeUrl(sheet.sourceUrl) ? ['Source : ', h('a', { href: safeUrl(sheet.sourceUrl), rel: 'noopener' }, sheet.sourceUrl)] : null,
      sheet.licence ? ` — Licence : ${sheet.licence}` : null) : null,
  ));
  await addArchiving(sheet, 'la fiche', stale);
}

// ---------------------------------------------------------------------------------------------------
// Reading: a lesson

const LESSON_QUERY = `query Lecon($slug: String!) {
  lesson(slug: $slug) {
    id slug version title polarity publicationStatus context lesson recommendation evidence evidenceLevel
    phases categories themes territoryTypes programmeCount
    programmes { id name }
    evidenceLinks { role note sheet { slug title } }
  }
}`;

async function lessonView(slug, stale) {
  let data;
  try {
    data = await gql(LESSON_QUERY, { slug });
  } catch (error) {
    if (stale()) return;
    if (error.code === 'NOT_FOUND') return (pageTitle('Leçon introuvable'), notFound('Leçon'));
    throw error;
  }
  if (stale()) return;
  const lesson = data.lesson;
  let similar = [];
  try {
    const more = await gql(`query Similaires($id: ID!) { similar(id: $id, first: 5) { node { __typename id slug ... on Lesson { title polarity } ... on ProjectSheet { title } } } }`, { id: lesson.id });
    similar = more.similar.map((hit) => hit.node).filter((node) => node.__typename === 'Lesson');
  } catch {
    /* a lesson without similar ones */
  }
  if (stale()) return;
  pageTitle(lesson.title);
  const sheetsOf = (role) => lesson.evidenceLinks.filter((link) => link.role === role);
  const sheetItem = (link) => h('li', {}, h('a', { href: `/fiches/${encodeURIComponent(link.sheet.slug)}` }, link.sheet.title), link.note ? h('span', { class: 'note' }, ` — ${link.note}`) : null);
  show(h('article', { class: 'record' },
    h('p', { class: 'breadcrumb' }, h('a', { href: '/' }, 'Recherche'), ' › Leçon'),
    h('header', { class: 'record-header' },
      h('p', { class: 'kind kind-lesson' }, h('span', { class: `polarity polarity-${lesson.polarity.toLowerCase()}` }, label('Polarity', lesson.polarity)), ' ', statusBadge(lesson.publicationStatus)),
      h('h1', { tabindex: '-1' }, lesson.title),
      h('p', { class: 'lead' }, lesson.programmeCount > 0 ? `Observée dans ${plural(lesson.programmeCount, 'programme', 'programmes')}.` : 'Pas encore observée dans un programme publié.')),
    facts([
      ['Catégories', tags('LessonCategory', lesson.categories)],
      ['Phases', tags('Phase', lesson.phases)],
      ['Thèmes', tags('Theme', lesson.themes)],
      ['Types de territoire', tags('TerritoryType', lesson.territoryTypes)],
      ['Niveau de preuve', label('EvidenceLevel', lesson.evidenceLevel)],
    ]),
    section('Contexte', markdown(lesson.context)),
    section('La leçon', markdown(lesson.lesson)),
    section('Recommandation', markdown(lesson.recommendation)),
    section('Ce qui le montre', markdown(lesson.evidence)),
    h('section', { class: 'block', id: 'programmes' }, h('h2', {}, 'Programmes concernés'),
      lesson.programmes.length
        ? h('ul', { class: 'programme-list' }, lesson.programmes.map((p) => h('li', {}, h('a', { href: searchHref({ q: '', filters: { programme: [p.id] } }) }, p.name))))
        : h('p', {}, 'Aucun programme publié pour l’instant.')),
    section('Les fiches-projet à l’appui',
      sheetsOf('OBSERVED_IN').length ? h('ul', {}, sheetsOf('OBSERVED_IN').map(sheetItem)) : null,
      sheetsOf('CONTRADICTED_BY').length ? [h('h3', {}, 'Fiches qui la contredisent'), h('ul', {}, sheetsOf('CONTRADICTED_BY').map(sheetItem))] : null),
    section('Leçons similaires', similar.length ? h('ul', { class: 'lesson-list' }, similar.map((node) => h('li', {},
      h('span', { class: `polarity polarity-${node.polarity.toLowerCase()}` }, label('Polarity', node.polarity)), ' ',
      h('a', { href: `/lecons/${encodeURIComponent(node.slug)}` }, node.title)))) : null),
  ));
  await addArchiving(lesson, 'la leçon', stale);
}

/**
 * For reviewers and administrators, « Archiver » under a record: how records are deleted (nothing is
 * removed; the record leaves lists and search, and may come back as a draft). The API decides
 * whether this reviewer may; its refusal is shown.
 */
async function addArchiving(record, what, stale) {
  if (!getToken() || record.publicationStatus === 'ARCHIVED') return;
  let who = null;
  try {
    who = await viewer();
  } catch {
    return;
  }
  if (stale() || !who?.authenticated || !['REVIEWER', 'ADMIN'].includes(who.role)) return;
  const message = h('p', { class: 'field-error', role: 'status', id: 'archivage-erreur' });
  const reason = h('textarea', { id: 'archivage-motif', rows: '2', 'aria-describedby': 'archivage-erreur' });
  const button = h('button', { type: 'submit', class: 'secondary' }, `Archiver ${what}`);
  const form = h('form', { class: 'send-back-form' },
    h('label', { for: 'archivage-motif' }, 'Motif de l’archivage (facultatif, gardé dans l’historique)'), reason, button);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    button.disabled = true;
    message.textContent = '';
    try {
      await gql(`mutation Archiver($id: ID!, $version: Int!, $reason: String) {
        archive(id: $id, version: $version, reason: $reason) { __typename }
      }`, { id: record.id, version: record.version, reason: reason.value.trim() || null });
      navigate(location.pathname, { replace: true, keepFocus: true });
    } catch (error) {
      button.disabled = false;
      message.textContent = error.message;
    }
  });
  main.querySelector('article.record')?.append(h('section', { class: 'block record-actions', 'aria-labelledby': 'archivage-titre' },
    h('h2', { id: 'archivage-titre' }, 'Relecture'),
    h('p', { class: 'note' }, `Archiver retire ${what} des listes et de la recherche ; rien n’est effacé, et elle peut revenir en brouillon.`),
    form, message));
}

// ---------------------------------------------------------------------------------------------------
// Charts: inline SVG bars, each beside a table or links that say the same.

function barChart({ id, title, rows, caption, width = 760, labelWidth = 330, maxLabel = 40 }) {
  const max = Math.max(1, ...rows.map((row) => row.value));
  const rowHeight = 30;
  const barSpace = width - labelWidth - 60;
  const height = rows.length * rowHeight + 10;
  const titleId = `${id}-titre`;
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-labelledby': titleId, class: 'chart', preserveAspectRatio: 'xMinYMin meet' },
    s('title', { id: titleId }, title),
    rows.map((row, i) => {
      const y = i * rowHeight + 5;
      const barWidth = Math.max(2, (row.value / max) * barSpace);
      const text = row.label.length > maxLabel ? `${row.label.slice(0, maxLabel - 1).trimEnd()}…` : row.label;
      return s('g', { class: 'bar' },
        s('title', {}, `${row.label} : ${numberFormat.format(row.value)}`),
        s('text', { x: labelWidth - 10, y: y + rowHeight / 2, 'text-anchor': 'end', 'dominant-baseline': 'middle', class: 'bar-label' }, text),
        s('rect', { x: labelWidth, y: y + 4, width: barWidth, height: rowHeight - 10, rx: 3, class: `bar-rect ${row.className || ''}` }),
        s('text', { x: labelWidth + barWidth + 8, y: y + rowHeight / 2, 'dominant-baseline': 'middle', class: 'bar-value' }, numberFormat.format(row.value)));
    }));
  return h('figure', { class: 'chart-figure', id }, svg, caption ? h('figcaption', {}, caption) : null);
}

// ---------------------------------------------------------------------------------------------------
// Recurrence

const RECURRENCE_FILTERS = [
  { param: 'categorie', filter: 'categories', title: 'Catégorie', vocabulary: 'LessonCategory' },
  { param: 'phase', filter: 'phases', title: 'Phase', vocabulary: 'Phase' },
  { param: 'theme', filter: 'themes', title: 'Thème', vocabulary: 'Theme' },
  { param: 'territoire', filter: 'territoryTypes', title: 'Type de territoire', vocabulary: 'TerritoryType' },
];

async function recurrenceView(url, stale) {
  const params = url.searchParams;
  const filter = {};
  for (const f of RECURRENCE_FILTERS) if (params.get(f.param)) filter[f.filter] = [params.get(f.param)];
  const data = await gql(`query Recurrence($filter: LessonFilterInput) {
    recurrence(filter: $filter, minProgrammes: 1, first: 20) {
      programmeCount sheetCount contradictingSheetCount
      lesson { slug title polarity categories programmes { name } }
    }
  }`, { filter });
  if (stale()) return;
  pageTitle('Leçons qui reviennent le plus');
  const selects = RECURRENCE_FILTERS.map((f) => {
    const select = h('select', { id: `rec-${f.param}`, name: f.param },
      h('option', { value: '' }, 'Toutes'),
      values(f.vocabulary).map((value) => h('option', { value: value.code, selected: params.get(f.param) === value.code }, value.label)));
    select.addEventListener('change', () => {
      const next = new URLSearchParams(location.search);
      if (select.value) next.set(f.param, select.value);
      else next.delete(f.param);
      const query = next.toString();
      navigate(`/recurrence${query ? `?${query}` : ''}`, { keepFocus: true });
    });
    return h('div', { class: 'field' }, h('label', { for: `rec-${f.param}` }, f.title), select);
  });
  const rows = data.recurrence;
  const filtered = Object.keys(filter).length > 0;
  show(
    h('h1', { tabindex: '-1' }, 'Leçons qui reviennent le plus'),
    h('p', { class: 'lead' }, 'Les leçons observées dans le plus grand nombre de programmes différents : ce qui tient d’un programme à l’autre. ',
      h('a', { href: '/apercu' }, 'Voir aussi l’aperçu de la base'), '.'),
    h('form', { class: 'filters', 'aria-label': 'Filtrer les leçons', onsubmit: (event) => event.preventDefault() }, selects,
      filtered ? h('p', { class: 'field' }, h('a', { href: '/recurrence' }, 'Retirer les filtres')) : null),
    h('p', { class: 'count', 'aria-live': 'polite' }, rows.length ? `${plural(rows.length, 'leçon', 'leçons')} ${filtered ? 'pour ces filtres' : ''}` : ''),
    rows.length
      ? [
          barChart({
            id: 'recurrence-chart',
            title: 'Nombre de programmes où chaque leçon a été observée',
            caption: 'Nombre de programmes distincts où chaque leçon a été observée ; la couleur dit sa polarité : vert, facteur clé de succès ; orange, écueil ; rouge, facteur d’échec. Le tableau ci-dessous détaille les mêmes chiffres.',
            rows: rows.map((row, i) => ({ label: `${i + 1}. ${row.lesson.title}`, value: row.programmeCount, className: `polarity-${row.lesson.polarity.toLowerCase()}` })),
          }),
          h('div', { class: 'table-scroll' }, h('table', { class: 'recurrence-table' },
            h('caption', {}, 'Leçons classées par nombre de programmes, puis de fiches-projet'),
            h('thead', {}, h('tr', {}, ['Rang', 'Leçon', 'Polarité', 'Catégories', 'Programmes', 'Fiches', 'Contredite par'].map((title) => h('th', { scope: 'col' }, title)))),
            h('tbody', {}, rows.map((row, i) => h('tr', {},
              h('td', { class: 'number' }, String(i + 1)),
              h('th', { scope: 'row' }, h('a', { href: `/lecons/${encodeURIComponent(row.lesson.slug)}` }, row.lesson.title),
                h('span', { class: 'programmes-names' }, row.lesson.programmes.map((p) => p.name).join(', '))),
              h('td', {}, label('Polarity', row.lesson.polarity)),
              h('td', {}, row.lesson.categories.map((c) => label('LessonCategory', c)).join(', ')),
              h('td', { class: 'number' }, String(row.programmeCount)),
              h('td', { class: 'number' }, String(row.sheetCount)),
              h('td', { class: 'number' }, String(row.contradictingSheetCount)))))))]
      : h('div', { class: 'empty' }, h('p', { class: 'empty-title' }, 'Aucune leçon observée pour ces filtres — essayez :'),
        h('ul', {}, h('li', {}, h('a', { href: '/recurrence' }, 'retirer les filtres')), h('li', {}, 'choisir une catégorie ou une phase plus large'))),
  );
}

// ---------------------------------------------------------------------------------------------------
// Overview

async function overviewView(stale) {
  const data = await gql(`{
    parProgramme: stats(kind: SHEET, groupBy: [PROGRAMME]) { total rows { keys { value label } count } }
    parPhase: stats(kind: SHEET, groupBy: [PHASE]) { total rows { keys { value label } count } }
    croise: stats(kind: SHEET, groupBy: [PROGRAMME, PHASE]) { rows { keys { value label } count } }
    parCategorie: stats(kind: LESSON, groupBy: [CATEGORY]) { total rows { keys { value label } count } }
    parPolarite: stats(kind: LESSON, groupBy: [POLARITY]) { total rows { keys { value label } count } }
  }`);
  if (stale()) return;
  pageTitle('Aperçu de la base');
  const toRows = (stats, param) => stats.rows.map((row) => ({ label: row.keys[0].label, value: row.count, value0: row.keys[0].value, param }));
  const chartWithLinks = (id, title, stats, param, kind) => {
    const rows = toRows(stats, param);
    return h('section', { class: 'block' }, h('h2', {}, title),
      rows.length ? [
        barChart({ id, title, rows, width: 560, labelWidth: 250, maxLabel: 27 }),
        h('details', {}, h('summary', {}, 'Les chiffres, et la recherche correspondante'),
          h('ul', {}, rows.map((row) => h('li', {}, h('a', { href: searchHref({ q: '', filters: { type: [kind], [param]: [row.value0] } }) }, row.label), ` : ${numberFormat.format(row.value)}`)))),
      ] : h('p', {}, 'Rien à compter pour l’instant.'));
  };
  const phases = values('Phase').filter((phase) => data.croise.rows.some((row) => row.keys[1].value === phase.code));
  const programmes = [...new Map(data.croise.rows.map((row) => [row.keys[0].value, row.keys[0].label])).entries()];
  const cell = (programme, phase) => data.croise.rows.find((row) => row.keys[0].value === programme && row.keys[1].value === phase.code)?.count || 0;
  show(
    h('h1', { tabindex: '-1' }, 'Aperçu de la base'),
    h('p', { class: 'lead' }, `${plural(data.parProgramme.total, 'fiche-projet publiée', 'fiches-projet publiées')} et ${plural(data.parCategorie.total, 'leçon publiée', 'leçons publiées')}. `,
      h('a', { href: '/recurrence' }, 'Voir les leçons qui reviennent le plus'), '.'),
    h('div', { class: 'grid-2' },
      chartWithLinks('chart-programmes', 'Fiches-projet par programme', data.parProgramme, 'programme', 'SHEET'),
      chartWithLinks('chart-phases', 'Fiches-projet par phase de la démarche', data.parPhase, 'phase', 'SHEET'),
      chartWithLinks('chart-categories', 'Leçons par catégorie', data.parCategorie, 'categorie', 'LESSON'),
      chartWithLinks('chart-polarites', 'Leçons par polarité', data.parPolarite, 'polarite', 'LESSON')),
    programmes.length ? h('section', { class: 'block' }, h('h2', {}, 'Fiches-projet par programme et par phase'),
      h('div', { class: 'table-scroll' }, h('table', { class: 'matrix' },
        h('caption', { class: 'visually-hidden' }, 'Nombre de fiches-projet par programme (lignes) et par phase (colonnes)'),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Programme'), phases.map((phase) => h('th', { scope: 'col' }, phase.label)))),
        h('tbody', {}, programmes.map(([id, name]) => h('tr', {}, h('th', { scope: 'row' }, name),
          phases.map((phase) => {
            const count = cell(id, phase);
            return h('td', { class: `number heat-${Math.min(4, count)}` }, count ? String(count) : '·');
          }))))))) : null,
  );
}

// ---------------------------------------------------------------------------------------------------
// Contributing

const FIELD_LABELS = {
  title: 'Titre', summary: 'Résumé', body: 'Récit', socialNeed: 'Besoin social', activityType: 'Activité', status: 'Où en est le projet',
  programmes: 'Programmes', territories: 'Territoires', themes: 'Thèmes', targetPublics: 'Publics', polarity: 'Polarité',
  context: 'Contexte', lesson: 'Leçon', recommendation: 'Recommandation', evidence: 'Ce qui le montre', evidenceLevel: 'Niveau de preuve',
  phases: 'Phases', indicators: 'Indicateurs', testimonies: 'Témoignages', documents: 'Documents', categories: 'Catégories', territoryTypes: 'Types de territoire', evidenceLinks: 'Fiche à l’appui', slug: 'Adresse',
};

/** The API's most frequent validation messages, in French; others are shown as the API wrote them. */
const PROBLEMS_FR = [
  [/^must not be empty$/, 'ne doit pas être vide'],
  [/^cannot be derived from the title; give one explicitly$/, 'ne peut pas être déduite du titre : indiquez-la'],
  [/^is (\d+) characters long, at most (\d+) are allowed$/, 'fait $1 caractères, $2 au plus sont permis'],
  [/^has (\d+) items, at most (\d+) are allowed$/, 'a $1 éléments, $2 au plus sont permis'],
  [/^`(.*)` is not a slug: .*$/s, '« $1 » n’est pas une adresse valable : lettres minuscules a-z, chiffres et tirets simples'],
  [/^contains the control character (.*)$/, 'contient le caractère de contrôle $1'],
];
function problemText(problem) {
  for (const [pattern, french] of PROBLEMS_FR) if (pattern.test(problem)) return problem.replace(pattern, french);
  return problem;
}

function textField(name, title, { multiline = false, required = false, hint = '' } = {}) {
  const id = `f-${name}`;
  const describedBy = [hint ? `${id}-aide` : '', `${id}-erreur`].filter(Boolean).join(' ');
  const control = multiline
    ? h('textarea', { id, name, rows: 4, 'aria-describedby': describedBy, 'aria-required': required ? 'true' : null })
    : h('input', { id, name, type: 'text', 'aria-describedby': describedBy, 'aria-required': required ? 'true' : null });
  return h('div', { class: 'field', 'data-field': name },
    h('label', { for: id }, title, required ? h('span', { class: 'required' }, ' (obligatoire)') : null),
    hint ? h('p', { class: 'hint', id: `${id}-aide` }, hint) : null,
    control,
    h('p', { class: 'field-error', id: `${id}-erreur` }));
}

function selectField(name, title, options, { required = false, empty = null } = {}) {
  const id = `f-${name}`;
  return h('div', { class: 'field', 'data-field': name },
    h('label', { for: id }, title, required ? h('span', { class: 'required' }, ' (obligatoire)') : null),
    h('select', { id, name, 'aria-describedby': `${id}-erreur` },
      empty !== null ? h('option', { value: '' }, empty) : null,
      options.map((option) => h('option', { value: option.code }, option.label))),
    h('p', { class: 'field-error', id: `${id}-erreur` }));
}

function checkboxField(name, title, options) {
  const id = `f-${name}`;
  return h('fieldset', { class: 'field checks', 'data-field': name, 'aria-describedby': `${id}-erreur` },
    h('legend', {}, title),
    h('div', { class: 'check-grid' }, options.length ? options.map((option, i) => h('div', { class: 'check' },
      h('input', { type: 'checkbox', id: `${id}-${i}`, name, value: option.code }),
      h('label', { for: `${id}-${i}` }, option.label))) : h('p', { class: 'hint' }, 'Aucun choix disponible.')),
    h('p', { class: 'field-error', id: `${id}-erreur` }));
}

let rowCount = 0;

/**
 * A list of rows the contributor adds and removes (a sheet's phases, its indicators). Its inputs
 * carry no `name`: `read()` gives the rows' values, each row's fields by key.
 */
function repeatable(name, title, addText, cells) {
  const id = `f-${name}`;
  const rows = h('ol', { class: 'rows' });
  const add = h('button', { type: 'button', class: 'secondary' }, addText);
  const addRow = () => {
    rowCount += 1;
    const at = rowCount;
    const remove = h('button', { type: 'button', class: 'link-button' }, 'Retirer');
    const row = h('li', { class: 'row' }, cells.map((cell) => {
      const cellId = `${id}-${at}-${cell.key}`;
      const control = cell.options
        ? h('select', { id: cellId, 'data-key': cell.key }, cell.options.map((option) => h('option', { value: option.code }, option.label)))
        : cell.multiline
          ? h('textarea', { id: cellId, 'data-key': cell.key, rows: 2 })
          : h('input', { id: cellId, 'data-key': cell.key, type: cell.type || 'text', step: cell.type === 'number' ? 'any' : null });
      return h('div', { class: 'cell' }, h('label', { for: cellId }, cell.label), control);
    }), remove);
    remove.setAttribute('aria-label', `Retirer : ${title.toLowerCase()} ${rows.children.length + 1}`);
    remove.addEventListener('click', () => {
      row.remove();
      add.focus();
    });
    rows.append(row);
    row.querySelector('select, input, textarea')?.focus();
  };
  add.addEventListener('click', addRow);
  const element = h('fieldset', { class: 'field repeatable', 'data-field': name, 'aria-describedby': `${id}-erreur` },
    h('legend', {}, title), rows, add, h('p', { class: 'field-error', id: `${id}-erreur` }));
  const read = () => [...rows.children].map((row) => Object.fromEntries(
    [...row.querySelectorAll('[data-key]')].map((control) => [control.dataset.key, control.value.trim()])));
  const clear = () => rows.replaceChildren();
  return { element, read, clear };
}

const number = (raw) => (raw === '' ? null : Number(raw.replace(',', '.')));

function formValues(form) {
  const data = new FormData(form);
  const result = {};
  for (const [key] of data) result[key] = data.getAll(key);
  return result;
}

function clearErrors(form) {
  for (const el of form.querySelectorAll('.field-error')) el.textContent = '';
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  form.querySelector('.form-errors')?.replaceChildren();
}

/** Shows the API's problems next to their fields, and a summary above the form. */
function showErrors(form, error) {
  const summary = form.querySelector('.form-errors');
  const problems = error.problems;
  const items = [];
  if (error.code === 'INVALID_INPUT' && problems.length) {
    for (const problem of problems) {
      const root = problem.field.replace(/^input\./, '').split(/[.[]/)[0];
      const field = form.querySelector(`[data-field="${root}"]`);
      const title = FIELD_LABELS[root] || problem.field;
      if (field) {
        const message = field.querySelector('.field-error');
        message.textContent = [message.textContent, problemText(problem.problem)].filter(Boolean).join(' ; ');
        const control = field.querySelector('input, select, textarea');
        control?.setAttribute('aria-invalid', 'true');
        if (field.tagName === 'FIELDSET') field.setAttribute('aria-invalid', 'true');
        items.push(h('li', {}, h('a', { href: `#${control?.id || ''}` }, title), ` : ${problemText(problem.problem)}`));
      } else items.push(h('li', {}, `${title} : ${problemText(problem.problem)}`));
    }
  } else items.push(h('li', {}, error.message));
  summary.replaceChildren(h('div', { class: 'notice notice-error', tabindex: '-1' },
    h('p', {}, error.code === 'INVALID_INPUT' ? 'Le serveur a refusé le formulaire :' : 'La demande a échoué :'), h('ul', {}, items)));
  summary.firstChild.focus();
}

async function contributeView(stale) {
  pageTitle('Contribuer');
  let who = null;
  let tokenError = null;
  if (getToken()) {
    try {
      who = await viewer();
    } catch (error) {
      tokenError = error;
    }
  }
  if (stale()) return;
  const tokenInput = h('input', { id: 'jeton', type: 'password', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'jeton-aide' });
  const tokenForm = h('form', { class: 'token-form', id: 'token-form' },
    h('div', { class: 'field' },
      h('label', { for: 'jeton' }, 'Jeton d’accès'),
      h('p', { class: 'hint', id: 'jeton-aide' }, 'Collez le jeton (retex_…) que l’administrateur vous a remis. Il reste dans ce navigateur et accompagne chaque demande.'),
      h('div', { class: 'search-row' }, tokenInput, h('button', { type: 'submit', class: 'primary' }, 'Enregistrer le jeton'))));
  tokenForm.addEventListener('submit', (event) => {
    event.preventDefault();
    setToken(tokenInput.value.trim());
    document.getElementById('banner').replaceChildren();
    showViewer();
    render();
  });
  const forget = h('button', { type: 'button', class: 'secondary', id: 'forget-token', onclick: () => { setToken(''); showViewer(); render(); } }, 'Oublier le jeton');
  const identity = who?.authenticated
    ? h('div', { class: 'notice' },
      h('p', {}, 'Vous êtes ', h('strong', {}, who.name), ', ', label('Role', who.role).toLowerCase(),
        who.organisation ? ` pour ${who.organisation.name}` : '', who.programme ? `, relecteur du programme ${who.programme.name}` : '', '.'),
      forget)
    : null;
  const parts = [
    h('h1', { tabindex: '-1' }, 'Contribuer'),
    h('p', { class: 'lead' }, 'Les contributeurs écrivent des fiches-projet et des leçons en brouillon, puis les soumettent ; un relecteur du programme les publie. Seules les contributions publiées sont visibles de tous.'),
    h('section', { class: 'block' }, h('h2', {}, 'Votre accès'),
      tokenError ? h('p', { class: 'notice notice-error' }, `Ce jeton est refusé : ${tokenError.message}`, ' ', forget) : null,
      identity || tokenForm),
  ];
  if (!who?.authenticated) {
    show(...parts);
    return;
  }
  // The choices of the forms, read again each time a form is drawn (a new sheet can back a lesson).
  const loadLists = () =>
    gql(`{ programmes(first: 100, sort: {field: TITLE, direction: ASC}) { nodes { id name } }
           territories(first: 100, sort: {field: TITLE, direction: ASC}) { nodes { id name } }
           sheets(first: 100, sort: {field: TITLE, direction: ASC}) { nodes { id title } } }`);
  const [lists, worklist] = await Promise.all([loadLists(), loadWorklist()]);
  if (stale()) return;
  const worklistBox = h('div', { id: 'worklist' });
  const refresh = async () => renderWorklist(worklistBox, await loadWorklist(), who, refresh);
  renderWorklist(worklistBox, worklist, who, refresh);
  if (who.mayCreate) {
    const formBox = h('div', { id: 'draft-form' });
    const choose = async (kind, fresh = null) => {
      for (const tab of kindChoice.querySelectorAll('input')) tab.checked = tab.value === kind;
      let choices = fresh;
      try {
        choices ??= await loadLists();
      } catch (error) {
        formBox.replaceChildren(h('p', { class: 'notice notice-error' }, error.message));
        return;
      }
      if (kindChoice.querySelector(`#kind-${kind}`)?.checked) {
        formBox.replaceChildren(kind === 'SHEET' ? sheetForm(choices, refresh) : lessonForm(choices, refresh));
      }
    };
    const kindChoice = h('fieldset', { class: 'field kind-choice' }, h('legend', {}, 'Que voulez-vous écrire ?'),
      [['SHEET', 'Une fiche-projet'], ['LESSON', 'Une leçon']].map(([value, text]) => h('span', { class: 'check' },
        h('input', { type: 'radio', name: 'draft-kind', id: `kind-${value}`, value, onchange: () => choose(value) }),
        h('label', { for: `kind-${value}` }, text))));
    parts.push(h('section', { class: 'block' }, h('h2', {}, 'Écrire un brouillon'), kindChoice, formBox));
    show(...parts, h('section', { class: 'block' }, h('h2', { id: 'worklist-title', tabindex: '-1' }, 'Brouillons et contributions à relire'),
      h('p', { id: 'annonce-contribution', class: 'visually-hidden', 'aria-live': 'polite' }), worklistBox));
    choose('SHEET', lists);
  } else {
    show(...parts, h('section', { class: 'block' }, h('h2', { id: 'worklist-title', tabindex: '-1' }, 'Brouillons et contributions à relire'),
      h('p', { id: 'annonce-contribution', class: 'visually-hidden', 'aria-live': 'polite' }), worklistBox));
  }
}

async function loadWorklist() {
  const fields = 'id slug title version publicationStatus updatedAt revisions { action reason }';
  const data = await gql(`{
    sheets(filter: {publicationStatuses: [DRAFT, SUBMITTED]}, first: 50) { nodes { ${fields} programmes { name } } }
    lessons(filter: {publicationStatuses: [DRAFT, SUBMITTED]}, first: 50) { nodes { ${fields} programmes { name } } }
  }`);
  return [
    ...data.sheets.nodes.map((node) => ({ ...node, kind: 'SHEET' })),
    ...data.lessons.nodes.map((node) => ({ ...node, kind: 'LESSON' })),
  ].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
}

function renderWorklist(box, records, who, refresh) {
  if (!records.length) {
    box.replaceChildren(h('p', {}, 'Aucun brouillon ni contribution en attente de relecture.'));
    return;
  }
  const mayPublish = who.role === 'REVIEWER' || who.role === 'ADMIN';
  box.replaceChildren(h('ul', { class: 'worklist' }, records.map((record) => {
    const href = record.kind === 'SHEET' ? `/fiches/${encodeURIComponent(record.slug)}` : `/lecons/${encodeURIComponent(record.slug)}`;
    const message = h('p', { class: 'field-error', role: 'status' });
    const move = (status, text) => {
      const button = h('button', { type: 'button', class: status === 'PUBLISHED' ? 'primary' : 'secondary' }, text);
      button.setAttribute('aria-label', `${text} : ${record.title}`);
      button.addEventListener('click', async () => {
        button.disabled = true;
        try {
          await gql(`mutation Statut($id: ID!, $version: Int!, $status: PublicationStatus!) {
            setPublicationStatus(id: $id, version: $version, status: $status) { publicationStatus version }
          }`, { id: record.id, version: record.version, status });
          await refresh();
          announce(`« ${record.title} » : ${label('PublicationStatus', status).toLowerCase()}.`);
        } catch (error) {
          button.disabled = false;
          message.textContent = error.message;
        }
      });
      return button;
    };
    const actions = [];
    if (record.publicationStatus === 'DRAFT') actions.push(move('SUBMITTED', 'Soumettre à la relecture'));
    if (record.publicationStatus === 'SUBMITTED' && mayPublish) {
      actions.push(move('PUBLISHED', 'Publier'));
      actions.push(sendBack(record, message, refresh));
    }
    // A draft sent back says why, as the reviewer wrote it.
    const last = record.revisions?.[record.revisions.length - 1];
    const sentBack = record.publicationStatus === 'DRAFT' && last?.action === 'STATUS_CHANGED' && last.reason
      ? h('p', { class: 'note sent-back' }, 'Renvoyé par la relecture : ', h('q', {}, last.reason))
      : null;
    return h('li', { class: 'work-item' },
      h('p', {}, h('span', { class: `badge badge-${record.publicationStatus.toLowerCase()}` }, label('PublicationStatus', record.publicationStatus)), ' ',
        h('span', { class: 'kind-inline' }, KIND_LABELS[record.kind]), ' · ', h('a', { href }, record.title),
        record.programmes.length ? h('span', { class: 'note' }, ` — ${record.programmes.map((p) => p.name).join(', ')}`) : null),
      sentBack,
      actions.length ? h('div', { class: 'actions' }, actions) : null,
      message);
  })));
}

/** Says what a worklist action did (the list was just drawn again) and brings focus back to the list. */
function announce(text) {
  const region = document.getElementById('annonce-contribution');
  if (region) region.textContent = text;
  document.getElementById('worklist-title')?.focus();
}

/** A reviewer's « Renvoyer à l'auteur »: the record goes back to draft with the reason written here. */
function sendBack(record, message, refresh) {
  const box = h('div', { class: 'send-back' });
  const open = h('button', { type: 'button', class: 'secondary' }, 'Renvoyer à l’auteur');
  open.setAttribute('aria-label', `Renvoyer à l’auteur : ${record.title}`);
  open.setAttribute('aria-expanded', 'false');
  open.addEventListener('click', () => {
    if (box.childElementCount) {
      box.replaceChildren();
      open.setAttribute('aria-expanded', 'false');
      return;
    }
    open.setAttribute('aria-expanded', 'true');
    const id = `motif-${record.kind}-${record.slug}`;
    if (!message.id) message.id = `${id}-erreur`;
    const reason = h('textarea', { id, rows: '2', 'aria-required': 'true', 'aria-describedby': message.id });
    const confirm = h('button', { type: 'submit', class: 'primary' }, 'Renvoyer en brouillon');
    const form = h('form', { class: 'send-back-form' },
      h('label', { for: id }, 'Motif du renvoi (l’auteur le lira)'), reason, confirm);
    reason.addEventListener('input', () => {
      reason.removeAttribute('aria-invalid');
      message.textContent = '';
    });
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      message.textContent = '';
      if (!reason.value.trim()) {
        message.textContent = 'Indiquez le motif du renvoi : l’auteur en a besoin pour reprendre sa contribution.';
        reason.setAttribute('aria-invalid', 'true');
        reason.focus();
        return;
      }
      confirm.disabled = true;
      try {
        await gql(`mutation Renvoi($id: ID!, $version: Int!, $reason: String!) {
          setPublicationStatus(id: $id, version: $version, status: DRAFT, reason: $reason) { publicationStatus version }
        }`, { id: record.id, version: record.version, reason: reason.value.trim() });
        await refresh();
        announce(`« ${record.title} » : renvoyé en brouillon.`);
      } catch (error) {
        confirm.disabled = false;
        message.textContent = error.message;
      }
    });
    box.replaceChildren(form);
    reason.focus();
  });
  return h('span', { class: 'send-back-action' }, open, box);
}

function draftForm(id, fields, submitText, build, mutation, resultKey, refresh) {
  const form = h('form', { id, class: 'draft-form', novalidate: true },
    h('div', { class: 'form-errors', 'aria-live': 'assertive' }),
    fields,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, submitText)),
    h('div', { class: 'form-result', 'aria-live': 'polite' }));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      const data = await gql(mutation, { input: build(formValues(form)) });
      const record = data[resultKey];
      const href = resultKey === 'createSheet' ? `/fiches/${encodeURIComponent(record.slug)}` : `/lecons/${encodeURIComponent(record.slug)}`;
      form.reset();
      form.querySelector('.form-result').replaceChildren(h('p', { class: 'notice notice-ok' },
        'Brouillon enregistré : ', h('a', { href }, record.title), '. Soumettez-le à la relecture dans la liste ci-dessous.'));
      await refresh();
    } catch (error) {
      showErrors(form, error);
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

const one = (list) => (list && list[0] ? list[0] : null);
const text = (list) => (list && list[0] ? list[0] : '');

function sheetForm(lists, refresh) {
  const phases = repeatable('phases', 'L’histoire, phase par phase', 'Ajouter une phase', [
    { key: 'phase', label: 'Phase', options: values('Phase') },
    { key: 'startedOn', label: 'Début', type: 'date' },
    { key: 'endedOn', label: 'Fin', type: 'date' },
    { key: 'outcome', label: 'Ce qui s’est passé, ce qui en est sorti', multiline: true },
  ]);
  const indicators = repeatable('indicators', 'Indicateurs', 'Ajouter un indicateur', [
    { key: 'name', label: 'Indicateur' },
    { key: 'unit', label: 'Unité' },
    { key: 'baseline', label: 'Référence', type: 'number' },
    { key: 'target', label: 'Objectif', type: 'number' },
    { key: 'actual', label: 'Réalisé', type: 'number' },
  ]);
  const testimonies = repeatable('testimonies', 'Témoignages', 'Ajouter un témoignage', [
    { key: 'quote', label: 'Ce qui a été dit', multiline: true },
    { key: 'speaker', label: 'Qui' },
    { key: 'role', label: 'Son rôle' },
  ]);
  const documents = repeatable('documents', 'Documents', 'Ajouter un document', [
    { key: 'title', label: 'Titre' },
    { key: 'kind', label: 'Nature', options: values('DocumentKind') },
    { key: 'url', label: 'Adresse (https://…)', type: 'url' },
  ]);
  const fields = [
    textField('title', 'Titre', { required: true, hint: 'Le nom du projet, tel que le territoire le connaît.' }),
    textField('summary', 'Résumé', { multiline: true, hint: 'Deux ou trois phrases.' }),
    selectField('activityType', 'Activité créée', values('ActivityType'), { required: true }),
    selectField('status', 'Où en est le projet', values('SheetStatus')),
    checkboxField('programmes', 'Programmes', lists.programmes.nodes.map((p) => ({ code: p.id, label: p.name }))),
    checkboxField('territories', 'Territoires', lists.territories.nodes.map((t) => ({ code: t.id, label: t.name }))),
    textField('socialNeed', 'Besoin social détecté', { multiline: true }),
    textField('body', 'Récit du projet', { multiline: true, hint: 'En Markdown : paragraphes séparés par une ligne vide, listes avec « - ».' }),
    phases.element,
    indicators.element,
    testimonies.element,
    documents.element,
    checkboxField('themes', 'Thèmes', values('Theme')),
    checkboxField('targetPublics', 'Publics', values('TargetPublic')),
    textField('slug', 'Adresse de la fiche (facultatif)', { hint: 'Lettres minuscules, chiffres et tirets ; déduite du titre si vide.' }),
  ];
  const build = (v) => ({
    title: text(v.title), summary: text(v.summary), activityType: one(v.activityType), status: one(v.status),
    programmes: v.programmes || [], territories: v.territories || [], socialNeed: text(v.socialNeed), body: text(v.body),
    themes: v.themes || [], targetPublics: v.targetPublics || [], slug: text(v.slug) || null,
    phases: phases.read().map((row) => ({
      phase: row.phase, startedOn: row.startedOn || null, endedOn: row.endedOn || null, outcome: row.outcome,
    })),
    indicators: indicators.read().map((row) => ({
      name: row.name, unit: row.unit, baseline: number(row.baseline), target: number(row.target), actual: number(row.actual),
    })),
    testimonies: testimonies.read(),
    documents: documents.read(),
  });
  const form = draftForm('sheet-form', fields, 'Enregistrer le brouillon de fiche', build,
    'mutation NouvelleFiche($input: ProjectSheetInput!) { createSheet(input: $input) { id slug title publicationStatus } }', 'createSheet', refresh);
  form.addEventListener('reset', () => {
    for (const rows of [phases, indicators, testimonies, documents]) rows.clear();
  });
  return form;
}

function lessonForm(lists, refresh) {
  const fields = [
    selectField('polarity', 'Polarité', values('Polarity'), { required: true }),
    textField('title', 'La leçon en une phrase', { required: true }),
    textField('context', 'Contexte : ce qui s’est passé', { multiline: true }),
    textField('lesson', 'La leçon générale', { multiline: true }),
    textField('recommendation', 'Recommandation : que faire', { multiline: true }),
    textField('evidence', 'Ce qui le montre', { multiline: true }),
    selectField('evidenceLevel', 'Niveau de preuve', values('EvidenceLevel'), { empty: 'Un projet (par défaut)' }),
    selectField('evidenceLinks', 'Fiche-projet où elle a été observée', lists.sheets.nodes.map((sheet) => ({ code: sheet.id, label: sheet.title })), { empty: 'Aucune pour l’instant' }),
    checkboxField('categories', 'Catégories', values('LessonCategory')),
    checkboxField('phases', 'Phases concernées', values('Phase')),
    checkboxField('themes', 'Thèmes', values('Theme')),
    checkboxField('territoryTypes', 'Types de territoire', values('TerritoryType')),
    textField('slug', 'Adresse de la leçon (facultatif)', { hint: 'Lettres minuscules, chiffres et tirets ; déduite du titre si vide.' }),
  ];
  const build = (v) => ({
    polarity: one(v.polarity), title: text(v.title), context: text(v.context), lesson: text(v.lesson),
    recommendation: text(v.recommendation), evidence: text(v.evidence), evidenceLevel: one(v.evidenceLevel),
    evidenceLinks: one(v.evidenceLinks) ? [{ sheet: one(v.evidenceLinks) }] : [],
    categories: v.categories || [], phases: v.phases || [], themes: v.themes || [], territoryTypes: v.territoryTypes || [],
    slug: text(v.slug) || null,
  });
  return draftForm('lesson-form', fields, 'Enregistrer le brouillon de leçon', build,
    'mutation NouvelleLecon($input: LessonInput!) { createLesson(input: $input) { id slug title publicationStatus } }', 'createLesson', refresh);
}

// ---------------------------------------------------------------------------------------------------
// Start

async function start() {
  try {
    await loadVocabularies();
  } catch (error) {
    show(h('h1', {}, 'Le serveur ne répond pas'), h('p', { class: 'notice notice-error' }, error.message));
    return;
  }
  showViewer();
  await render();
  document.documentElement.dataset.ready = 'true';
}

start();
