// retex — les graphiques : barres en SVG inline, chacune à côté d'un tableau ou de liens qui disent
// la même chose ; les vues « Récurrence » (leçons qui reviennent le plus) et « Aperçu » (la base en
// chiffres, et ses financements par financeur et par année).

import { h, s, numberFormat, formatEuros, plural, scrollTable, show, pageTitle } from './dom.js';
import { gql, inDimensionOrder, label, values } from './api.js';
import { navigate, pathTo } from './router.js';
import { searchHref } from './search.js';

// ---------------------------------------------------------------------------------------------------
// Charts: inline SVG bars, each beside a table or links that say the same. A chart is drawn for the
// width of its place on the page, and drawn again when that width changes (a phone turned, a window
// resized): its text keeps its size (one unit of the drawing is one pixel), and a label too long for
// its room is cut with « … » (the whole label is in the bar's <title>, and in the table or links).

/** The size of a chart's text, in pixels (`.bar-label` and `.bar-value` in style.css). */
const FONT_SIZE = 14;
/** Below this width (pixels), each label is written above its bar, on up to two lines. */
const NARROW = 480;

/** Measures text as the charts write it (the page's font, FONT_SIZE): `(text, bold) → pixels`. */
function textMeasurer() {
  const context = document.createElement('canvas').getContext('2d');
  const family = getComputedStyle(document.documentElement).fontFamily || 'sans-serif';
  const cache = new Map();
  return (text, bold = false) => {
    const key = `${bold ? 'b' : 'r'}${text}`;
    if (!cache.has(key)) {
      context.font = `${bold ? 700 : 400} ${FONT_SIZE}px ${family}`;
      cache.set(key, context.measureText(text).width);
    }
    return cache.get(key);
  };
}

/** `text`, cut with « … » if it is wider than `room` pixels. */
function truncated(text, room, measure) {
  if (measure(text) <= room) return text;
  let low = 0;
  let high = text.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (measure(`${text.slice(0, mid).trimEnd()}…`) <= room) low = mid;
    else high = mid - 1;
  }
  return `${text.slice(0, low).trimEnd()}…`;
}

/** `text` on at most `most` lines of `room` pixels, broken between words; the last line is cut with
 *  « … » if the text goes on. */
function wrapped(text, room, measure, most = 2) {
  const lines = [];
  let words = text.split(/[ \t\n]+/).filter(Boolean);
  while (words.length && lines.length < most) {
    if (lines.length === most - 1) {
      lines.push(truncated(words.join(' '), room, measure));
      break;
    }
    let taken = 1;
    while (taken < words.length && measure(words.slice(0, taken + 1).join(' ')) <= room) taken += 1;
    lines.push(truncated(words.slice(0, taken).join(' '), room, measure));
    words = words.slice(taken);
  }
  return lines.length ? lines : [''];
}

/** The SVG of a bar chart `width` pixels wide: labels beside the bars, or above them when narrow,
 *  each on up to two lines; `format` writes the values (counts by default, or amounts). */
