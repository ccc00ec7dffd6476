// retex — les comptes (`/comptes`) : inviter une personne (les administrateurs, avec tout rôle ; un
// relecteur, des relecteurs de son programme) et lui transmettre le lien à usage unique obtenu ; pour
// les administrateurs, la liste des comptes (rôle, périmètre, dernière connexion, état), avec pour
// chacun un lien de réinitialisation du mot de passe et sa désactivation (après confirmation).

import { h, show, pageTitle, formatDateTime, scrollTable } from './dom.js';
import { gql, label, values, viewer } from './api.js';
import { signInPath } from './router.js';
import { inputField, clearFieldErrors, showFieldErrors, showFormError, problemsByControl } from './account.js';

/** What each role lets a person do, under the role's choice. */
const ROLE_HINTS = {
  READER: 'Lit ce qui est publié et enregistre ses recherches ; n’écrit rien.',
  CONTRIBUTOR: 'Écrit des brouillons pour son organisation et les soumet à la relecture.',
  REVIEWER: 'Relit les contributions de son programme : les publie ou les renvoie à leur auteur ; invite d’autres relecteurs.',
  ADMIN: 'Peut tout faire, comptes compris.',
};

const PEOPLE = `{ people { id email name role organisation { name slug } programme { name slug }
  createdAt lastSignedInAt lockedUntil disabledAt } }`;

export async function peopleView(stale) {
  pageTitle('Comptes');
  const heading = h('h1', { tabindex: '-1' }, 'Comptes');
  let who = null;
  try {
    who = await viewer();
  } catch (error) {
    if (!stale()) show(heading, h('p', { class: 'notice notice-error' }, error.message));
    return;
  }
  if (stale()) return;
  if (!who) {
    show(heading, h('p', { class: 'notice' }, 'Connectez-vous pour inviter des personnes ou gérer les comptes. ',
      h('a', { href: signInPath(), 'data-sign-in': '' }, 'Se connecter')));
    return;
  }
  if (!who.mayInvite && !who.mayAdminister) {
    show(heading, h('p', { class: 'notice' }, 'Inviter des personnes revient aux administrateurs, et aux relecteurs pour leur programme ; gérer les comptes, aux administrateurs.'));
    return;
  }
  const scopes = await loadScopes(who);
  if (stale()) return;
  show(heading,
    h('p', { class: 'lead' }, 'Un compte s’ouvre sur invitation : un lien à usage unique, valable 7 jours, avec lequel la personne choisit son mot de passe.'),
    who.mayInvite ? inviteSection(who, scopes) : null,
    who.mayAdminister ? peopleSection() : null);
  if (who.mayAdminister) await refreshPeople(who);
}

/** The organisations and programmes an invitation may name: all of them for an administrator; a
 *  reviewer's own programme for a reviewer. */
async function loadScopes(who) {
  if (!who.mayAdminister) return { organisations: [], programmes: who.programme ? [who.programme] : [] };
  const data = await gql(`{ organisations(first: 100, sort: {field: TITLE, direction: ASC}) { nodes { id name kind } }
    programmes(first: 100, sort: {field: TITLE, direction: ASC}) { nodes { id name } } }`);
  return { organisations: data.organisations.nodes, programmes: data.programmes.nodes };
}

// ---------------------------------------------------------------------------------------------------
// « Inviter une personne »

function selectField(id, title, options, hint) {
  return h('div', { class: 'field', 'data-field': id },
    h('label', { for: id }, title, h('span', { class: 'required' }, ' (obligatoire)')),
    h('p', { class: 'hint', id: `${id}-aide` }, hint),
    h('select', { id, name: id, 'aria-describedby': `${id}-aide ${id}-erreur`, 'aria-required': 'true' }, options),
    h('p', { class: 'field-error', id: `${id}-erreur` }));
}

/** The organisations, grouped by kind (support structures first, as the vocabulary orders kinds). */
function organisationOptions(organisations) {
  return [h('option', { value: '' }, 'Choisissez une organisation'),
    values('OrganisationKind').map((kind) => {
      const ofKind = organisations.filter((organisation) => organisation.kind === kind.code);
      return ofKind.length ? h('optgroup', { label: kind.label }, ofKind.map((organisation) => h('option', { value: organisation.id }, organisation.name))) : null;
    })];
}

