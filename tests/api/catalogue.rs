//! The leak catalogue: every root field and every relation of the schema, probed by the three callers
//! who must not see the records of others (anonymous, a contributor of another organisation, a
//! reviewer of another programme).
//!
//! Each caller runs every read probe, then a hidden world is written (a draft organisation,
//! territory, programme, sheet, lessons, a cluster, revisions; linked to published records), then
//! each caller runs the probes again: every answer must be the same, byte for byte, since nothing the
//! caller may see has changed (counts, facets, scores, slugs, relations, clusters included), and no
//! answer may name the hidden world. Probes that take a record (by id, slug or reference) are run
//! with a hidden record and with one that does not exist: the answers must be the same, so a hidden
//! record is invisible by existence too. The subscription hears nothing of the hidden world.
//!
//! Coverage is computed, not listed: the probes are parsed and walked against the schema, and the test
//! fails naming each root field or relation (a field whose type is an object) no probe reaches. A new
//! field is probed by adding it to a probe here; scalar fields are selected from the schema itself
//! (`{ProjectSheet}` in a probe stands for every scalar field of the type).

use std::collections::{BTreeMap, BTreeSet};

use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, OperationType, Selection, SelectionSet};
use base64::Engine;
use serde_json::{Value, json};

use crate::harness::*;

/// A word that names every record of the hidden world, and nothing else.
const MARKER: [&str; 2] = ["zéphyrine", "zephyrine"];

/// What a probe takes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Target {
    /// Nothing hidden: run before and after the hidden world is written, the answers must be equal.
    None,
    /// `$t`, the global id of a hidden record of this kind (or of a cluster).
    Id(Hidden),
    /// `$t`, a list holding the global id of every hidden record.
    Ids,
    /// `$s`, the slug of a hidden record of this kind.
    Slug(Hidden),
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Hidden {
    Organisation,
    Territory,
    Programme,
    Sheet,
    Lesson,
    Cluster,
}

/// How the answers for a hidden target and for a target that does not exist must compare.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Expect {
    /// The same answer (ids, slugs and numbers of the two targets aside).
    Same,
    /// The same outcome: both succeed or both fail with the same codes (a create given a slug
    /// answers with a slug of its own, which differs).
    SameOutcome,
}

struct Probe {
    query: &'static str,
    target: Target,
    expect: Expect,
}

const fn read(query: &'static str) -> Probe {
    Probe { query, target: Target::None, expect: Expect::Same }
}

const fn targeted(query: &'static str, target: Target) -> Probe {
    Probe { query, target, expect: Expect::Same }
}

/// Every facet dimension, for the probes of search.
const ALL_FACETS: &str = "[KIND, PROGRAMME, THEME, STATUS, POLARITY, CATEGORY, PHASE, TERRITORY_TYPE, REGION, EVIDENCE_LEVEL, STRUCTURE, YEAR]";