function drawBars({ title, titleId, rows, width, format = (value) => numberFormat.format(value) }) {
  const measure = textMeasurer();
  // Beside the bars, the labels take the room the widest needs, up to a little more than half.
  const labelRoom = Math.min(Math.ceil(Math.max(0, ...rows.map((row) => measure(row.label)))) + 22, Math.round(width * 0.55));
  const max = Math.max(1, ...rows.map((row) => row.value));
  const valueRoom = 8 + Math.max(0, ...rows.map((row) => measure(format(row.value), true))) + 4;
  const narrow = width < NARROW;
  const lineHeight = 18;
  let y = 4;
  const bars = rows.map((row) => {
    const value = format(row.value);
    const tooltip = s('title', {}, `${row.label} : ${value}`);
    const rectClass = `bar-rect ${row.className || ''}`.trim();
    if (narrow) {
      const lines = wrapped(row.label, width - 2, measure);
      const barTop = y + lines.length * lineHeight + 3;
      const barWidth = Math.max(2, (row.value / max) * (width - valueRoom));
      const group = s('g', { class: 'bar' }, tooltip,
        s('text', { x: 0, y: y + FONT_SIZE, class: 'bar-label' },
          lines.map((line, i) => s('tspan', { x: 0, y: y + FONT_SIZE + i * lineHeight }, line))),
        s('rect', { x: 0, y: barTop, width: barWidth, height: 16, rx: 3, class: rectClass }),
        s('text', { x: barWidth + 8, y: barTop + 8, 'dominant-baseline': 'middle', class: 'bar-value' }, value));
      y = barTop + 16 + 12;
      return group;
    }
    const lines = wrapped(row.label, labelRoom - 12, measure);
    const rowHeight = 30 + (lines.length - 1) * (lineHeight - 2);
    const barWidth = Math.max(2, (row.value / max) * (width - labelRoom - valueRoom));
    const middle = y + rowHeight / 2;
    const first = middle - ((lines.length - 1) * (lineHeight - 2)) / 2;
    const group = s('g', { class: 'bar' }, tooltip,
      s('text', { x: labelRoom - 10, y: first, 'text-anchor': 'end', 'dominant-baseline': 'middle', class: 'bar-label' },
        lines.map((line, i) => s('tspan', { x: labelRoom - 10, y: first + i * (lineHeight - 2) }, line))),
      s('rect', { x: labelRoom, y: middle - 10, width: barWidth, height: 20, rx: 3, class: rectClass }),
      s('text', { x: labelRoom + barWidth + 8, y: middle, 'dominant-baseline': 'middle', class: 'bar-value' }, value));
    y += rowHeight;
    return group;
  });
  const height = Math.ceil(y + 6);
  return s('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-labelledby': titleId, class: 'chart' },
    s('title', { id: titleId }, title),
    bars);
}

/**
 * A bar chart in a <figure>: drawn once at a guessed width, then for the width the figure takes on
 * the page (ResizeObserver), and again whenever it changes, until the figure leaves the page.
 */
