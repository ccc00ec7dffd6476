// retex — la recherche : le formulaire et ses suggestions, les facettes et filtres actifs, les
// résultats et « Afficher plus », tout l'état étant dans l'adresse (`/?q=…&theme=…&pages=…`), le
// flux Atom qui suit la même recherche (`/flux.atom?q=…&theme=…`) et, pour qui est connecté, les
// recherches enregistrées et leurs nouveautés. La carte des projets (`/carte`) lit la même adresse et
// reprend d'ici son état, son filtre et ses contrôles (`readSearchState`, `searchFilter`,
// `openFacets`, `filterControls`).

import { main, h, highlighted, numberFormat, plural, show, pageTitle } from './dom.js';
import { hasSession, gql, inDimensionOrder, label, viewer } from './api.js';
import { navigate, pathTo } from './router.js';

/** The facets of the search, in the order shown, with their URL parameter, filter field and parameter
 *  of the Atom feed (`/flux.atom?theme=…`). `sheets`: a facet that narrows project sheets (the map of
 *  projects, `/carte`, offers these; the others are about lessons or kinds of record). */
export const DIMENSIONS = [
  { dimension: 'KIND', param: 'type', filter: 'kinds', feed: 'kind', title: 'Type' },
  { dimension: 'PROGRAMME', param: 'programme', filter: 'programmes', feed: 'programme', title: 'Programme', sheets: true },
  { dimension: 'THEME', param: 'theme', filter: 'themes', feed: 'theme', title: 'Thème', vocabulary: 'Theme', sheets: true },
  { dimension: 'PHASE', param: 'phase', filter: 'phases', feed: 'phase', title: 'Phase', vocabulary: 'Phase', sheets: true },
  { dimension: 'CATEGORY', param: 'categorie', filter: 'categories', feed: 'category', title: 'Catégorie de leçon', vocabulary: 'LessonCategory' },
  { dimension: 'POLARITY', param: 'polarite', filter: 'polarities', feed: 'polarity', title: 'Polarité', vocabulary: 'Polarity' },
  { dimension: 'TERRITORY_TYPE', param: 'territoire', filter: 'territoryTypes', feed: 'territoryType', title: 'Type de territoire', vocabulary: 'TerritoryType', sheets: true },
  { dimension: 'REGION', param: 'region', filter: 'regions', feed: 'region', title: 'Région', vocabulary: 'Region', sheets: true },
];
/** The kinds of record a feed carries. */
const FEED_KINDS = ['SHEET', 'LESSON'];
export const KIND_LABELS = { SHEET: 'Fiche-projet', LESSON: 'Leçon', PROGRAMME: 'Programme', ORGANISATION: 'Organisation' };
const TYPENAME_KIND = { ProjectSheet: 'SHEET', Lesson: 'LESSON', Programme: 'PROGRAMME', Organisation: 'ORGANISATION' };
/** The most pages of 20 results an address may ask to show at once. */
const MAX_PAGES = 25;
const EXAMPLES = ['épicerie solidaire', 'mobilité rurale', 'garage', 'tiers-lieu', 'porteur de projet'];
/** Labels seen in facets (programme names), for the filters shown when their value has no hit left. */
const facetLabels = new Map();

/** The state of a search in an address (`?q=…&theme=…&pages=…&mots=1`): the search page's, and the
 *  map's (`/carte`), which reads the same parameters. */
export function readSearchState(url) {
  const params = url.searchParams;
  const filters = {};
  for (const dim of DIMENSIONS) {
    const chosen = params.getAll(dim.param).filter(Boolean);
    if (chosen.length) filters[dim.param] = [...new Set(chosen)];
  }
  // « Afficher plus » is in the address too (`pages=3`), so that a reload shows as many results.
  const pages = Math.min(Math.max(Number.parseInt(params.get('pages') || '1', 10) || 1, 1), MAX_PAGES);
  // `mots=1`: the words only, the filters they name dismissed.
  return { q: (params.get('q') || '').trim(), filters, pages, literal: params.get('mots') === '1' };
}

/** The address of a search's words and filters: on the search page, or on another view that reads
 *  them too (`searchHref(state, 'map')` → `/carte?…`). */
export function searchHref(state, view = 'search') {
  const params = new URLSearchParams();
  if (state.q) params.set('q', state.q);
  for (const dim of DIMENSIONS) for (const value of state.filters[dim.param] || []) params.append(dim.param, value);
  if (state.literal) params.set('mots', '1');
  const query = params.toString();
  return query ? `${pathTo(view)}?${query}` : pathTo(view);
}

