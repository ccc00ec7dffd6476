// retex — la lecture : la page d'une fiche-projet (son budget et son plan de financement, « Imprimer
// la fiche ») et celle d'une leçon (Markdown rendu en nœuds texte), et, pour les relecteurs,
// l'archivage sous l'une ou l'autre. Les organisations et les territoires d'une fiche mènent à leur
// page (`profiles.js`).

import { main, h, markdown, safeUrl, numberFormat, formatDate, formatEuros, formatPercent, plural, scrollTable, show, pageTitle } from './dom.js';
import { hasSession, gql, inDimensionOrder, label, viewer } from './api.js';
import { navigate, pathTo } from './router.js';
import { searchHref } from './search.js';
import { loadSheetAdvice, sheetAdviceSection } from './advice.js';

/** The page of a sheet or lesson the API does not give (missing, or a draft this reader may not see). */
function notFound(what) {
  show(
    h('h1', { tabindex: '-1' }, `${what} introuvable`),
    h('p', { class: 'notice' }, 'Elle n’existe pas, ou n’est pas (encore) publiée. Les brouillons ne sont visibles que de leurs auteurs et relecteurs.'),
    h('p', {}, h('a', { href: pathTo('search') }, 'Revenir à la recherche')),
  );
}

// ---------------------------------------------------------------------------------------------------
// Reading: a project sheet

const SHEET_QUERY = `query Fiche($slug: String!) {
  sheet(slug: $slug) {
    id slug version title summary body socialNeed activityType themes targetPublics status publicationStatus sourceUrl licence
    programmes { id name funders { slug name } } territories { slug name types region }
    supportingStructure { slug name } projectHolder { slug name } partners { slug name }
    phases { phase startedOn endedOn methods participants outcome }
    indicators { name unit baseline target actual }
    budget fundingCoverage funding { funder amount year kind }
    testimonies { quote speaker role }
    documents { title kind url }
    lessons(first: 100) { role note lesson { slug title polarity } }
  }
}`;

export function statusBadge(status) {
  return status && status !== 'PUBLISHED' ? h('span', { class: `badge badge-${status.toLowerCase()}` }, label('PublicationStatus', status)) : null;
}

export function tags(vocabulary, codes) {
  return codes?.length ? h('ul', { class: 'tags' }, codes.map((code) => h('li', {}, label(vocabulary, code)))) : null;
}

export function facts(pairs) {
  const rows = pairs.filter(([, value]) => value !== null && value !== undefined && value !== '' && !(Array.isArray(value) && !value.length));
  return rows.length ? h('dl', { class: 'facts' }, rows.map(([term, value]) => h('div', {}, h('dt', {}, term), h('dd', {}, value)))) : null;
}

export function section(title, ...content) {
  const body = content.flat(Infinity).filter(Boolean);
  return body.length ? h('section', { class: 'block' }, h('h2', {}, title), body) : null;
}

/** Links to the pages of some records (`view`: `organisation`, `territory`), separated by commas; each
 *  record once. `suffix` adds words after a name (a territory's region). */
export function recordLinks(view, records, suffix = () => '') {
  const seen = new Map((records || []).filter(Boolean).map((record) => [record.slug, record]));
  return [...seen.values()].map((record, i) => [i ? ', ' : '', h('a', { href: pathTo(view, { slug: record.slug }) }, record.name), suffix(record)]);
}

