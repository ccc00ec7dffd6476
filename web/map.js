// retex — la carte des projets (`/carte`) : les territoires des fiches-projet qui répondent à une
// recherche, en points sur une carte de France dessinée ici, en SVG, sans tuiles ni service extérieur
// (le fond, `france-regions.json`, est servi par retex : les régions métropolitaines et, en encarts,
// les cinq régions d'outre-mer). La carte lit la même adresse que la recherche (`/carte?theme=…`) et
// offre les mêmes filtres ; sous elle, un tableau dit la même chose, pour les lecteurs d'écran et les
// petits écrans. La petite carte d'un territoire (`territoryMap`) vient d'ici aussi.

import geometry from './france-regions.json' with { type: 'json' };
import { h, s, numberFormat, plural, scrollTable, show, pageTitle } from './dom.js';
import { gql, label } from './api.js';
import { pathTo } from './router.js';
import { DIMENSIONS, filterControls, filterLabel, openFacets, readSearchState, searchFilter, searchHref } from './search.js';

// ---------------------------------------------------------------------------------------------------
// Drawing: the regions, projected once by `web/tools/france-regions.mjs`, and points placed with the
// same projection, frame by frame (metropolitan France, then each overseas inset at its own scale).

/** The frame a point lies in (metropolitan France, or an overseas region's inset), or null when it
 *  lies in none (then it is listed, not drawn). */
export function frameOf(latitude, longitude) {
  return geometry.frames.find(({ bbox: [west, south, east, north] }) =>
    longitude >= west && longitude <= east && latitude >= south && latitude <= north) || null;
}

/** Where a point goes in the drawing (SVG units): the equirectangular projection of its frame, the
 *  one the regions were drawn with. */
export function project(frame, latitude, longitude) {
  return [frame.x0 + (longitude - frame.west) * frame.kx, frame.y0 + (frame.north - latitude) * frame.ky];
}

/** The drawing's box around some frames, as a `viewBox`. */
function viewBoxOf(frames) {
  const margin = 4;
  const left = Math.min(...frames.map((frame) => frame.box[0])) - margin;
  const top = Math.min(...frames.map((frame) => frame.box[1])) - margin;
  const right = Math.max(...frames.map((frame) => frame.box[0] + frame.box[2])) + margin;
  const bottom = Math.max(...frames.map((frame) => frame.box[1] + frame.box[3])) + margin;
  return [left, top, right - left, bottom - top].map((value) => Math.round(value)).join(' ');
}

/** An overseas inset's frame and, if `named`, its name (metropolitan France has neither). */
function insetFrame(frame, named) {
  if (!frame.region) return null;
  const [x, y, width, height] = frame.box;
  return s('g', { class: 'map-inset' },
    s('rect', { x, y, width, height, rx: 4 }),
    named ? s('text', { x: x + 6, y: y + 16, class: 'map-inset-label' }, label('Region', frame.region)) : null);
}

/** One point: a disc (its number written inside when there is room), its name in a tooltip, and a
 *  link when it has an address. */
function pointMark({ x, y, radius, count, name, href, region }) {
  const body = [
    s('title', {}, name),
    s('circle', { cx: round(x), cy: round(y), r: round(radius), class: 'map-point-dot' }),
    count > 1 && radius >= 10
      ? s('text', { x: round(x), y: round(y), class: 'map-point-count', 'text-anchor': 'middle', 'dominant-baseline': 'central', 'aria-hidden': 'true' }, numberFormat.format(count))
      : null,
  ];
  const attributes = { class: 'map-point', 'data-region': region };
  return href ? s('a', { href, 'aria-label': name, ...attributes }, body) : s('g', attributes, body);
}

function round(value) {
  return Math.round(value * 10) / 10;
}

/**
 * An SVG map of `frames` (all of them by default: metropolitan France and the five overseas insets):
 * the regions (those of `highlighted`, a set of `Region` codes, tinted), then `points`, each
 * `{ latitude, longitude, radius, count, name, href, region }`, the largest first so that a small one is never
 * hidden under a large one. A point in none of the frames is left out (the caller lists it). With
 * links, the map is a group named `title` whose points are links; without, an image named `title`.
 * It scales to the width it is given (`viewBox`), its aspect kept.
 */
export function franceMap({ title, frames = geometry.frames, points = [], highlighted = new Set(), className = '' }) {
  // The insets are named when several frames are drawn (a single one is named by its page).
  const named = frames.length > 1;
  const ids = new Set(frames.map((frame) => frame.id));
  const regions = geometry.regions.filter((region) => ids.has(region.frame)).map((region) =>
    s('path', { d: region.d, class: highlighted.has(region.code) ? 'map-region map-region-active' : 'map-region', 'data-region': region.code }));
  const placed = points
    .map((point) => ({ point, frame: frameOf(point.latitude, point.longitude) }))
    .filter(({ frame }) => frame && ids.has(frame.id))
    .sort((a, b) => b.point.radius - a.point.radius)
    .map(({ point, frame }) => {
      const [x, y] = project(frame, point.latitude, point.longitude);
      return pointMark({ ...point, x, y });
    });
  const interactive = points.some((point) => point.href);
  return s('svg', {
    viewBox: viewBoxOf(frames), class: `france-map ${className}`.trim(), role: interactive ? 'group' : 'img', 'aria-label': title,
    preserveAspectRatio: 'xMidYMid meet',
  },
  s('g', { class: 'map-regions', 'aria-hidden': 'true' }, regions),
  s('g', { class: 'map-insets', 'aria-hidden': 'true' }, frames.map((frame) => insetFrame(frame, named))),
  s('g', { class: 'map-points' }, placed));
}

