// retex — ce que le réseau a appris, pour la suite d'un projet : sous une fiche-projet, les leçons de
// sa prochaine étape, et la vue « Préparer un projet », qui tire de quelques lignes et de quelques
// choix une liste de contrôle étape par étape, à cocher et à imprimer, tout l'état étant dans
// l'adresse (`/preparer?description=…&theme=…`).

import { h, markdown, plural, show, pageTitle } from './dom.js';
import { gql, label, values } from './api.js';
import { navigate, pathTo } from './router.js';
import { problemText } from './contribute.js';

// ---------------------------------------------------------------------------------------------------
// One piece of advice: a lesson, why it is offered, and who contradicts it

const SHEET_ADVICE_QUERY = `query Conseils($slug: String!) {
  sheet(slug: $slug) {
    advice(first: 5) {
      phase phaseLabel
      items {
        score alreadyLinked programmes sheets
        reasons { criterion label }
        contradictedBy { slug title }
        lesson { slug title polarity recommendation evidenceLevel }
      }
    }
  }
}`;

const CHECKLIST_QUERY = `query Checklist($input: AdviceInput!) {
  checklist(input: $input, perPhase: 5) {
    phase phaseLabel
    items {
      score alreadyLinked programmes sheets
      reasons { criterion label }
      contradictedBy { slug title }
      lesson { slug title polarity recommendation evidence evidenceLevel }
    }
  }
}`;

const NOTHING_YET = 'Le réseau n’a pas encore capitalisé de leçon pour cette étape.';

/** A Markdown text whose first paragraph starts with `term` in bold (« Ce qui le montre : … »). */
function termThen(term, source) {
  const blocks = markdown(source);
  if (blocks[0]?.tagName === 'P') blocks[0].prepend(h('strong', {}, term));
  else blocks.unshift(h('p', {}, h('strong', {}, term)));
  return blocks;
}

/**
 * One lesson offered for a project: its polarity, its title (a link to it), its recommendation, why
 * it is offered, and the sheets that contradict it. In a checklist (`checkId`), a box to tick before
 * it, named by the lesson's title, and the evidence behind the lesson.
 */
function adviceItem(item, { checkId = null, evidence = false } = {}) {
  const lesson = item.lesson;
  const titleId = checkId ? `${checkId}-titre` : null;
  const said = new Set(item.reasons.map((reason) => reason.criterion));
  const facts = [
    said.has('RECURRENCE') || !item.programmes ? '' : `Observée dans ${plural(item.programmes, 'programme', 'programmes')}, ${plural(item.sheets, 'fiche', 'fiches')}`,
    said.has('EVIDENCE_LEVEL') || !lesson.evidenceLevel ? '' : `Niveau de preuve : ${label('EvidenceLevel', lesson.evidenceLevel)}`,
  ].filter(Boolean);
  return h('li', { class: 'advice-item', 'data-lesson': lesson.slug },
    checkId ? h('input', { type: 'checkbox', id: checkId, class: 'advice-check', 'aria-labelledby': titleId }) : null,
    h('div', { class: 'advice-body' },
      h('p', { class: 'advice-title' },
        h('span', { class: `polarity polarity-${lesson.polarity.toLowerCase()}` }, label('Polarity', lesson.polarity)), ' ',
        h('a', { href: pathTo('lesson', { slug: lesson.slug }), id: titleId }, lesson.title),
        item.alreadyLinked ? [' ', h('span', { class: 'badge badge-linked' }, 'déjà relevée dans cette fiche')] : null),
      lesson.recommendation ? h('div', { class: 'advice-recommendation' }, markdown(lesson.recommendation)) : null,
      evidence && lesson.evidence ? h('div', { class: 'advice-evidence' }, termThen('Ce qui le montre : ', lesson.evidence)) : null,
      item.reasons.length ? h('p', { class: 'advice-why' }, h('strong', {}, 'Pourquoi : '), item.reasons.map((reason) => reason.label).join(' · ')) : null,
      facts.length ? h('p', { class: 'note' }, facts.join(' · ')) : null,
      item.contradictedBy.length ? h('p', { class: 'advice-contradicted' }, h('strong', {}, 'Contredite par : '),
        item.contradictedBy.map((sheet, i) => [i ? ', ' : '', h('a', { href: pathTo('sheet', { slug: sheet.slug }) }, sheet.title)])) : null));
}

// ---------------------------------------------------------------------------------------------------
// Under a project sheet: what the network learned for its next step

/** The advice for a sheet's next step, asked beside the sheet itself: `{ advice }`, or `{ error }`
 *  (the sheet is shown all the same). */
