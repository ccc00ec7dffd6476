// retex — les pages d'une organisation (`/organisations/{slug}`) et d'un territoire
// (`/territoires/{slug}`) : qui elle est ou où il est, ses fiches-projet, leurs programmes, et les
// leçons que ces fiches ont montrées ; un territoire situé a sa petite carte.

import { h, safeUrl, numberFormat, plural, show, pageTitle } from './dom.js';
import { gql, label } from './api.js';
import { pathTo } from './router.js';
import { searchHref } from './search.js';
import { facts, section, statusBadge, tags } from './reading.js';
import { territoryMap } from './map.js';

/** What a sheet's line shows: its title, where the project stands, its programmes and territories. */
const SHEET_FIELDS = 'id slug title status programmes { id name } territories { slug name }';

/** The lessons linked to some sheets, with the sheets each was observed in (a second query: asked
 *  with the sheets, their lessons would cost more than a query may). */
const LESSONS_QUERY = `query LeconsDesFiches($sheets: [ID!]) {
  lessons(filter: { sheets: $sheets }, first: 100) {
    totalCount
    nodes { slug title polarity evidenceLinks(role: OBSERVED_IN) { sheet { id } } }
  }
}`;

/** The page of a record the API does not give (missing, or not published). */
function notFound(title, message) {
  pageTitle(title);
  show(
    h('h1', { tabindex: '-1' }, title),
    h('p', { class: 'notice' }, message),
    h('p', {}, h('a', { href: pathTo('search') }, 'Revenir à la recherche')),
  );
}

/** Asks for a record; null when the API says NOT_FOUND. */
async function fetchRecord(query, slug) {
  try {
    return await gql(query, { slug });
  } catch (error) {
    if (error.code === 'NOT_FOUND') return null;
    throw error;
  }
}

function programmeLink(programme) {
  return h('a', { href: searchHref({ q: '', filters: { programme: [programme.id] } }) }, programme.name);
}

/** A list of sheets: each title links to its sheet, with where the project stands and its programmes. */
function sheetList(sheets) {
  return h('ul', { class: 'record-list' }, sheets.map((sheet) => h('li', {},
    h('a', { href: pathTo('sheet', { slug: sheet.slug }) }, sheet.title),
    h('span', { class: 'note' }, ` — ${label('SheetStatus', sheet.status)}`,
      sheet.programmes.length ? ` · ${sheet.programmes.map((p) => p.name).join(', ')}` : ''))));
}

/** The programmes of some sheets, each with how many of them it holds, most first. */
function programmesOf(sheets) {
  const byId = new Map();
  for (const sheet of sheets) {
    for (const programme of sheet.programmes) {
      const entry = byId.get(programme.id) || { programme, count: 0 };
      entry.count += 1;
      byId.set(programme.id, entry);
    }
  }
  return [...byId.values()].sort((a, b) => b.count - a.count || a.programme.name.localeCompare(b.programme.name, 'fr'));
}

function programmeList(sheets) {
  const entries = programmesOf(sheets);
  return entries.length
    ? h('ul', { class: 'programme-list' }, entries.map(({ programme, count }) => h('li', {}, programmeLink(programme),
      h('span', { class: 'note' }, ` — ${plural(count, 'fiche', 'fiches')}`))))
    : null;
}

/**
 * The lessons observed in some sheets: each with the number and titles of those sheets, those seen in
 * the most first. Asked once the sheets are known; a failure says so in place of the list.
 */
async function observedLessons(sheets) {
  if (!sheets.length) return { lessons: [], failure: null };
  const titles = new Map(sheets.map((sheet) => [sheet.id, sheet.title]));
  try {
    const data = await gql(LESSONS_QUERY, { sheets: [...titles.keys()] });
    const lessons = data.lessons.nodes
      .map((lesson) => ({ lesson, seen: lesson.evidenceLinks.map((link) => titles.get(link.sheet.id)).filter(Boolean) }))
      .filter((entry) => entry.seen.length)
      .sort((a, b) => b.seen.length - a.seen.length || a.lesson.title.localeCompare(b.lesson.title, 'fr'));
    return { lessons, failure: null, more: data.lessons.totalCount > data.lessons.nodes.length };
  } catch (error) {
    return { lessons: [], failure: error };
  }
}

/** The section of the lessons observed in a page's sheets; with several sheets, each lesson says
 *  in how many (or which one) it was observed. */
function lessonSection(title, { lessons, failure, more }, sheetCount) {
  if (failure) return section(title, h('p', { class: 'notice notice-error' }, `Les leçons n’ont pas pu être chargées : ${failure.message}`));
  return h('section', { class: 'block', id: 'lecons' }, h('h2', {}, title),
    lessons.length
      ? h('ul', { class: 'lesson-list' }, lessons.map(({ lesson, seen }) => h('li', {},
        h('span', { class: `polarity polarity-${lesson.polarity.toLowerCase()}` }, label('Polarity', lesson.polarity)), ' ',
        h('a', { href: pathTo('lesson', { slug: lesson.slug }) }, lesson.title),
        sheetCount > 1 ? h('span', { class: 'note' }, ` — observée dans ${seen.length > 1 ? `${numberFormat.format(seen.length)} de ses fiches` : `la fiche « ${seen[0]} »`}`) : null)))
      : h('p', {}, 'Aucune leçon tirée de ces fiches pour l’instant.'),
    more ? h('p', { class: 'hint' }, 'Seules les 100 premières leçons liées à ces fiches sont comptées.') : null);
}