/// The read probes. `$sheet` and `$lesson` are a published sheet and lesson linked to the hidden world.
fn read_probes() -> Vec<Probe> {
    use Hidden::*;
    let search = "{ totalCount hits { {SearchHit} node { id } snippets { {Snippet} } } \
                  facets { {Facet} values { {FacetValue} } } pageInfo { {SearchPageInfo} } \
                  interpretation { {SearchInterpretation} } }";
    let mut probes = vec![
        // Lists, with their counts and cursors.
        read(
            "{ organisations(first: 100) { totalCount pageInfo { {PageInfo} } edges { cursor node { id } } nodes { {Organisation} } } }",
        ),
        read(
            "{ territories(first: 100) { totalCount pageInfo { {PageInfo} } edges { cursor node { id } } nodes { {Territory} } } }",
        ),
        read(
            "{ programmes(first: 100) { totalCount pageInfo { {PageInfo} } edges { cursor node { id } } nodes { {Programme} } } }",
        ),
        read(
            "{ sheets(first: 100) { totalCount pageInfo { {PageInfo} } edges { cursor node { id } } nodes { {ProjectSheet} } } }",
        ),
        read(
            "{ lessons(first: 100) { totalCount pageInfo { {PageInfo} } edges { cursor node { id } } nodes { {Lesson} } } }",
        ),
        read(
            "{ sheets(first: 100, filter: { publicationStatuses: [DRAFT, SUBMITTED, ARCHIVED] }) { totalCount nodes { id } } }",
        ),
        read(
            "{ lessons(first: 100, filter: { polarities: [PITFALL] }, sort: { field: TITLE, direction: ASC }) { totalCount nodes { id } } }",
        ),
        // The relations of published records the hidden world points at.
        read(
            "{ programme(slug: \"fabrique-a-initiatives\") { {Programme} owner { id } revisions { {Revision} } operator { id } \
              funders { id } parent { id } children(first: 100) { {Programme} } sheets(first: 100) { id } } }",
        ),
        read(
            "{ programme(slug: \"territoires-fragiles\") { children(first: 100) { id } sheets(first: 100) { {ProjectSheet} } } }",
        ),
        read(
            "{ territory(slug: \"strasbourg-eurometropole\") { {Territory} owner { id } revisions { {Revision} } \
              centroid { {Centroid} } sheets(first: 100) { {ProjectSheet} } } }",
        ),
        read(
            "{ organisation(slug: \"avise\") { {Organisation} owner { id } revisions { {Revision} } \
              supportedSheets(first: 100) { id } heldSheets(first: 100) { id } partneredSheets(first: 100) { id } \
              operatedProgrammes(first: 100) { id } fundedProgrammes(first: 100) { id } } }",
        ),
        read(
            "query($sheet: ID!) { node(id: $sheet) { id ... on ProjectSheet { {ProjectSheet} owner { id } revisions { {Revision} } \
              programmes { id } territories { id } supportingStructure { id } projectHolder { id } partners { id } \
              phases { {PhaseRecordNode} } indicators { {IndicatorNode} } testimonies { {TestimonyNode} } \
              documents { {DocumentNode} } funding { {FundingNode} } lessons(first: 100) { {LessonLink} lesson { {Lesson} } } } } }",
        ),
        read(
            "query($lesson: ID!) { nodes(ids: [$lesson]) { id ... on Lesson { {Lesson} owner { id } revisions { {Revision} } \
              evidenceLinks { {SheetEvidence} sheet { id } } sheets { id } programmes(first: 100) { id } } } }",
        ),
        // Search, suggestions, similar records.
        Probe { query: "{ search(query: \"garage solidaire\", facets: ALL_FACETS, first: 100) SEARCH }", ..read("") },
        Probe { query: "{ search(query: \"Zéphyrine\", facets: ALL_FACETS, first: 100) SEARCH }", ..read("") },
        Probe {
            query: "{ search(query: \"leçons mobilité rurale Bretagne\", facets: ALL_FACETS, first: 100) SEARCH }",
            ..read("")
        },
        Probe { query: "{ search(facets: ALL_FACETS, first: 100) SEARCH }", ..read("") },
        read("{ suggest(prefix: \"Zéph\") { {Suggestion} node { id } } }"),
        read("{ suggest(prefix: \"gar\", first: 20) { {Suggestion} node { id } } }"),
        read("query($sheet: ID!) { similar(id: $sheet, first: 20) { score node { id } } }"),
        read("{ glossary { {GlossaryEntryNode} } vocabularies { {VocabularyList} values { {VocabularyValue} } } }"),
        // Dashboards and clusters.
        read(
            "{ stats(kind: SHEET, groupBy: [PROGRAMME, STRUCTURE]) { {Stats} rows { {StatsRow} keys { {StatsKey} } } } }",
        ),
        read(
            "{ stats(kind: LESSON, groupBy: [POLARITY, PROGRAMME], query: \"collectivité\") { {Stats} rows { {StatsRow} keys { {StatsKey} } } } }",
        ),
        read("{ indicatorTotals(groupBy: PROGRAMME) { {IndicatorTotal} key { {StatsKey} } } }"),
        read("{ fundingTotals(by: PROGRAMME) { {FundingTotal} } }"),
        read("{ fundingTotals(by: FUNDER, query: \"Zéphyrine\") { {FundingTotal} } }"),
        read("{ recurrence(first: 100) { {LessonRecurrence} lesson { id } } }"),
        read("{ lessonClusters(first: 100) { {LessonCluster} lessons { id } } }"),
        read(
            "query($lesson: ID!) { clusterCandidates(lesson: $lesson, first: 20) { {ClusterCandidate} lesson { id } cluster { id } } }",
        ),
        read("{ funnel(groupBy: PROGRAMME) { {FunnelRow} group { {StatsKey} } steps { {FunnelStep} } } }"),
        read("{ funnel(groupBy: STRUCTURE, from: NEEDS_DETECTION) { {FunnelRow} group { {StatsKey} } } }"),
        // Advice, checklists, guides and saved searches: published records only, whoever asks.
        read(
            "query($sheet: ID!) { node(id: $sheet) { ... on ProjectSheet { advice(first: 50) { {Advice} items { {AdviceItem} \
              reasons { {AdviceReason} } lesson { id } contradictedBy { id } } } } } }",
        ),
        read(
            "query($sheet: ID!) { node(id: $sheet) { ... on ProjectSheet { advice(phase: LAUNCH, first: 50) { {Advice} \
              items { {AdviceItem} reasons { {AdviceReason} } lesson { id } contradictedBy { id } } } } } }",
        ),
        read(
            "{ advice(input: { description: \"Un garage solidaire en milieu rural, Zéphyrine\", themes: [MOBILITY], \
              territoryTypes: [RURAL] }, first: 50) { {Advice} items { {AdviceItem} reasons { {AdviceReason} } lesson { id } } } }",
        ),
        read(
            "{ checklist(input: { description: \"Une conciergerie pour les seniors\", activityType: CONCIERGE_SERVICE }, perPhase: 10) \
              { {Advice} items { {AdviceItem} lesson { id } contradictedBy { id } } } }",
        ),
        read(
            "{ guide(filter: { theme: MOBILITY }) { {Guide} indicators { {GuideIndicator} } phases { {GuidePhase} \
              successFactors { {GuideEntry} lesson { id } example { id } testimony { {GuideTestimony} sheet { id } } } \
              pitfalls { {GuideEntry} lesson { id } example { id } testimony { {GuideTestimony} sheet { id } } } } } }",
        ),
        read("{ guide(filter: { activityType: SOLIDARITY_GARAGE }) { {Guide} } }"),
        read("{ savedSearches { {SavedSearch} } }"),
        // Who the caller is, and the tokens (administrators only).
        read(
            "{ viewer { {Viewer} organisation { id } programme { id } person { {Person} organisation { id } programme { id } } } }",
        ),
        read("{ apiTokens { {ApiToken} organisation { id } programme { id } } }"),
        read("{ people { {Person} organisation { id } programme { id } } }"),
        // A hidden record, asked for directly: answered as one that does not exist.
        targeted("query($t: [ID!]!) { nodes(ids: $t) { id } }", Target::Ids),
        targeted("query($t: ID!) { similar(id: $t) { score } }", Target::Id(Sheet)),
        targeted("query($t: ID!) { clusterCandidates(lesson: $t) { score } }", Target::Id(Lesson)),
        targeted(
            "query($t: ID!) { sheets(filter: { programmes: [$t] }) { totalCount nodes { id } } }",
            Target::Id(Programme),
        ),
        targeted("query($t: ID!) { sheets(filter: { territories: [$t] }) { totalCount } }", Target::Id(Territory)),
        targeted(
            "query($t: ID!) { sheets(filter: { supportingStructures: [$t] }) { totalCount } }",
            Target::Id(Organisation),
        ),
        targeted("query($t: ID!) { lessons(filter: { sheets: [$t] }) { totalCount } }", Target::Id(Sheet)),
        targeted("query($t: ID!) { lessons(filter: { programmes: [$t] }) { totalCount } }", Target::Id(Programme)),
        targeted("query($t: ID!) { programmes(filter: { parents: [$t] }) { totalCount } }", Target::Id(Programme)),
        targeted("query($t: ID!) { search(filter: { programmes: [$t] }) { totalCount } }", Target::Id(Programme)),
        targeted("query($t: ID!) { guide(filter: { programme: $t }) { title } }", Target::Id(Programme)),
        targeted("query($t: ID!) { sheet(id: $t) { advice { phase } } }", Target::Id(Sheet)),
        targeted(
            "query($t: ID!) { stats(kind: SHEET, groupBy: [THEME], filter: { structures: [$t] }) { total } }",
            Target::Id(Organisation),
        ),
    ];
    for (field, hidden) in [
        ("organisation", Organisation),
        ("territory", Territory),
        ("programme", Programme),
        ("sheet", Sheet),
        ("lesson", Lesson),
    ] {
        let by_id: &'static str = format!("query($t: ID!) {{ {field}(id: $t) {{ id }} }}").leak();
        let by_slug: &'static str = format!("query($s: String!) {{ {field}(slug: $s) {{ id }} }}").leak();
        probes.push(targeted(by_id, Target::Id(hidden)));
        probes.push(targeted(by_slug, Target::Slug(hidden)));
        probes.push(targeted("query($t: ID!) { node(id: $t) { id } }", Target::Id(hidden)));
    }
    for probe in &mut probes {
        if probe.query.contains("SEARCH") || probe.query.contains("ALL_FACETS") {
            probe.query = probe.query.replace("ALL_FACETS", ALL_FACETS).replace("SEARCH", search).leak();
        }
    }
    probes
}

