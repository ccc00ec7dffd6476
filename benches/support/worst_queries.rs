//! The costliest queries the limits allow (complexity 5,000, depth 15, 100 rows a page and relation
//! list, 16 MiB of response), one per shape of work: relations nested in pages, a page of relation
//! lists, search with every facet, dashboards over the whole base. The benchmark times them on its
//! corpus (`cargo bench --bench search`); the integration tests check that the limits accept each one
//! (`tests/api/limits.rs`), so that what is timed is what a client may send.

/// (name, query) pairs; the queries take no variables.
pub const WORST_QUERIES: &[(&str, &str)] = &[
    (
        "100 sheets × their programmes' 44 sheets",
        "{ sheets(first: 100) { nodes { title programmes { name sheets(first: 44) { title } } } } }",
    ),
    ("100 programmes × 46 sheets", "{ programmes(first: 100) { nodes { name sheets(first: 46) { title } } } }"),
    (
        "100 territories × 23 sheets × 2 fields",
        "{ territories(first: 100) { nodes { name sheets(first: 23) { title summary } } } }",
    ),
    (
        "100 organisations × 3 lists of 14 sheets",
        "{ organisations(first: 100) { nodes { name supportedSheets(first: 14) { title } \
         heldSheets(first: 14) { title } partneredSheets(first: 14) { title } } } }",
    ),
    (
        "100 lessons × sheets × programmes × 40 children",
        "{ lessons(first: 100) { nodes { title sheets { title programmes { children(first: 40) { name } } } } } }",
    ),
    (
        "100 sheets × 15 lessons × their sheets",
        "{ sheets(first: 100) { nodes { title lessons(first: 15) { lesson { sheets { title } } } } } }",
    ),
    (
        "100 sheets, every text field",
        "{ sheets(first: 100) { nodes { title summary body socialNeed phases { outcome methods participants } \
         testimonies { quote speaker } indicators { name target actual } revisions { snapshot } } } }",
    ),
    (
        "search, 100 hits, every facet",
        "{ search(query: \"porteur de projet\", first: 100, facets: [KIND, PROGRAMME, THEME, STATUS, POLARITY, \
         CATEGORY, PHASE, TERRITORY_TYPE, REGION, EVIDENCE_LEVEL, STRUCTURE, YEAR]) { totalCount \
         hits { score snippets { field html } node { id ... on ProjectSheet { title programmes { name } } } } \
         facets { dimension values { value label count } } } }",
    ),
    (
        "stats, 2 dimensions, whole base",
        "{ stats(kind: SHEET, groupBy: [STRUCTURE, YEAR], first: 1000) { total rows { count keys { value label } } } }",
    ),
    (
        "recurrence and clusters, 100 each",
        "{ recurrence(first: 100) { programmeCount sheetCount lesson { title } } \
         lessonClusters(first: 100) { name lessons { title } } }",
    ),
    (
        "funnel per structure",
        "{ funnel(groupBy: STRUCTURE) { sheets coverage medianDays group { label } steps { phase sheets } } }",
    ),
];