export function loadSheetAdvice(slug) {
  return gql(SHEET_ADVICE_QUERY, { slug }).then((data) => ({ advice: data.sheet.advice }), (error) => ({ error }));
}

export function sheetAdviceSection({ advice, error }) {
  return h('section', { class: 'block advice', id: 'conseils', 'aria-labelledby': 'conseils-titre', 'data-phase': advice?.phase },
    h('h2', { id: 'conseils-titre' }, 'Ce que le réseau a appris pour la prochaine étape'),
    error
      ? h('p', { class: 'notice notice-error' }, `Ces leçons n’ont pas pu être chargées : ${error.message}`)
      : [
          h('p', { class: 'lead' }, 'Prochaine étape : ', h('strong', {}, advice.phaseLabel), '. Les leçons des autres projets du réseau qui ressemblent le plus à celui-ci.'),
          advice.items.length
            ? h('ol', { class: 'advice-list' }, advice.items.map((item) => adviceItem(item)))
            : h('p', { class: 'advice-empty' }, NOTHING_YET),
        ]);
}

// ---------------------------------------------------------------------------------------------------
// Preparing a project: a checklist, phase by phase

/** The choices of the form, with their URL parameter, their field of `AdviceInput` and their labels. */
const CHOICES = [
  { param: 'theme', field: 'themes', title: 'Thèmes', vocabulary: 'Theme' },
  { param: 'territoryType', field: 'territoryTypes', title: 'Types de territoire', vocabulary: 'TerritoryType' },
  { param: 'targetPublic', field: 'targetPublics', title: 'Publics visés', vocabulary: 'TargetPublic' },
];
/** The fields of `AdviceInput` the API may name in its problems, as the form calls them. */
const FIELDS = {
  description: { param: 'description', title: 'Description' },
  activityType: { param: 'activityType', title: 'Type d’activité' },
  ...Object.fromEntries(CHOICES.map((choice) => [choice.field, { param: choice.param, title: choice.title }])),
};

function readPrepareState(url) {
  const params = url.searchParams;
  const state = { description: params.get('description') || '', activityType: params.get('activityType') || '' };
  for (const choice of CHOICES) state[choice.param] = [...new Set(params.getAll(choice.param).filter(Boolean))];
  // Anything in the address asks for a checklist, an empty description too (the API says what is missing).
  state.asked = params.has('description') || Boolean(state.activityType) || CHOICES.some((choice) => state[choice.param].length);
  return state;
}

export function prepareHref(state) {
  const params = new URLSearchParams();
  params.set('description', state.description);
  for (const value of state.theme) params.append('theme', value);
  if (state.activityType) params.set('activityType', state.activityType);
  for (const value of state.territoryType) params.append('territoryType', value);
  for (const value of state.targetPublic) params.append('targetPublic', value);
  return `${pathTo('prepare')}?${params}`;
}

function adviceInput(state) {
  const input = { description: state.description };
  if (state.activityType) input.activityType = state.activityType;
  for (const choice of CHOICES) if (state[choice.param].length) input[choice.field] = state[choice.param];
  return input;
}

function checkboxes(choice, chosen) {
  return h('fieldset', { class: 'field checks', 'data-field': choice.param },
    h('legend', {}, choice.title),
    h('div', { class: 'check-grid' }, values(choice.vocabulary).map((value) => {
      const id = `p-${choice.param}-${value.code}`;
      return h('div', { class: 'check' },
        h('input', { type: 'checkbox', id, name: choice.param, value: value.code, checked: chosen.includes(value.code) }),
        h('label', { for: id }, value.label));
    })),
    h('p', { class: 'field-error', id: `p-${choice.param}-erreur` }));
}

function prepareForm(state) {
  const description = h('textarea', { id: 'p-description', name: 'description', rows: 4, 'aria-describedby': 'p-description-aide p-description-erreur' });
  description.value = state.description;
  const form = h('form', { id: 'prepare-form', class: 'prepare-form', novalidate: true },
    h('div', { class: 'field', 'data-field': 'description' },
      h('label', { for: 'p-description' }, 'Décrivez le projet en quelques lignes'),
      h('p', { class: 'hint', id: 'p-description-aide' }, 'Le besoin, l’activité envisagée, le territoire, les publics : le réseau cherche les leçons des projets qui lui ressemblent.'),
      description,
      h('p', { class: 'field-error', id: 'p-description-erreur' })),
    checkboxes(CHOICES[0], state.theme),
    h('div', { class: 'field', 'data-field': 'activityType' },
      h('label', { for: 'p-activityType' }, 'Type d’activité'),
      h('select', { id: 'p-activityType', name: 'activityType', 'aria-describedby': 'p-activityType-erreur' },
        h('option', { value: '' }, 'Non précisé'),
        values('ActivityType').map((value) => h('option', { value: value.code, selected: state.activityType === value.code }, value.label))),
      h('p', { class: 'field-error', id: 'p-activityType-erreur' })),
    checkboxes(CHOICES[1], state.territoryType),
    checkboxes(CHOICES[2], state.targetPublic),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Établir la liste de contrôle')),
    h('div', { id: 'prepare-errors', class: 'form-errors', 'aria-live': 'assertive' }));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const next = { description: String(data.get('description') || '').trim(), activityType: String(data.get('activityType') || '') };
    for (const choice of CHOICES) next[choice.param] = data.getAll(choice.param).map(String);
    const href = prepareHref(next);
    navigate(href, { replace: href === location.pathname + location.search });
  });
  return form;
}