/// The write probes: each reaches for a hidden record, and must be answered as if it did not exist.
fn write_probes() -> Vec<Probe> {
    use Hidden::*;
    let outcome = |query, target| Probe { query, target, expect: Expect::SameOutcome };
    let mut probes = vec![
        outcome(
            "mutation($s: String!) { createOrganisation(input: { name: \"Sonde\", kind: OTHER, slug: $s }) { slug } }",
            Target::Slug(Organisation),
        ),
        outcome(
            "mutation($s: String!) { createTerritory(input: { name: \"Sonde\", level: BASIN, slug: $s }) { slug } }",
            Target::Slug(Territory),
        ),
        targeted(
            "mutation($t: ID!) { createProgramme(input: { name: \"Sonde\", parent: $t }) { id } }",
            Target::Id(Programme),
        ),
        targeted(
            "mutation($t: ID!) { createProgramme(input: { name: \"Sonde\", funders: [$t] }) { id } }",
            Target::Id(Organisation),
        ),
        targeted(
            "mutation($t: ID!) { createSheet(input: { title: \"Sonde\", activityType: OTHER, programmes: [$t] }) { id } }",
            Target::Id(Programme),
        ),
        targeted(
            "mutation($t: ID!) { createSheet(input: { title: \"Sonde\", activityType: OTHER, territories: [$t] }) { id } }",
            Target::Id(Territory),
        ),
        targeted(
            "mutation($t: ID!) { createLesson(input: { title: \"Sonde\", polarity: PITFALL, evidenceLinks: [{ sheet: $t }] }) { id } }",
            Target::Id(Sheet),
        ),
        targeted(
            "mutation($t: ID!, $sheet: ID!) { linkLessonToSheet(lesson: $t, version: 1, sheet: $sheet) { id } }",
            Target::Id(Lesson),
        ),
        targeted(
            "mutation($t: ID!, $lesson: ID!) { linkLessonToSheet(lesson: $lesson, version: 1, sheet: $t) { id } }",
            Target::Id(Sheet),
        ),
        targeted(
            "mutation($t: ID!, $sheet: ID!) { unlinkLessonFromSheet(lesson: $t, version: 1, sheet: $sheet) { id } }",
            Target::Id(Lesson),
        ),
        targeted(
            "mutation($t: ID!) { createLessonCluster(name: \"Sonde\", lessons: [$t]) { id } }",
            Target::Id(Lesson),
        ),
        targeted(
            "mutation($t: ID!, $lesson: ID!) { addLessonsToCluster(cluster: $t, lessons: [$lesson]) { id } }",
            Target::Id(Cluster),
        ),
        targeted("mutation($t: ID!) { removeLessonFromCluster(lesson: $t) { id } }", Target::Id(Lesson)),
        targeted(
            "mutation($t: ID!) { createApiToken(input: { role: CONTRIBUTOR, organisation: $t }) { secret token { id } } }",
            Target::Id(Organisation),
        ),
        read("mutation { revokeApiToken(id: \"999999\") { id } }"),
        targeted(
            "mutation($t: ID!) { invitePerson(input: { email: \"sonde@exemple.fr\", role: CONTRIBUTOR, organisation: $t }) { url } }",
            Target::Id(Organisation),
        ),
        targeted(
            "mutation($t: ID!) { invitePerson(input: { email: \"sonde@exemple.fr\", role: REVIEWER, programme: $t }) { url } }",
            Target::Id(Programme),
        ),
        read("mutation { issuePasswordReset(person: \"UGVyc29uOjk5OTk5OQ\") { url } }"),
        read("mutation { disablePerson(person: \"UGVyc29uOjk5OTk5OQ\") { id } }"),
        targeted(
            "mutation($t: ID!) { saveSearch(input: { name: \"Sonde\", filter: { programmes: [$t] } }) { id } }",
            Target::Id(Programme),
        ),
        read("mutation { visitSavedSearch(id: \"999999\") { id } }"),
        read("mutation { deleteSavedSearch(id: \"999999\") }"),
        read("mutation { saveGlossaryEntry(terms: [\"sonde\", \"essai\"]) { id } }"),
        read("mutation { removeGlossaryEntry(id: \"999999\", version: 1) }"),
        read("mutation { importDataset(files: []) { created } }"),
    ];
    for (field, patch, hidden) in [
        ("updateOrganisation", "{ name: \"Sonde\" }", Organisation),
        ("updateTerritory", "{ name: \"Sonde\" }", Territory),
        ("updateProgramme", "{ name: \"Sonde\" }", Programme),
        ("updateSheet", "{ title: \"Sonde\" }", Sheet),
        ("updateLesson", "{ title: \"Sonde\" }", Lesson),
    ] {
        let update: &'static str =
            format!("mutation($t: ID!) {{ {field}(id: $t, version: 1, patch: {patch}) {{ id }} }}").leak();
        probes.push(targeted(update, Target::Id(hidden)));
        probes.push(targeted(
            "mutation($t: ID!) { setPublicationStatus(id: $t, version: 1, status: PUBLISHED) { id } }",
            Target::Id(hidden),
        ));
        probes.push(targeted(
            "mutation($t: ID!) { archive(id: $t, version: 1, reason: \"Sonde\") { id } }",
            Target::Id(hidden),
        ));
    }
    probes
}

