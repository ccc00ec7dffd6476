// retex — la page web du réseau : recherche, carte des projets, lecture (fiches, leçons,
// organisations, territoires), préparation d'un projet, guides, récurrence, aperçu, contribution,
// connexion des personnes (invitation, mot de passe) et comptes.
// Elle ne parle au serveur que par son API GraphQL publique (POST /graphql) et, pour la session des
// personnes, par `/auth/…` (connexion, déconnexion, liens à usage unique). Ce module la démarre :
// il donne à l'aiguillage les vues des adresses de `routes.json`, charge les vocabulaires, puis
// dessine la vue de l'adresse courante.

import { h, show } from './dom.js';
import { loadVocabularies } from './api.js';
import { render, setViews } from './router.js';
import { searchView } from './search.js';
import { sheetView, lessonView } from './reading.js';
import { organisationView, territoryView } from './profiles.js';
import { mapView } from './map.js';
import { recurrenceView, overviewView } from './charts.js';
import { contributeView } from './contribute.js';
import { prepareView } from './advice.js';
import { guideView } from './guide.js';
import { showAccount, signInView, invitationView } from './account.js';
import { peopleView } from './people.js';

setViews({
  search: searchView,
  sheet: sheetView,
  lesson: lessonView,
  organisation: organisationView,
  territory: territoryView,
  map: mapView,
  prepare: prepareView,
  guide: guideView,
  recurrence: recurrenceView,
  overview: overviewView,
  contribute: contributeView,
  signIn: signInView,
  invitation: invitationView,
  people: peopleView,
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
  showAccount();
  await render();
  document.documentElement.dataset.ready = 'true';
}

start();