/** The lead of a page: its number of sheets, and of lessons observed in them. */
function summary(sheets, { lessons }) {
  const found = plural(sheets.length, 'fiche-projet', 'fiches-projet');
  return lessons.length
    ? `${found}, et ${plural(lessons.length, 'leçon observée', 'leçons observées')} dans ${sheets.length > 1 ? 'ces fiches' : 'cette fiche'}.`
    : `${found} ; aucune leçon n’y est encore observée.`;
}

// ---------------------------------------------------------------------------------------------------
// An organisation

const ORGANISATION_QUERY = `query Organisation($slug: String!) {
  organisation(slug: $slug) {
    id slug name kind region website publicationStatus
    supportedSheets(first: 100) { ${SHEET_FIELDS} }
    heldSheets(first: 100) { ${SHEET_FIELDS} }
    partneredSheets(first: 100) { ${SHEET_FIELDS} }
    operatedProgrammes(first: 20) { id name }
    fundedProgrammes(first: 20) { id name }
  }
}`;

/** Every sheet once, in the order given. */
function distinct(sheets) {
  return [...new Map(sheets.map((sheet) => [sheet.id, sheet])).values()];
}

export async function organisationView(slug, stale) {
  const data = await fetchRecord(ORGANISATION_QUERY, slug);
  if (stale()) return;
  if (!data) return notFound('Organisation introuvable', 'Elle n’existe pas, ou n’est pas (encore) publiée.');
  const org = data.organisation;
  const sheets = distinct([...org.supportedSheets, ...org.heldSheets, ...org.partneredSheets]);
  const lessons = await observedLessons(sheets);
  if (stale()) return;
  pageTitle(org.name);
  const website = org.website ? safeUrl(org.website) : null;
  const programmeLinks = (programmes) => programmes.map((p, i) => [i ? ', ' : '', programmeLink(p)]);
  show(h('article', { class: 'record' },
    h('p', { class: 'breadcrumb' }, h('a', { href: pathTo('search') }, 'Recherche'), ' › Organisation'),
    h('header', { class: 'record-header' },
      h('p', { class: 'kind kind-organisation' }, 'Organisation', ' ', statusBadge(org.publicationStatus)),
      h('h1', { tabindex: '-1' }, org.name),
      h('p', { class: 'lead' }, sheets.length ? summary(sheets, lessons) : 'Aucune fiche-projet publiée ne la nomme pour l’instant.')),
    facts([
      ['Type de structure', label('OrganisationKind', org.kind)],
      ['Région', org.region ? label('Region', org.region) : null],
      ['Site web', website ? h('a', { href: website, rel: 'noopener' }, org.website) : null],
      ['Programmes qu’elle pilote', programmeLinks(org.operatedProgrammes)],
      ['Programmes qu’elle finance', programmeLinks(org.fundedProgrammes)],
    ]),
    h('section', { class: 'block', id: 'fiches' }, h('h2', {}, 'Ses fiches-projet'),
      sheets.length ? null : h('p', {}, 'Aucune pour l’instant.'),
      org.supportedSheets.length ? [h('h3', {}, 'Projets qu’elle accompagne'), sheetList(org.supportedSheets)] : null,
      org.heldSheets.length ? [h('h3', {}, 'Projets qu’elle porte'), sheetList(org.heldSheets)] : null,
      org.partneredSheets.length ? [h('h3', {}, 'Projets dont elle est partenaire'), sheetList(org.partneredSheets)] : null),
    section('Les programmes de ces fiches', programmeList(sheets)),
    lessonSection('Les leçons observées dans ces fiches', lessons, sheets.length),
  ));
}

// ---------------------------------------------------------------------------------------------------
// A territory

const TERRITORY_QUERY = `query Territoire($slug: String!) {
  territory(slug: $slug) {
    id slug name level code region types publicationStatus
    centroid { latitude longitude }
    sheets(first: 100) { ${SHEET_FIELDS} }
  }
}`;

export async function territoryView(slug, stale) {
  const data = await fetchRecord(TERRITORY_QUERY, slug);
  if (stale()) return;
  if (!data) return notFound('Territoire introuvable', 'Il n’existe pas, ou n’est pas (encore) publié.');
  const territory = data.territory;
  const lessons = await observedLessons(territory.sheets);
  if (stale()) return;
  pageTitle(territory.name);
  const map = territoryMap(territory);
  show(h('article', { class: 'record' },
    h('p', { class: 'breadcrumb' }, h('a', { href: pathTo('map') }, 'Carte'), ' › Territoire'),
    h('header', { class: 'record-header' },
      h('p', { class: 'kind kind-territory' }, 'Territoire', ' ', statusBadge(territory.publicationStatus)),
      h('h1', { tabindex: '-1' }, territory.name),
      h('p', { class: 'lead' }, territory.sheets.length ? summary(territory.sheets, lessons) : 'Aucune fiche-projet publiée n’y est située pour l’instant.')),
    h('div', { class: map ? 'territory-summary' : null },
      facts([
        ['Niveau', label('TerritoryLevel', territory.level)],
        ['Code officiel', territory.code],
        ['Région', territory.region ? [label('Region', territory.region), ' — ', h('a', { href: searchHref({ q: '', filters: { region: [territory.region] } }, 'map') }, 'ses projets sur la carte')] : null],
        ['Types de territoire', tags('TerritoryType', territory.types)],
      ]),
      map ? h('figure', { class: 'territory-map' }, map, h('figcaption', {}, 'Le point marque son centre ; sa région est teintée.')) : null),
    h('section', { class: 'block', id: 'fiches' }, h('h2', {}, 'Ses fiches-projet'),
      territory.sheets.length ? sheetList(territory.sheets) : h('p', {}, 'Aucune pour l’instant.')),
    section('Les programmes de ces fiches', programmeList(territory.sheets)),
    lessonSection('Les leçons observées dans ces fiches', lessons, territory.sheets.length),
  ));
}