function barChart({ id, title, rows, caption, format }) {
  const titleId = `${id}-titre`;
  const figure = h('figure', { class: 'chart-figure', id }, caption ? h('figcaption', {}, caption) : null);
  let drawn = 0;
  const draw = (room) => {
    const width = Math.max(200, Math.floor(room));
    if (width === drawn) return;
    drawn = width;
    const svg = drawBars({ title, titleId, rows, width, format });
    const old = figure.querySelector('svg');
    if (old) old.replaceWith(svg);
    else figure.prepend(svg);
  };
  draw(760);
  const observer = new ResizeObserver(([entry]) => {
    if (!figure.isConnected) observer.disconnect();
    else if (entry.contentRect.width > 0) draw(entry.contentRect.width);
  });
  observer.observe(figure);
  return figure;
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
          scrollTable('Leçons classées par nombre de programmes', h('table', { class: 'recurrence-table' },
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
    parFinanceur: fundingTotals(by: FUNDER) { value label amount lines sheets }
    parAnnee: fundingTotals(by: YEAR) { value label amount lines sheets }
  }`);
  if (stale()) return;
  pageTitle('Aperçu de la base');
  // Phases in the order of the démarche (years ascending), whatever order the counts come in.
  const toRows = (stats, dimension) => inDimensionOrder(dimension,
    stats.rows.map((row) => ({ label: row.keys[0].label, value: row.count, value0: row.keys[0].value })), (row) => row.value0);
  const chartWithLinks = (id, title, stats, dimension, param, kind) => {
    const rows = toRows(stats, dimension);
    return h('section', { class: 'block' }, h('h2', {}, title),
      rows.length ? [
        barChart({ id, title, rows }),
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
      chartWithLinks('chart-programmes', 'Fiches-projet par programme', data.parProgramme, 'PROGRAMME', 'programme', 'SHEET'),
      chartWithLinks('chart-phases', 'Fiches-projet par phase de la démarche', data.parPhase, 'PHASE', 'phase', 'SHEET'),
      chartWithLinks('chart-categories', 'Leçons par catégorie', data.parCategorie, 'CATEGORY', 'categorie', 'LESSON'),
      chartWithLinks('chart-polarites', 'Leçons par polarité', data.parPolarite, 'POLARITY', 'polarite', 'LESSON')),
    programmes.length ? h('section', { class: 'block' }, h('h2', {}, 'Fiches-projet par programme et par phase'),
      scrollTable('Fiches-projet par programme et par phase', h('table', { class: 'matrix' },
        h('caption', { class: 'visually-hidden' }, 'Nombre de fiches-projet par programme (lignes) et par phase (colonnes)'),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Programme'), phases.map((phase) => h('th', { scope: 'col' }, phase.label)))),
        h('tbody', {}, programmes.map(([id, name]) => h('tr', {}, h('th', { scope: 'row' }, name),
          phases.map((phase) => {
            const count = cell(id, phase);
            return h('td', { class: `number heat-${Math.min(4, count)}` }, count ? String(count) : '·');
          }))))))) : null,
    fundingBlock(data.parFinanceur, data.parAnnee),
  );
}

// ---------------------------------------------------------------------------------------------------
// Overview: the funding plans of the published sheets

/** How many funders the chart by funder shows (the largest amounts). */
const TOP_FUNDERS = 10;

/** « Financements »: the funding plans of the published sheets summed by funder (the ten largest)
 *  and by year (in order), each chart with a table of the same amounts. */
function fundingBlock(byFunder, byYear) {
  const total = byYear.reduce((sum, row) => sum + row.amount, 0);
  const lines = byYear.reduce((sum, row) => sum + row.lines, 0);
  const funders = byFunder.slice(0, TOP_FUNDERS);
  const years = inDimensionOrder('YEAR', byYear, (row) => row.value);
  return h('section', { class: 'block', id: 'financements', 'aria-labelledby': 'financements-titre' },
    h('h2', { id: 'financements-titre' }, 'Financements'),
    lines ? [
      h('p', {}, `Les plans de financement des fiches-projet publiées : ${formatEuros(total)} au total, en ${plural(lines, 'ligne', 'lignes')}.`),
      h('div', { class: 'grid-2' },
        fundingChart({
          id: 'chart-financeurs', rows: funders, what: 'Financeur',
          title: byFunder.length > TOP_FUNDERS ? `Les ${TOP_FUNDERS} premiers financeurs (sur ${byFunder.length})` : 'Montants par financeur',
        }),
        fundingChart({ id: 'chart-annees', rows: years, what: 'Année', title: 'Montants par année' })),
    ] : h('p', {}, 'Aucun plan de financement renseigné pour l’instant.'));
}

/** One funding chart (amounts in euros) under its heading, and the table of its amounts, lines and
 *  sheets. */
function fundingChart({ id, title, rows, what }) {
  return h('div', { class: 'funding-chart' }, h('h3', {}, title),
    barChart({ id, title, format: formatEuros, rows: rows.map((row) => ({ label: row.label, value: row.amount })) }),
    h('details', {}, h('summary', {}, 'Les montants en tableau'),
      scrollTable(title, h('table', { class: 'funding-totals' },
        h('caption', { class: 'visually-hidden' }, title),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, what),
          ['Montant', 'Lignes', 'Fiches'].map((name) => h('th', { scope: 'col', class: 'number' }, name)))),
        h('tbody', {}, rows.map((row) => h('tr', {}, h('th', { scope: 'row' }, row.label),
          h('td', { class: 'number' }, formatEuros(row.amount)),
          h('td', { class: 'number' }, numberFormat.format(row.lines)),
          h('td', { class: 'number' }, numberFormat.format(row.sheets)))))))));
}
