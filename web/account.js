// retex — les comptes des personnes : la connexion (`/connexion`), l'invitation et le nouveau mot de
// passe (`/invitation#retex_…` : le secret du lien est dans le fragment de l'adresse, que le navigateur
// n'envoie pas ; la page le donne à `/auth/link` puis `/auth/accept`), la déconnexion, et l'espace du
// compte dans l'en-tête (« Se connecter », ou le nom de la personne et « Se déconnecter »). Les outils
// de formulaire (`inputField`, `showFieldErrors`…) servent aussi à la page des comptes.

import { h, show, main, pageTitle, formatDateTime } from './dom.js';
import { authPost, hasSession, label, onSessionChange, sessionChanged, viewer } from './api.js';
import { navigate, pathTo, signInPath, viewOf } from './router.js';

/** The least number of characters of a password (as the server counts them: code points). */
export const PASSWORD_MIN = 10;

// ---------------------------------------------------------------------------------------------------
// Forms: fields with their label, hint and error message; errors shown next to their fields.

/** A labelled input, its hint and its error message (`${id}-aide`, `${id}-erreur`) tied to it. */
export function inputField({ id, title, type = 'text', autocomplete = null, hint = '', required = true, value = null, readonly = false, describedBy = [] }) {
  const described = [hint ? `${id}-aide` : '', `${id}-erreur`, ...describedBy].filter(Boolean).join(' ');
  return h('div', { class: 'field', 'data-field': id },
    h('label', { for: id }, title, required && !readonly ? h('span', { class: 'required' }, ' (obligatoire)') : null),
    hint ? h('p', { class: 'hint', id: `${id}-aide` }, hint) : null,
    h('input', {
      id, name: id, type, autocomplete, value, readonly,
      spellcheck: type === 'text' ? null : 'false',
      'aria-describedby': described,
      'aria-required': required && !readonly ? 'true' : null,
    }),
    h('p', { class: 'field-error', id: `${id}-erreur` }));
}

/** Empties a form's error messages and its summary, and unmarks its fields. */
export function clearFieldErrors(form) {
  for (const el of form.querySelectorAll('.field-error')) el.textContent = '';
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  form.querySelector('.form-errors')?.replaceChildren();
}

/** Shows each message of `errors` (control id → text) next to its control, marks the control invalid
 *  and focuses the first one. Returns whether there was any. */
export function showFieldErrors(form, errors) {
  const ids = Object.keys(errors);
  for (const id of ids) {
    const control = form.querySelector(`#${id}`);
    control?.setAttribute('aria-invalid', 'true');
    const message = form.querySelector(`#${id}-erreur`);
    if (message) message.textContent = errors[id];
  }
  if (ids.length) form.querySelector(`#${ids[0]}`)?.focus();
  return ids.length > 0;
}

/** Shows a message about the whole form above its fields (`.form-errors`), focused. */
export function showFormError(form, text) {
  const box = form.querySelector('.form-errors');
  box.replaceChildren(h('p', { class: 'notice notice-error', tabindex: '-1' }, text));
  box.firstChild.focus();
}

/** The field errors of an API refusal (`extensions.problems`), by control id (`fields`: the API's
 *  field → the control's id); the problems of no field are returned apart. */
export function problemsByControl(error, fields) {
  const byControl = {};
  const others = [];
  for (const { field, problem } of error.problems) {
    const id = fields[field.replace(/^input\./, '')];
    if (id) byControl[id] = [byControl[id], problem].filter(Boolean).join(' ; ');
    else others.push(problem);
  }
  return { byControl, others };
}

/** A short-lived message in the banner under the header (gone at the next page drawn). */
export function bannerNotice(text) {
  document.getElementById('banner').replaceChildren(h('p', { class: 'notice notice-ok transient' }, text));
}

function clearBanner() {
  document.getElementById('banner').replaceChildren();
}

// ---------------------------------------------------------------------------------------------------
// The header: « Se connecter », or who is signed in and « Se déconnecter ».

export async function showAccount() {
  const box = document.getElementById('account');
  let who = null;
  try {
    who = await viewer();
  } catch {
    /* the page says what failed */
  }
  box.replaceChildren(...(who ? signedInParts(who) : [h('a', { href: signInPath(), 'data-sign-in': '', class: 'account-link' }, 'Se connecter')]));
}
onSessionChange(showAccount);

function signedInParts(who) {
  const out = h('button', { type: 'button', class: 'link-button account-link' }, 'Se déconnecter');
  out.addEventListener('click', () => signOut(out));
  return [
    h('span', { class: 'account-name' }, h('span', { class: 'badge' }, label('Role', who.role)), ' ', who.person?.name || who.name),
    who.mayInvite || who.mayAdminister
      ? h('a', { href: pathTo('people'), class: 'account-link', 'data-nav': 'people', 'aria-current': viewOf(location.pathname) === 'people' ? 'page' : null }, 'Comptes')
      : null,
    out,
  ].filter(Boolean);
}