/** The small map of one place: the frame it lies in (metropolitan France or its overseas inset), its
 *  region tinted, its point; null when it has no centroid or one outside every frame. */
export function territoryMap({ name, region, centroid }) {
  if (!centroid) return null;
  const frame = frameOf(centroid.latitude, centroid.longitude);
  if (!frame) return null;
  const radius = Math.max(frame.box[2], frame.box[3]) / 45;
  return franceMap({
    title: `${name} sur la carte${region ? ` (${label('Region', region)})` : ''}`,
    frames: [frame],
    points: [{ latitude: centroid.latitude, longitude: centroid.longitude, radius, count: 1, name, region }],
    highlighted: new Set(region ? [region] : []),
    className: 'france-map-small',
  });
}

// ---------------------------------------------------------------------------------------------------
// The map of projects: the sheets a search finds, counted by territory.

/** The facets the map offers, those that narrow project sheets; the search's others (type, lesson
 *  category, polarity) stay in its address, unapplied. */
const MAP_DIMENSIONS = DIMENSIONS.filter((dim) => dim.sheets);
/** The most pages of 100 sheets the map reads. */
const MAX_PAGES = 20;
const PAGE_SIZE = 100;

const MAP_QUERY = `query Carte($query: String, $filter: SearchFilter, $facets: [SearchDimension!], $after: String, $literal: Boolean) {
  search(query: $query, filter: $filter, facets: $facets, first: ${PAGE_SIZE}, after: $after, literal: $literal) {
    totalCount
    pageInfo { hasNextPage endCursor }
    facets { dimension values { value label count } }
    hits { node { ... on ProjectSheet { id territories { id slug name region centroid { latitude longitude } } } } }
  }
}`;

/** The published sheets a search's words and filters find (up to MAX_PAGES pages), with the facets of
 *  the map's dimensions; null once stale. */
async function matchingSheets(state, filter, stale) {
  const sheets = [];
  let facets = [];
  let total = 0;
  let after = null;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const data = await gql(MAP_QUERY, {
      query: state.q || null, filter, after, literal: state.literal,
      facets: page === 0 ? MAP_DIMENSIONS.map((dim) => dim.dimension) : [],
    });
    if (stale()) return null;
    const result = data.search;
    if (page === 0) [facets, total] = [result.facets, result.totalCount];
    sheets.push(...result.hits.map((hit) => hit.node));
    if (!result.pageInfo.hasNextPage) return { sheets, facets, total, truncated: false };
    after = result.pageInfo.endCursor;
  }
  return { sheets, facets, total, truncated: true };
}

/** The territories of some sheets, each with the number of them it holds: most first, then by name. */
function territoriesOf(sheets) {
  const byId = new Map();
  for (const sheet of sheets) {
    for (const territory of sheet.territories || []) {
      const entry = byId.get(territory.id) || { territory, count: 0 };
      entry.count += 1;
      byId.set(territory.id, entry);
    }
  }
  return [...byId.values()].sort((a, b) => b.count - a.count || a.territory.name.localeCompare(b.territory.name, 'fr'));
}

/** A point's size (SVG units) for its number of sheets: its area grows with it. */
function radiusFor(count) {
  return Math.min(26, 6 + 3.5 * Math.sqrt(count));
}

function pointName(territory, count) {
  return `${territory.name} : ${plural(count, 'fiche-projet', 'fiches-projet')}`;
}

function onMap(territory) {
  return Boolean(territory.centroid && frameOf(territory.centroid.latitude, territory.centroid.longitude));
}

/** The map's table: each territory, its region and its number of sheets (the map's points, in words). */
function territoryTable(entries) {
  return scrollTable('Territoires des fiches-projet', h('table', { class: 'map-table' },
    h('caption', {}, 'Territoires des fiches-projet trouvées, par nombre de fiches'),
    h('thead', {}, h('tr', {}, ['Territoire', 'Région', 'Fiches-projet'].map((title) => h('th', { scope: 'col' }, title)))),
    h('tbody', {}, entries.map(({ territory, count }) => h('tr', {},
      h('th', { scope: 'row' }, h('a', { href: pathTo('territory', { slug: territory.slug }) }, territory.name),
        onMap(territory) ? null : h('span', { class: 'hint' }, ' (pas sur la carte : sans coordonnées)')),
      h('td', {}, territory.region ? label('Region', territory.region) : '—'),
      h('td', { class: 'number' }, numberFormat.format(count)))))));
}