export async function sheetView(slug, stale) {
  // What the network learned for the sheet's next step, asked at the same time (it never fails).
  const advice = loadSheetAdvice(slug);
  let data;
  try {
    data = await gql(SHEET_QUERY, { slug });
  } catch (error) {
    if (stale()) return;
    if (error.code === 'NOT_FOUND') return (pageTitle('Fiche introuvable'), notFound('Fiche-projet'));
    throw error;
  }
  const nextStep = await advice;
  if (stale()) return;
  const sheet = data.sheet;
  pageTitle(sheet.title);
  const observed = sheet.lessons.filter((link) => link.role === 'OBSERVED_IN');
  const contradicted = sheet.lessons.filter((link) => link.role !== 'OBSERVED_IN');
  const lessonItem = (link) => h('li', {},
    h('span', { class: `polarity polarity-${link.lesson.polarity.toLowerCase()}` }, label('Polarity', link.lesson.polarity)), ' ',
    h('a', { href: pathTo('lesson', { slug: link.lesson.slug }) }, link.lesson.title),
    link.note ? h('span', { class: 'note' }, ` — ${link.note}`) : null);
  show(h('article', { class: 'record' },
    h('p', { class: 'breadcrumb' }, h('a', { href: pathTo('search') }, 'Recherche'), ' › Fiche-projet'),
    h('header', { class: 'record-header' },
      h('p', { class: 'kind kind-sheet' }, 'Fiche-projet', ' ', statusBadge(sheet.publicationStatus)),
      h('h1', { tabindex: '-1' }, sheet.title),
      sheet.summary ? h('p', { class: 'lead' }, sheet.summary) : null,
      printButton()),
    facts([
      ['Programme', sheet.programmes.map((p, i) => [i ? ', ' : '', h('a', { href: searchHref({ q: '', filters: { programme: [p.id] } }) }, p.name)])],
      ['Territoire', recordLinks('territory', sheet.territories, (t) => (t.region ? ` (${label('Region', t.region)})` : ''))],
      ['Type de territoire', [...new Set(sheet.territories.flatMap((t) => t.types))].map((t) => label('TerritoryType', t)).join(', ')],
      ['Activité', label('ActivityType', sheet.activityType)],
      ['Où en est le projet', label('SheetStatus', sheet.status)],
      ['Structure d’accompagnement', recordLinks('organisation', [sheet.supportingStructure])],
      ['Porteur', recordLinks('organisation', [sheet.projectHolder])],
      ['Partenaires', recordLinks('organisation', sheet.partners)],
      ['Financeurs de ses programmes', recordLinks('organisation', sheet.programmes.flatMap((p) => p.funders))],
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
    fundingSection(sheet),
    section('Indicateurs', sheet.indicators.length ? scrollTable('Indicateurs du projet', h('table', {},
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
    sheetAdviceSection(nextStep),
    sheet.sourceUrl || sheet.licence ? h('p', { class: 'source' },
      sheet.sourceUrl && safeUrl(sheet.sourceUrl) ? ['Source : ', h('a', { href: safeUrl(sheet.sourceUrl), rel: 'noopener', class: 'bare-url' }, sheet.sourceUrl)] : null,
      sheet.licence ? ` — Licence : ${sheet.licence}` : null) : null,
    printFooter(),
  ));
  await addArchiving(sheet, 'la fiche', stale);
}

// ---------------------------------------------------------------------------------------------------
// A sheet's budget and funding plan

/** « Budget et plan de financement »: the budget, the plan's lines with their total, and the share of
 *  the budget they cover; nothing when the sheet has neither budget nor plan. */
function fundingSection(sheet) {
  if (sheet.budget === null && !sheet.funding.length) return null;
  const total = sheet.funding.reduce((sum, line) => sum + line.amount, 0);
  return h('section', { class: 'block funding', id: 'financement', 'aria-labelledby': 'financement-titre' },
    h('h2', { id: 'financement-titre' }, 'Budget et plan de financement'),
    sheet.budget !== null ? h('p', { class: 'funding-budget' }, 'Budget du projet : ', h('strong', {}, formatEuros(sheet.budget))) : null,
    sheet.funding.length ? fundingTable(sheet.funding, total) : h('p', {}, 'Aucun plan de financement renseigné.'),
    coverage(sheet, total));
}

/** The plan's lines (funder, amount, year, kind) and their total, in a frame that scrolls on a phone. */
function fundingTable(lines, total) {
  return scrollTable('Plan de financement', h('table', { class: 'funding-table' },
    h('caption', { class: 'visually-hidden' }, 'Plan de financement du projet, ligne par ligne'),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, 'Financeur'), h('th', { scope: 'col', class: 'number' }, 'Montant'),
      h('th', { scope: 'col', class: 'number' }, 'Année'), h('th', { scope: 'col' }, 'Nature'))),
    h('tbody', {}, lines.map((line) => h('tr', {},
      h('th', { scope: 'row' }, line.funder),
      h('td', { class: 'number' }, formatEuros(line.amount)),
      h('td', { class: 'number' }, line.year === null ? '—' : String(line.year)),
      h('td', {}, label('FundingKind', line.kind))))),
    h('tfoot', {}, h('tr', {},
      h('th', { scope: 'row' }, 'Total'), h('td', { class: 'number' }, formatEuros(total)), h('td', {}), h('td', {})))));
}

/** « Plan couvrant 92 % du budget », and what remains to fund, when the API gives the share. */
function coverage(sheet, total) {
  if (sheet.fundingCoverage === null || sheet.fundingCoverage === undefined) return null;
  const remaining = sheet.budget - total;
  return h('p', { class: 'funding-coverage' }, `Plan couvrant ${formatPercent(sheet.fundingCoverage)} du budget`,
    remaining >= 0.005 ? ` (reste à financer : ${formatEuros(remaining)})` : '', '.');
}

// ---------------------------------------------------------------------------------------------------
// Printing a sheet

/** « Imprimer la fiche »: the browser's print dialog, with the print style sheet (style.css). */
function printButton() {
  return h('div', { class: 'actions screen-only' }, h('button', {
    type: 'button', class: 'secondary', id: 'imprimer',
    onclick: () => {
      refreshPrintFooter();
      window.print();
    },
  }, 'Imprimer la fiche'));
}

/** The line at the bottom of a printed sheet: its address and the day it was printed (hidden on screen). */
function printFooter() {
  return h('p', { class: 'print-only print-footer' }, printFooterText());
}
function printFooterText() {
  const today = new Date();
  const day = [today.getFullYear(), today.getMonth() + 1, today.getDate()].map((n) => String(n).padStart(2, '0')).join('-');
  return `Fiche imprimée depuis ${location.href} le ${formatDate(day)}.`;
}
function refreshPrintFooter() {
  for (const footer of document.querySelectorAll('.print-footer')) footer.textContent = printFooterText();
}
window.addEventListener('beforeprint', refreshPrintFooter);

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

export async function lessonView(slug, stale) {
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
  const sheetItem = (link) => h('li', {}, h('a', { href: pathTo('sheet', { slug: link.sheet.slug }) }, link.sheet.title), link.note ? h('span', { class: 'note' }, ` — ${link.note}`) : null);
  show(h('article', { class: 'record' },
    h('p', { class: 'breadcrumb' }, h('a', { href: pathTo('search') }, 'Recherche'), ' › Leçon'),
    h('header', { class: 'record-header' },
      h('p', { class: 'kind kind-lesson' }, h('span', { class: `polarity polarity-${lesson.polarity.toLowerCase()}` }, label('Polarity', lesson.polarity)), ' ', statusBadge(lesson.publicationStatus)),
      h('h1', { tabindex: '-1' }, lesson.title),
      h('p', { class: 'lead' }, lesson.programmeCount > 0 ? `Observée dans ${plural(lesson.programmeCount, 'programme', 'programmes')}.` : 'Pas encore observée dans un programme publié.')),
    facts([
      ['Catégories', tags('LessonCategory', lesson.categories)],
      ['Phases', tags('Phase', inDimensionOrder('PHASE', lesson.phases))],
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
      h('a', { href: pathTo('lesson', { slug: node.slug }) }, node.title)))) : null),
  ));
  await addArchiving(lesson, 'la leçon', stale);
}

/**
 * For reviewers and administrators, « Archiver » under a record: how records are deleted (nothing is
 * removed; the record leaves lists and search, and may come back as a draft). The API decides
 * whether this reviewer may; its refusal is shown.
 */
async function addArchiving(record, what, stale) {
  if (!hasSession() || record.publicationStatus === 'ARCHIVED') return;
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