/// The subscription probe: each caller listens while the hidden world is written.
const SUBSCRIPTION: &str = "subscription { recordChanged { {RecordChange} node { id } } }";

/// A type's fields: name → (the name of its type, whether it takes a required argument).
type Fields = BTreeMap<String, (String, bool)>;

/// What introspection says of the schema: each type's kind, and each field's type name.
struct Schema {
    roots: Vec<(OperationType, String)>,
    /// Type name → (kind, fields).
    types: BTreeMap<String, (String, Fields)>,
}

impl Schema {
    async fn of(app: &TestApp) -> Schema {
        let data = app
            .ok(
                "{ __schema { queryType { name } mutationType { name } subscriptionType { name }
                   types { name kind fields { name type { ...Named } args { defaultValue type { kind } } } } } }
                 fragment Named on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }",
                json!({}),
            )
            .await;
        fn named(mut kind: &Value) -> String {
            while kind["name"].is_null() {
                kind = &kind["ofType"];
            }
            kind["name"].as_str().expect("a type name").to_owned()
        }
        let schema = &data["__schema"];
        let roots = [
            (OperationType::Query, "queryType"),
            (OperationType::Mutation, "mutationType"),
            (OperationType::Subscription, "subscriptionType"),
        ]
        .into_iter()
        .map(|(operation, key)| (operation, schema[key]["name"].as_str().expect("a root").to_owned()))
        .collect();
        let mut types = BTreeMap::new();
        for ty in schema["types"].as_array().expect("types") {
            let name = ty["name"].as_str().expect("a name").to_owned();
            let mut fields = BTreeMap::new();
            for field in ty["fields"].as_array().into_iter().flatten() {
                let required = field["args"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|argument| argument["type"]["kind"] == "NON_NULL" && argument["defaultValue"].is_null());
                fields.insert(field["name"].as_str().expect("a name").to_owned(), (named(&field["type"]), required));
            }
            types.insert(name, (ty["kind"].as_str().expect("a kind").to_owned(), fields));
        }
        Schema { roots, types }
    }

    fn is_object(&self, name: &str) -> bool {
        self.types.get(name).is_some_and(|(kind, _)| kind == "OBJECT" || kind == "INTERFACE")
    }

    /// The selection of every scalar and enum field of a type that takes no required argument.
    fn scalars(&self, name: &str) -> String {
        let (_, fields) = self.types.get(name).unwrap_or_else(|| panic!("no type {name}"));
        let names: Vec<&str> = fields
            .iter()
            .filter(|(_, (ty, required))| !required && !self.is_object(ty))
            .map(|(field, _)| field.as_str())
            .collect();
        names.join(" ")
    }

    /// Replaces each `{TypeName}` of a probe by the type's scalar fields.
    fn expand(&self, query: &str) -> String {
        let mut out = String::with_capacity(query.len() * 2);
        let mut rest = query;
        while let Some(start) = rest.find('{') {
            let (before, after) = rest.split_at(start);
            out.push_str(before);
            let name: String = after[1..].chars().take_while(char::is_ascii_alphanumeric).collect();
            if !name.is_empty() && after[1 + name.len()..].starts_with('}') && self.types.contains_key(&name) {
                out.push_str(&self.scalars(&name));
                rest = &after[name.len() + 2..];
            } else {
                out.push('{');
                rest = &after[1..];
            }
        }
        out.push_str(rest);
        out
    }

    /// What must be probed: every root field, and every field whose type is an object (a relation).
    fn must_reach(&self) -> BTreeSet<String> {
        let roots: Vec<&String> = self.roots.iter().map(|(_, name)| name).collect();
        let mut wanted = BTreeSet::new();
        for (name, (kind, fields)) in &self.types {
            if name.starts_with("__") || !(kind == "OBJECT" || kind == "INTERFACE") {
                continue;
            }
            for (field, (ty, _)) in fields {
                if roots.contains(&name) || self.is_object(ty) {
                    wanted.insert(format!("{name}.{field}"));
                }
            }
        }
        wanted
    }

    /// Adds the fields a query reaches (`Type.field`) to `reached`.
    fn walk(&self, query: &str, reached: &mut BTreeSet<String>) {
        let document = async_graphql::parser::parse_query(query).unwrap_or_else(|err| panic!("{err}: {query}"));
        let operations: Vec<_> = match &document.operations {
            DocumentOperations::Single(operation) => vec![operation],
            DocumentOperations::Multiple(operations) => operations.values().collect(),
        };
        for operation in operations {
            let root = self.roots.iter().find(|(ty, _)| *ty == operation.node.ty).expect("a root type");
            self.walk_set(&document, &root.1, &operation.node.selection_set.node, reached);
        }
    }

    fn walk_set(&self, document: &ExecutableDocument, on: &str, set: &SelectionSet, reached: &mut BTreeSet<String>) {
        for item in &set.items {
            match &item.node {
                Selection::Field(field) => {
                    let name = field.node.name.node.as_str();
                    if name.starts_with("__") {
                        continue;
                    }
                    let (_, fields) = &self.types[on];
                    let (ty, _) = fields.get(name).unwrap_or_else(|| panic!("no field {on}.{name}"));
                    reached.insert(format!("{on}.{name}"));
                    self.walk_set(document, ty, &field.node.selection_set.node, reached);
                }
                Selection::InlineFragment(fragment) => {
                    let on =
                        fragment.node.type_condition.as_ref().map_or(on, |condition| condition.node.on.node.as_str());
                    self.walk_set(document, on, &fragment.node.selection_set.node, reached);
                }
                Selection::FragmentSpread(spread) => {
                    let fragment = &document.fragments[&spread.node.fragment_name.node];
                    let on = fragment.node.type_condition.node.on.node.as_str();
                    self.walk_set(document, on, &fragment.node.selection_set.node, reached);
                }
            }
        }
    }
}