function inviteSection(who, scopes) {
  const roles = who.mayAdminister ? values('Role').map((value) => value.code) : ['REVIEWER'];
  // Contributors are those most often invited: their role comes first chosen.
  const role = selectField('inv-role', 'Rôle',
    roles.map((code) => h('option', { value: code, selected: code === 'CONTRIBUTOR' || roles.length === 1 }, label('Role', code))), '');
  const organisation = selectField('inv-organisation', 'Organisation', organisationOptions(scopes.organisations),
    'Celle pour laquelle la personne écrira.');
  const programme = selectField('inv-programme', 'Programme',
    [who.mayAdminister ? h('option', { value: '' }, 'Choisissez un programme') : null, scopes.programmes.map((p) => h('option', { value: p.id }, p.name))],
    who.mayAdminister ? 'Celui que la personne relira.' : 'Un relecteur invite des relecteurs de son programme.');
  const form = h('form', { id: 'invite-form', class: 'account-form', novalidate: true },
    h('div', { class: 'form-errors' }),
    inputField({ id: 'inv-email', title: 'Adresse e-mail', type: 'email', autocomplete: 'off', hint: 'Celle avec laquelle la personne se connectera.' }),
    inputField({ id: 'inv-name', title: 'Nom', autocomplete: 'off', required: false, hint: 'Proposé à la personne, qui peut le changer en créant son compte.' }),
    role, organisation, programme,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Créer l’invitation')));
  const result = h('div', { id: 'invite-result', 'aria-live': 'polite' });
  const fit = () => fitToRole(form);
  form.querySelector('#inv-role').addEventListener('change', fit);
  form.addEventListener('reset', () => setTimeout(fit));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submitInvitation(form, result);
  });
  fit();
  return h('section', { class: 'block', 'aria-labelledby': 'invite-title' },
    h('h2', { id: 'invite-title' }, 'Inviter une personne'), form, result);
}

/** Shows the organisation for a contributor, the programme for a reviewer, and the role's hint. */
function fitToRole(form) {
  const role = form.querySelector('#inv-role').value;
  form.querySelector('[data-field="inv-organisation"]').hidden = role !== 'CONTRIBUTOR';
  form.querySelector('[data-field="inv-programme"]').hidden = role !== 'REVIEWER';
  form.querySelector('#inv-role-aide').textContent = ROLE_HINTS[role] || '';
}

/** The invitation the form describes, and what is missing from it (control id → message). */
function readInvitation(form) {
  const value = (id) => form.querySelector(`#${id}`).value.trim();
  const role = value('inv-role');
  const input = {
    email: value('inv-email'),
    name: value('inv-name') || null,
    role,
    organisation: role === 'CONTRIBUTOR' ? value('inv-organisation') || null : null,
    programme: role === 'REVIEWER' ? value('inv-programme') || null : null,
  };
  const missing = {};
  if (!input.email) missing['inv-email'] = 'Indiquez l’adresse e-mail de la personne.';
  if (role === 'CONTRIBUTOR' && !input.organisation) missing['inv-organisation'] = 'Choisissez l’organisation pour laquelle la personne écrira.';
  if (role === 'REVIEWER' && !input.programme) missing['inv-programme'] = 'Choisissez le programme que la personne relira.';
  return { input, missing };
}

const INVITATION_FIELDS = {
  email: 'inv-email', name: 'inv-name', role: 'inv-role', organisation: 'inv-organisation', programme: 'inv-programme', 'organisation/programme': 'inv-role',
};

