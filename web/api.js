// retex — l'accès à l'API GraphQL publique (POST /graphql) : `gql`, le jeton d'accès gardé dans ce
// navigateur, le bandeau qui dit qu'il est refusé, les libellés des vocabulaires et l'identité du
// lecteur.

import { h } from './dom.js';
import { render } from './router.js';

const TOKEN_KEY = 'retex.jeton';

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

export function getToken() {
  try {
    return localStorage.getItem(TOKEN_KEY) || '';
  } catch {
    return '';
  }
}
export function setToken(token) {
  try {
    if (token) localStorage.setItem(TOKEN_KEY, token);
    else localStorage.removeItem(TOKEN_KEY);
  } catch {
    /* navigation privée : le jeton reste pour cette page seulement */
  }
  viewerPromise = null;
}

export async function gql(query, variables = {}) {
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
export async function loadVocabularies() {
  const data = await gql('{ vocabularies { name values { code label } } }');
  vocabularies = Object.fromEntries(data.vocabularies.map((list) => [list.name, list.values]));
}
export function label(vocabulary, code) {
  return vocabularies[vocabulary]?.find((value) => value.code === code)?.label ?? code;
}
export function values(vocabulary) {
  return vocabularies[vocabulary] || [];
}
/** The dimensions (of `search` facets and `stats`) whose values have an order of their own: their
 *  vocabulary, or `null` for years. */
const ORDINAL = { PHASE: 'Phase', STATUS: 'SheetStatus', EVIDENCE_LEVEL: 'EvidenceLevel', YEAR: null };

/**
 * `items` (a copy) in the order of their dimension's values when it has one — phases in the order of
 * the démarche, as `vocabularies` gives them; years ascending —, whatever order they came in (counts
 * come largest first); items of any other dimension keep theirs. `codeOf` reads an item's value; one
 * the vocabulary does not know goes last.
 */
export function inDimensionOrder(dimension, items, codeOf = (item) => item) {
  if (!(dimension in ORDINAL)) return [...items];
  const vocabulary = ORDINAL[dimension];
  const codes = vocabulary ? values(vocabulary).map((value) => value.code) : null;
  const rank = (item) => {
    const code = String(codeOf(item));
    const at = codes ? codes.indexOf(code) : Number.parseInt(code, 10);
    return at >= 0 ? at : Number.MAX_SAFE_INTEGER;
  };
  return [...items].sort((a, b) => rank(a) - rank(b));
}

let viewerPromise = null;
export function viewer() {
  if (!getToken()) return Promise.resolve(null);
  viewerPromise ??= gql(
    '{ viewer { authenticated role name mayCreate organisation { id name } programme { id name } } }',
  ).then((data) => data.viewer, (error) => { viewerPromise = null; throw error; });
  return viewerPromise;
}

export async function showViewer() {
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
