// retex — l'accès au serveur : `gql` (POST /graphql), `gqlUpload` (des fichiers, en multipart) et
// `authPost` (POST /auth/…), avec la session de la personne connectée (ses cookies, du même site) et
// son jeton anti-CSRF, lu dans le cookie `retex_csrf` et renvoyé dans l'en-tête `X-CSRF-Token` de
// chaque POST ; le bandeau qui dit que la session a pris fin ; les libellés des vocabulaires et
// l'identité du lecteur (`viewer`).

import { h, formatDateTime } from './dom.js';
import { signInPath } from './router.js';

/** The cookie the server sets beside the session's (which scripts cannot read): its CSRF token. */
const CSRF_COOKIE = 'retex_csrf';

class ApiError extends Error {
  constructor(errors, status) {
    const french = errors.map((error) => ({
      ...error,
      message: frenchMessage(error.message || ''),
      extensions: error.extensions?.problems
        ? { ...error.extensions, problems: error.extensions.problems.map((p) => ({ ...p, problem: frenchMessage(p.problem) })) }
        : error.extensions,
    }));
    super(french.map((error) => error.message).join(' ; '));
    this.errors = french;
    this.status = status;
  }
  get code() {
    return this.errors[0]?.extensions?.code;
  }
  get problems() {
    return this.errors.flatMap((error) => error.extensions?.problems || []);
  }
}

// ---------------------------------------------------------------------------------------------------
// The server's messages about accounts, in French when it gave them in English (a server whose
// catalogue lacks them); a message already in French matches none of these and is shown as it came.