/** Shows the API's refusal next to the form: each problem by its field, or the message as it is. */
function showPrepareError(form, error) {
  const items = [];
  for (const problem of error.problems || []) {
    const root = problem.field.replace(/^input\./, '').split(/[.[]/)[0];
    const field = FIELDS[root];
    const text = problemText(problem.problem);
    items.push(h('li', {}, field ? `${field.title} : ${text}` : `${problem.field} : ${text}`));
    if (!field) continue;
    const message = form.querySelector(`#p-${field.param}-erreur`);
    if (message) message.textContent = [message.textContent, text].filter(Boolean).join(' ; ');
    form.querySelector(`[data-field="${field.param}"]`)?.querySelector('textarea, select')?.setAttribute('aria-invalid', 'true');
  }
  form.querySelector('#prepare-errors').replaceChildren(h('div', { class: 'notice notice-error', role: 'alert' },
    items.length
      ? [h('p', {}, error.code === 'INVALID_INPUT' ? 'Le serveur a refusé la demande :' : 'La demande a échoué :'), h('ul', {}, items)]
      : h('p', {}, error.message)));
}

/** What the checklist was drawn for, so that it says so on paper too. */
function checklistFor(state) {
  const list = (choice) => (state[choice.param].length ? `${choice.title} : ${state[choice.param].map((code) => label(choice.vocabulary, code)).join(', ')}` : '');
  const chosen = [
    list(CHOICES[0]),
    state.activityType ? `Type d’activité : ${label('ActivityType', state.activityType)}` : '',
    list(CHOICES[1]),
    list(CHOICES[2]),
  ].filter(Boolean);
  return [
    h('p', { class: 'checklist-for' }, 'Pour le projet : ', h('q', {}, state.description)),
    chosen.length ? h('p', { class: 'note' }, chosen.join(' · ')) : null,
  ];
}

function checklistView(state, phases) {
  const total = phases.reduce((count, advice) => count + advice.items.length, 0);
  return h('div', { class: 'checklist', id: 'checklist' },
    h('div', { class: 'checklist-intro' },
      h('p', { class: 'count', 'aria-live': 'polite' }, `Liste de contrôle : ${plural(total, 'leçon', 'leçons')} sur ${plural(phases.length, 'étape', 'étapes')}.`),
      checklistFor(state),
      h('div', { class: 'actions' }, h('button', { type: 'button', class: 'secondary', onclick: () => window.print() }, 'Imprimer'))),
    phases.map((advice) => {
      const titleId = `etape-${advice.phase}`;
      return h('section', { class: 'block checklist-phase', 'data-phase': advice.phase, 'aria-labelledby': titleId },
        h('h2', { id: titleId }, advice.phaseLabel),
        advice.items.length
          ? h('ol', { class: 'advice-list' }, advice.items.map((item, i) => adviceItem(item, { checkId: `coche-${advice.phase}-${i}`, evidence: true })))
          : h('p', { class: 'advice-empty' }, NOTHING_YET));
    }));
}

export async function prepareView(url, stale) {
  const state = readPrepareState(url);
  let phases = null;
  let error = null;
  if (state.asked) {
    try {
      phases = (await gql(CHECKLIST_QUERY, { input: adviceInput(state) })).checklist;
    } catch (caught) {
      error = caught;
    }
    if (stale()) return;
  }
  pageTitle(phases ? 'Liste de contrôle du projet' : 'Préparer un projet');
  const form = prepareForm(state);
  show(
    h('h1', { tabindex: '-1' }, 'Préparer un projet'),
    h('p', { class: 'lead screen-only' }, 'Décrivez un projet qui n’est pas encore écrit : le réseau en tire, étape par étape de la démarche, les leçons de ses projets qui lui ressemblent, à cocher en équipe et à imprimer. L’adresse de la page garde la liste : partagez-la.'),
    form,
    phases ? checklistView(state, phases) : null,
  );
  if (error) showPrepareError(form, error);
}