/** The Atom feed of a search (its words and filters, under the feed's parameter names), or null
 *  when the search asks only for kinds of record a feed does not carry (programmes, organisations). */
function feedHref(state) {
  const params = new URLSearchParams();
  if (state.q) params.set('q', state.q);
  for (const dim of DIMENSIONS) {
    let chosen = state.filters[dim.param] || [];
    if (dim.dimension === 'KIND' && chosen.length) {
      chosen = chosen.filter((kind) => FEED_KINDS.includes(kind));
      if (!chosen.length) return null;
    }
    for (const value of chosen) params.append(dim.feed, value);
  }
  const query = params.toString();
  return query ? `/flux.atom?${query}` : '/flux.atom';
}

/** The filter of a search, as `search` takes it (`kinds`, `themes`…), from the facets `dimensions`
 *  only (all of them by default). */
export function searchFilter(state, dimensions = DIMENSIONS) {
  const filter = {};
  for (const dim of dimensions) if (state.filters[dim.param]) filter[dim.filter] = state.filters[dim.param];
  return filter;
}

/** The filter a saved search keeps: the search's, its kinds those a feed carries; null when the
 *  search asks only for other kinds (programmes, organisations), which cannot be saved. */
function savedFilter(state) {
  const filter = searchFilter(state);
  if (filter.kinds) {
    filter.kinds = filter.kinds.filter((kind) => FEED_KINDS.includes(kind));
    if (!filter.kinds.length) return null;
  }
  return filter;
}

/** The page's address of a saved search, from the parameters of its feed, named back as the page
 *  names them (`kind` → `type`, `category` → `categorie`…). A feed names its programmes by slug, which
 *  the page's filter does not take: they are left out, as are the filters the page does not offer. */
function savedSearchHref(feed) {
  let params;
  try {
    params = new URL(feed, location.origin).searchParams;
  } catch {
    return '/';
  }
  const filters = {};
  for (const dim of DIMENSIONS) {
    if (dim.dimension === 'PROGRAMME') continue;
    const chosen = params.getAll(dim.feed).filter(Boolean);
    if (chosen.length) filters[dim.param] = [...new Set(chosen)];
  }
  return searchHref({ q: (params.get('q') || '').trim(), filters });
}

/** How a chip names a filter's value (« Programme : … », the label of its vocabulary). */
export function filterLabel(dim, value) {
  if (dim.dimension === 'KIND') return KIND_LABELS[value] || value;
  if (dim.vocabulary) return label(dim.vocabulary, value);
  return facetLabels.get(`${dim.dimension}:${value}`) || value;
}

const FACET_QUERY = `query Facette($query: String, $filter: SearchFilter, $facets: [SearchDimension!]) {
  search(query: $query, filter: $filter, facets: $facets, first: 1) { facets { dimension values { value label count } } }
}`;

const SAVED_QUERY = '{ savedSearches { id name feed newSinceLastVisit } }';
const SAVE_MUTATION = `mutation Enregistrement($input: SavedSearchInput!) { saveSearch(input: $input) { id name } }`;