async function submitInvitation(form, result) {
  clearFieldErrors(form);
  result.replaceChildren();
  const { input, missing } = readInvitation(form);
  if (showFieldErrors(form, missing)) return;
  const button = form.querySelector('button[type=submit]');
  button.disabled = true;
  let issued;
  try {
    issued = (await gql(`mutation Inviter($input: InvitationInput!) {
      invitePerson(input: $input) { url purpose email role expiresAt emailed } }`, { input })).invitePerson;
  } catch (error) {
    const { byControl, others } = problemsByControl(error, INVITATION_FIELDS);
    if (!showFieldErrors(form, byControl) || others.length) showFormError(form, others.length ? others.join(' ; ') : error.message);
    return;
  } finally {
    button.disabled = false;
  }
  form.reset();
  result.replaceChildren(issuedLink(issued, 'invitation'));
  result.querySelector('button')?.focus();
}

// ---------------------------------------------------------------------------------------------------
// A one-time link just issued: to hand over, with « Copier le lien ».

/** The link's absolute address (the server gives a path when it does not know its public address). */
function absoluteUrl(url) {
  return url.startsWith('/') ? `${location.origin}${url}` : url;
}

function issuedLink(issued, id) {
  const url = absoluteUrl(issued.url);
  const field = h('input', { id: `${id}-lien`, type: 'text', readonly: true, value: url, spellcheck: 'false', 'aria-describedby': `${id}-expire` });
  const status = h('p', { class: 'hint', id: `${id}-copie`, role: 'status' });
  const copy = h('button', { type: 'button', class: 'secondary', id: `${id}-copier` }, 'Copier le lien');
  copy.addEventListener('click', () => copyLink(field, status));
  const what = issued.purpose === 'INVITATION'
    ? `Invitation pour ${issued.email}, rôle ${label('Role', issued.role).toLowerCase()}`
    : `Lien de réinitialisation pour ${issued.email}`;
  return h('div', { class: 'notice notice-ok issued-link', 'data-purpose': issued.purpose },
    h('p', {}, h('strong', {}, what), ' : transmettez ce lien à la personne par un moyen sûr ; elle y choisira son mot de passe.'),
    h('label', { for: field.id }, 'Lien à usage unique'),
    h('div', { class: 'copy-row' }, field, copy),
    h('p', { class: 'hint', id: `${id}-expire` }, `Il sert une fois, jusqu’au ${formatDateTime(issued.expiresAt)}.`,
      issued.emailed ? ' Il a aussi été envoyé par e-mail.' : ' Il n’a pas été envoyé par e-mail.'),
    status);
}

async function copyLink(field, status) {
  try {
    await navigator.clipboard.writeText(field.value);
    status.textContent = 'Lien copié.';
  } catch {
    // Without the Clipboard API (an address that is not secure), the link is selected to copy by hand.
    field.select();
    status.textContent = document.execCommand?.('copy') ? 'Lien copié.' : 'Le navigateur n’a pas permis la copie : le lien est sélectionné, copiez-le (Ctrl+C).';
  }
}

// ---------------------------------------------------------------------------------------------------
// The accounts (administrators)

function peopleSection() {
  return h('section', { class: 'block', 'aria-labelledby': 'people-title' },
    h('h2', { id: 'people-title', tabindex: '-1' }, 'Les comptes'),
    h('div', { id: 'people-list' }),
    h('div', { id: 'people-result', 'aria-live': 'polite' }),
    h('p', { id: 'annonce-comptes', class: 'visually-hidden', 'aria-live': 'polite' }));
}

async function refreshPeople(who) {
  const box = document.getElementById('people-list');
  let people;
  try {
    people = (await gql(PEOPLE)).people;
  } catch (error) {
    box?.replaceChildren(h('p', { class: 'notice notice-error' }, `Les comptes n’ont pas pu être lus : ${error.message}`));
    return;
  }
  if (!box?.isConnected) return;
  box.replaceChildren(people.length
    ? scrollTable('Comptes', h('table', { class: 'people-table', id: 'people-table' },
      h('thead', {}, h('tr', {}, ['Nom', 'Adresse e-mail', 'Rôle', 'Périmètre', 'Dernière connexion', 'État', 'Actions'].map((title) => h('th', { scope: 'col' }, title)))),
      h('tbody', {}, people.map((person) => personRow(person, who)))))
    : h('p', {}, 'Aucun compte pour l’instant : invitez une première personne.'));
}

