//! The French catalogue: every English message of retex (errors, problems of a field, refusals,
//! reports of the command line), with `{}` for its variable parts, and its French text.

/// (English template, French template).
pub(super) const MESSAGES: &[(&str, &str)] = &[
    // src/error.rs
    ("invalid input: {}", "saisie invalide : {}"),
    ("{} not found", "{} introuvable"),
    ("conflict: {}", "conflit : {}"),
    ("forbidden: {}", "refusé : {}"),
    ("service unavailable: {}; retry in a few seconds", "service indisponible : {} ; réessayez dans quelques secondes"),
    ("internal error", "erreur interne"),
    // src/ids.rs
    ("`{}` is not a retex id", "`{}` n’est pas un identifiant retex"),
    ("is not a {} id", "n’est pas un identifiant {}"),
    ("is the id of a {}, a {} was expected", "est l’identifiant d’un objet {}, alors qu’un objet {} était attendu"),
    // src/domain/advice.rs
    ("is empty: describe the project in a few lines", "est vide : décrivez le projet en quelques lignes"),
    ("has {} characters, at most {} are read", "compte {} caractères ; {} au plus sont pris en compte"),
    // src/domain/drafts.rs
    (
        "cannot be derived from the title; give one explicitly",
        "ne peut pas être déduit du titre ; indiquez-le explicitement",
    ),
    ("is required", "est obligatoire"),
    ("is empty: name who funds (« Région Bretagne »)", "est vide : indiquez qui finance (« Région Bretagne »)"),
    // src/domain/people.rs
    ("is empty: give an e-mail address", "est vide : indiquez une adresse e-mail"),
    ("is longer than {} characters", "dépasse {} caractères"),
    ("`{}` is not an e-mail address (name@domain.fr)", "`{}` n’est pas une adresse e-mail (nom@domaine.fr)"),
    ("is empty: choose a password", "est vide : choisissez un mot de passe"),
    (
        "is too short: {} characters, at least {} (a sentence of a few words is easy to remember)",
        "est trop court : {} caractères, il en faut au moins {} (une phrase de quelques mots se retient facilement)",
    ),
    (
        "this link was already used on {}: a link works once; ask for a new one",
        "ce lien a déjà été utilisé le {} : un lien ne sert qu’une fois ; demandez-en un nouveau",
    ),
    (
        "this link expired on {}; ask the person who sent it for a new one",
        "ce lien a expiré le {} ; demandez-en un nouveau à la personne qui vous l’a envoyé",
    ),
    (
        "a reviewer invites reviewers of its own programme (or of its sub-programmes) only",
        "un relecteur n’invite que des relecteurs de son propre programme (ou de ses sous-programmes)",
    ),
    (
        "a reviewer invites reviewers of its programme; inviting a {} is an administrator's decision",
        "un relecteur invite des relecteurs de son programme ; inviter un {} relève d’un administrateur",
    ),
    (
        "inviting people needs the ADMIN or REVIEWER role; the caller is {}",
        "inviter des personnes demande le rôle ADMIN ou REVIEWER ; votre rôle est {}",
    ),
    // src/domain/records.rs
    ("latitude {} is not between -90 and 90", "la latitude {} n’est pas comprise entre -90 et 90"),
    ("longitude {} is not between -180 and 180", "la longitude {} n’est pas comprise entre -180 et 180"),
    ("{} is before the start year {}", "{} précède l’année de début, {}"),
    ("{} is before the start date {}", "{} précède la date de début, {}"),
    ("{} is listed twice", "{} figure deux fois"),
    ("adds up to {} €, more than the budget of {} €", "totalise {} €, soit plus que le budget de {} €"),
    // src/domain/text.rs
    ("has {} items, at most {} are allowed", "compte {} éléments, {} au plus sont admis"),
    ("must not be empty", "ne doit pas être vide"),
    ("is {} characters long, at most {} are allowed", "compte {} caractères, {} au plus sont admis"),
    ("contains the control character U+{}", "contient le caractère de contrôle U+{}"),
    (
        "`{}` is not a slug: use lower-case letters a-z, digits and single hyphens, e.g. `garage-solidaire-brest`",
        "`{}` n’est pas un slug : utilisez des lettres minuscules a-z, des chiffres et des tirets simples, par exemple `garage-solidaire-brest`",
    ),
    ("must be an absolute http:// or https:// address", "doit être une adresse absolue en http:// ou https://"),
    ("must name a host, as in https://www.avise.org/", "doit nommer un hôte, comme dans https://www.avise.org/"),
    ("must not contain spaces or control characters", "ne doit contenir ni espace ni caractère de contrôle"),
    ("must be nine digits (SIREN)", "doit compter neuf chiffres (SIREN)"),
    (
        "must be W followed by nine characters (RNA), as in W751234567",
        "doit être un W suivi de neuf caractères (RNA), comme W751234567",
    ),
    ("{} is not a year between 1900 and 2100", "{} n’est pas une année comprise entre 1900 et 2100"),
    ("must be a finite number", "doit être un nombre fini"),
    (
        "`{}` is not an amount: write a number of euros, such as 12 500 or 12 500,50",
        "`{}` n’est pas un montant : écrivez un nombre d’euros, par exemple 12 500 ou 12 500,50",
    ),
    ("is empty: write a number of euros, such as 12 500", "est vide : écrivez un nombre d’euros, par exemple 12 500"),
    ("{} is negative: an amount is 0 or more", "{} est négatif : un montant vaut 0 ou plus"),
    (
        "{} has more than two decimals: amounts are in euros and cents",
        "{} a plus de deux décimales : les montants sont en euros et centimes",
    ),
    ("{} is more than ten billion euros", "{} dépasse dix milliards d’euros"),
    ("must be a finite number of euros", "doit être un nombre fini d’euros"),
    (
        "{} cents is not an amount between 0 and ten billion euros",
        "{} centimes ne font pas un montant compris entre 0 et dix milliards d’euros",
    ),
    // src/domain/tokens.rs
    (
        "a CONTRIBUTOR token needs the organisation it writes for",
        "un jeton CONTRIBUTOR doit indiquer l’organisation pour laquelle il écrit",
    ),
    ("a REVIEWER token needs the programme it reviews", "un jeton REVIEWER doit indiquer le programme qu’il relit"),
    (
        "a {} token sees the same records whatever its scope: leave them out",
        "un jeton {} voit les mêmes enregistrements quelle que soit sa portée : ne les indiquez pas",
    ),
    (
        "the Authorization header must be `Bearer <token>`, with an API token",
        "l’en-tête Authorization doit être `Bearer <token>`, avec un jeton d’API",
    ),
    (
        "the Authorization header has no token after `Bearer`",
        "l’en-tête Authorization ne contient pas de jeton après `Bearer`",
    ),
    // src/domain/visibility.rs
    (
        "a contributor's token must name its organisation to create records",
        "le jeton d’un contributeur doit indiquer son organisation pour créer des enregistrements",
    ),
    (
        "a {} record is changed by a reviewer of its programme; ask one to move it back to DRAFT",
        "un enregistrement {} ne peut être modifié que par un relecteur de son programme ; demandez à l’un d’eux de le remettre en DRAFT",
    ),
    (
        "a contributor edits only the records of its own organisation",
        "un contributeur ne modifie que les enregistrements de sa propre organisation",
    ),
    (
        "a reviewer edits only the records of its own programme",
        "un relecteur ne modifie que les enregistrements de son propre programme",
    ),
    (
        "moving a record from {} to {} is a reviewer's decision; a contributor submits, withdraws and archives its drafts",
        "faire passer un enregistrement de {} à {} relève d’un relecteur ; un contributeur soumet, retire et archive ses brouillons",
    ),
    (
        "a contributor moves only the records of its own organisation",
        "un contributeur ne change le statut que des enregistrements de sa propre organisation",
    ),
    (
        "a reviewer moves only the records of its own programme",
        "un relecteur ne change le statut que des enregistrements de son propre programme",
    ),
    (
        "grouping lessons into clusters is a reviewer's work; the caller is {}",
        "regrouper des leçons relève d’un relecteur ; votre rôle est {}",
    ),
    ("this needs the ADMIN role; the caller is {}", "cette action demande le rôle ADMIN ; votre rôle est {}"),
    (
        "this needs an API token (Authorization: Bearer …) with a role that may write",
        "cette action demande un jeton d’API (Authorization: Bearer …) dont le rôle permet d’écrire",
    ),
    ("the READER role only reads", "le rôle READER ne permet que la lecture"),
    // src/domain/workflow.rs
    ("the record is already {}", "l’enregistrement est déjà {}"),
    ("moving a {} record back to DRAFT needs a reason", "remettre en DRAFT un enregistrement {} demande un motif"),
    (
        "a {} record cannot become {}: the workflow is DRAFT → SUBMITTED → PUBLISHED → ARCHIVED, and back to DRAFT with a reason",
        "un enregistrement {} ne peut pas passer à {} : le circuit est DRAFT → SUBMITTED → PUBLISHED → ARCHIVED, avec retour en DRAFT sur motif",
    ),
    // src/app/accounts.rs
    ("there is no organisation {}", "il n’y a pas d’organisation {}"),
    ("there is no programme {}", "il n’y a pas de programme {}"),
    (
        "this is the token the request is made with; revoke it with another admin token or `retex token revoke`",
        "c’est le jeton avec lequel la requête est faite ; révoquez-le avec un autre jeton d’administrateur ou avec `retex token revoke`",
    ),
    // src/app/dashboards.rs
    (
        "dashboards count published records only; {} records are not counted",
        "les tableaux de bord ne comptent que les enregistrements publiés ; les enregistrements {} ne sont pas comptés",
    ),
    ("lesson cluster {}", "groupe de leçons {}"),
    ("lesson cluster {} not found", "groupe de leçons {} introuvable"),
    ("lesson {} is in no cluster", "la leçon {} n’appartient à aucun groupe"),
    ("give 1 to {} lessons", "donnez de 1 à {} leçons"),
    // src/app/export.rs
    ("includeDrafts: {}", "includeDrafts : {}"),
    // src/app/guide.rs
    (
        "a guide needs a theme, an activity type or a programme",
        "un guide demande un thème, un type d’activité ou un programme",
    ),
    ("there is no published programme with this id", "aucun programme publié n’a cet identifiant"),
    // src/app/import.rs
    ("the organisation `{}` appears twice in the import", "l’organisation `{}` figure deux fois dans l’import"),
    ("the territory `{}` appears twice in the import", "le territoire `{}` figure deux fois dans l’import"),
    ("the programme `{}` appears twice in the import", "le programme `{}` figure deux fois dans l’import"),
    ("the sheet `{}` appears twice in the import", "la fiche-projet `{}` figure deux fois dans l’import"),
    ("the lesson `{}` appears twice in the import", "la leçon `{}` figure deux fois dans l’import"),
    (
        "`{}` is already the key of the organisation `{}`; give that slug, or none",
        "`{}` est déjà la clé de l’organisation `{}` ; donnez ce slug, ou aucun",
    ),
    (
        "`{}` is already the key of the territory `{}`; give that slug, or none",
        "`{}` est déjà la clé du territoire `{}` ; donnez ce slug, ou aucun",
    ),
    (
        "`{}` is already the key of the programme `{}`; give that slug, or none",
        "`{}` est déjà la clé du programme `{}` ; donnez ce slug, ou aucun",
    ),
    (
        "`{}` is already the key of the sheet `{}`; give that slug, or none",
        "`{}` est déjà la clé de la fiche-projet `{}` ; donnez ce slug, ou aucun",
    ),
    (
        "`{}` is already the key of the lesson `{}`; give that slug, or none",
        "`{}` est déjà la clé de la leçon `{}` ; donnez ce slug, ou aucun",
    ),
    ("`{}` names two organisation records of the import", "`{}` désigne deux organisations de l’import"),
    ("`{}` names two territory records of the import", "`{}` désigne deux territoires de l’import"),
    ("`{}` names two programme records of the import", "`{}` désigne deux programmes de l’import"),
    ("`{}` names two sheet records of the import", "`{}` désigne deux fiches-projets de l’import"),
    ("`{}` names two lesson records of the import", "`{}` désigne deux leçons de l’import"),
    (
        "a record of this import was changed by someone else while the import ran ({}); nothing was written: import the file again",
        "un enregistrement de cet import a été modifié par quelqu’un d’autre pendant l’import ({}) ; rien n’a été écrit : importez de nouveau le fichier",
    ),
    (
        "is empty and cannot be derived from the external id or the title; give one",
        "est vide et ne peut être déduit ni de l’identifiant externe ni du titre ; indiquez-en un",
    ),
    ("`{}` is not a known format; expected `{}`", "`{}` n’est pas un format connu ; format attendu : `{}`"),
    ("give at least one file to import", "donnez au moins un fichier à importer"),
    (
        "the parent chain has a cycle or a parent that failed",
        "la chaîne des parents forme une boucle ou comprend un parent en erreur",
    ),
    // src/app/mod.rs
    ("the server is shutting down", "le serveur s’arrête"),
    // src/app/news.rs
    ("`{}` is not a value of {} ({})", "`{}` n’est pas une valeur de {} ({})"),
    ("is given twice; a feed follows one search", "est donné deux fois ; un flux suit une seule recherche"),
    ("`{}` is not a kind a feed carries (SHEET, LESSON)", "`{}` n’est pas un type de contenu des flux (SHEET, LESSON)"),
    ("is not a parameter of feeds (they take {})", "n’est pas un paramètre des flux (ils acceptent {})"),
    ("is empty", "est vide"),
    (
        "saved searches belong to an account: sign in, or send an API token (`Authorization: Bearer …`)",
        "les recherches enregistrées appartiennent à un compte : connectez-vous, ou envoyez un jeton d’API (`Authorization: Bearer …`)",
    ),
    (
        "{}is not a published programme (give its slug or id)",
        "{}n’est pas un programme publié (donnez son slug ou son identifiant)",
    ),
    ("a token keeps at most {} saved searches", "un jeton conserve au plus {} recherches enregistrées"),
    ("saved search {}", "recherche enregistrée {}"),
    ("saved search {} not found", "recherche enregistrée {} introuvable"),
    // src/app/people.rs
    ("the e-mail address or the password is wrong", "l’adresse e-mail ou le mot de passe est incorrect"),
    (
        "an account already signs in with {}: issue it a password reset link instead",
        "un compte se connecte déjà avec {} : envoyez-lui plutôt un lien de réinitialisation du mot de passe",
    ),
    ("person {}", "personne {}"),
    ("person {} not found", "personne {} introuvable"),
    (
        "this account is disabled: invite the person again instead",
        "ce compte est désactivé : invitez plutôt la personne de nouveau",
    ),
    (
        "this link is unknown: check that it was copied whole, or ask for a new one",
        "ce lien est inconnu : vérifiez qu’il a été copié en entier, ou demandez-en un nouveau",
    ),
    (
        "is empty: give your name, shown as the author of your changes",
        "est vide : indiquez votre nom, affiché comme auteur de vos modifications",
    ),
    ("is missing", "est manquant"),
    (
        "this link was already used: a link works once; ask for a new one",
        "ce lien a déjà été utilisé : un lien ne sert qu’une fois ; demandez-en un nouveau",
    ),
    ("an account already signs in with {}", "un compte se connecte déjà avec {}"),
    ("this account is disabled; ask an administrator", "ce compte est désactivé ; adressez-vous à un administrateur"),
    (
        "too many failed sign-ins for this account: try again in {} min, or ask an administrator for a reset link",
        "trop de connexions échouées pour ce compte : réessayez dans {} min, ou demandez un lien de réinitialisation à un administrateur",
    ),
    (
        "this is the caller's own account; another administrator disables it",
        "c’est votre propre compte : un autre administrateur doit le désactiver",
    ),
    // src/app/records.rs
    ("no organisation with id {}", "aucune organisation n’a l’identifiant {}"),
    ("no territory with id {}", "aucun territoire n’a l’identifiant {}"),
    ("no programme with id {}", "aucun programme n’a l’identifiant {}"),
    ("no sheet with id {}", "aucune fiche-projet n’a l’identifiant {}"),
    ("no lesson with id {}", "aucune leçon n’a l’identifiant {}"),
    (
        "organisation {} is at version {}, not {}: someone changed it since you read it; reload and apply your change again",
        "l’organisation {} en est à la version {}, et non {} : quelqu’un l’a modifiée depuis votre lecture ; rechargez-la et appliquez de nouveau votre modification",
    ),
    (
        "territory {} is at version {}, not {}: someone changed it since you read it; reload and apply your change again",
        "le territoire {} en est à la version {}, et non {} : quelqu’un l’a modifié depuis votre lecture ; rechargez-le et appliquez de nouveau votre modification",
    ),
    (
        "programme {} is at version {}, not {}: someone changed it since you read it; reload and apply your change again",
        "le programme {} en est à la version {}, et non {} : quelqu’un l’a modifié depuis votre lecture ; rechargez-le et appliquez de nouveau votre modification",
    ),
    (
        "sheet {} is at version {}, not {}: someone changed it since you read it; reload and apply your change again",
        "la fiche-projet {} en est à la version {}, et non {} : quelqu’un l’a modifiée depuis votre lecture ; rechargez-la et appliquez de nouveau votre modification",
    ),
    (
        "lesson {} is at version {}, not {}: someone changed it since you read it; reload and apply your change again",
        "la leçon {} en est à la version {}, et non {} : quelqu’un l’a modifiée depuis votre lecture ; rechargez-la et appliquez de nouveau votre modification",
    ),
    ("{}: organisation {} not found", "{} : organisation {} introuvable"),
    ("{}: territory {} not found", "{} : territoire {} introuvable"),
    ("{}: programme {} not found", "{} : programme {} introuvable"),
    ("{}: sheet {} not found", "{} : fiche-projet {} introuvable"),
    ("{}: lesson {} not found", "{} : leçon {} introuvable"),
    (
        "a organisation with the slug `{}` already exists; choose another slug",
        "une organisation avec le slug `{}` existe déjà ; choisissez un autre slug",
    ),
    (
        "a territory with the slug `{}` already exists; choose another slug",
        "un territoire avec le slug `{}` existe déjà ; choisissez un autre slug",
    ),
    (
        "a programme with the slug `{}` already exists; choose another slug",
        "un programme avec le slug `{}` existe déjà ; choisissez un autre slug",
    ),
    (
        "a sheet with the slug `{}` already exists; choose another slug",
        "une fiche-projet avec le slug `{}` existe déjà ; choisissez un autre slug",
    ),
    (
        "a lesson with the slug `{}` already exists; choose another slug",
        "une leçon avec le slug `{}` existe déjà ; choisissez un autre slug",
    ),
    (
        "no free variant of the slug `{}` is left; choose another slug",
        "il ne reste aucune variante libre du slug `{}` ; choisissez un autre slug",
    ),
    (
        "a programme cannot be nested inside itself or one of its sub-programmes",
        "un programme ne peut être placé ni sous lui-même ni sous l’un de ses sous-programmes",
    ),
    ("programmes nest at most 32 levels deep", "les programmes s’imbriquent sur 32 niveaux au plus"),
    // src/app/search.rs
    ("`{}` is listed twice", "`{}` figure deux fois"),
    ("has {} terms, at most {} are allowed", "compte {} termes, {} au plus sont admis"),
    (
        "similar records are found for sheets, lessons and programmes, not a organisation",
        "les enregistrements semblables se cherchent pour les fiches-projets, les leçons et les programmes, pas pour une organisation",
    ),
    (
        "similar records are found for sheets, lessons and programmes, not a territory",
        "les enregistrements semblables se cherchent pour les fiches-projets, les leçons et les programmes, pas pour un territoire",
    ),
    (
        "a glossary entry groups at least two equivalent terms, or one term and the narrower terms it expands to",
        "une entrée du glossaire regroupe au moins deux termes équivalents, ou un terme et les termes plus précis auxquels il s’étend",
    ),
    ("is one line of at most {} characters", "doit tenir sur une ligne d’au plus {} caractères"),
    ("glossary entry {}", "entrée du glossaire {}"),
    ("glossary entry {} not found", "entrée du glossaire {} introuvable"),
    // src/store/backup.rs
    ("{} is not a UTF-8 path", "{} n’est pas un chemin UTF-8"),
    ("only an embedded (SQLite) base is backed up by retex", "retex ne sauvegarde qu’une base embarquée (SQLite)"),
    ("cannot write the backup to {}: {}", "impossible d’écrire la sauvegarde dans {} : {}"),
    ("cannot read {}: {}", "impossible de lire {} : {}"),
    (
        "{} is not a SQLite database, so not a retex backup",
        "{} n’est pas une base SQLite, donc pas une sauvegarde retex",
    ),
    ("{} is damaged: SQLite cannot open it", "{} est endommagé : SQLite ne peut pas l’ouvrir"),
    ("{} is damaged: SQLite cannot read it", "{} est endommagé : SQLite ne peut pas le lire"),
    ("{} is damaged: {}", "{} est endommagé : {}"),
    (
        "{} is a SQLite database but not a retex base (it has no {} table)",
        "{} est une base SQLite mais pas une base retex (table(s) absente(s) : {})",
    ),
    (
        "{} comes from a newer retex (migration {} is unknown here): restore it with that version",
        "{} provient d’une version plus récente de retex (la migration {} est inconnue ici) : restaurez-le avec cette version",
    ),
    // src/store/clusters.rs
    (
        "lesson {} is already in cluster {}; remove it from that cluster first",
        "la leçon {} appartient déjà au groupe {} ; retirez-la d’abord de ce groupe",
    ),
    // src/store/journal.rs
    (
        "glossary entry {} is at version {}, not {}: reload it and apply your change again",
        "l’entrée du glossaire {} en est à la version {}, et non {} : rechargez-la et appliquez de nouveau votre modification",
    ),
    // src/store/mod.rs
    (
        "the base is in use by another process: stop the servers that use it first",
        "la base est utilisée par un autre processus : arrêtez d’abord les serveurs qui l’utilisent",
    ),
    (
        "a record with this slug already exists; choose another slug",
        "un enregistrement avec ce slug existe déjà ; choisissez un autre slug",
    ),
    (
        "a referenced record does not exist or is still referenced",
        "un enregistrement référencé n’existe pas ou est encore référencé",
    ),
    ("the database is busy", "la base de données est occupée"),
    (
        "no connection to the database could be had in time",
        "aucune connexion à la base de données n’a pu être obtenue à temps",
    ),
    ("the connection to the database failed", "la connexion à la base de données a échoué"),
    ("the database did not answer in time", "la base de données n’a pas répondu à temps"),
    ("the database is shutting down or starting", "la base de données s’arrête ou démarre"),
    (
        "use lower-case letters, digits and underscores",
        "utilisez des lettres minuscules, des chiffres et des tirets bas",
    ),
    // src/store/records.rs
    ("organisation {}", "organisation {}"),
    ("territory {}", "territoire {}"),
    ("programme {}", "programme {}"),
    ("sheet {}", "fiche-projet {}"),
    ("lesson {}", "leçon {}"),
    ("organisation {} not found", "organisation {} introuvable"),
    ("territory {} not found", "territoire {} introuvable"),
    ("programme {} not found", "programme {} introuvable"),
    ("sheet {} not found", "fiche-projet {} introuvable"),
    ("lesson {} not found", "leçon {} introuvable"),
    (
        "this cursor belongs to another list or sort order; start again from the first page",
        "ce curseur appartient à une autre liste ou à un autre ordre de tri ; reprenez depuis la première page",
    ),
    ("this cursor does not match the sort order", "ce curseur ne correspond pas à l’ordre de tri"),
    // src/store/tokens.rs
    ("API token {}", "jeton d’API {}"),
    ("API token {} not found", "jeton d’API {} introuvable"),
    // src/graphql/advice.rs
    ("{} is outside {} to {}", "{} n’est pas compris entre {} et {}"),
    ("saved searches do not keep structures", "les recherches enregistrées ne conservent pas les structures"),
    ("saved searches do not keep years", "les recherches enregistrées ne conservent pas les années"),
    ("`{}` is not the id of a saved search", "`{}` n’est pas l’identifiant d’une recherche enregistrée"),
    ("is not a programme id", "n’est pas un identifiant de programme"),
    // src/graphql/connection.rs
    (
        "is not a cursor of this API; use a cursor from `pageInfo` or an edge",
        "n’est pas un curseur de cette API ; utilisez un curseur de `pageInfo` ou d’un edge",
    ),
    ("{} is negative; ask for 0 to {} records", "{} est négatif ; demandez de 0 à {} enregistrements"),
    (
        "{} is more than the maximum page size of {}; ask for at most {} and follow `pageInfo.endCursor`",
        "{} dépasse la taille de page maximale de {} ; demandez-en au plus {} et suivez `pageInfo.endCursor`",
    ),
    ("give `first` or `last`, not both", "donnez `first` ou `last`, pas les deux"),
    // src/graphql/dashboards.rs
    ("must not be negative", "ne doit pas être négatif"),
    ("group by one or two dimensions", "regroupez selon une ou deux dimensions"),
    ("the two dimensions must differ", "les deux dimensions doivent être différentes"),
    // src/graphql/error.rs
    (
        "subscriptions run over WebSocket at /graphql/ws (graphql-ws protocol), not over HTTP",
        "les abonnements passent par WebSocket sur /graphql/ws (protocole graphql-ws), pas par HTTP",
    ),
    (
        "the query is nested deeper than {} levels (limit: depth)",
        "la requête est imbriquée sur plus de {} niveaux (limit: depth)",
    ),
    (
        "the query selects more than {} fields, counting each list's page size (limit: complexity)",
        "la requête sélectionne plus de {} champs, en comptant la taille de page de chaque liste (limit: complexity)",
    ),
    ("{} … (cut: the rest quoted the query)", "{} … (coupé : la suite citait la requête)"),
    // src/graphql/mod.rs
    (
        "the query writes {} fields, more than {} (limit: fields)",
        "la requête écrit {} champs, plus de {} (limit: fields)",
    ),
    // src/graphql/mutation.rs
    ("the lesson is not linked to this sheet", "la leçon n’est pas liée à cette fiche-projet"),
    // src/graphql/query.rs
    ("Organisation {}", "organisation {}"),
    ("Territory {}", "territoire {}"),
    ("Programme {}", "programme {}"),
    ("ProjectSheet {}", "fiche-projet {}"),
    ("Lesson {}", "leçon {}"),
    ("Organisation {} not found", "organisation {} introuvable"),
    ("Territory {} not found", "territoire {} introuvable"),
    ("Programme {} not found", "programme {} introuvable"),
    ("ProjectSheet {} not found", "fiche-projet {} introuvable"),
    ("Lesson {} not found", "leçon {} introuvable"),
    ("organisation with slug `{}`", "organisation de slug `{}`"),
    ("territory with slug `{}`", "territoire de slug `{}`"),
    ("programme with slug `{}`", "programme de slug `{}`"),
    ("sheet with slug `{}`", "fiche-projet de slug `{}`"),
    ("lesson with slug `{}`", "leçon de slug `{}`"),
    ("organisation with slug `{}` not found", "organisation de slug `{}` introuvable"),
    ("territory with slug `{}` not found", "territoire de slug `{}` introuvable"),
    ("programme with slug `{}` not found", "programme de slug `{}` introuvable"),
    ("sheet with slug `{}` not found", "fiche-projet de slug `{}` introuvable"),
    ("lesson with slug `{}` not found", "leçon de slug `{}` introuvable"),
    ("give either `id` or `slug`, not both nor neither", "donnez soit `id`, soit `slug` : ni les deux, ni aucun"),
    ("{} ids given, at most {} are allowed", "{} identifiants donnés, {} au plus sont admis"),
    // src/graphql/search.rs
    ("{} is before yearFrom {}", "{} précède yearFrom, {}"),
    (
        "is not a search cursor; use `pageInfo.endCursor` or a hit's cursor",
        "n’est pas un curseur de recherche ; utilisez `pageInfo.endCursor` ou le curseur d’un résultat",
    ),
    (
        "search pages stop at {} results; narrow the search",
        "les pages de recherche s’arrêtent à {} résultats ; affinez la recherche",
    ),
    ("is required to change an existing entry", "est obligatoire pour modifier une entrée existante"),
    // src/graphql/subscription.rs
    ("Connection initialisation timeout", "Délai d’initialisation de la connexion dépassé"),
    (
        "Forbidden: the token was revoked or its rights changed",
        "Refusé : le jeton a été révoqué ou ses droits ont changé",
    ),
    ("the API token is unknown or revoked", "le jeton d’API est inconnu ou révoqué"),
    // src/graphql/transfer.rs
    ("is not an uploaded file: {}", "n’est pas un fichier téléversé : {}"),
    // src/graphql/transport.rs
    ("`query` must be a string", "`query` doit être une chaîne de caractères"),
    ("the request has no `query`", "la requête n’a pas de `query`"),
    ("`operationName` must be a string", "`operationName` doit être une chaîne de caractères"),
    ("`variables` must be an object", "`variables` doit être un objet"),
    ("`extensions` is not valid", "`extensions` n’est pas valide"),
    ("`extensions` must be an object", "`extensions` doit être un objet"),
    ("the body is not valid UTF-8", "le corps de la requête n’est pas de l’UTF-8 valide"),
    ("the body is not valid JSON: {}", "le corps de la requête n’est pas du JSON valide : {}"),
    (
        "batched requests are not accepted (limit: batch size 1): send one request per POST",
        "les requêtes groupées ne sont pas acceptées (limit: batch size 1) : envoyez une requête par POST",
    ),
    ("the body must be a JSON object with a `query`", "le corps de la requête doit être un objet JSON avec un `query`"),
    ("the body is not a GraphQL request: {}", "le corps de la requête n’est pas une requête GraphQL valide : {}"),
    ("the multipart request is not valid: {}", "la requête multipart n’est pas valide : {}"),
    ("`{}` is not valid JSON: {}", "`{}` n’est pas du JSON valide : {}"),
    (
        "the mutation was carried out, but the response is larger than the limit of {} bytes (limit: response size): ask for fewer rows (first) or fewer fields",
        "la mutation a été effectuée, mais la réponse dépasse la limite de {} octets (limit: response size) : demandez moins de lignes (first) ou moins de champs",
    ),
    (
        "the response is larger than the limit of {} bytes (limit: response size): ask for fewer rows (first) or fewer fields",
        "la réponse dépasse la limite de {} octets (limit: response size) : demandez moins de lignes (first) ou moins de champs",
    ),
    ("the query's answer holds no list to export", "la réponse de la requête ne contient aucune liste à exporter"),
    // src/graphql/types/mod.rs
    ("organisation {}: no longer published", "organisation {} (plus publiée)"),
    ("territory {}: no longer published", "territoire {} (plus publié)"),
    ("programme {}: no longer published", "programme {} (plus publié)"),
    ("sheet {}: no longer published", "fiche-projet {} (plus publiée)"),
    ("lesson {}: no longer published", "leçon {} (plus publiée)"),
    ("organisation {}: no longer published not found", "organisation {} introuvable (plus publiée)"),
    ("territory {}: no longer published not found", "territoire {} introuvable (plus publié)"),
    ("programme {}: no longer published not found", "programme {} introuvable (plus publié)"),
    ("sheet {}: no longer published not found", "fiche-projet {} introuvable (plus publiée)"),
    ("lesson {}: no longer published not found", "leçon {} introuvable (plus publiée)"),
    // src/http/admission.rs
    (
        "this request comes with a session cookie but without its CSRF token (X-CSRF-Token header): reload the page",
        "cette requête porte un cookie de session mais pas son jeton CSRF (en-tête X-CSRF-Token) : rechargez la page",
    ),
    (
        "the Authorization header is not ASCII text; send `Bearer <token>`",
        "l’en-tête Authorization n’est pas du texte ASCII ; envoyez `Bearer <token>`",
    ),
    (
        "this server does not answer anonymous requests: send an API token as `Authorization: Bearer <token>`, or sign in",
        "ce serveur ne répond pas aux requêtes anonymes : envoyez un jeton d’API en `Authorization: Bearer <token>`, ou connectez-vous",
    ),
    (
        "too many requests: the limit is {} per minute (limit: rate); retry in {} s",
        "trop de requêtes : la limite est de {} par minute (limit: rate) ; réessayez dans {} s",
    ),
    (
        "the request took longer than {} s (limit: request timeout): narrow it, or retry later",
        "la requête a duré plus de {} s (limit: request timeout) : restreignez-la, ou réessayez plus tard",
    ),
    // src/http/auth.rs (the problems of these endpoints come whole, as `field: problem`)
    (
        "the body must be a JSON object with the fields this endpoint reads: {}",
        "le corps de la requête doit être un objet JSON avec les champs que lit ce point d’accès : {}",
    ),
    (
        "too many sign-in attempts from this address (limit: sign-in, {} per minute); retry in {} s",
        "trop de tentatives de connexion depuis cette adresse (limit: sign-in, {} par minute) ; réessayez dans {} s",
    ),
    ("link: {}", "link : {}"),
    ("password: {}", "password : {}"),
    ("name: {}", "name : {}"),
    ("password: {}; name: {}", "password : {} ; name : {}"),
    // src/http/exports.rs
    (
        "parameter `{}` is not known; the only one is includeDrafts",
        "le paramètre `{}` est inconnu ; le seul admis est includeDrafts",
    ),
    ("includeDrafts `{}` is not true or false", "includeDrafts `{}` ne vaut ni true ni false"),
    (
        "other dataset exports are running; try again in a minute",
        "d’autres exports du jeu de données sont en cours ; réessayez dans une minute",
    ),
    ("the export failed", "l’export a échoué"),
    (
        "separator `{}` is not known; use comma or semicolon",
        "le séparateur `{}` est inconnu ; utilisez comma ou semicolon",
    ),
    ("exports run queries only", "les exports n’exécutent que des requêtes (query)"),
    // src/http/graphql.rs
    (
        "accept application/graphql-response+json or application/json",
        "l’en-tête Accept doit admettre application/graphql-response+json ou application/json",
    ),
    ("the upload is larger than the limit of {} bytes", "le téléversement dépasse la limite de {} octets"),
    (
        "the request has no Content-Type; send the GraphQL request as application/json (or multipart/form-data to upload files)",
        "la requête n’a pas de Content-Type ; envoyez la requête GraphQL en application/json (ou en multipart/form-data pour téléverser des fichiers)",
    ),
    (
        "unsupported Content-Type `{}`; send the GraphQL request as application/json (or multipart/form-data to upload files)",
        "Content-Type `{}` non pris en charge ; envoyez la requête GraphQL en application/json (ou en multipart/form-data pour téléverser des fichiers)",
    ),
    ("the request body is larger than the limit of {} bytes", "le corps de la requête dépasse la limite de {} octets"),
    ("mutations are not allowed over GET; use POST", "les mutations ne sont pas permises en GET ; utilisez POST"),
    ("authentication required", "authentification requise"),
    // src/http/health.rs
    ("the database does not answer", "la base de données ne répond pas"),
    ("the database did not answer within a second", "la base de données n’a pas répondu en moins d’une seconde"),
    (
        "the search index is {} s behind the database (bound: {} s)",
        "l’index de recherche a {} s de retard sur la base de données (borne : {} s)",
    ),
    (
        "the search index has differed from the database for {} s (bound: {} s)",
        "l’index de recherche diffère de la base de données depuis {} s (borne : {} s)",
    ),
    // src/http/page.rs
    ("no such asset", "ressource introuvable"),
    // src/http/sockets.rs
    (
        "subscriptions speak the graphql-transport-ws or graphql-ws subprotocol: offer one in Sec-WebSocket-Protocol",
        "les abonnements parlent le sous-protocole graphql-transport-ws ou graphql-ws : proposez-en un dans Sec-WebSocket-Protocol",
    ),
    (
        "too many open subscription connections: at most {} per client (limit: sockets); close one first",
        "trop de connexions d’abonnement ouvertes : au plus {} par client (limit: sockets) ; fermez-en une d’abord",
    ),
    // src/dataset/columns/values.rs
    ("a record is not an object: {}", "un enregistrement n’est pas un objet : {}"),
    ("`{}` is not a whole number, e.g. 2021", "`{}` n’est pas un nombre entier, par exemple 2021"),
    ("is not a JSON array as in the JSON format: {}", "n’est pas un tableau JSON comme dans le format JSON : {}"),
    (
        "is not a JSON object like {\"lat\": 48.39, \"lon\": -4.49}: {}",
        "n’est pas un objet JSON comme {\"lat\": 48.39, \"lon\": -4.49} : {}",
    ),
    ("must be text", "doit être du texte"),
    ("must be a whole number, e.g. 2021", "doit être un nombre entier, par exemple 2021"),
    ("must be a number", "doit être un nombre"),
    ("must be a list of codes or slugs, not hold {}", "doit être une liste de codes ou de slugs, sans {}"),
    ("must be a list, e.g. [A, B] or `A | B`", "doit être une liste, par exemple [A, B] ou `A | B`"),
    ("must be a list of objects", "doit être une liste d’objets"),
    ("must be {lat, lon}: {}", "doit être {lat, lon} : {}"),
    ("`{}` is not a number, e.g. 48.39", "`{}` n’est pas un nombre, par exemple 48,39"),
    ("`{}` is not a finite number", "`{}` n’est pas un nombre fini"),
    ("item {}: {}", "élément {} : {}"),
    // src/dataset/conversions.rs
    (
        "`{}` is not a valid {} value; expected a code or a French label: {}",
        "`{}` n’est pas une valeur valide de {} ; attendu : un code ou un libellé français parmi {}",
    ),
    // src/dataset/csv.rs
    (
        "the file name does not say which records it holds: name it after a kind, or end its name with `-` or `_` and a kind (e.g. `fiches.csv`, `2024_lecons.csv`); kinds: {}",
        "le nom du fichier ne dit pas quels enregistrements il contient : nommez-le d’après un type, ou terminez son nom par `-` ou `_` suivi d’un type (par exemple `fiches.csv`, `2024_lecons.csv`) ; types : {}",
    ),
    ("the header row cannot be read: {}", "la ligne d’en-tête ne peut pas être lue : {}"),
    ("the row cannot be read: {}", "la ligne ne peut pas être lue : {}"),
    ("unknown column; expected one of: {}", "colonne inconnue ; noms attendus : {}"),
    ("names the same field as the column `{}`", "désigne le même champ que la colonne `{}`"),
    ("the required column is missing (`{}` or `{}`)", "la colonne obligatoire manque (`{}` ou `{}`)"),
    ("the columns latitude and longitude go together", "les colonnes latitude et longitude vont ensemble"),
    ("this cell has no column in the header", "cette cellule n’a pas de colonne dans l’en-tête"),
    (
        "latitude and longitude are given together or not at all",
        "latitude et longitude se donnent ensemble ou pas du tout",
    ),
    // src/dataset/files.rs
    ("is not a retex dataset: {}", "n’est pas un jeu de données retex : {}"),
    ("is not UTF-8 text: {}", "n’est pas du texte UTF-8 : {}"),
    ("cannot be read: {}", "ne peut pas être lu : {}"),
    ("holds no .json, .jsonl, .csv or .md file", "ne contient aucun fichier .json, .jsonl, .csv ou .md"),
    (
        "has no known extension: use .json, .jsonl, .csv or .md, or say its format",
        "n’a pas d’extension connue : utilisez .json, .jsonl, .csv ou .md, ou indiquez son format",
    ),
    // src/dataset/markdown.rs
    (
        "has no front matter: start the file with a `---` line, then `type: fiche` and the other fields, then a `---` line",
        "n’a pas d’en-tête YAML : commencez le fichier par une ligne `---`, puis `type: fiche` et les autres champs, puis une ligne `---`",
    ),
    ("unknown key; expected one of: {}", "clé inconnue ; noms attendus : {}"),
    ("`{}` is given twice", "`{}` est donné deux fois"),
    (
        "has no slug: give `identifiant:` or name the file with letters or digits",
        "n’a pas de slug : indiquez `identifiant:` ou nommez le fichier avec des lettres ou des chiffres",
    ),
    ("is required: give `{}:`", "est obligatoire : indiquez `{}:`"),
    (
        "is required: give `{}:` (or start the text with a `# Title` line)",
        "est obligatoire : indiquez `{}:` (ou commencez le texte par une ligne `# Titre`)",
    ),
    (
        "the front matter is empty: it needs at least `type:` (fiche, leçon, programme, organisation or territoire)",
        "l’en-tête YAML est vide : il lui faut au moins `type:` (fiche, leçon, programme, organisation ou territoire)",
    ),
    ("the front matter must hold `key: value` lines", "l’en-tête YAML doit contenir des lignes `clé: valeur`"),
    ("the front matter is not valid YAML: {}", "l’en-tête n’est pas du YAML valide : {}"),
    (
        "the front matter has no `type:`; give one of fiche, leçon, programme, organisation or territoire",
        "l’en-tête YAML n’a pas de `type:` ; indiquez fiche, leçon, programme, organisation ou territoire",
    ),
    (
        "`{}` is not a kind of record; expected fiche, leçon, programme, organisation or territoire",
        "`{}` n’est pas un type d’enregistrement ; types attendus : fiche, leçon, programme, organisation ou territoire",
    ),
    (
        "`{}` is given both in the front matter and in the text",
        "`{}` est donné à la fois dans l’en-tête YAML et dans le texte",
    ),
    (
        "a `{}` record holds no text after its front matter",
        "un enregistrement `{}` ne contient pas de texte après son en-tête YAML",
    ),
    (
        "`## {}` is not a section of a lesson; expected ## Contexte, ## Leçon, ## Recommandation or ## Preuves",
        "`## {}` n’est pas une section de leçon ; sections attendues : ## Contexte, ## Leçon, ## Recommandation ou ## Preuves",
    ),
    ("the section for `{}` is given twice", "la section `{}` est donnée deux fois"),
    (
        "a lesson's text goes under ## Contexte, ## Leçon, ## Recommandation or ## Preuves",
        "le texte d’une leçon se place sous ## Contexte, ## Leçon, ## Recommandation ou ## Preuves",
    ),
    // src/dataset/names.rs
    ("no organisation with slug `{}`", "aucune organisation n’a le slug `{}`"),
    ("no territory with slug `{}`", "aucun territoire n’a le slug `{}`"),
    ("no programme with slug `{}`", "aucun programme n’a le slug `{}`"),
    ("no sheet with slug `{}`", "aucune fiche-projet n’a le slug `{}`"),
    ("no lesson with slug `{}`", "aucune leçon n’a le slug `{}`"),
    // src/dataset/records.rs
    (
        "an amount is a number of euros or a text such as \"12 500,50 €\", not {}",
        "un montant est un nombre d’euros ou un texte comme « 12 500,50 € », et non {}",
    ),
    // src/dataset/writer.rs
    ("a {} export is a folder of files", "un export {} est un dossier de fichiers"),
    ("not a JSON export", "ce n’est pas un export JSON"),
    ("a {} came after the {}", "un enregistrement {} est arrivé après les enregistrements {}"),
    ("not a folder export", "ce n’est pas un export en dossier"),
    (
        "the {} came again after their file was written",
        "des enregistrements « {} » sont revenus après l’écriture de leur fichier",
    ),
    ("a organisation slug {}", "un slug de organisation {}"),
    ("a territory slug {}", "un slug de territoire {}"),
    ("a programme slug {}", "un slug de programme {}"),
    ("a sheet slug {}", "un slug de fiche-projet {}"),
    ("a lesson slug {}", "un slug de leçon {}"),
    ("two records would be written to {}", "deux enregistrements seraient écrits dans {}"),
    ("`{}` is not a field", "`{}` n’est pas un champ"),
    ("`{}` is not a column of {}", "`{}` n’est pas une colonne de {}"),
    ("the side file is closed", "le fichier annexe est fermé"),
    ("the side file is already closed", "le fichier annexe est déjà fermé"),
    ("{} cannot be removed: {}", "{} ne peut pas être supprimé : {}"),
    ("{} cannot be created: {}", "{} ne peut pas être créé : {}"),
    ("{} cannot be written: {}", "{} ne peut pas être écrit : {}"),
    // src/mail.rs
    ("is not an SMTP address: {}", "n’est pas une adresse SMTP : {}"),
    ("`{}` is not an e-mail address: {}", "`{}` n’est pas une adresse e-mail : {}"),
    ("`{}` cannot receive e-mail: {}", "`{}` ne peut pas recevoir d’e-mail : {}"),
    ("the SMTP server refused the message: {}", "le serveur SMTP a refusé le message : {}"),
    // src/config.rs
    (
        "`{}` is not an origin: it starts with https:// or http://",
        "`{}` n’est pas une origine : une origine commence par https:// ou http://",
    ),
    (
        "`{}` is not an origin: a scheme, a host and a port at most (no path, no `*`, no trailing /)",
        "`{}` n’est pas une origine : un schéma, un hôte et au plus un port (sans chemin, sans `*`, sans / final)",
    ),
    // src/commands.rs
    ("no organisation has the slug or id `{}`", "aucune organisation n’a le slug ou l’identifiant `{}`"),
    ("no programme has the slug or id `{}`", "aucun programme n’a le slug ou l’identifiant `{}`"),
    ("`{}` is not a role; use one of {}", "`{}` n’est pas un rôle ; utilisez l’un de ceux-ci : {}"),
    ("`{}` is not a token id", "`{}` n’est pas un identifiant de jeton"),
    (
        "`{}` is not an export format; use json, jsonl, csv or markdown",
        "`{}` n’est pas un format d’export ; utilisez json, jsonl, csv ou markdown",
    ),
    (
        "a {} export is a folder of files: give it with --output DIR",
        "un export {} est un dossier de fichiers : indiquez-le avec --output DOSSIER",
    ),
    ("cannot be written: {}", "ne peut pas être écrit : {}"),
    (
        "on PostgreSQL, back up with PostgreSQL's own tool while the servers run: `pg_dump --format=custom --file=retex.dump \"$RETEX_DATABASE_URL\"`; restore into an empty database with `pg_restore --no-owner --dbname=\"$RETEX_DATABASE_URL\" retex.dump`, then run `retex reindex` (see docs/OPERATIONS.md, « Backup and restore (PostgreSQL) »)",
        "sur PostgreSQL, sauvegardez avec l’outil de PostgreSQL pendant que les serveurs tournent : `pg_dump --format=custom --file=retex.dump \"$RETEX_DATABASE_URL\"` ; restaurez dans une base vide avec `pg_restore --no-owner --dbname=\"$RETEX_DATABASE_URL\" retex.dump`, puis lancez `retex reindex` (voir docs/OPERATIONS.md, « Backup and restore (PostgreSQL) »)",
    ),
    ("{} already exists: choose a new file", "{} existe déjà : choisissez un nouveau fichier"),
    ("the folder {} does not exist", "le dossier {} n’existe pas"),
    ("cannot write {}: {}", "impossible d’écrire {} : {}"),
    ("backup written to {}: {} ({} migrations)", "sauvegarde écrite dans {} : {} ({} migrations)"),
    (
        "the base at {} holds {} records: add --replace to put the backup in its place (stop the servers that use it first)",
        "la base {} contient {} enregistrements : ajoutez --replace pour mettre la sauvegarde à sa place (arrêtez d’abord les serveurs qui l’utilisent)",
    ),
    ("cannot copy {}: {}", "impossible de copier {} : {}"),
    ("restored {} from {}: {} ({} migrations)", "base {} restaurée à partir de {} : {} ({} migrations)"),
    ("{}: `{}` is not a known corpus (`demo`)", "{} : `{}` n’est pas un corpus connu (`demo`)"),
    // src/relevance/mod.rs (read by `retex relevance`)
    ("not a relevance suite: {}", "ce n’est pas une suite de pertinence : {}"),
    // src/main.rs
    (
        "reindexed {} documents in {} s (database {} s, index {} s); index size {} MB",
        "{} documents réindexés en {} s (base de données {} s, index {} s) ; taille de l’index {} Mo",
    ),
    ("{} problems; nothing was written", "{} problèmes ; rien n’a été écrit"),
    // async-graphql-parser: syntax errors (pest), quoted in the message with the line they stopped on
    (" --> {} |\n  = expected {}", " --> {} |\n  = attendu : {}"),
    ("  --> {}  |\n   = expected {}", "  --> {}  |\n   = attendu : {}"),
    (" --> {} |\n  = unexpected {}; expected {}", " --> {} |\n  = inattendu : {} ; attendu : {}"),
    ("  --> {}  |\n   = unexpected {}; expected {}", "  --> {}  |\n   = inattendu : {} ; attendu : {}"),
    ("invalid number: {}", "nombre invalide : {}"),
    ("operation {} is defined twice", "l’opération {} est définie deux fois"),
    ("fragment {} is defined twice", "le fragment {} est défini deux fois"),
    ("document does not contain an operation", "le document ne contient aucune opération"),
    ("recursion limit exceeded.", "limite de récursion dépassée."),
    // async-graphql: validation rules (src/validation/rules/*.rs, src/validation/utils.rs)
    ("Unknown field \"{}\" on type \"{}\".", "Le champ \"{}\" n’existe pas sur le type \"{}\"."),
    (
        "Unknown field \"{}\" on type \"{}\". Did you mean {}?",
        "Le champ \"{}\" n’existe pas sur le type \"{}\". Vouliez-vous dire {} ?",
    ),
    (
        "Unknown argument \"{}\" on field \"{}\" of type \"{}\".",
        "L’argument \"{}\" n’existe pas sur le champ \"{}\" du type \"{}\".",
    ),
    (
        "Unknown argument \"{}\" on field \"{}\" of type \"{}\". Did you mean {}?",
        "L’argument \"{}\" n’existe pas sur le champ \"{}\" du type \"{}\". Vouliez-vous dire {} ?",
    ),
    ("Unknown argument \"{}\" on directive \"{}\".", "L’argument \"{}\" n’existe pas sur la directive \"{}\"."),
    (
        "Unknown argument \"{}\" on directive \"{}\". Did you mean {}?",
        "L’argument \"{}\" n’existe pas sur la directive \"{}\". Vouliez-vous dire {} ?",
    ),
    ("Invalid value for argument {}", "Valeur invalide pour l’argument {}"),
    ("Invalid default value for argument: {}", "Valeur par défaut invalide pour l’argument : {}"),
    ("\"{}\", expected type \"{}\"", "\"{}\" : type attendu \"{}\""),
    (
        "\"{}\", enumeration type \"{}\" does not contain the value \"{}\"",
        "\"{}\" : le type énuméré \"{}\" ne contient pas la valeur \"{}\"",
    ),
    (
        "\"{}\", field \"{}\" of type \"{}\" is required but not provided",
        "\"{}\" : le champ \"{}\" de type \"{}\" est obligatoire mais n’a pas été fourni",
    ),
    ("\"{}\", unknown field \"{}\" of type \"{}\"", "\"{}\" : le champ \"{}\" n’existe pas dans le type \"{}\""),
    ("Unknown type \"{}\"", "Type \"{}\" inconnu"),
    ("Duplicate directive \"{}\"", "Directive \"{}\" en double"),
    (
        "Fragment \"{}\" cannot condition non composite type \"{}\"",
        "Le fragment \"{}\" ne peut pas porter sur le type non composite \"{}\"",
    ),
    (
        "Fragment cannot condition non composite type \"{}\"",
        "Le fragment ne peut pas porter sur le type non composite \"{}\"",
    ),
    ("Directive \"{}\" may not be used on \"{}\"", "La directive \"{}\" ne peut pas s’employer sur \"{}\""),
    ("Unknown directive \"{}\"", "Directive \"{}\" inconnue"),
    ("Unknown fragment: \"{}\"", "Fragment inconnu : \"{}\""),
    ("Cannot spread fragment \"{}\"", "Le fragment \"{}\" ne peut pas être inclus ici (il s’inclut lui-même)"),
    (
        "Variable \"${}\" is not defined by operation \"{}\"",
        "La variable \"${}\" n’est pas définie par l’opération \"{}\"",
    ),
    ("Variable \"${}\" is not defined", "La variable \"${}\" n’est pas définie"),
    ("Fragment \"{}\" is never used", "Le fragment \"{}\" n’est jamais utilisé"),
    (
        "Variable \"${}\" is not used by operation \"{}\"",
        "La variable \"${}\" n’est pas utilisée par l’opération \"{}\"",
    ),
    ("Variable \"${}\" is not used", "La variable \"${}\" n’est pas utilisée"),
    (
        "Fields \"{}\" conflict because \"{}\" and \"{}\" are different fields. Use different aliases on the fields to fetch both if this was intentional.",
        "Les champs \"{}\" sont en conflit car \"{}\" et \"{}\" sont des champs différents. Donnez-leur des alias différents pour obtenir les deux, si c’est voulu.",
    ),
    (
        "Fields \"{}\" conflict because they have differing arguments. Use different aliases on the fields to fetch both if this was intentional.",
        "Les champs \"{}\" sont en conflit car leurs arguments diffèrent. Donnez-leur des alias différents pour obtenir les deux, si c’est voulu.",
    ),
    (
        "Fragment \"{}\" cannot be spread here as objects of type \"{}\" can never be of type \"{}\"",
        "Le fragment \"{}\" ne peut pas être inclus ici : un objet de type \"{}\" ne peut jamais être de type \"{}\"",
    ),
    (
        "Fragment cannot be spread here as objects of type \"{}\" can never be of type \"{}\"",
        "Le fragment ne peut pas être inclus ici : un objet de type \"{}\" ne peut jamais être de type \"{}\"",
    ),
    (
        "Directive \"@{}\" argument \"{}\" of type \"{}\" is required but not provided",
        "L’argument \"{1}\" de type \"{2}\" de la directive \"@{0}\" est obligatoire mais n’a pas été fourni",
    ),
    (
        "Field \"{}\" argument \"{}\" of type \"{}\" is required but not provided",
        "L’argument \"{1}\" de type \"{2}\" du champ \"{0}\" est obligatoire mais n’a pas été fourni",
    ),
    (
        "Field \"{}\" must not have a selection since type \"{}\" has no subfields",
        "Le champ \"{}\" ne doit pas avoir de sélection, car le type \"{}\" n’a pas de sous-champs",
    ),
    (
        "Field \"{}\" of type \"{}\" must have a selection of subfields",
        "Le champ \"{}\" de type \"{}\" doit avoir une sélection de sous-champs",
    ),
    ("There can only be one argument named \"{}\"", "Il ne peut y avoir qu’un argument nommé \"{}\""),
    ("There can only be one variable named \"${}\"", "Il ne peut y avoir qu’une variable nommée \"${}\""),
    (
        "The Upload type is only allowed to be defined on a mutation",
        "Le type Upload n’est permis que dans une mutation",
    ),
    (
        "Variable \"{}\" cannot be of non-input type \"{}\"",
        "La variable \"{}\" ne peut pas être du type \"{}\", qui n’est pas un type d’entrée",
    ),
    (
        "Variable \"{}\" of type \"{}\" used in position expecting type \"{}\"",
        "La variable \"{}\" de type \"{}\" est employée là où le type \"{}\" est attendu",
    ),
    // async-graphql: execution and input values (src/schema.rs, src/context.rs, src/error.rs, src/resolver_utils, src/types)
    ("Variable {} is not defined.", "La variable {} n’est pas définie."),
    ("Unknown operation named \"{}\"", "Aucune opération ne s’appelle \"{}\""),
    ("Operation name required in request.", "La requête doit nommer l’opération à exécuter (operationName)."),
    ("Cannot query field \"{}\" on type \"{}\".", "Impossible de demander le champ \"{}\" sur le type \"{}\"."),
    ("Unknown fragment \"{}\".", "Fragment \"{}\" inconnu."),
    ("Failed to parse \"{}\": {}", "Impossible de lire une valeur de type \"{}\" : {}"),
    ("Expected input type \"{}\", found {}.", "Type d’entrée attendu : \"{}\", valeur reçue : {}."),
    ("{} (occurred while parsing \"{}\")", "{} (en lisant une valeur de type \"{}\")"),
    ("Enumeration type does not contain value \"{}\".", "Le type énuméré ne contient pas la valeur \"{}\"."),
    ("Only integers from {} to {} are accepted.", "Seuls les entiers de {} à {} sont acceptés."),
    ("Invalid number", "Nombre invalide"),
    (
        "The recursion depth of the query cannot be greater than `{}`",
        "La profondeur de récursion de la requête ne peut pas dépasser `{}`",
    ),
    (
        "The number of directives on the field `{}` cannot be greater than `{}`",
        "Le nombre de directives sur le champ `{}` ne peut pas dépasser `{}`",
    ),
    ("Invalid request: {}", "Requête invalide : {}"),
    ("Invalid files map: {}", "Table des fichiers (map) invalide : {}"),
    ("Invalid multipart data", "Données multipart invalides"),
    ("Missing \"operators\" part", "Partie \"operators\" manquante"),
    ("Missing \"map\" part", "Partie \"map\" manquante"),
    ("It's not an upload operation", "Ce n’est pas une opération de téléversement"),
    ("Missing files", "Fichiers manquants"),
    ("Payload too large", "Contenu trop volumineux"),
    ("Batch requests are not supported", "Les requêtes groupées ne sont pas prises en charge"),
    ("Too many initialisation requests.", "Trop de demandes d’initialisation."),
    ("The handshake is not completed.", "La poignée de main (handshake) n’est pas terminée."),
    ("Unsupported Sec-WebSocket-Protocol: {}", "Sec-WebSocket-Protocol non pris en charge : {}"),
    // chrono: dates read by async-graphql (quoted in `Failed to parse "NaiveDate": …`)
    ("input is out of range", "la valeur est hors limites"),
    ("no possible date and time matching input", "aucune date ni heure ne correspond à la valeur"),
    ("input is not enough for unique date and time", "la valeur ne suffit pas à fixer une date et une heure uniques"),
    ("input contains invalid characters", "la valeur contient des caractères invalides (format attendu : AAAA-MM-JJ)"),
    ("premature end of input", "la valeur s’arrête trop tôt (format attendu : AAAA-MM-JJ)"),
    ("trailing input", "la valeur a des caractères en trop (format attendu : AAAA-MM-JJ)"),
    // serde, serde_json: problems quoted in errors about JSON bodies and dataset files
    ("{} at line {} column {}", "{} (ligne {}, colonne {})"),
    ("EOF while parsing a list", "fin du texte au milieu d’une liste"),
    ("EOF while parsing an object", "fin du texte au milieu d’un objet"),
    ("EOF while parsing a string", "fin du texte au milieu d’une chaîne"),
    ("EOF while parsing a value", "fin du texte au milieu d’une valeur"),
    ("expected `:`", "`:` attendu"),
    ("expected `,` or `]`", "`,` ou `]` attendu"),
    ("expected `,` or `}`", "`,` ou `}` attendu"),
    ("expected ident", "identifiant attendu"),
    ("expected value", "valeur attendue"),
    ("expected `\"`", "`\"` attendu"),
    ("invalid escape", "séquence d’échappement invalide"),
    ("invalid number", "nombre invalide"),
    ("number out of range", "nombre hors limites"),
    ("invalid unicode code point", "point de code Unicode invalide"),
    (
        "control character (\\u0000-\\u001F) found while parsing a string",
        "caractère de contrôle (\\u0000-\\u001F) dans une chaîne",
    ),
    ("key must be a string", "une clé doit être une chaîne"),
    ("trailing comma", "virgule en trop"),
    ("trailing characters", "caractères en trop après la valeur"),
    ("recursion limit exceeded", "limite de récursion dépassée"),
    ("missing field `{}`", "le champ `{}` manque"),
    ("duplicate field `{}`", "le champ `{}` est donné deux fois"),
    ("unknown field `{}`, expected {}", "champ `{}` inconnu ; attendu : {}"),
    ("unknown field `{}`, there are no fields", "champ `{}` inconnu ; aucun champ n’est admis"),
    ("unknown variant `{}`, expected {}", "valeur `{}` inconnue ; attendu : {}"),
    ("unknown variant `{}`, there are no variants", "valeur `{}` inconnue ; aucune valeur n’est admise"),
    ("invalid type: {}, expected {}", "type invalide : {} ; attendu : {}"),
    ("invalid value: {}, expected {}", "valeur invalide : {} ; attendu : {}"),
    ("invalid length {}, expected {}", "longueur invalide {} ; attendu : {}"),
    ("one of {}", "l’un de {}"),
    ("`{}` or `{}`", "`{}` ou `{}`"),
    ("string \"{}\"", "la chaîne \"{}\""),
    ("integer `{}`", "l’entier `{}`"),
    ("floating point `{}`", "le nombre décimal `{}`"),
    ("boolean `{}`", "le booléen `{}`"),
    ("a string", "une chaîne de caractères"),
    ("a boolean", "un booléen"),
    ("a sequence", "une liste"),
    ("a map", "un objet"),
    // src/dataset/xlsx.rs, src/http/exports.rs (workbooks and templates)
    (
        "is not an XLSX workbook (save it as « Classeur Excel (.xlsx) »): {}",
        "n’est pas un classeur XLSX (enregistrez-le en « Classeur Excel (.xlsx) ») : {}",
    ),
    (
        "the worksheet's name does not say which records it holds: name it after a kind (« Fiches », « Leçons »…); kinds: {}",
        "le nom de la feuille ne dit pas quels enregistrements elle contient : nommez-la d’après un type (« Fiches », « Leçons »…) ; types : {}",
    ),
    ("the worksheet cannot be read: {}", "la feuille ne peut pas être lue : {}"),
    ("the worksheet cannot be read", "la feuille ne peut pas être lue"),
    (
        "holds no worksheet of records: name a worksheet after a kind (« Fiches », « Leçons »…)",
        "ne contient aucune feuille d’enregistrements : nommez une feuille d’après un type (« Fiches », « Leçons »…)",
    ),
    ("the workbook cannot be written: {}", "le classeur ne peut pas être écrit : {}"),
    ("an XLSX workbook is read from its bytes, not as text", "un classeur XLSX se lit en octets, pas comme du texte"),
    (
        "an XLSX workbook is written whole, by `dataset::xlsx::write`",
        "un classeur XLSX s’écrit d’un bloc, par `dataset::xlsx::write`",
    ),
    (
        "an XLSX export is a workbook file: give it with --output FILE.xlsx",
        "un export XLSX est un fichier classeur : donnez-le avec --output FICHIER.xlsx",
    ),
    ("the template cannot be written", "le modèle ne peut pas être écrit"),
    (
        "no such template: retex.xlsx, legende.csv, or a kind's CSV (organisations.csv, territoires.csv, programmes.csv, fiches.csv, lecons.csv)",
        "ce modèle n’existe pas : retex.xlsx, legende.csv, ou le CSV d’un type (organisations.csv, territoires.csv, programmes.csv, fiches.csv, lecons.csv)",
    ),
    (
        "`{}` is not an export format; use json, jsonl, csv, markdown or xlsx",
        "`{}` n’est pas un format d’export ; utilisez json, jsonl, csv, markdown ou xlsx",
    ),
    (
        "has no known extension: use .json, .jsonl, .csv, .md or .xlsx, or say its format",
        "n’a pas d’extension connue : utilisez .json, .jsonl, .csv, .md ou .xlsx, ou indiquez son format",
    ),
    ("holds no .json, .jsonl, .csv, .md or .xlsx file", "ne contient aucun fichier .json, .jsonl, .csv, .md ou .xlsx"),
    // src/dataset/markdown.rs (the data block of exported documents)
    (
        "the `<!-- retex … -->` line must be followed by the data block, a ```yaml fence",
        "la ligne `<!-- retex … -->` doit être suivie du bloc de données, un bloc ```yaml",
    ),
    (
        "the data block ends the file: move the text after it above the `<!-- retex … -->` line",
        "le bloc de données termine le fichier : placez le texte qui le suit au-dessus de la ligne `<!-- retex … -->`",
    ),
    (
        "the data block is not closed: end it with a ``` line",
        "le bloc de données n’est pas fermé : terminez-le par une ligne ```",
    ),
    (
        "the data block is empty: it needs at least `type:` (fiche, leçon, programme, organisation or territoire)",
        "le bloc de données est vide : il lui faut au moins `type:` (fiche, leçon, programme, organisation ou territoire)",
    ),
    ("the data block must hold `key: value` lines", "le bloc de données doit contenir des lignes `clé: valeur`"),
    ("the data block is not valid YAML: {}", "le bloc de données n’est pas du YAML valide : {}"),
    (
        "the data block has no `type:`; give one of fiche, leçon, programme, organisation or territoire",
        "le bloc de données n’a pas de `type:` ; indiquez fiche, leçon, programme, organisation ou territoire",
    ),
];