const utc = (day, time) => formatDateTime(`${day}T${time}:00Z`);
const MESSAGES_FR = [
  [/the e-mail address or the password is wrong/g, () => 'L’adresse e-mail ou le mot de passe est incorrect.'],
  [/too many failed sign-ins for this account: try again in (\d+) min, or ask an administrator for a reset link/g,
    (_, minutes) => `Trop de connexions manquées pour ce compte : réessayez dans ${minutes} min, ou demandez un lien de réinitialisation à un administrateur.`],
  [/this account is disabled; ask an administrator/g, () => 'Ce compte est désactivé : adressez-vous à un administrateur.'],
  [/too many sign-in attempts from this address \(limit: sign-in, \d+ per minute\); retry in (\d+) s/g,
    (_, seconds) => `Trop de tentatives de connexion depuis cette adresse : réessayez dans ${seconds} s.`],
  [/this link is unknown: check that it was copied whole, or ask for a new one/g,
    () => 'Ce lien est inconnu : vérifiez qu’il a été copié en entier, ou demandez-en un nouveau.'],
  [/this link was already used on (\d{4}-\d\d-\d\d) (\d\d:\d\d) UTC: a link works once; ask for a new one/g,
    (_, day, time) => `Ce lien a déjà servi, le ${utc(day, time)} : un lien ne sert qu’une fois ; demandez-en un nouveau.`],
  [/this link was already used: a link works once; ask for a new one/g,
    () => 'Ce lien a déjà servi : un lien ne sert qu’une fois ; demandez-en un nouveau.'],
  [/this link expired on (\d{4}-\d\d-\d\d) (\d\d:\d\d) UTC; ask the person who sent it for a new one/g,
    (_, day, time) => `Ce lien a expiré le ${utc(day, time)} : demandez-en un nouveau à la personne qui vous l’a envoyé.`],
  [/is too short: (\d+) characters?, at least (\d+) \(a sentence of a few words is easy to remember\)/g,
    (_, chars, least) => `est trop court : ${chars} caractères, ${least} au moins (une phrase de quelques mots se retient facilement)`],
  [/is empty: choose a password/g, () => 'est vide : choisissez un mot de passe'],
  [/is empty: give your name, shown as the author of your changes/g, () => 'est vide : indiquez votre nom, qui signera vos contributions'],
  [/is empty: give an e-mail address/g, () => 'est vide : indiquez une adresse e-mail'],
  [/`([^`]*)` is not an e-mail address \(name@domain\.fr\)/g, (_, address) => `« ${address} » n’est pas une adresse e-mail (nom@domaine.fr)`],
  [/a CONTRIBUTOR token needs the organisation it writes for/g, () => 'un contributeur écrit pour une organisation : choisissez-la'],
  [/a REVIEWER token needs the programme it reviews/g, () => 'un relecteur relit un programme : choisissez-le'],
  [/an account already signs in with (\S+): issue it a password reset link instead/g,
    (_, address) => `un compte se connecte déjà avec ${address} : donnez-lui plutôt un lien de réinitialisation`],
  [/a reviewer invites reviewers of its own programme \(or of its sub-programmes\) only/g,
    () => 'un relecteur n’invite que des relecteurs de son programme (ou de ses sous-programmes)'],
  [/a reviewer invites reviewers of its programme; inviting a \w+ is an administrator's decision/g,
    () => 'un relecteur invite des relecteurs de son programme ; inviter une personne d’un autre rôle revient à un administrateur'],
  [/this is the caller's own account; another administrator disables it/g, () => 'c’est votre propre compte : un autre administrateur peut le désactiver'],
  [/this account is disabled: invite the person again instead/g, () => 'ce compte est désactivé : invitez plutôt la personne à nouveau'],
  [/this request comes with a session cookie but without its CSRF token \(X-CSRF-Token header\): reload the page/g,
    () => 'cette demande porte le cookie de session sans son jeton anti-CSRF (en-tête X-CSRF-Token) : rechargez la page'],
];
export function frenchMessage(text) {
  return MESSAGES_FR.reduce((message, [pattern, french]) => message.replace(pattern, french), String(text));
}

// ---------------------------------------------------------------------------------------------------
// The session: its cookies are sent with every request (same origin); its CSRF token goes with POSTs.

/** The session's CSRF token (the `retex_csrf` cookie), or '' when no session is open here. */
export function csrfToken() {
  for (const pair of document.cookie.split(';')) {
    const [name, ...value] = pair.trim().split('=');
    if (name === CSRF_COOKIE) return decodeURIComponent(value.join('=')).replace(/^"|"$/g, '');
  }
  return '';
}
/** The CSRF token of a session found ended, whose cookies could not be cleared: not a session. */
let endedCsrf = '';
/** Whether this browser holds a session (the server may still have ended it: `viewer` says). */
export function hasSession() {
  const csrf = csrfToken();
  return csrf !== '' && csrf !== endedCsrf;
}

/** POSTs a JSON body to the server, with the CSRF token when a session is open; answers the status
 *  and the JSON body (`null` for an empty one), or throws when the server cannot be reached. */
function post(path, payload) {
  return send(path, JSON.stringify(payload), { 'content-type': 'application/json' });
}

/** POSTs `body` (JSON text, or a `FormData` whose type the browser writes) as `post` says. */
async function send(path, body, headers = {}) {
  const csrf = csrfToken();
  const all = { ...headers, accept: 'application/json' };
  if (csrf) all['x-csrf-token'] = csrf;
  let response;
  try {
    response = await fetch(path, { method: 'POST', headers: all, credentials: 'same-origin', body });
  } catch {
    throw new ApiError([{ message: 'Le serveur ne répond pas : vérifiez votre connexion.' }], 0);
  }
  if (response.status === 204) return { status: 204, body: null, withSession: Boolean(csrf) };
  try {
    return { status: response.status, body: await response.json(), withSession: Boolean(csrf) };
  } catch {
    throw new ApiError([{ message: `Réponse illisible du serveur (HTTP ${response.status}).` }], response.status);
  }
}

export async function gql(query, variables = {}) {
  return graphqlData(await post('/graphql', { query, variables }));
}

/**
 * A GraphQL operation that uploads files (the GraphQL multipart request: an `operations` part, a `map`
 * part, then one part per file), as `importDataset` takes them: `files` become the `$files` variable.
 */
export async function gqlUpload(query, variables, files) {
  const form = new FormData();
  form.append('operations', JSON.stringify({ query, variables: { ...variables, files: files.map(() => null) } }));
  form.append('map', JSON.stringify(Object.fromEntries(files.map((_, i) => [String(i), [`variables.files.${i}`]]))));
  files.forEach((file, i) => form.append(String(i), file, file.name));
  return graphqlData(await send('/graphql', form));
}

/** The `data` of a GraphQL answer, or its errors as an `ApiError` (the session checked on a refusal). */
function graphqlData({ status, body, withSession }) {
  if (body?.errors?.length) {
    const error = new ApiError(body.errors, status);
    if (withSession && (status === 401 || status === 403 || ['UNAUTHENTICATED', 'FORBIDDEN'].includes(error.code))) checkSession();
    throw error;
  }
  return body.data;
}

/** POSTs to `/auth/…` (sign-in, sign-out, one-time links): the answer's body, or an `ApiError`. */
export async function authPost(path, payload = {}) {
  const { status, body } = await post(path, payload);
  if (status >= 400) throw new ApiError(body?.errors?.length ? body.errors : [{ message: `Le serveur a refusé la demande (HTTP ${status}).` }], status);
  return body;
}

/** Those told when the session opens or ends (the header's account area). */
const sessionListeners = [];
export function onSessionChange(listener) {
  sessionListeners.push(listener);
}
/** The session just opened or ended here: who the viewer is is asked again (by the listeners,
 *  whose work the promise awaits). */
export function sessionChanged() {
  viewerPromise = null;
  return Promise.all(sessionListeners.map((listener) => listener()));
}

/** After a refusal: if the session this browser holds has ended on the server (expired, signed out
 *  elsewhere, password reset, account disabled), says so. */
async function checkSession() {
  viewerPromise = null;
  try {
    const data = await post('/graphql', { query: '{ viewer { authenticated } }' });
    if (data.body?.data?.viewer?.authenticated) return;
  } catch {
    return;
  }
  sessionEnded();
}

/** The session has ended on the server: its cookies are cleared, and a banner says to sign in again. */
async function sessionEnded() {
  if (!hasSession()) return;
  endedCsrf = csrfToken();
  try {
    await post('/auth/sign-out', {});
  } catch {
    /* the cookies stay; the server reads them as no session */
  }
  document.getElementById('banner').replaceChildren(h('p', { class: 'notice notice-error session-ended' },
    'Votre session a pris fin : reconnectez-vous. ', h('a', { href: signInPath(), 'data-sign-in': '' }, 'Se connecter')));
  await sessionChanged();
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
const VIEWER = `{ viewer { authenticated role name mayCreate mayAdminister mayInvite
  person { email name role } organisation { id name } programme { id name } } }`;

/** Who is reading: `null` without a session; the viewer of the session otherwise (asked once). A
 *  session the server no longer knows reads as anonymous: the banner says it has ended. */
export function viewer() {
  if (!hasSession()) return Promise.resolve(null);
  viewerPromise ??= gql(VIEWER).then((data) => {
    if (!data.viewer.authenticated) {
      sessionEnded();
      return null;
    }
    return data.viewer;
  }, (error) => {
    viewerPromise = null;
    throw error;
  });
  return viewerPromise;
}
