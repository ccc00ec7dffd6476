// retex — les guides de capitalisation : pour un thème, un type d'activité ou un programme (choisis
// dans l'adresse, `/guide?theme=…&activityType=…&programme=…`), les facteurs clés de succès et les
// écueils de chaque étape, avec un exemple et un témoignage, puis les indicateurs des fiches
// concernées ; à imprimer.

import { h, markdown, numberFormat, plural, scrollTable, show, pageTitle } from './dom.js';
import { gql, values } from './api.js';
import { navigate, pathTo } from './router.js';

const PROGRAMMES_QUERY = '{ programmes(first: 100, sort: {field: TITLE, direction: ASC}) { nodes { id name } } }';

const GUIDE_QUERY = `query Guide($filter: GuideFilter!) {
  guide(filter: $filter) {
    title sheetCount programmeCount
    phases { phase label successFactors { ...Entree } pitfalls { ...Entree } }
    indicators { name unit sheets target actual }
  }
}
fragment Entree on GuideEntry {
  lesson { slug title recommendation }
  programmes sheets
  example { slug title }
  testimony { quote speaker role sheet { slug title } }
}`;

/** The choices of a guide, with their URL parameter (also their field of `GuideFilter`). */
const GUIDE_FILTERS = [
  { param: 'theme', title: 'Thème', empty: 'Tous les thèmes', vocabulary: 'Theme' },
  { param: 'activityType', title: 'Type d’activité', empty: 'Tous les types d’activité', vocabulary: 'ActivityType' },
  { param: 'programme', title: 'Programme', empty: 'Tous les programmes' },
];

function guideEntry(entry) {
  const lesson = entry.lesson;
  const testimony = entry.testimony;
  return h('li', { class: 'guide-entry', 'data-lesson': lesson.slug },
    h('p', { class: 'guide-entry-title' }, h('a', { href: pathTo('lesson', { slug: lesson.slug }) }, lesson.title)),
    lesson.recommendation ? h('div', { class: 'advice-recommendation' }, markdown(lesson.recommendation)) : null,
    h('p', { class: 'note' }, `Observée dans ${plural(entry.programmes, 'programme', 'programmes')}, ${plural(entry.sheets, 'fiche', 'fiches')}`),
    entry.example ? h('p', { class: 'guide-example' }, h('strong', {}, 'Exemple : '), h('a', { href: pathTo('sheet', { slug: entry.example.slug }) }, entry.example.title)) : null,
    testimony ? h('figure', { class: 'testimony' },
      h('blockquote', {}, h('p', {}, testimony.quote)),
      h('figcaption', {}, '— ', [testimony.speaker, testimony.role].filter(Boolean).join(', '),
        testimony.sheet ? [' (', h('a', { href: pathTo('sheet', { slug: testimony.sheet.slug }) }, testimony.sheet.title), ')'] : null)) : null);
}

function entries(title, list) {
  return list.length ? [h('h3', {}, title), h('ul', { class: 'guide-entries' }, list.map(guideEntry))] : null;
}

function indicatorsTable(indicators) {
  const figure = (value) => (value === null || value === undefined ? '—' : numberFormat.format(value));
  return h('section', { class: 'block', id: 'indicateurs', 'aria-labelledby': 'indicateurs-titre' },
    h('h2', { id: 'indicateurs-titre' }, 'Indicateurs des fiches concernées'),
    indicators.length
      ? scrollTable('Indicateurs des fiches concernées', h('table', { class: 'guide-indicators' },
        h('caption', { class: 'visually-hidden' }, 'Indicateurs suivis par les fiches-projet du guide : nombre de fiches, cible et réalisé'),
        h('thead', {}, h('tr', {}, ['Indicateur', 'Unité', 'Fiches', 'Cible', 'Réalisé'].map((title) => h('th', { scope: 'col' }, title)))),
        h('tbody', {}, indicators.map((indicator) => h('tr', {},
          h('th', { scope: 'row' }, indicator.name),
          h('td', {}, indicator.unit),
          h('td', { class: 'number' }, figure(indicator.sheets)),
          h('td', { class: 'number' }, figure(indicator.target)),
          h('td', { class: 'number' }, figure(indicator.actual)))))))
      : h('p', {}, 'Les fiches concernées ne suivent pas encore d’indicateur.'));
}