#[tokio::test]
async fn every_root_field_and_relation_of_the_schema_is_in_the_catalogue() {
    let app = spawn_app().await;
    let schema = Schema::of(&app).await;
    let mut reached = BTreeSet::new();
    for probe in read_probes().iter().chain(&write_probes()) {
        schema.walk(&schema.expand(probe.query), &mut reached);
    }
    schema.walk(&schema.expand(SUBSCRIPTION), &mut reached);
    let missing: Vec<String> = schema.must_reach().difference(&reached).cloned().collect();
    assert!(
        missing.is_empty(),
        "no leak probe reaches these fields of the schema; add them to a probe in tests/api/catalogue.rs: {missing:?}"
    );
    // And the walk itself can tell a field that is not reached.
    assert!(schema.must_reach().contains("Query.sheet") && schema.must_reach().contains("Programme.sheets"));
}

/// The records of the hidden world, and ids and slugs of the same kinds that do not exist.
struct World {
    hidden: BTreeMap<&'static str, String>,
    ghost: BTreeMap<&'static str, String>,
}

fn key(hidden: Hidden, slug: bool) -> &'static str {
    match (hidden, slug) {
        (Hidden::Organisation, false) => "organisation",
        (Hidden::Organisation, true) => "organisation-slug",
        (Hidden::Territory, false) => "territory",
        (Hidden::Territory, true) => "territory-slug",
        (Hidden::Programme, false) => "programme",
        (Hidden::Programme, true) => "programme-slug",
        (Hidden::Sheet, false) => "sheet",
        (Hidden::Sheet, true) => "sheet-slug",
        (Hidden::Lesson, false) => "lesson",
        (Hidden::Lesson, true) => "lesson-slug",
        (Hidden::Cluster, _) => "cluster",
    }
}