const SEARCH_QUERY = `query Recherche($query: String, $filter: SearchFilter, $facets: [SearchDimension!], $after: String, $literal: Boolean) {
  search(query: $query, filter: $filter, facets: $facets, first: 20, after: $after, literal: $literal) {
    totalCount
    pageInfo { hasNextPage endCursor }
    interpretation { dimension value label words }
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
      // « Mes recherches enregistrées » comes above the facets, for those signed in (`renderSavedSearches`).
      h('div', { class: 'search-side', id: 'search-side' },
        h('aside', { class: 'facets', 'aria-labelledby': 'facets-title' },
          h('details', { class: 'facets-box', open: true },
            h('summary', { id: 'facets-title' }, 'Affiner'),
            h('div', { id: 'active-filters' }),
            h('div', { id: 'facet-groups' })))),
      h('section', { class: 'results', 'aria-labelledby': 'count' },
        h('p', { id: 'count', class: 'count', 'aria-live': 'polite', 'aria-atomic': 'true' }),
        h('p', { class: 'map-link' }, h('a', { id: 'map-link', href: pathTo('map') }, 'Voir sur la carte'),
          h('span', { class: 'hint' }, ' — les territoires des fiches-projet de cette recherche')),
        h('div', { class: 'feed-link', id: 'feed' }, h('a', { id: 'feed-link', href: '/flux.atom', type: 'application/atom+xml' }, 'S’abonner (Atom)'),
          h('span', { class: 'hint' }, ' — les nouvelles fiches et leçons de cette recherche, dans un lecteur de flux'),
          h('span', { id: 'save-search-action', hidden: true }, ' · ',
            h('button', { type: 'button', class: 'link-button', id: 'save-search', 'aria-expanded': 'false', 'aria-controls': 'save-search-box', onclick: toggleSaveForm },
              'Enregistrer cette recherche')),
          h('div', { id: 'save-search-box' }),
          h('div', { id: 'save-search-status', role: 'status' })),
        h('div', { id: 'interpretation' }),
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
    if (kind === 'SHEET') navigate(pathTo('sheet', { slug: option.node.slug }));
    else if (kind === 'LESSON') navigate(pathTo('lesson', { slug: option.node.slug }));
    else if (kind === 'ORGANISATION') navigate(pathTo('organisation', { slug: option.node.slug }));
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

export async function searchView(url, { stale, reuse }) {
  const state = readSearchState(url);
  if (!reuse || !document.getElementById('search-form')) show(searchShell());
  const input = document.getElementById('q');
  if (document.activeElement !== input || input.value.trim() !== state.q) input.value = state.q;
  pageTitle(state.q ? `Recherche « ${state.q} »` : 'Rechercher');
  document.getElementById('map-link').setAttribute('href', searchHref(state, 'map'));
  const feed = feedHref(state);
  document.getElementById('feed').hidden = !feed;
  if (feed) document.getElementById('feed-link').setAttribute('href', feed);
  // The form to save a search, or what saving it said, belongs to the search it was opened for.
  if (document.getElementById('save-search-box').dataset.search !== searchHref(state)) closeSaveForm();
  // Not awaited: the results do not wait for the saved searches.
  renderSavedSearches(state, stale);
  const count = document.getElementById('count');
  const hitsBox = document.getElementById('hits');
  main.querySelector('.results').setAttribute('aria-busy', 'true');
  const filter = searchFilter(state);
  const variables = { query: state.q || null, filter, facets: DIMENSIONS.map((dim) => dim.dimension), literal: state.literal };
  let data;
  try {
    data = await gql(SEARCH_QUERY, variables);
  } finally {
    if (!stale()) main.querySelector('.results')?.removeAttribute('aria-busy');
  }
  if (stale()) return;
  const results = data.search;
  const facets = await openFacets(state, filter, results.facets);
  if (stale()) return;
  const controls = filterControls(state, facets);
  document.getElementById('active-filters').replaceChildren(controls.active);
  document.getElementById('facet-groups').replaceChildren(...controls.groups);
  renderInterpretation(state, results.interpretation || []);
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
  if (kind === 'SHEET') return pathTo('sheet', { slug: node.slug });
  if (kind === 'LESSON') return pathTo('lesson', { slug: node.slug });
  if (kind === 'PROGRAMME') return searchHref({ q: '', filters: { programme: [node.id] } });
  if (kind === 'ORGANISATION') return pathTo('organisation', { slug: node.slug });
  return null;
}

/** An extract of a hit; one from what describes the record (its labels and linked names) says so. */
function snippetItem(snippet) {
  if (snippet.field === 'labels') {
    return h('p', { class: 'snippet snippet-labels' }, h('span', { class: 'snippet-source' }, 'Décrit par : '), highlighted(snippet.html));
  }
  return h('p', { class: 'snippet' }, highlighted(snippet.html));
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
      hit.snippets.filter((snippet) => snippet.field !== 'title').slice(0, 2).map(snippetItem),
      meta.length ? h('dl', { class: 'hit-meta' }, meta.map(([term, value]) => h('div', {}, h('dt', {}, term), h('dd', {}, value)))) : null));
}

/**
 * The filters the words of the query name (« rural », « Bretagne », « facteurs de succès »): search
 * already ranks what carries them first; each chip applies one as a filter, and « Ignorer » searches
 * the words only.
 */
function renderInterpretation(state, interpretation) {
  const box = document.getElementById('interpretation');
  if (!box) return;
  const offered = interpretation
    .map((found) => ({ found, dim: DIMENSIONS.find((dim) => dim.dimension === found.dimension) }))
    .filter(({ found, dim }) => dim && !(state.filters[dim.param] || []).includes(found.value));
  if (state.literal && state.q) {
    box.replaceChildren(h('p', { class: 'interpretation' }, 'Recherche des mots seuls. ',
      h('a', { href: searchHref({ ...state, literal: false }) }, 'Reconnaître aussi les filtres qu’ils désignent')));
    return;
  }
  if (!offered.length) {
    box.replaceChildren();
    return;
  }
  const chips = offered.map(({ found, dim }) => {
    const filters = { ...state.filters, [dim.param]: [...(state.filters[dim.param] || []), found.value] };
    return h('li', {}, h('a', { class: 'chip chip-offered', href: searchHref({ q: state.q, filters }) },
      `${dim.title} : ${found.label}`, h('span', { class: 'visually-hidden' }, ` (appliquer ce filtre, reconnu dans « ${found.words} »)`)));
  });
  box.replaceChildren(h('div', { class: 'interpretation' },
    h('p', { class: 'active-title' }, 'Compris dans votre recherche'),
    h('ul', { class: 'chips' }, chips),
    h('a', { href: searchHref({ ...state, literal: true }), class: 'clear' }, 'Ignorer')));
}

/**
 * The facets of a search (`facets`, as `search` counts them under the whole `filter`), each facet in
 * which values are ticked counted as if none were: its other values stay on offer with the number of
 * results they would add (one more query per such facet, under `filter` less its own field). The labels
 * seen are kept for the chips of filters whose value has no result left.
 */
export async function openFacets(state, filter, facets, dimensions = DIMENSIONS) {
  const chosen = dimensions.filter((dim) => state.filters[dim.param]);
  const own = await Promise.all(chosen.map((dim) => {
    const without = { ...filter };
    delete without[dim.filter];
    return gql(FACET_QUERY, { query: state.q || null, filter: without, facets: [dim.dimension] }).catch(() => null);
  }));
  const result = [...facets];
  for (const answer of own) {
    const facet = answer?.search?.facets?.[0];
    if (!facet) continue;
    const at = result.findIndex((f) => f.dimension === facet.dimension);
    if (at >= 0) result[at] = facet;
    else result.push(facet);
  }
  for (const facet of result) for (const value of facet.values) facetLabels.set(`${facet.dimension}:${value.value}`, value.label);
  return result;
}

/** A search's words and filters with one facet's values replaced (none: the facet's filter removed). */
function withValues(state, dim, chosen) {
  const filters = { ...state.filters, [dim.param]: chosen };
  if (!chosen.length) delete filters[dim.param];
  return { q: state.q, filters };
}

/**
 * The controls of a search's filters, for the page `view` that shows it (the search page, or the map,
 * which reads the same address): `active`, the chips of the filters of `dimensions` that are applied
 * (each removes its own; « Tout effacer »), and `groups`, one fieldset of boxes per facet of
 * `dimensions` (ticking one goes to the address with it). Filters of other dimensions stay in the
 * addresses they lead to.
 */
export function filterControls(state, facets, { dimensions = DIMENSIONS, view = 'search' } = {}) {
  const chips = [];
  for (const dim of dimensions) {
    for (const value of state.filters[dim.param] || []) {
      const rest = withValues(state, dim, state.filters[dim.param].filter((v) => v !== value));
      chips.push(h('li', {}, h('a', { class: 'chip', href: searchHref(rest, view) },
        `${dim.title} : ${filterLabel(dim, value)}`, h('span', { 'aria-hidden': 'true' }, ' ×'), h('span', { class: 'visually-hidden' }, ' (retirer ce filtre)'))));
    }
  }
  const active = chips.length
    ? h('div', { class: 'active' }, h('p', { class: 'active-title' }, 'Filtres actifs'), h('ul', { class: 'chips' }, chips),
      h('a', { href: searchHref({ q: state.q, filters: {} }, view), class: 'clear' }, 'Tout effacer'))
    : '';
  const groups = dimensions.map((dim) => facetGroup(state, dim, facets.find((f) => f.dimension === dim.dimension), view)).filter(Boolean);
  return { active, groups };
}

/** One facet's fieldset: a box per value (ticked ones included, even with no result left), with its count. */
function facetGroup(state, dim, facet, view) {
  const chosen = state.filters[dim.param] || [];
  const listed = [...(facet?.values || [])];
  for (const value of chosen) if (!listed.some((v) => v.value === value)) listed.push({ value, label: filterLabel(dim, value), count: 0 });
  // Phases in the order of the démarche (years ascending), not by count.
  const shown = inDimensionOrder(dim.dimension, listed, (v) => v.value);
  if (!shown.length) return null;
  const id = `facet-${dim.param}`;
  return h('fieldset', { class: 'facet', id },
    h('legend', {}, dim.title),
    h('ul', {}, shown.map((value) => {
      const inputId = `${id}-${value.value}`.replace(/[^A-Za-z0-9_-]/g, '_');
      const box = h('input', { type: 'checkbox', id: inputId, checked: chosen.includes(value.value), 'data-param': dim.param, 'data-value': value.value });
      box.addEventListener('change', () => {
        const next = new Set(chosen);
        if (box.checked) next.add(value.value);
        else next.delete(value.value);
        navigate(searchHref(withValues(state, dim, [...next]), view), { keepFocus: true });
      });
      const labelText = dim.dimension === 'KIND' ? KIND_LABELS[value.value] || value.label : value.label;
      return h('li', {}, box, h('label', { for: inputId }, labelText, ' ', h('span', { class: 'facet-count' }, `(${numberFormat.format(value.count)})`)));
    })));
}

// ---------------------------------------------------------------------------------------------------
// Saved searches: a signed-in person's, each with what is new since its last visit.

/**
 * « Enregistrer cette recherche » and « Mes recherches enregistrées », for those signed in only: without
 * a session (or with one the server has ended), neither is drawn and no saved search is asked for.
 */
async function renderSavedSearches(state, stale) {
  let who = null;
  if (hasSession()) {
    try {
      who = await viewer();
    } catch {
      /* the banner says it */
    }
  }
  if (stale()) return;
  const action = document.getElementById('save-search-action');
  if (!action) return;
  const known = Boolean(who?.authenticated);
  action.hidden = !known || !savedFilter(state);
  if (!known) {
    closeSaveForm();
    savedAsked++;
    document.getElementById('saved-searches')?.remove();
    return;
  }
  await refreshSavedSearches();
}

function savedSection() {
  return h('section', { id: 'saved-searches', class: 'saved-searches screen-only', 'aria-labelledby': 'saved-searches-title' },
    h('h2', { id: 'saved-searches-title', tabindex: '-1' }, 'Mes recherches enregistrées'),
    h('div', { id: 'saved-searches-list' }),
    h('p', { id: 'annonce-recherches', class: 'visually-hidden', 'aria-live': 'polite' }));
}

let savedAsked = 0;

/** Draws the viewer's saved searches again (the last asked for wins). */
async function refreshSavedSearches() {
  const ticket = ++savedAsked;
  let list = null;
  let failure = null;
  try {
    list = (await gql(SAVED_QUERY)).savedSearches;
  } catch (error) {
    failure = error;
  }
  const side = document.getElementById('search-side');
  if (ticket !== savedAsked || !side || !hasSession()) return;
  let section = document.getElementById('saved-searches');
  if (!section) {
    section = savedSection();
    side.prepend(section);
  }
  const box = section.querySelector('#saved-searches-list');
  if (failure) box.replaceChildren(h('p', { class: 'notice notice-error' }, `Vos recherches enregistrées n’ont pas pu être chargées : ${failure.message}`));
  else if (!list.length) box.replaceChildren(h('p', { class: 'hint' }, 'Aucune pour l’instant : « Enregistrer cette recherche » en garde une ici, avec ses nouveautés.'));
  else box.replaceChildren(h('ul', { class: 'saved-list' }, list.map(savedItem)));
}

function savedItem(saved) {
  const href = savedSearchHref(saved.feed);
  // The feed is the server's own address (`/flux.atom?…`); anything else is not linked.
  const feed = saved.feed.startsWith('/flux.atom') ? saved.feed : null;
  const withProgramme = feed && new URL(feed, location.origin).searchParams.has('programme');
  const message = h('p', { class: 'field-error', role: 'status' });
  const name = h('a', { href, class: 'saved-search-name', title: withProgramme ? 'Son programme n’est pas repris dans cette page ; son flux Atom le garde.' : null }, saved.name);
  // Its visit is recorded before it opens, so that what is new counts from now.
  name.addEventListener('click', async (event) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    try {
      await gql('mutation Visite($id: ID!) { visitSavedSearch(id: $id) { id newSinceLastVisit } }', { id: saved.id });
    } catch {
      /* the search opens all the same; its news stay counted from the last visit */
    }
    navigate(href, { replace: href === location.pathname + location.search });
  });
  const remove = h('button', { type: 'button', class: 'link-button' }, 'Supprimer');
  remove.setAttribute('aria-label', `Supprimer : ${saved.name}`);
  remove.addEventListener('click', async () => {
    remove.disabled = true;
    message.textContent = '';
    try {
      await gql('mutation Suppression($id: ID!) { deleteSavedSearch(id: $id) }', { id: saved.id });
    } catch (error) {
      remove.disabled = false;
      message.textContent = error.message;
      return;
    }
    await refreshSavedSearches();
    const region = document.getElementById('annonce-recherches');
    if (region) region.textContent = `« ${saved.name} » : supprimée.`;
    document.getElementById('saved-searches-title')?.focus();
  });
  const fresh = saved.newSinceLastVisit;
  return h('li', { class: 'saved-search', 'data-id': saved.id },
    name,
    fresh > 0 ? [' ', h('span', { class: 'badge saved-search-new', title: 'Fiches et leçons publiées ou modifiées depuis votre dernière visite' },
      plural(fresh, 'nouveauté', 'nouveautés'))] : null,
    h('span', { class: 'saved-search-actions' },
      feed ? h('a', { href: feed, type: 'application/atom+xml' }, 'Atom', h('span', { class: 'visually-hidden' }, ` : ${saved.name}`)) : null,
      remove),
    message);
}

/** Empties the form to save a search and what saving said. */
function closeSaveForm() {
  const box = document.getElementById('save-search-box');
  if (!box) return;
  box.replaceChildren();
  delete box.dataset.search;
  document.getElementById('save-search-status')?.replaceChildren();
  document.getElementById('save-search')?.setAttribute('aria-expanded', 'false');
}

/** « Enregistrer cette recherche »: a name (the search's words by default), then `saveSearch` with its
 *  words and filter as the address holds them when the form opens. */
function toggleSaveForm() {
  const box = document.getElementById('save-search-box');
  const button = document.getElementById('save-search');
  const status = document.getElementById('save-search-status');
  if (box.querySelector('form')) {
    closeSaveForm();
    return;
  }
  const state = readSearchState(new URL(location.href));
  const filter = savedFilter(state);
  if (!filter) return;
  status.replaceChildren();
  const input = h('input', { id: 'save-search-name', name: 'name', type: 'text', maxlength: '200', autocomplete: 'off', 'aria-describedby': 'save-search-aide save-search-erreur' });
  input.value = state.q || 'Ma recherche';
  const errors = h('div', { id: 'save-search-erreur' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Enregistrer');
  const cancel = h('button', { type: 'button', class: 'secondary' }, 'Annuler');
  cancel.addEventListener('click', () => {
    closeSaveForm();
    button.focus();
  });
  const form = h('form', { class: 'save-search-form', id: 'save-search-form', novalidate: true },
    h('label', { for: 'save-search-name' }, 'Nom de la recherche'),
    h('p', { class: 'hint', id: 'save-search-aide' }, 'Elle restera dans « Mes recherches enregistrées », avec ses nouveautés depuis votre dernière visite.'),
    h('div', { class: 'search-row' }, input, submit, cancel),
    errors);
  input.addEventListener('input', () => input.removeAttribute('aria-invalid'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    errors.replaceChildren();
    const name = input.value.trim();
    if (!name) {
      errors.replaceChildren(h('p', { class: 'field-error' }, 'Donnez un nom à cette recherche.'));
      input.setAttribute('aria-invalid', 'true');
      input.focus();
      return;
    }
    submit.disabled = true;
    try {
      await gql(SAVE_MUTATION, { input: { name, query: state.q || null, filter } });
    } catch (error) {
      submit.disabled = false;
      errors.replaceChildren(h('p', { class: 'notice notice-error', role: 'alert' }, `La recherche n’a pas été enregistrée : ${error.message}`));
      return;
    }
    box.replaceChildren();
    button.setAttribute('aria-expanded', 'false');
    status.replaceChildren(h('p', { class: 'notice notice-ok' }, 'Recherche enregistrée.'));
    button.focus();
    await refreshSavedSearches();
  });
  box.dataset.search = searchHref(state);
  box.replaceChildren(form);
  button.setAttribute('aria-expanded', 'true');
  input.focus();
  input.select();
}
