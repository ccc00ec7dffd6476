// retex — les tableurs, sur la page « Contribuer » : les modèles à remplir (un classeur Excel, un CSV
// par type d'enregistrement, la légende des valeurs), l'export de la base en Excel, et, pour les
// administrateurs, l'import de fichiers (`importDataset`, envoyé en multipart), vérifié d'abord sans
// rien écrire ; tous les problèmes d'un fichier reviennent d'un coup, chacun avec sa place.

import { h, plural } from './dom.js';
import { gqlUpload } from './api.js';

/** The templates the server gives (`/modeles/…`), as the page names them. */
const CSV_TEMPLATES = [
  ['fiches.csv', 'Fiches-projet'],
  ['lecons.csv', 'Leçons'],
  ['organisations.csv', 'Organisations'],
  ['territoires.csv', 'Territoires'],
  ['programmes.csv', 'Programmes'],
];

/** The files `importDataset` reads, by extension (and the workbook's media type). */
const ACCEPTED = '.xlsx,.csv,.json,.jsonl,.ndjson,.md,.markdown,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv';

const IMPORT = `mutation Importer($files: [Upload!]!, $dryRun: Boolean!) {
  importDataset(files: $files, dryRun: $dryRun) { dryRun organisations territories programmes sheets lessons created updated unchanged }
}`;

/** A link to download a file of the server (the router leaves `download` links alone). */
function download(href, text) {
  return h('a', { href, download: '' }, text);
}

/**
 * « Tableurs » for a signed-in person: templates and export for everyone, the import form for
 * administrators (the API refuses it to anyone else); others are told to send their file to one.
 */
export function spreadsheetSection(who) {
  return h('section', { class: 'block spreadsheets', id: 'tableurs', 'aria-labelledby': 'tableurs-titre' },
    h('h2', { id: 'tableurs-titre' }, 'Tableurs : modèles, export et import'),
    h('p', {}, 'Pour saisir plusieurs fiches-projet ou leçons d’un coup : remplissez un modèle (une feuille par type d’enregistrement, une ligne par enregistrement), puis importez-le.'),
    templates(),
    h('h3', {}, 'Exporter la base'),
    h('ul', { class: 'downloads' },
      h('li', {}, download('/export/dataset.xlsx', 'Exporter en Excel'), h('span', { class: 'note' }, ' — les enregistrements publiés, une feuille par type')),
      who.mayAdminister
        ? h('li', {}, download('/export/dataset.xlsx?includeDrafts=true', 'Exporter en Excel, brouillons compris'))
        : null),
    who.mayAdminister
      ? importForm()
      : h('p', { class: 'hint' }, 'L’import est réservé aux administrateurs : envoyez-leur le modèle rempli.'));
}

/** The links to the templates: the workbook, a CSV per kind, the legend of coded values. */
function templates() {
  return [
    h('h3', {}, 'Modèles à remplir'),
    h('ul', { class: 'downloads' },
      h('li', {}, download('/modeles/retex.xlsx', 'Modèle Excel (.xlsx)'), h('span', { class: 'note' }, ' — toutes les feuilles et la légende')),
      h('li', {}, 'Modèles CSV : ', CSV_TEMPLATES.map(([file, text], i) => [i ? ', ' : '', download(`/modeles/${file}`, text)])),
      h('li', {}, download('/modeles/legende.csv', 'Légende des valeurs'), h('span', { class: 'note' }, ' — les codes et libellés permis dans chaque colonne codée'))),
  ];
}

// ---------------------------------------------------------------------------------------------------
// Importing files (administrators)

/** The import form: files (a workbook, CSV files named after their kind, JSON, Markdown), checked
 *  without writing anything unless « Vérifier seulement » is unticked. */