function guideBody(guide) {
  const empty = !guide.phases.some((phase) => phase.successFactors.length || phase.pitfalls.length);
  return [
    h('p', { class: 'lead guide-counts' }, `${plural(guide.sheetCount, 'fiche', 'fiches')}, ${plural(guide.programmeCount, 'programme', 'programmes')}`),
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'secondary', onclick: () => window.print() }, 'Imprimer')),
    empty
      ? h('div', { class: 'empty' }, h('p', { class: 'empty-title' }, 'Aucune leçon publiée pour ces choix — essayez :'),
        h('ul', {}, h('li', {}, 'retirer un des choix, ou en prendre un plus large'), h('li', {}, h('a', { href: pathTo('guide') }, 'repartir de zéro'))))
      : guide.phases.map((phase) => h('section', { class: 'block guide-phase', 'data-phase': phase.phase || 'ALL' },
        h('h2', {}, phase.label),
        entries('Facteurs clés de succès', phase.successFactors),
        entries('Écueils à éviter', phase.pitfalls))),
    indicatorsTable(guide.indicators),
  ];
}

export async function guideView(url, stale) {
  const params = url.searchParams;
  const filter = {};
  for (const f of GUIDE_FILTERS) if (params.get(f.param)) filter[f.param] = params.get(f.param);
  const chosen = Object.keys(filter).length > 0;
  // The guide's refusal (an unknown code in the address) shows under the choices, which stay usable.
  const [lists, answer] = await Promise.all([
    gql(PROGRAMMES_QUERY),
    chosen ? gql(GUIDE_QUERY, { filter }).then((data) => ({ guide: data.guide }), (error) => ({ error })) : null,
  ]);
  if (stale()) return;
  const programmes = lists.programmes.nodes.map((p) => ({ code: p.id, label: p.name }));
  if (filter.programme && !programmes.some((p) => p.code === filter.programme)) programmes.push({ code: filter.programme, label: 'Programme inconnu' });
  const selects = GUIDE_FILTERS.map((f) => {
    const id = `guide-${f.param}`;
    const select = h('select', { id, name: f.param },
      h('option', { value: '' }, f.empty),
      (f.vocabulary ? values(f.vocabulary) : programmes).map((value) => h('option', { value: value.code, selected: filter[f.param] === value.code }, value.label)));
    select.addEventListener('change', () => {
      const next = new URLSearchParams(location.search);
      if (select.value) next.set(f.param, select.value);
      else next.delete(f.param);
      const query = next.toString();
      navigate(`${pathTo('guide')}${query ? `?${query}` : ''}`, { keepFocus: true });
    });
    return h('div', { class: 'field' }, h('label', { for: id }, f.title), select);
  });
  const guide = answer?.guide;
  pageTitle(guide ? guide.title : 'Guides de capitalisation');
  show(
    h('h1', { tabindex: '-1' }, guide ? guide.title : 'Guides de capitalisation'),
    guide ? null : h('p', { class: 'lead' }, 'Ce que le réseau a appris, rassemblé en un guide : les facteurs clés de succès et les écueils de chaque étape de la démarche, avec un exemple, un témoignage et les indicateurs suivis.'),
    h('form', { class: 'filters', id: 'guide-form', 'aria-label': 'Choisir le guide', onsubmit: (event) => event.preventDefault() }, selects,
      chosen ? h('p', { class: 'field' }, h('a', { href: pathTo('guide') }, 'Retirer les choix')) : null),
    !chosen ? h('p', { class: 'notice' }, 'Choisissez un thème, un type d’activité ou un programme.') : null,
    answer?.error ? h('p', { class: 'notice notice-error', role: 'alert' }, answer.error.message) : null,
    guide ? guideBody(guide) : null,
  );
}