async function signOut(button) {
  button.disabled = true;
  try {
    await authPost('/auth/sign-out');
  } catch (error) {
    button.disabled = false;
    document.getElementById('banner').replaceChildren(h('p', { class: 'notice notice-error transient' }, `La déconnexion a échoué : ${error.message}`));
    return;
  }
  await sessionChanged();
  await navigate(location.pathname + location.search, { replace: true });
  bannerNotice('Votre session est fermée : à bientôt.');
  document.querySelector('#account a')?.focus();
}

// ---------------------------------------------------------------------------------------------------
// Sign-in (`/connexion?retour=…`)

/** Where to go once signed in: the `retour` of the address when it is one of the page's own
 *  addresses on this origin (not the sign-in or link pages), as the browser reads it; else
 *  « Contribuer ». */
function returnPath(url) {
  const back = url.searchParams.get('retour');
  if (!back) return pathTo('contribute');
  let target;
  try {
    target = new URL(back, location.origin);
  } catch {
    return pathTo('contribute');
  }
  const view = target.origin === location.origin ? viewOf(target.pathname) : null;
  return view && view !== 'signIn' && view !== 'invitation' ? target.pathname + target.search : pathTo('contribute');
}

export async function signInView(url, stale) {
  pageTitle('Se connecter');
  const back = returnPath(url);
  let who = null;
  try {
    who = await viewer();
  } catch {
    /* the form is shown all the same */
  }
  if (stale()) return;
  const heading = h('h1', { tabindex: '-1' }, 'Se connecter');
  if (who) {
    show(heading, h('p', { class: 'notice' }, 'Une session est déjà ouverte dans ce navigateur : ', h('strong', {}, who.person?.name || who.name), '. ',
      h('a', { href: back }, 'Continuer')));
    return;
  }
  show(heading,
    h('p', { class: 'lead' }, 'Connectez-vous avec l’adresse e-mail et le mot de passe de votre compte pour écrire, relire ou administrer.'),
    signInForm(back),
    h('section', { class: 'block account-help' }, h('h2', {}, 'Pas encore de compte ?'),
      h('p', {}, 'Un compte se crée sur invitation : un administrateur, ou le relecteur de votre programme, vous envoie un lien. Mot de passe oublié : demandez un lien de réinitialisation à un administrateur.'),
      h('p', { class: 'hint' }, 'Les programmes (imports, scripts) n’utilisent pas cette page : ils envoient un jeton d’API à l’API GraphQL (en-tête « Authorization: Bearer … »).')));
}

function signInForm(back) {
  const form = h('form', { id: 'connexion-form', class: 'account-form', novalidate: true },
    h('div', { class: 'form-errors', id: 'connexion-erreur' }),
    inputField({ id: 'c-email', title: 'Adresse e-mail', type: 'email', autocomplete: 'username', describedBy: ['connexion-erreur'] }),
    inputField({ id: 'c-password', title: 'Mot de passe', type: 'password', autocomplete: 'current-password', describedBy: ['connexion-erreur'] }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Se connecter')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    const email = form.querySelector('#c-email').value.trim();
    const password = form.querySelector('#c-password').value;
    const missing = {};
    if (!email) missing['c-email'] = 'Indiquez votre adresse e-mail.';
    if (!password) missing['c-password'] = 'Indiquez votre mot de passe.';
    if (showFieldErrors(form, missing)) return;
    await submitSignIn(form, { email, password }, back);
  });
  return form;
}

async function submitSignIn(form, credentials, back) {
  const button = form.querySelector('button[type=submit]');
  button.disabled = true;
  try {
    await authPost('/auth/sign-in', credentials);
  } catch (error) {
    button.disabled = false;
    form.querySelector('.form-errors').replaceChildren(h('p', { class: 'notice notice-error' }, error.message));
    // The same message for a wrong address and a wrong password: both fields are marked.
    if (error.status === 401) for (const input of form.querySelectorAll('input')) input.setAttribute('aria-invalid', 'true');
    form.querySelector('#c-email').focus();
    return;
  }
  await signedIn(back);
}

/** A session just opened: the header says who, and the page goes on at `path`, the address of the
 *  sign-in or link page replaced (its secret leaves the address and the history). */
async function signedIn(path, welcome = '') {
  clearBanner();
  await sessionChanged();
  await navigate(path, { replace: true });
  if (welcome) bannerNotice(welcome);
  main.querySelector('h1')?.focus();
}

// ---------------------------------------------------------------------------------------------------
// One-time links (`/invitation#retex_…`): an invitation creates the account, a reset link sets a new
// password; either opens a session.

/** The link's secret, from the address's fragment. */
function linkSecret() {
  try {
    return decodeURIComponent(location.hash.slice(1)).trim();
  } catch {
    return location.hash.slice(1).trim();
  }
}

