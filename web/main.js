// retex — la page web du réseau : recherche, lecture, préparation d'un projet, guides, récurrence,
// aperçu et contribution.
// Elle ne parle au serveur que par son API GraphQL publique (POST /graphql). Ce module la démarre :
// il donne à l'aiguillage les vues des adresses de `routes.json`, charge les vocabulaires, puis
// dessine la vue de l'adresse courante.

import { h, show } from './dom.js';
import { loadVocabularies, showViewer } from './api.js';
import { render, setViews } from './router.js';
import { searchView } from './search.js';
import { sheetView, lessonView } from './reading.js';
import { recurrenceView, overviewView } from './charts.js';
import { contributeView } from './contribute.js';
import { prepareView } from './advice.js';
import { guideView } from './guide.js';

setViews({
  search: searchView,
  sheet: sheetView,
  lesson: lessonView,
  prepare: prepareView,
  guide: guideView,
  recurrence: recurrenceView,
  overview: overviewView,
  contribute: contributeView,
});

// ---------------------------------------------------------------------------------------------------
// Start

async function start() {
  try {
    await loadVocabularies();
  } catch (error) {
    show(h('h1', {}, 'Le serveur ne répond pas'), h('p', { class: 'notice notice-error' }, error.message));
    return;
  }
  showViewer();
  await render();
  document.documentElement.dataset.ready = 'true';
}

start();