/// The id of the same kind as `id` (a base64 `Kind:number`), with another number.
fn ghost_id(id: &str) -> String {
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let decoded = String::from_utf8(engine.decode(id).expect("a base64 id")).expect("UTF-8");
    let (kind, _) = decoded.split_once(':').expect("Kind:number");
    engine.encode(format!("{kind}:987654"))
}

async fn write_hidden_world(app: &TestApp, published: &Value) -> World {
    let admin = |query: &'static str, variables: Value| async move { app.ok(query, variables).await };
    let organisation = admin(
        "mutation { createOrganisation(input: { name: \"Association Zéphyrine\", kind: SUPPORT_STRUCTURE }) { id slug } }",
        json!({}),
    )
    .await["createOrganisation"]
        .clone();
    let territory = admin(
        "mutation { createTerritory(input: { name: \"Pays de Zéphyrine\", level: BASIN, types: [RURAL] }) { id slug } }",
        json!({}),
    )
    .await["createTerritory"]
        .clone();
    let programme = admin(
        "mutation($parent: ID!, $operator: ID!, $funder: ID!) { createProgramme(input: { name: \"Programme Zéphyrine\", \
         parent: $parent, operator: $operator, funders: [$funder], themes: [MOBILITY] }) { id slug } }",
        json!({ "parent": published["fabrique"], "operator": organisation["id"], "funder": published["avise"] }),
    )
    .await["createProgramme"]
        .clone();
    let sheet_input = json!({
        "title": "Garage Zéphyrine",
        "summary": "Un garage solidaire zéphyrine, en zone rurale.",
        "activityType": "SOLIDARITY_GARAGE",
        "programmes": [programme["id"], published["fragiles"]],
        "territories": [territory["id"], published["strasbourg"]],
        "supportingStructure": organisation["id"],
        "projectHolder": published["avise"],
        "partners": [published["avise"]],
        "themes": ["MOBILITY"],
        "targetPublics": ["SENIORS"],
        "status": "LAUNCHED",
        "phases": [{ "phase": "NEEDS_DETECTION", "startedOn": "2024-01-10", "outcome": "Besoin zéphyrine" },
                   { "phase": "LAUNCH", "startedOn": "2024-09-01" }],
        "indicators": [{ "name": "Véhicules réparés", "unit": "véhicules", "target": 500, "actual": 420 }],
        "testimonies": [{ "speaker": "Zéphyrine", "quote": "Zéphyrine a tout changé." }],
    });
    let sheet = admin(
        "mutation($input: ProjectSheetInput!) { createSheet(input: $input) { id slug version } }",
        json!({ "input": sheet_input }),
    )
    .await["createSheet"]
        .clone();
    // Revisions: the draft is edited twice.
    let mut version = sheet["version"].as_i64().expect("a version");
    for summary in ["Zéphyrine, deuxième état.", "Zéphyrine, troisième état."] {
        let updated = admin(
            "mutation($id: ID!, $version: Int!, $summary: String!) { updateSheet(id: $id, version: $version, patch: { summary: $summary }) { version } }",
            json!({ "id": sheet["id"], "version": version, "summary": summary }),
        )
        .await;
        version = updated["updateSheet"]["version"].as_i64().expect("a version");
    }
    let lesson_input = json!({
        "title": "Leçon Zéphyrine",
        "polarity": "PITFALL",
        "context": "Zéphyrine",
        "themes": ["MOBILITY"],
        "categories": ["HOLDER_AND_GOVERNANCE"],
        "territoryTypes": ["RURAL"],
        "evidenceLinks": [{ "sheet": sheet["id"] }, { "sheet": published["sheet"], "role": "CONTRADICTED_BY" }],
    });
    let lesson = admin(
        "mutation($input: LessonInput!) { createLesson(input: $input) { id slug version } }",
        json!({ "input": lesson_input }),
    )
    .await["createLesson"]
        .clone();
    admin(
        "mutation($id: ID!, $version: Int!) { setPublicationStatus(id: $id, version: $version, status: SUBMITTED) { id } }",
        json!({ "id": lesson["id"], "version": lesson["version"] }),
    )
    .await;
    // A second draft lesson, linked afterwards to a published sheet, with the same words as a published one.
    let second = admin(
        "mutation { createLesson(input: { title: \"Mobiliser les élus zéphyrine\", polarity: SUCCESS_FACTOR }) { id version } }",
        json!({}),
    )
    .await["createLesson"]
        .clone();
    admin(
        "mutation($lesson: ID!, $version: Int!, $sheet: ID!) { linkLessonToSheet(lesson: $lesson, version: $version, sheet: $sheet) { id } }",
        json!({ "lesson": second["id"], "version": second["version"], "sheet": published["sheet"] }),
    )
    .await;
    let cluster = admin(
        "mutation($lessons: [ID!]!) { createLessonCluster(name: \"Grappe Zéphyrine\", lessons: $lessons) { id } }",
        json!({ "lessons": [lesson["id"], second["id"]] }),
    )
    .await["createLessonCluster"]
        .clone();
    // A contributor of the hidden organisation writes a draft of its own.
    let insider = app.token("CONTRIBUTOR", organisation["id"].as_str(), None).await;
    app.ok_as(
        Some(&insider),
        "mutation($programme: ID!) { createSheet(input: { title: \"Atelier Zéphyrine\", activityType: OTHER, programmes: [$programme] }) { id } }",
        json!({ "programme": published["fragiles"] }),
    )
    .await;

    let mut hidden = BTreeMap::new();
    for (kind, record) in [
        (Hidden::Organisation, &organisation),
        (Hidden::Territory, &territory),
        (Hidden::Programme, &programme),
        (Hidden::Sheet, &sheet),
        (Hidden::Lesson, &lesson),
    ] {
        hidden.insert(key(kind, false), record["id"].as_str().expect("an id").to_owned());
        hidden.insert(key(kind, true), record["slug"].as_str().expect("a slug").to_owned());
    }
    hidden.insert(key(Hidden::Cluster, false), cluster["id"].as_str().expect("an id").to_owned());
    let ghost = hidden
        .iter()
        .map(|(key, value)| {
            let ghost = if key.ends_with("-slug") { format!("fantome-{key}") } else { ghost_id(value) };
            (*key, ghost)
        })
        .collect();
    World { hidden, ghost }
}