/** A message as a sentence: its first letter in capitals, a full stop at its end. */
function sentence(text) {
  const trimmed = text.trim();
  return `${trimmed.charAt(0).toUpperCase()}${trimmed.slice(1)}${/[.!?]$/.test(trimmed) ? '' : '.'}`;
}

function linkProblem(text) {
  show(h('h1', { tabindex: '-1' }, 'Ce lien ne peut pas servir'),
    h('p', { class: 'notice notice-error', id: 'lien-erreur' }, text),
    h('p', {}, 'Un lien d’invitation ou de réinitialisation sert une fois, pendant un temps limité. Demandez-en un nouveau à la personne qui vous l’a envoyé, ou ',
      h('a', { href: pathTo('signIn') }, 'connectez-vous'), ' si votre compte existe déjà.'));
}

export async function invitationView(url, stale) {
  pageTitle('Invitation');
  const secret = linkSecret();
  if (!secret) {
    linkProblem('Cette adresse ne porte pas de lien : il manque la partie qui suit « # ». Copiez le lien reçu en entier.');
    return;
  }
  let link;
  try {
    link = await authPost('/auth/link', { secret });
  } catch (error) {
    if (!stale()) linkProblem(sentence(error.problems.map((problem) => problem.problem).join(' ; ') || error.message));
    return;
  }
  if (stale()) return;
  const invitation = link.purpose === 'INVITATION';
  pageTitle(invitation ? 'Invitation' : 'Nouveau mot de passe');
  show(
    h('h1', { tabindex: '-1' }, invitation ? 'Créer votre compte' : 'Choisir un nouveau mot de passe'),
    h('p', { class: 'lead', id: 'lien-objet' }, invitation
      ? `Invitation pour ${link.email}, rôle ${link.roleLabel || label('Role', link.role)}.`
      : `Nouveau mot de passe pour ${link.email}.`),
    h('p', { class: 'hint' }, `Ce lien sert une fois, jusqu’au ${formatDateTime(link.expiresAt)}.`,
      invitation ? '' : ' Les autres sessions de ce compte prendront fin.',
      hasSession() ? ' La session ouverte dans ce navigateur sera remplacée.' : ''),
    acceptForm(secret, link),
  );
}

function acceptForm(secret, link) {
  const invitation = link.purpose === 'INVITATION';
  const form = h('form', { id: 'invitation-form', class: 'account-form', novalidate: true },
    h('div', { class: 'form-errors' }),
    inputField({ id: 'i-email', title: 'Adresse e-mail (pour vous connecter)', type: 'email', autocomplete: 'username', value: link.email, readonly: true }),
    invitation ? inputField({ id: 'i-name', title: 'Votre nom', autocomplete: 'name', value: link.name || '', hint: 'Il signe vos contributions.' }) : null,
    inputField({ id: 'i-password', title: 'Mot de passe', type: 'password', autocomplete: 'new-password',
      hint: `${PASSWORD_MIN} caractères au moins ; une phrase de quelques mots se retient facilement.` }),
    inputField({ id: 'i-confirm', title: 'Confirmation du mot de passe', type: 'password', autocomplete: 'new-password' }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, invitation ? 'Créer mon compte' : 'Enregistrer le mot de passe')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    const values = {
      name: form.querySelector('#i-name')?.value.trim() ?? null,
      password: form.querySelector('#i-password').value,
      confirm: form.querySelector('#i-confirm').value,
    };
    if (showFieldErrors(form, passwordProblems(values, invitation))) return;
    await submitAccept(form, { secret, name: invitation ? values.name : null, password: values.password }, invitation);
  });
  return form;
}

/** What is wrong with the form before it is sent: a name (for an invitation), a long enough
 *  password, the same one twice. */
function passwordProblems({ name, password, confirm }, invitation) {
  const problems = {};
  const length = [...password].length;
  if (invitation && !name) problems['i-name'] = 'Indiquez votre nom : il signe vos contributions.';
  if (length < PASSWORD_MIN) problems['i-password'] = length ? `Ce mot de passe fait ${length} caractère${length > 1 ? 's' : ''} : il en faut ${PASSWORD_MIN} au moins.` : 'Choisissez un mot de passe.';
  else if (password !== confirm) problems['i-confirm'] = 'Les deux mots de passe ne sont pas les mêmes : tapez-le à nouveau.';
  return problems;
}

async function submitAccept(form, body, invitation) {
  const button = form.querySelector('button[type=submit]');
  button.disabled = true;
  let signed;
  try {
    signed = await authPost('/auth/accept', body);
  } catch (error) {
    button.disabled = false;
    const { byControl, others } = problemsByControl(error, { password: 'i-password', name: 'i-name' });
    if (!showFieldErrors(form, byControl) || others.length) showFormError(form, sentence(others.length ? others.join(' ; ') : error.message));
    return;
  }
  const welcome = invitation ? `Votre compte est créé : bienvenue, ${signed.person.name}.` : 'Votre nouveau mot de passe est enregistré.';
  await signedIn(pathTo('contribute'), welcome);
}
