// retex — les graphiques : barres en SVG inline, chacune à côté d'un tableau ou de liens qui disent
// la même chose ; les vues « Récurrence » (leçons qui reviennent le plus) et « Aperçu » (la base en
// chiffres).

import { h, s, numberFormat, plural, show, pageTitle } from './dom.js';
import { gql, label, values } from './api.js';
import { navigate, pathTo } from './router.js';
import { searchHref } from './search.js';

// ---------------------------------------------------------------------------------------------------
// Charts: inline SVG bars, each beside a table or links that say the same.

function barChart({ id, title, rows, caption, width = 760, labelWidth = 330, maxLabel = 40 }) {
  const max = Math.max(1, ...rows.map((row) => row.value));
  const rowHeight = 30;
  const barSpace = width - labelWidth - 60;
  const height = rows.length * rowHeight + 10;
  const titleId = `${id}-titre`;
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-labelledby': titleId, class: 'chart', preserveAspectRatio: 'xMinYMin meet' },
    s('title', { id: titleId }, title),
    rows.map((row, i) => {
      const y = i * rowHeight + 5;
      const barWidth = Math.max(2, (row.value / max) * barSpace);
      const text = row.label.length > maxLabel ? `${row.label.slice(0, maxLabel - 1).trimEnd()}…` : row.label;
      return s('g', { class: 'bar' },
        s('title', {}, `${row.label} : ${numberFormat.format(row.value)}`),
        s('text', { x: labelWidth - 10, y: y + rowHeight / 2, 'text-anchor': 'end', 'dominant-baseline': 'middle', class: 'bar-label' }, text),
        s('rect', { x: labelWidth, y: y + 4, width: barWidth, height: rowHeight - 10, rx: 3, class: `bar-rect ${row.className || ''}` }),
        s('text', { x: labelWidth + barWidth + 8, y: y + rowHeight / 2, 'dominant-baseline': 'middle', class: 'bar-value' }, numberFormat.format(row.value)));
    }));
  return h('figure', { class: 'chart-figure', id }, svg, caption ? h('figcaption', {}, caption) : null);
}

// ---------------------------------------------------------------------------------------------------
// Recurrence

const RECURRENCE_FILTERS = [
  { param: 'categorie', filter: 'categories', title: 'Catégorie', vocabulary: 'LessonCategory' },
  { param: 'phase', filter: 'phases', title: 'Phase', vocabulary: 'Phase' },
  { param: 'theme', filter: 'themes', title: 'Thème', vocabulary: 'Theme' },
  { param: 'territoire', filter: 'territoryTypes', title: 'Type de territoire', vocabulary: 'TerritoryType' },
];

export async function recurrenceView(url, stale) {
  const params = url.searchParams;
  const filter = {};
  for (const f of RECURRENCE_FILTERS) if (params.get(f.param)) filter[f.filter] = [params.get(f.param)];
  const data = await gql(`query Recurrence($filter: LessonFilterInput) {
    recurrence(filter: $filter, minProgrammes: 1, first: 20) {
      programmeCount sheetCount contradictingSheetCount
      lesson { slug title polarity categories programmes { name } }
    }
  }`, { filter });
  if (stale()) return;
  pageTitle('Leçons qui reviennent le plus');
  const selects = RECURRENCE_FILTERS.map((f) => {
    const select = h('select', { id: `rec-${f.param}`, name: f.param },
      h('option', { value: '' }, 'Toutes'),
      values(f.vocabulary).map((value) => h('option', { value: value.code, selected: params.get(f.param) === value.code }, value.label)));
    select.addEventListener('change', () => {
      const next = new URLSearchParams(location.search);
      if (select.value) next.set(f.param, select.value);
      else next.delete(f.param);
      const query = next.toString();
      navigate(`${pathTo('recurrence')}${query ? `?${query}` : ''}`, { keepFocus: true });
    });
    return h('div', { class: 'field' }, h('label', { for: `rec-${f.param}` }, f.title), select);
  });
  const rows = data.recurrence;
  const filtered = Object.keys(filter).length > 0;
  show(
    h('h1', { tabindex: '-1' }, 'Leçons qui reviennent le plus'),
    h('p', { class: 'lead' }, 'Les leçons observées dans le plus grand nombre de programmes différents : ce qui tient d’un programme à l’autre. ',
      h('a', { href: pathTo('overview') }, 'Voir aussi l’aperçu de la base'), '.'),
    h('form', { class: 'filters', 'aria-label': 'Filtrer les leçons', onsubmit: (event) => event.preventDefault() }, selects,
      filtered ? h('p', { class: 'field' }, h('a', { href: pathTo('recurrence') }, 'Retirer les filtres')) : null),
    h('p', { class: 'count', 'aria-live': 'polite' }, rows.length ? `${plural(rows.length, 'leçon', 'leçons')} ${filtered ? 'pour ces filtres' : ''}` : ''),
    rows.length
      ? [
          barChart({
            id: 'recurrence-chart',
            title: 'Nombre de programmes où chaque leçon a été observée',
            caption: 'Nombre de programmes distincts où chaque leçon a été observée ; la couleur dit sa polarité : vert, facteur clé de succès ; orange, écueil ; rouge, facteur d’échec. Le tableau ci-dessous détaille les mêmes chiffres.',
            rows: rows.map((row, i) => ({ label: `${i + 1}. ${row.lesson.title}`, value: row.programmeCount, className: `polarity-${row.lesson.polarity.toLowerCase()}` })),
          }),
          h('div', { class: 'table-scroll' }, h('table', { class: 'recurrence-table' },
            h('caption', {}, 'Leçons classées par nombre de programmes, puis de fiches-projet'),
            h('thead', {}, h('tr', {}, ['Rang', 'Leçon', 'Polarité', 'Catégories', 'Programmes', 'Fiches', 'Contredite par'].map((title) => h('th', { scope: 'col' }, title)))),
            h('tbody', {}, rows.map((row, i) => h('tr', {},
              h('td', { class: 'number' }, String(i + 1)),
              h('th', { scope: 'row' }, h('a', { href: pathTo('lesson', { slug: row.lesson.slug }) }, row.lesson.title),
                h('span', { class: 'programmes-names' }, row.lesson.programmes.map((p) => p.name).join(', '))),
              h('td', {}, label('Polarity', row.lesson.polarity)),
              h('td', {}, row.lesson.categories.map((c) => label('LessonCategory', c)).join(', ')),
              h('td', { class: 'number' }, String(row.programmeCount)),
              h('td', { class: 'number' }, String(row.sheetCount)),
              h('td', { class: 'number' }, String(row.contradictingSheetCount)))))))]
      : h('div', { class: 'empty' }, h('p', { class: 'empty-title' }, 'Aucune leçon observée pour ces filtres — essayez :'),
        h('ul', {}, h('li', {}, h('a', { href: pathTo('recurrence') }, 'retirer les filtres')), h('li', {}, 'choisir une catégorie ou une phase plus large'))),
  );
}