function personState(person) {
  if (person.disabledAt) return { key: 'disabled', text: 'Désactivé', detail: `depuis le ${formatDateTime(person.disabledAt)}` };
  if (person.lockedUntil) return { key: 'locked', text: 'Verrouillé', detail: `jusqu’au ${formatDateTime(person.lockedUntil)}, après trop de connexions manquées` };
  return { key: 'active', text: 'Actif', detail: '' };
}

function scopeText(person) {
  if (person.organisation) return person.organisation.name;
  if (person.programme) return `Programme ${person.programme.name}`;
  return 'Tout le réseau';
}

function personRow(person, who) {
  const state = personState(person);
  const actions = h('td', { class: 'person-actions' });
  if (!person.disabledAt) {
    actions.append(resetButton(person));
    if (person.email !== who.person?.email) actions.append(disableButton(person, who, actions));
  }
  return h('tr', { 'data-email': person.email },
    h('th', { scope: 'row' }, person.name || '—'),
    h('td', {}, person.email),
    h('td', {}, label('Role', person.role)),
    h('td', {}, scopeText(person)),
    h('td', {}, person.lastSignedInAt ? formatDateTime(person.lastSignedInAt) : 'Jamais'),
    h('td', {}, h('span', { class: `badge badge-${state.key}` }, state.text), state.detail ? h('span', { class: 'note person-state' }, ` ${state.detail}`) : null),
    actions);
}

function resetButton(person) {
  const button = h('button', { type: 'button', class: 'secondary', 'aria-label': `Lien de réinitialisation : ${person.name || person.email}` }, 'Lien de réinitialisation');
  button.addEventListener('click', async () => {
    const result = document.getElementById('people-result');
    button.disabled = true;
    try {
      const issued = (await gql(`mutation Reinitialiser($person: ID!) {
        issuePasswordReset(person: $person) { url purpose email role expiresAt emailed } }`, { person: person.id })).issuePasswordReset;
      result.replaceChildren(issuedLink(issued, 'reinitialisation'));
      result.querySelector('button')?.focus();
    } catch (error) {
      result.replaceChildren(h('p', { class: 'notice notice-error' }, `Le lien n’a pas pu être créé : ${error.message}`));
    } finally {
      button.disabled = false;
    }
  });
  return button;
}

/** « Désactiver », then a confirmation in its place (« Oui, désactiver » or « Annuler »). */
function disableButton(person, who, cell) {
  const name = person.name || person.email;
  const button = h('button', { type: 'button', class: 'secondary danger', 'aria-label': `Désactiver : ${name}` }, 'Désactiver');
  button.addEventListener('click', () => {
    const keep = [...cell.childNodes];
    const message = h('p', { class: 'field-error', role: 'status' });
    const yes = h('button', { type: 'button', class: 'primary danger' }, 'Oui, désactiver');
    const no = h('button', { type: 'button', class: 'secondary' }, 'Annuler');
    const question = h('div', { class: 'confirm', role: 'group', 'aria-label': `Désactiver le compte de ${name}` },
      h('p', {}, `Désactiver le compte de ${name} ? Ses sessions prennent fin et il ne peut plus se connecter ; le compte reste, comme auteur de ses contributions.`),
      h('div', { class: 'actions' }, yes, no), message);
    no.addEventListener('click', () => {
      cell.replaceChildren(...keep);
      button.focus();
    });
    yes.addEventListener('click', () => confirmDisable(person, who, yes, message));
    cell.replaceChildren(question);
    no.focus();
  });
  return button;
}

async function confirmDisable(person, who, yes, message) {
  yes.disabled = true;
  try {
    await gql('mutation Desactiver($person: ID!) { disablePerson(person: $person) { id disabledAt } }', { person: person.id });
  } catch (error) {
    yes.disabled = false;
    message.textContent = error.message;
    return;
  }
  await refreshPeople(who);
  const region = document.getElementById('annonce-comptes');
  if (region) region.textContent = `Le compte de ${person.name || person.email} est désactivé.`;
  document.getElementById('people-title')?.focus();
}
