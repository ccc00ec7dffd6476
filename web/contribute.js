// retex — la contribution, pour les personnes connectées (`account.js`) : qui écrit, les formulaires de
// brouillon (fiche-projet, leçon) et les erreurs de l'API à côté de leurs champs, la liste des
// brouillons et contributions à relire (soumettre, publier, renvoyer à l'auteur), et les tableurs
// (modèles, export, import : `spreadsheets.js`).

import { h, show, pageTitle } from './dom.js';
import { gql, label, values, viewer } from './api.js';
import { pathTo, signInPath } from './router.js';
import { KIND_LABELS } from './search.js';
import { spreadsheetSection } from './spreadsheets.js';

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
  [/^is empty: describe the project in a few lines$/, 'est vide : décrivez le projet en quelques lignes'],
  [/^has (\d+) characters, at most (\d+) are read$/, 'fait $1 caractères, $2 au plus sont lus'],
];
export function problemText(problem) {
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

export async function contributeView(stale) {
  pageTitle('Contribuer');
  let who = null;
  let failure = null;
  try {
    who = await viewer();
  } catch (error) {
    failure = error;
  }
  if (stale()) return;
  const parts = [
    h('h1', { tabindex: '-1' }, 'Contribuer'),
    h('p', { class: 'lead' }, 'Les contributeurs écrivent des fiches-projet et des leçons en brouillon, puis les soumettent ; un relecteur du programme les publie. Seules les contributions publiées sont visibles de tous.'),
    h('section', { class: 'block' }, h('h2', {}, 'Votre accès'),
      failure ? h('p', { class: 'notice notice-error' }, `Votre compte n’a pas pu être lu : ${failure.message}`) : null,
      who?.authenticated ? identity(who) : signInInvite()),
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
    show(...parts, worklistSection(worklistBox), spreadsheetSection(who));
    choose('SHEET', lists);
  } else {
    show(...parts, worklistSection(worklistBox), spreadsheetSection(who));
  }
}

/** « Brouillons et contributions à relire », around the list `renderWorklist` draws. */
function worklistSection(worklistBox) {
  return h('section', { class: 'block' }, h('h2', { id: 'worklist-title', tabindex: '-1' }, 'Brouillons et contributions à relire'),
    h('p', { id: 'annonce-contribution', class: 'visually-hidden', 'aria-live': 'polite' }), worklistBox);
}

/** Who is signed in, with which role and scope; where to invite people, for those who may. */
function identity(who) {
  const name = who.person?.name || who.name;
  return h('div', { class: 'notice', id: 'identite' },
    h('p', {}, 'Vous êtes ', h('strong', {}, name), ', ', label('Role', who.role).toLowerCase(),
      who.organisation ? ` pour ${who.organisation.name}` : '', who.programme ? ` du programme ${who.programme.name}` : '', '.'),
    who.mayInvite || who.mayAdminister
      ? h('p', {}, h('a', { href: pathTo('people') }, who.mayAdminister ? 'Inviter une personne, gérer les comptes' : 'Inviter une personne'))
      : null);
}

/** Without a session: how to sign in, and how programs write (with an API token, not this page). */
function signInInvite() {
  return h('div', { class: 'notice', id: 'identite' },
    h('p', {}, 'Pour écrire ou relire, connectez-vous avec le compte que vous a ouvert une invitation. ',
      h('a', { href: signInPath(), 'data-sign-in': '' }, 'Se connecter')),
    h('p', { class: 'hint' }, 'Les programmes (imports, scripts) écrivent par l’API GraphQL avec un jeton d’API (en-tête « Authorization: Bearer … ») ; cette page n’en a pas besoin.'));
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
    const href = record.kind === 'SHEET' ? pathTo('sheet', { slug: record.slug }) : pathTo('lesson', { slug: record.slug });
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
      const href = resultKey === 'createSheet' ? pathTo('sheet', { slug: record.slug }) : pathTo('lesson', { slug: record.slug });
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