// ---------------------------------------------------------------------------------------------------
// Overview

export async function overviewView(stale) {
  const data = await gql(`{
    parProgramme: stats(kind: SHEET, groupBy: [PROGRAMME]) { total rows { keys { value label } count } }
    parPhase: stats(kind: SHEET, groupBy: [PHASE]) { total rows { keys { value label } count } }
    croise: stats(kind: SHEET, groupBy: [PROGRAMME, PHASE]) { rows { keys { value label } count } }
    parCategorie: stats(kind: LESSON, groupBy: [CATEGORY]) { total rows { keys { value label } count } }
    parPolarite: stats(kind: LESSON, groupBy: [POLARITY]) { total rows { keys { value label } count } }
  }`);
  if (stale()) return;
  pageTitle('Aperçu de la base');
  const toRows = (stats, param) => stats.rows.map((row) => ({ label: row.keys[0].label, value: row.count, value0: row.keys[0].value, param }));
  const chartWithLinks = (id, title, stats, param, kind) => {
    const rows = toRows(stats, param);
    return h('section', { class: 'block' }, h('h2', {}, title),
      rows.length ? [
        barChart({ id, title, rows, width: 560, labelWidth: 250, maxLabel: 27 }),
        h('details', {}, h('summary', {}, 'Les chiffres, et la recherche correspondante'),
          h('ul', {}, rows.map((row) => h('li', {}, h('a', { href: searchHref({ q: '', filters: { type: [kind], [param]: [row.value0] } }) }, row.label), ` : ${numberFormat.format(row.value)}`)))),
      ] : h('p', {}, 'Rien à compter pour l’instant.'));
  };
  const phases = values('Phase').filter((phase) => data.croise.rows.some((row) => row.keys[1].value === phase.code));
  const programmes = [...new Map(data.croise.rows.map((row) => [row.keys[0].value, row.keys[0].label])).entries()];
  const cell = (programme, phase) => data.croise.rows.find((row) => row.keys[0].value === programme && row.keys[1].value === phase.code)?.count || 0;
  show(
    h('h1', { tabindex: '-1' }, 'Aperçu de la base'),
    h('p', { class: 'lead' }, `${plural(data.parProgramme.total, 'fiche-projet publiée', 'fiches-projet publiées')} et ${plural(data.parCategorie.total, 'leçon publiée', 'leçons publiées')}. `,
      h('a', { href: pathTo('recurrence') }, 'Voir les leçons qui reviennent le plus'), '.'),
    h('div', { class: 'grid-2' },
      chartWithLinks('chart-programmes', 'Fiches-projet par programme', data.parProgramme, 'programme', 'SHEET'),
      chartWithLinks('chart-phases', 'Fiches-projet par phase de la démarche', data.parPhase, 'phase', 'SHEET'),
      chartWithLinks('chart-categories', 'Leçons par catégorie', data.parCategorie, 'categorie', 'LESSON'),
      chartWithLinks('chart-polarites', 'Leçons par polarité', data.parPolarite, 'polarite', 'LESSON')),
    programmes.length ? h('section', { class: 'block' }, h('h2', {}, 'Fiches-projet par programme et par phase'),
      h('div', { class: 'table-scroll' }, h('table', { class: 'matrix' },
        h('caption', { class: 'visually-hidden' }, 'Nombre de fiches-projet par programme (lignes) et par phase (colonnes)'),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Programme'), phases.map((phase) => h('th', { scope: 'col' }, phase.label)))),
        h('tbody', {}, programmes.map(([id, name]) => h('tr', {}, h('th', { scope: 'row' }, name),
          phases.map((phase) => {
            const count = cell(id, phase);
            return h('td', { class: `number heat-${Math.min(4, count)}` }, count ? String(count) : '·');
          }))))))) : null,
  );
}