/// The variables of a probe: the published records it names, and its target.
fn variables(query: &str, published: &Value, target: Target, values: &BTreeMap<&'static str, String>) -> Value {
    let mut variables = serde_json::Map::new();
    for name in ["sheet", "lesson"] {
        if query.contains(&format!("${name}:")) {
            variables.insert(name.to_owned(), published[name].clone());
        }
    }
    match target {
        Target::None => {}
        Target::Id(kind) => {
            variables.insert("t".into(), json!(values[key(kind, false)]));
        }
        Target::Slug(kind) => {
            variables.insert("s".into(), json!(values[key(kind, true)]));
        }
        Target::Ids => {
            let ids: Vec<&String> =
                values.iter().filter(|(key, _)| !key.ends_with("-slug")).map(|(_, id)| id).collect();
            variables.insert("t".into(), json!(ids));
        }
    }
    Value::Object(variables)
}

/// An answer with the target's ids and slugs (and the numbers inside them) written the same way.
fn normalised(answer: &Value, values: &BTreeMap<&'static str, String>) -> String {
    let mut text = answer.to_string();
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    for (key, value) in values {
        text = text.replace(value.as_str(), "«target»");
        if !key.ends_with("-slug")
            && let Some(number) = engine
                .decode(value)
                .ok()
                .and_then(|raw| String::from_utf8(raw).ok())
                .and_then(|decoded| decoded.split_once(':').map(|(_, number)| number.to_owned()))
        {
            // Error messages may name the number alone (`lesson 12`).
            text = text.replace(&format!(" {number}\""), " «n»\"").replace(&format!(" {number} "), " «n» ");
        }
    }
    text
}

fn outcome(answer: &Value) -> (bool, Vec<Value>) {
    let codes =
        answer["errors"].as_array().into_iter().flatten().map(|error| error["extensions"]["code"].clone()).collect();
    (
        answer["data"].is_object()
            && answer["data"].as_object().is_some_and(|data| data.values().all(|v| !v.is_null())),
        codes,
    )
}

fn names_the_hidden_world(text: &str) -> bool {
    let lower = text.to_lowercase();
    MARKER.iter().any(|marker| lower.contains(marker))
}

