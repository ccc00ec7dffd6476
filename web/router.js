// retex — l'aiguillage de la page : l'adresse dit la vue (table `routes.json`, partagée avec le
// serveur, qui sert la page à chacune de ces adresses), les liens internes et le bouton « Retour »
// passent par l'API History, et `render` dessine la vue de l'adresse courante.

import routes from './routes.json' with { type: 'json' };
import { main, h, show, pageTitle } from './dom.js';

// ---------------------------------------------------------------------------------------------------
// Routing: the History API, with the addresses the server answers.

/** The routes of `routes.json`, each path as a pattern: a `{name}` segment matches one non-empty
 *  segment (no `/`), as in the server's router; any other segment matches itself. */
const ROUTES = routes.map((route) => {
  const names = [];
  const pattern = route.path.split('/').map((segment) => {
    const param = segment.match(/^\{(\w+)\}$/);
    if (!param) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    names.push(param[1]);
    return '([^/]+)';
  }).join('/');
  return { view: route.view, names, pattern: new RegExp(`^${pattern}$`) };
});

/** The route of a path: its view and its parameters (still URI-encoded), or null. */
function matchRoute(path) {
  for (const route of ROUTES) {
    const match = path.match(route.pattern);
    if (match) return { view: route.view, params: Object.fromEntries(route.names.map((name, i) => [name, match[i + 1]])) };
  }
  return null;
}

/** The address of a view, its `{name}` segments filled with `params` (URI-encoded):
 *  `pathTo('sheet', { slug })` → `/fiches/<slug>`. Every internal link is built here, from `routes.json`. */
export function pathTo(view, params = {}) {
  const route = routes.find((candidate) => candidate.view === view);
  if (!route) throw new Error(`no route for the view ${view}`);
  return route.path.replace(/\{(\w+)\}/g, (_, name) => encodeURIComponent(params[name] ?? ''));
}

function isPagePath(path) {
  return matchRoute(path) !== null;
}

/** The view a path shows (`contribute`, `signIn`…), or null for an address the page does not have. */
export function viewOf(path) {
  return matchRoute(path)?.view ?? null;
}

/** The sign-in page's address that comes back here once signed in (`/connexion?retour=…`); from the
 *  sign-in page itself, that page; from a one-time link's page, the sign-in page alone (the link's
 *  secret never goes into an address). */
export function signInPath() {
  const view = viewOf(location.pathname);
  if (view === 'signIn') return location.pathname + location.search;
  if (view === 'invitation') return pathTo('signIn');
  return `${pathTo('signIn')}?retour=${encodeURIComponent(location.pathname + location.search)}`;
}

/** The functions that draw each view, by the names `routes.json` gives them (set by `main.js`). */
let views = {};
export function setViews(table) {
  views = table;
}

/** Shows another address of the page. `keepFocus` leaves the focus on the control that asked for it
 *  (a facet, a filter), found again by its id once the view is drawn anew. */
export function navigate(href, { replace = false, keepFocus = false } = {}) {
  if (replace) history.replaceState(null, '', href);
  else history.pushState(null, '', href);
  return render({ moveFocus: !replace && !keepFocus });
}

document.addEventListener('click', (event) => {
  // Links of an SVG drawing (the map's points) too: their `href` and `target` are read as attributes.
  const link = event.target.closest('a[href]');
  if (!link || link.getAttribute('target') || link.hasAttribute('download')) return;
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const url = new URL(link.getAttribute('href'), location.href);
  if (url.origin !== location.origin || !isPagePath(url.pathname)) return;
  if (url.hash && url.pathname === location.pathname && url.search === location.search) return;
  event.preventDefault();
  navigate(url.pathname + url.search);
});
window.addEventListener('popstate', () => render({ moveFocus: false }));

let currentView = null;
let renderCount = 0;

export async function render({ moveFocus = false } = {}) {
  const url = new URL(location.href);
  const path = url.pathname;
  const ticket = ++renderCount;
  const focusedId = document.activeElement && document.activeElement !== document.body ? document.activeElement.id : '';
  const route = matchRoute(path);
  const view = route ? route.view : 'missing';
  // A short-lived notice (« Votre session est fermée ») goes with the page it was shown over; the
  // links to the sign-in page come back here.
  for (const notice of document.querySelectorAll('#banner .transient')) notice.remove();
  for (const link of document.querySelectorAll('a[data-sign-in]')) link.setAttribute('href', signInPath());
  for (const link of document.querySelectorAll('[data-nav]')) {
    const active = { search: ['search'], map: ['map'], prepare: ['prepare'], guide: ['guide'], recurrence: ['recurrence'], overview: ['overview'], contribute: ['contribute'], people: ['people'] }[link.dataset.nav];
    if (active.includes(view)) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  const stale = () => ticket !== renderCount;
  try {
    if (view === 'search') await views.search(url, { stale, reuse: currentView === 'search' });
    else {
      main.setAttribute('aria-busy', 'true');
      if (view === 'sheet') await views.sheet(decodeURIComponent(route.params.slug), stale);
      else if (view === 'lesson') await views.lesson(decodeURIComponent(route.params.slug), stale);
      else if (view === 'organisation') await views.organisation(decodeURIComponent(route.params.slug), stale);
      else if (view === 'territory') await views.territory(decodeURIComponent(route.params.slug), stale);
      else if (view === 'map') await views.map(url, stale);
      else if (view === 'prepare') await views.prepare(url, stale);
      else if (view === 'guide') await views.guide(url, stale);
      else if (view === 'recurrence') await views.recurrence(url, stale);
      else if (view === 'overview') await views.overview(stale);
      else if (view === 'contribute') await views.contribute(stale);
      else if (view === 'signIn') await views.signIn(url, stale);
      else if (view === 'invitation') await views.invitation(url, stale);
      else if (view === 'people') await views.people(stale);
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

function missingView() {
  pageTitle('Page introuvable');
  show(h('h1', { tabindex: '-1' }, 'Page introuvable'), h('p', {}, h('a', { href: '/' }, 'Revenir à la recherche')));
}