/** The search's filters the map does not apply (they are about lessons or kinds of record), said. */
function unappliedFilters(state) {
  const left = DIMENSIONS.filter((dim) => !dim.sheets).flatMap((dim) => (state.filters[dim.param] || []).map((value) => `${dim.title} : ${filterLabel(dim, value)}`));
  return left.length
    ? h('p', { class: 'hint map-unapplied' }, `La carte ne montre que des fiches-projet : ces filtres de la recherche ne s’y appliquent pas (ils restent dans l’adresse) : ${left.join(', ')}.`)
    : null;
}

function countLine(state, total, entries) {
  const drawn = entries.filter((entry) => onMap(entry.territory)).length;
  const words = state.q ? ` pour « ${state.q} »` : '';
  if (!total) return `Aucune fiche-projet${words}`;
  return `${plural(total, 'fiche-projet', 'fiches-projet')}${words}, dans ${plural(entries.length, 'territoire', 'territoires')}${drawn < entries.length ? ` (${numberFormat.format(drawn)} sur la carte)` : ''}`;
}

function emptyMap(state) {
  return h('div', { class: 'empty' },
    h('p', { class: 'empty-title' }, 'Aucune fiche-projet pour cette recherche — essayez :'),
    h('ul', {}, h('li', {}, h('a', { href: pathTo('map') }, 'la carte de toutes les fiches-projet')),
      state.q ? h('li', {}, h('a', { href: searchHref({ ...state, q: '' }, 'map') }, `retirer les mots « ${state.q} »`)) : null));
}

export async function mapView(url, stale) {
  const state = readSearchState(url);
  const filter = { ...searchFilter(state, MAP_DIMENSIONS), kinds: ['SHEET'] };
  const found = await matchingSheets(state, filter, stale);
  if (!found) return;
  const facets = await openFacets(state, filter, found.facets, MAP_DIMENSIONS);
  if (stale()) return;
  pageTitle(state.q ? `Carte des projets « ${state.q} »` : 'Carte des projets');
  const entries = territoriesOf(found.sheets);
  const controls = filterControls(state, facets, { dimensions: MAP_DIMENSIONS, view: 'map' });
  const points = entries.filter((entry) => onMap(entry.territory)).map(({ territory, count }) => ({
    latitude: territory.centroid.latitude, longitude: territory.centroid.longitude, radius: radiusFor(count), count,
    name: pointName(territory, count), href: pathTo('territory', { slug: territory.slug }), region: territory.region,
  }));
  const regions = new Set(entries.map((entry) => entry.territory.region).filter(Boolean));
  const facetsBox = h('details', { class: 'facets-box', open: !window.matchMedia('(max-width: 48rem)').matches },
    h('summary', { id: 'facets-title' }, 'Affiner'), h('div', { id: 'active-filters' }, controls.active), h('div', { id: 'facet-groups' }, controls.groups));
  show(
    h('h1', { tabindex: '-1' }, 'Carte des projets'),
    h('p', { class: 'lead' }, 'Les territoires des fiches-projet publiées : chaque point en est un, d’autant plus grand qu’il en compte. Les filtres sont ceux de la recherche.'),
    h('div', { class: 'search-layout' },
      h('div', { class: 'search-side' }, h('aside', { class: 'facets', 'aria-labelledby': 'facets-title' }, facetsBox)),
      h('section', { class: 'results map-results', 'aria-labelledby': 'count' },
        h('p', { id: 'count', class: 'count', 'aria-live': 'polite', 'aria-atomic': 'true' }, countLine(state, found.total, entries)),
        h('p', { class: 'map-link' }, h('a', { id: 'list-link', href: searchHref(state) }, 'Voir la liste'),
          h('span', { class: 'hint' }, ' — les résultats de cette recherche, dans la page « Rechercher »')),
        state.q ? h('p', { class: 'hint' }, `Fiches-projet qui répondent aux mots « ${state.q} ». `, h('a', { href: searchHref({ ...state, q: '' }, 'map') }, 'Retirer les mots')) : null,
        unappliedFilters(state),
        found.truncated ? h('p', { class: 'notice' }, `La carte montre les ${numberFormat.format(MAX_PAGES * PAGE_SIZE)} premières fiches-projet de cette recherche.`) : null,
        found.total ? null : emptyMap(state),
        h('figure', { class: 'map-figure', id: 'carte' },
          franceMap({ title: `Carte des territoires des fiches-projet : ${plural(points.length, 'point', 'points')}`, points, highlighted: regions }),
          h('figcaption', {}, 'Les régions d’outre-mer sont en encarts, chacune à sa propre échelle ; les régions teintées ont au moins un territoire trouvé. Chaque point mène à la page de son territoire. Fond de carte : Natural Earth (domaine public).')),
        entries.length ? h('section', { class: 'block', 'aria-labelledby': 'map-list-title' },
          h('h2', { id: 'map-list-title' }, 'Les mêmes territoires, en liste'),
          territoryTable(entries)) : null)),
  );
}