#[tokio::test]
async fn no_read_path_shows_a_record_its_caller_cannot_see_by_content_or_by_existence() {
    let app = spawn_demo().await;
    let schema = Schema::of(&app).await;

    // The published records the hidden world is linked to.
    let ids = app
        .ok(
            "{ fabrique: programme(slug: \"fabrique-a-initiatives\") { id } fragiles: programme(slug: \"territoires-fragiles\") { id }
               silver: programme(slug: \"silver-solidarites\") { id } strasbourg: territory(slug: \"strasbourg-eurometropole\") { id }
               avise: organisation(slug: \"avise\") { id }
               sheet(slug: \"garage-solidaire-argentanais\") { id } lesson(slug: \"mobiliser-les-elus-des-le-diagnostic\") { id } }",
            json!({}),
        )
        .await;
    let published: Value = ids
        .as_object()
        .expect("ids")
        .iter()
        .map(|(name, record)| (name.clone(), record["id"].clone()))
        .collect::<serde_json::Map<_, _>>()
        .into();

    // The three callers.
    let east = app
        .ok(
            "mutation { createOrganisation(input: { name: \"Fabrique de l’Est\", kind: SUPPORT_STRUCTURE }) { id } }",
            json!({}),
        )
        .await["createOrganisation"]["id"]
        .as_str()
        .expect("an id")
        .to_owned();
    let contributor = app.token("CONTRIBUTOR", Some(&east), None).await;
    let reviewer = app.token("REVIEWER", None, published["silver"].as_str()).await;
    let callers: [(&str, Option<&str>); 3] = [
        ("anonymous", None),
        ("contributor of another organisation", Some(&contributor)),
        ("reviewer of another programme", Some(&reviewer)),
    ];

    // Scores depend on the index's statistics, which move as the background merges of earlier commits
    // purge deleted documents: start from an index rebuilt in one commit, that nothing but a visible
    // change may move.
    app.settle_index().await;

    let probes = read_probes();
    let untargeted: Vec<(&Probe, String)> = probes
        .iter()
        .filter(|probe| probe.target == Target::None)
        .map(|probe| (probe, schema.expand(probe.query)))
        .collect();
    let mut before = Vec::new();
    for (caller, token) in &callers {
        for (probe, query) in &untargeted {
            let answer = app.post_as(*token, query, variables(query, &published, probe.target, &BTreeMap::new())).await;
            assert!(
                answer["errors"]
                    .as_array()
                    .is_none_or(|errors| errors.iter().all(|error| error["extensions"]["code"] != "INTERNAL")),
                "{caller}: {query}: {answer:#}"
            );
            before.push(answer);
        }
    }
    let subscription = schema.expand(SUBSCRIPTION);
    let mut sockets = Vec::new();
    for (_, token) in &callers {
        sockets.push(subscribe(&app, *token, &subscription).await);
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;

    let world = write_hidden_world(&app, &published).await;
    // The administrator sees the hidden world: the probes would see it if it leaked.
    let seen = app.ok("{ sheets(filter: { publicationStatuses: [DRAFT] }) { nodes { title } } }", json!({})).await;
    assert!(names_the_hidden_world(&seen.to_string()), "the hidden world was written");

    // Every answer is the same as before, and names nothing hidden.
    let mut answers = before.into_iter();
    for (caller, token) in &callers {
        for (probe, query) in &untargeted {
            let after = app.post_as(*token, query, variables(query, &published, probe.target, &BTreeMap::new())).await;
            let before = answers.next().expect("an answer before");
            assert!(!names_the_hidden_world(&after.to_string()), "{caller} reads the hidden world: {query}\n{after:#}");
            pretty_assertions::assert_eq!(
                before,
                after,
                "{caller}: the answer changed when hidden records were written: {query}"
            );
        }
    }

    // A hidden record, asked for by id, slug or reference, is answered as one that does not exist.
    for (caller, token) in &callers {
        for probe in probes.iter().filter(|probe| probe.target != Target::None) {
            compare_with_ghost(&app, &schema, caller, *token, probe, &published, &world).await;
        }
    }

    // The subscriptions heard nothing of the hidden world: their first event is the next publication.
    let sentinel = sheet(&app, "Sentinelle publiée", json!({})).await;
    publish(&app, sentinel["id"].as_str().expect("an id"), sentinel["version"].as_i64().expect("a version")).await;
    for ((caller, _), socket) in callers.iter().zip(&mut sockets) {
        let event = next_message(socket).await;
        assert!(!names_the_hidden_world(&event.to_string()), "{caller} heard the hidden world: {event}");
        let change = &event["payload"]["data"]["recordChanged"];
        assert_eq!(change["id"], sentinel["id"], "{caller}: the first event is the publication: {event}");
    }

    // Writes that reach for a hidden record are answered as if it did not exist.
    for (caller, token) in &callers {
        for probe in write_probes() {
            compare_with_ghost(&app, &schema, caller, *token, &probe, &published, &world).await;
        }
    }
}

async fn compare_with_ghost(
    app: &TestApp,
    schema: &Schema,
    caller: &str,
    token: Option<&str>,
    probe: &Probe,
    published: &Value,
    world: &World,
) {
    let query = schema.expand(probe.query);
    let hidden = app.post_as(token, &query, variables(&query, published, probe.target, &world.hidden)).await;
    let ghost = app.post_as(token, &query, variables(&query, published, probe.target, &world.ghost)).await;
    let (hidden_text, ghost_text) = (normalised(&hidden, &world.hidden), normalised(&ghost, &world.ghost));
    assert!(!names_the_hidden_world(&hidden_text), "{caller} reads the hidden world: {query}\n{hidden:#}");
    assert!(!hidden_text.contains("INTERNAL"), "{caller}: {query}: {hidden:#}");
    match probe.expect {
        Expect::Same => pretty_assertions::assert_eq!(
            ghost_text,
            hidden_text,
            "{caller}: a hidden record is answered unlike one that does not exist: {query}"
        ),
        Expect::SameOutcome => assert_eq!(
            outcome(&ghost),
            outcome(&hidden),
            "{caller}: a hidden record is answered unlike one that does not exist: {query}\n{hidden:#}\n{ghost:#}"
        ),
    }
}