function importForm() {
  const files = h('input', { type: 'file', id: 'import-fichiers', name: 'files', multiple: true, accept: ACCEPTED, 'aria-describedby': 'import-fichiers-aide import-fichiers-erreur' });
  const dryRun = h('input', { type: 'checkbox', id: 'import-essai', checked: true });
  const button = h('button', { type: 'submit', class: 'primary' }, 'Vérifier les fichiers');
  dryRun.addEventListener('change', () => {
    button.textContent = dryRun.checked ? 'Vérifier les fichiers' : 'Importer les fichiers';
  });
  const result = h('div', { id: 'import-resultat', 'aria-live': 'polite' });
  const form = h('form', { id: 'import-form', class: 'import-form', novalidate: true },
    h('div', { class: 'field' },
      h('label', { for: 'import-fichiers' }, 'Fichiers à importer'),
      h('p', { class: 'hint', id: 'import-fichiers-aide' },
        'Un classeur Excel (.xlsx) rempli d’après le modèle, ou des fichiers CSV nommés d’après leur type (fiches.csv, lecons.csv…) ; JSON et Markdown aussi. Tout ou rien : au moindre problème, rien n’est écrit.'),
      files,
      h('p', { class: 'field-error', id: 'import-fichiers-erreur' })),
    h('div', { class: 'field check' }, dryRun, h('label', { for: 'import-essai' }, 'Vérifier seulement, sans rien écrire')),
    h('div', { class: 'actions' }, button),
    result);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submitImport({ files, dryRun: dryRun.checked, button, result });
  });
  return [h('h3', {}, 'Importer des fichiers'), form];
}

/** Sends the chosen files; shows what the import did (or would do), or every problem found. */
async function submitImport({ files, dryRun, button, result }) {
  const message = document.getElementById('import-fichiers-erreur');
  message.textContent = '';
  files.removeAttribute('aria-invalid');
  result.replaceChildren();
  if (!files.files.length) {
    message.textContent = 'Choisissez au moins un fichier.';
    files.setAttribute('aria-invalid', 'true');
    files.focus();
    return;
  }
  button.disabled = true;
  result.replaceChildren(h('p', { class: 'note' }, dryRun ? 'Vérification en cours…' : 'Import en cours…'));
  try {
    const data = await gqlUpload(IMPORT, { dryRun }, [...files.files]);
    result.replaceChildren(importReport(data.importDataset));
  } catch (error) {
    result.replaceChildren(importProblems(error));
    result.firstChild.focus();
  } finally {
    button.disabled = false;
  }
}

/** What the files held, and what was (or would be) created, updated or left unchanged. */
function importReport(report) {
  const held = [
    [report.sheets, 'fiche-projet', 'fiches-projet'], [report.lessons, 'leçon', 'leçons'],
    [report.organisations, 'organisation', 'organisations'], [report.territories, 'territoire', 'territoires'],
    [report.programmes, 'programme', 'programmes'],
  ].filter(([count]) => count > 0).map(([count, one, many]) => plural(count, one, many));
  const done = report.dryRun
    ? `${plural(report.created, 'serait créé', 'seraient créés')}, ${plural(report.updated, 'serait mis à jour', 'seraient mis à jour')}, ${plural(report.unchanged, 'inchangé', 'inchangés')}`
    : `${plural(report.created, 'créé', 'créés')}, ${plural(report.updated, 'mis à jour', 'mis à jour')}, ${plural(report.unchanged, 'inchangé', 'inchangés')}`;
  return h('div', { class: 'notice notice-ok', id: 'import-bilan' },
    h('p', {}, report.dryRun ? 'Vérification réussie, rien n’a été écrit.' : 'Import terminé.'),
    h('p', {}, `Les fichiers contiennent ${held.length ? held.join(', ') : 'aucun enregistrement'} : ${done}.`),
    report.dryRun ? h('p', {}, 'Décochez « Vérifier seulement » pour les importer.') : null);
}

/** The refusal: each problem with its place (file, line, column), as the API says it, in French. */
function importProblems(error) {
  const problems = error.code === 'INVALID_INPUT' ? error.problems : [];
  return h('div', { class: 'notice notice-error', id: 'import-problemes', tabindex: '-1' },
    h('p', {}, problems.length
      ? `Le serveur a refusé l’import (${plural(problems.length, 'problème', 'problèmes')}) ; rien n’a été écrit :`
      : 'L’import a échoué ; rien n’a été écrit :'),
    h('ul', {}, problems.length
      ? problems.map((problem) => h('li', {}, h('strong', {}, problem.field), ` : ${quoted(problem.problem)}`))
      : h('li', {}, error.message)));
}

/** A message with its `values` between French quotes: « values ». */
function quoted(text) {
  return String(text).replace(/`([^`]*)`/g, '« $1 »');
}
