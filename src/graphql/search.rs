//! Search over GraphQL: `search` (hits with score, record and highlighted snippets; facet counts over
//! the filtered result; cursor pagination), `suggest` for the search box, `similar` for "more like
//! this", and the synonym glossary.

use std::sync::Arc;

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::error::GqlResult;
use super::ids;
use super::query::find_node;
use super::types::Node;
use crate::app::{App, SearchPage, Suggestion};
use crate::domain::*;
use crate::error::Error;
use crate::search::{Dimension, Hit, SearchRequest};

/// The longest query the search box takes.
const MAX_QUERY_CHARS: usize = 1_000;
/// The furthest a search can page.
const MAX_OFFSET: usize = 10_000;
/// The length of a highlighted extract.
const SNIPPET_CHARS: usize = 200;

/// The kinds of records search finds.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum SearchKind {
    Sheet,
    Lesson,
    Programme,
    Organisation,
}

impl From<SearchKind> for Kind {
    fn from(kind: SearchKind) -> Self {
        match kind {
            SearchKind::Sheet => Kind::Sheet,
            SearchKind::Lesson => Kind::Lesson,
            SearchKind::Programme => Kind::Programme,
            SearchKind::Organisation => Kind::Organisation,
        }
    }
}

/// A dimension search results are filtered and counted by.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum SearchDimension {
    /// The kind of record (values SHEET, LESSON, PROGRAMME, ORGANISATION).
    Kind,
    /// Programme (values are programme ids).
    Programme,
    Theme,
    /// Where a project stands (SheetStatus).
    Status,
    Polarity,
    Category,
    Phase,
    TerritoryType,
    Region,
    /// How well a lesson is evidenced (EvidenceLevel).
    EvidenceLevel,
    /// A sheet's supporting structure (values are organisation ids).
    Structure,
    /// A year the record was active in (from a sheet's phases; for a lesson, from its sheets').
    Year,
}

impl From<SearchDimension> for Dimension {
    fn from(dimension: SearchDimension) -> Self {
        match dimension {
            SearchDimension::Kind => Dimension::Kind,
            SearchDimension::Programme => Dimension::Programme,
            SearchDimension::Theme => Dimension::Theme,
            SearchDimension::Status => Dimension::Status,
            SearchDimension::Polarity => Dimension::Polarity,
            SearchDimension::Category => Dimension::Category,
            SearchDimension::Phase => Dimension::Phase,
            SearchDimension::TerritoryType => Dimension::TerritoryType,
            SearchDimension::Region => Dimension::Region,
            SearchDimension::EvidenceLevel => Dimension::EvidenceLevel,
            SearchDimension::Structure => Dimension::Structure,
            SearchDimension::Year => Dimension::Year,
        }
    }
}

pub(super) fn dimension_of(dimension: Dimension) -> SearchDimension {
    match dimension {
        Dimension::Kind => SearchDimension::Kind,
        Dimension::Programme => SearchDimension::Programme,
        Dimension::Theme => SearchDimension::Theme,
        Dimension::Status => SearchDimension::Status,
        Dimension::Polarity => SearchDimension::Polarity,
        Dimension::Category => SearchDimension::Category,
        Dimension::Phase => SearchDimension::Phase,
        Dimension::TerritoryType => SearchDimension::TerritoryType,
        Dimension::Region => SearchDimension::Region,
        Dimension::EvidenceLevel => SearchDimension::EvidenceLevel,
        Dimension::Structure => SearchDimension::Structure,
        Dimension::Year => SearchDimension::Year,
    }
}

/// Narrows a search: within a field any value matches; across fields all must.
#[derive(InputObject, Default)]
pub struct SearchFilter {
    pub kinds: Option<Vec<SearchKind>>,
    pub programmes: Option<Vec<ID>>,
    pub themes: Option<Vec<Theme>>,
    pub statuses: Option<Vec<SheetStatus>>,
    pub polarities: Option<Vec<Polarity>>,
    pub categories: Option<Vec<LessonCategory>>,
    pub phases: Option<Vec<Phase>>,
    pub territory_types: Option<Vec<TerritoryType>>,
    pub regions: Option<Vec<Region>>,
    pub evidence_levels: Option<Vec<EvidenceLevel>>,
    /// Sheets supported by these organisations.
    pub structures: Option<Vec<ID>>,
    /// Records active in a year from `yearFrom` to `yearTo` (both included).
    pub year_from: Option<i32>,
    pub year_to: Option<i32>,
}

fn codes<T: Vocabulary>(values: &Option<Vec<T>>) -> Vec<String> {
    values.iter().flatten().map(|value| value.code().to_owned()).collect()
}

impl SearchFilter {
    pub(super) fn apply(self, request: &mut SearchRequest) -> Result<(), Error> {
        let mut problems = Problems::default();
        request.kinds = self.kinds.unwrap_or_default().into_iter().map(Kind::from).collect();
        let programmes: Vec<ProgrammeId> =
            ids::decode_list(&mut problems, "filter.programmes", &self.programmes.unwrap_or_default());
        let structures: Vec<OrganisationId> =
            ids::decode_list(&mut problems, "filter.structures", &self.structures.unwrap_or_default());
        request.filters = vec![
            (Dimension::Programme, programmes.iter().map(|id| id.get().to_string()).collect()),
            (Dimension::Theme, codes(&self.themes)),
            (Dimension::Status, codes(&self.statuses)),
            (Dimension::Polarity, codes(&self.polarities)),
            (Dimension::Category, codes(&self.categories)),
            (Dimension::Phase, codes(&self.phases)),
            (Dimension::TerritoryType, codes(&self.territory_types)),
            (Dimension::Region, codes(&self.regions)),
            (Dimension::EvidenceLevel, codes(&self.evidence_levels)),
            (Dimension::Structure, structures.iter().map(|id| id.get().to_string()).collect()),
        ];
        request.years = match (self.year_from, self.year_to) {
            (None, None) => None,
            (from, to) => {
                let from = from.unwrap_or(1900);
                let to = to.unwrap_or(2100);
                if from > to {
                    problems.add("filter.yearTo", format!("{to} is before yearFrom {from}"));
                }
                Some((from, to))
            }
        };
        problems.into_result().map_err(Error::InvalidInput)
    }
}

/// A highlighted extract of a hit: HTML-escaped text, the matched words in `<mark>`.
#[derive(SimpleObject)]
pub struct Snippet {
    /// Which text: `title`, `summary` or `body`.
    pub field: &'static str,
    /// Safe to insert as HTML.
    pub html: String,
}

/// One search result.
pub struct SearchHit {
    score: f32,
    cursor: String,
    node: Node,
    snippets: Vec<Snippet>,
}

#[Object]
impl SearchHit {
    /// How well the record matched (BM25 with field boosts; 0 for an empty query listed by recency).
    async fn score(&self) -> f64 {
        f64::from(self.score)
    }
    async fn cursor(&self) -> &str {
        &self.cursor
    }
    async fn node(&self) -> &Node {
        &self.node
    }
    async fn snippets(&self) -> &[Snippet] {
        &self.snippets
    }
}

/// How many hits have one value of a dimension.
#[derive(SimpleObject)]
pub struct FacetValue {
    /// The value to filter by: an enum code, or a programme id.
    pub value: String,
    /// The label to show, in French.
    pub label: String,
    pub count: i32,
}

/// The values of one dimension over the filtered result, most frequent first.
#[derive(SimpleObject)]
pub struct Facet {
    pub dimension: SearchDimension,
    pub values: Vec<FacetValue>,
}

/// Where a page of results sits.
#[derive(SimpleObject)]
pub struct SearchPageInfo {
    pub has_next_page: bool,
    pub has_previous_page: bool,
    pub end_cursor: Option<String>,
}

/// A page of search results.
pub struct SearchResults {
    page: Arc<SearchPage>,
    offset: usize,
}

fn encode_offset(offset: usize) -> String {
    URL_SAFE_NO_PAD.encode(format!("search|{offset}"))
}

fn decode_offset(raw: &str) -> Result<usize, Error> {
    let invalid = || Error::invalid("after", "is not a search cursor; use `pageInfo.endCursor` or a hit's cursor");
    let bytes = URL_SAFE_NO_PAD.decode(raw).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let offset: usize = text.strip_prefix("search|").ok_or_else(invalid)?.parse().map_err(|_| invalid())?;
    if offset > MAX_OFFSET {
        return Err(Error::invalid("after", format!("search pages stop at {MAX_OFFSET} results; narrow the search")));
    }
    Ok(offset)
}

fn label_of(dimension: Dimension, value: &str) -> Option<String> {
    fn label<T: Vocabulary>(code: &str) -> Option<String> {
        T::from_code(code).map(|value| value.label().to_owned())
    }
    match dimension {
        Dimension::Kind => Some(
            match value {
                "sheet" => "Fiche-projet",
                "lesson" => "Leçon",
                "programme" => "Programme",
                "organisation" => "Organisation",
                other => other,
            }
            .to_owned(),
        ),
        Dimension::Programme => None,
        Dimension::Theme => label::<Theme>(value),
        Dimension::Status => label::<SheetStatus>(value),
        Dimension::Polarity => label::<Polarity>(value),
        Dimension::Category => label::<LessonCategory>(value),
        Dimension::Phase => label::<Phase>(value),
        Dimension::TerritoryType => label::<TerritoryType>(value),
        Dimension::Region => label::<Region>(value),
        Dimension::EvidenceLevel => label::<EvidenceLevel>(value),
        Dimension::Structure => None,
        Dimension::Year => Some(value.to_owned()),
    }
}

/// Clamps a count to the GraphQL Int range.
pub(super) fn count(count: u64) -> i32 {
    i32::try_from(count).unwrap_or(i32::MAX)
}

/// The values of dimensions as the API shows them: enum codes with their French labels, and the
/// records behind ids (programmes, structures) with their global ids and names, read in one lookup
/// per kind under the viewer's visibility.
pub(super) struct Labels {
    programmes: std::collections::HashMap<i64, Programme>,
    organisations: std::collections::HashMap<i64, Organisation>,
}

impl Labels {
    pub(super) async fn resolve(ctx: &Context<'_>, values: &[(Dimension, &str)]) -> async_graphql::Result<Self> {
        let app = ctx.data::<App>()?;
        let viewer = ctx.data::<Viewer>()?;
        let mut programme_ids = std::collections::BTreeSet::new();
        let mut organisation_ids = std::collections::BTreeSet::new();
        for (dimension, value) in values {
            match (*dimension, value.parse::<i64>()) {
                (Dimension::Programme, Ok(id)) => programme_ids.insert(ProgrammeId(id)),
                (Dimension::Structure, Ok(id)) => organisation_ids.insert(OrganisationId(id)),
                _ => false,
            };
        }
        let programme_ids: Vec<ProgrammeId> = programme_ids.into_iter().collect();
        let organisation_ids: Vec<OrganisationId> = organisation_ids.into_iter().collect();
        let programmes = app.get_many::<ProgrammeFields>(viewer, &programme_ids).await.gql()?;
        let organisations = app.get_many::<OrganisationFields>(viewer, &organisation_ids).await.gql()?;
        Ok(Self {
            programmes: programmes.into_iter().map(|p| (p.id.get(), p)).collect(),
            organisations: organisations.into_iter().map(|o| (o.id.get(), o)).collect(),
        })
    }

    /// Returns the value to filter by and its label, or `None` for a record the viewer may not see.
    pub(super) fn get(&self, dimension: Dimension, value: &str) -> Option<(String, String)> {
        match dimension {
            Dimension::Programme => {
                let programme = self.programmes.get(&value.parse::<i64>().ok()?)?;
                Some((ids::encode(programme.id).0, programme.fields.name.to_string()))
            }
            Dimension::Structure => {
                let organisation = self.organisations.get(&value.parse::<i64>().ok()?)?;
                Some((ids::encode(organisation.id).0, organisation.fields.name.to_string()))
            }
            // Kinds are filtered by their enum value (SHEET…), like every other dimension.
            Dimension::Kind => Some((value.to_uppercase(), label_of(dimension, value)?)),
            _ => Some((value.to_owned(), label_of(dimension, value).unwrap_or_else(|| value.to_owned()))),
        }
    }
}

fn texts(node: &Node) -> [String; 3] {
    match node {
        Node::ProjectSheet(sheet) => {
            let f = &sheet.0.fields;
            [f.title.to_string(), f.summary.to_string(), format!("{}\n\n{}", f.body, f.social_need)]
        }
        Node::Lesson(lesson) => {
            let f = &lesson.0.fields;
            [
                f.title.to_string(),
                f.lesson.to_string(),
                [f.context.as_str(), f.recommendation.as_str(), f.evidence.as_str()].join("\n\n"),
            ]
        }
        Node::Programme(programme) => {
            [programme.0.fields.name.to_string(), programme.0.fields.summary.to_string(), String::new()]
        }
        Node::Organisation(organisation) => [organisation.0.fields.name.to_string(), String::new(), String::new()],
        Node::Territory(territory) => [territory.0.fields.name.to_string(), String::new(), String::new()],
    }
}

/// Reads the hits' records from the database: one lookup per kind, straight away (the batch loader's
/// window would only add latency, the keys are all known here). Records no longer visible give `None`.
async fn nodes(ctx: &Context<'_>, hits: &[Hit]) -> async_graphql::Result<Vec<Option<Node>>> {
    use std::collections::HashMap;
    let app = ctx.data::<App>()?;
    let viewer = ctx.data::<Viewer>()?;
    let ids = |kind: Kind| -> Vec<i64> { hits.iter().filter(|hit| hit.kind == kind).map(|hit| hit.id).collect() };
    let mut found: HashMap<(Kind, i64), Node> = HashMap::new();
    macro_rules! load {
        ($kind:expr, $id:ident, $fields:ty, $variant:ident, $node:ident) => {
            let wanted: Vec<$id> = ids($kind).into_iter().map($id).collect();
            if !wanted.is_empty() {
                for record in app.get_many::<$fields>(viewer, &wanted).await.gql()? {
                    found.insert(($kind, record.id.get()), Node::$variant(super::types::$node(record)));
                }
            }
        };
    }
    load!(Kind::Sheet, SheetId, SheetFields, ProjectSheet, SheetNode);
    load!(Kind::Lesson, LessonId, LessonFields, Lesson, LessonNode);
    load!(Kind::Programme, ProgrammeId, ProgrammeFields, Programme, ProgrammeNode);
    load!(Kind::Organisation, OrganisationId, OrganisationFields, Organisation, OrganisationNode);
    Ok(hits.iter().map(|hit| found.remove(&(hit.kind, hit.id))).collect())
}

#[Object]
impl SearchResults {
    /// How many records match, over all pages.
    async fn total_count(&self) -> i32 {
        i32::try_from(self.page.outcome.total).unwrap_or(i32::MAX)
    }

    /// The hits of this page, best first. A record removed from the database since it was indexed is
    /// left out: results never show what the database does not hold.
    async fn hits(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<SearchHit>> {
        let hits = &self.page.outcome.hits;
        let found = nodes(ctx, hits).await?;
        // Highlighting reads through every hit's text: off the async executor, and only when asked.
        let mut snippets: Vec<Vec<Snippet>> = found.iter().map(|_| Vec::new()).collect();
        if self.page.highlighter.is_some() {
            let texts: Vec<Option<[String; 3]>> = found.iter().map(|node| node.as_ref().map(texts)).collect();
            let page = Arc::clone(&self.page);
            snippets = tokio::task::spawn_blocking(move || {
                let highlight = |[title, summary, body]: &[String; 3]| -> Vec<Snippet> {
                    let Some(highlighter) = &page.highlighter else { return Vec::new() };
                    highlighter
                        .snippets([title, summary, body])
                        .into_iter()
                        .map(|snippet| Snippet { field: snippet.field, html: snippet.html })
                        .collect()
                };
                texts.iter().map(|texts| texts.as_ref().map(highlight).unwrap_or_default()).collect()
            })
            .await
            .map_err(Error::internal)
            .gql()?;
        }
        Ok(hits
            .iter()
            .zip(found)
            .zip(snippets)
            .enumerate()
            .filter_map(|(i, ((hit, node), snippets))| {
                Some(SearchHit { score: hit.score, cursor: encode_offset(self.offset + i + 1), node: node?, snippets })
            })
            .collect())
    }

    /// Counts per value of the asked dimensions, over the whole filtered result.
    async fn facets(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Facet>> {
        let values: Vec<(Dimension, &str)> = self
            .page
            .outcome
            .facets
            .iter()
            .flat_map(|(dimension, values)| values.iter().map(|(value, _)| (*dimension, value.as_str())))
            .collect();
        let labels = Labels::resolve(ctx, &values).await?;
        let mut facets = Vec::new();
        for (dimension, values) in &self.page.outcome.facets {
            let out = values
                .iter()
                .filter_map(|(value, n)| {
                    // A programme or structure the viewer may not see is left out.
                    let (value, label) = labels.get(*dimension, value)?;
                    Some(FacetValue { value, label, count: count(*n) })
                })
                .collect();
            facets.push(Facet { dimension: dimension_of(*dimension), values: out });
        }
        Ok(facets)
    }

    async fn page_info(&self) -> SearchPageInfo {
        let shown = self.page.outcome.hits.len();
        let end = self.offset + shown;
        SearchPageInfo {
            has_next_page: end < self.page.outcome.total,
            has_previous_page: self.offset > 0,
            end_cursor: (shown > 0).then(|| encode_offset(end)),
        }
    }
}

/// A completion for the search box.
pub struct SuggestionNode {
    text: String,
    node: Option<Node>,
}

#[Object(name = "Suggestion")]
impl SuggestionNode {
    /// The text to complete with: a record's title or a glossary term.
    async fn text(&self) -> &str {
        &self.text
    }
    /// The record, when the suggestion is a record's title (none for a glossary term).
    async fn node(&self) -> Option<&Node> {
        self.node.as_ref()
    }
}

/// A group of equivalent terms search treats as one (« QPV » / « quartier prioritaire »).
#[derive(SimpleObject)]
pub struct GlossaryEntryNode {
    pub id: ID,
    pub terms: Vec<String>,
    pub version: i32,
}

fn glossary_id(id: i64) -> ID {
    super::ids::encode_other("GlossaryEntry", id)
}

fn decode_glossary_id(id: &ID) -> Result<i64, Error> {
    super::ids::decode_other("GlossaryEntry", id).map_err(|problem| Error::invalid("id", problem))
}

fn page_size(first: i32) -> Result<usize, Error> {
    if !(0..=MAX_PAGE_SIZE as i32).contains(&first) {
        return Err(Error::invalid("first", format!("{first} is outside 0 to {MAX_PAGE_SIZE}")));
    }
    Ok(first as usize)
}

#[derive(Default)]
pub struct SearchQuery;

#[Object]
impl SearchQuery {
    /// Searches project sheets, lessons, programmes and organisations, in French: plain words (all
    /// must match; plurals, accents, elisions and typos handled; glossary synonyms included),
    /// "exact phrases", -exclusions and OR. An empty query lists by recency. Only published records
    /// appear, in hits, counts and facets.
    #[graphql(complexity = "super::limits::page(Some(first), None, child_complexity)")]
    async fn search(
        &self,
        ctx: &Context<'_>,
        query: Option<String>,
        filter: Option<SearchFilter>,
        facets: Option<Vec<SearchDimension>>,
        #[graphql(default = 20)] first: i32,
        after: Option<String>,
    ) -> async_graphql::Result<SearchResults> {
        let app = ctx.data::<App>()?;
        let viewer = ctx.data::<Viewer>()?;
        let query = query.unwrap_or_default();
        if query.chars().count() > MAX_QUERY_CHARS {
            return Err(Error::invalid("query", format!("is longer than {MAX_QUERY_CHARS} characters"))).gql();
        }
        let offset = after.as_deref().map(decode_offset).transpose().gql()?.unwrap_or(0);
        let mut request = SearchRequest {
            text: query,
            facets: facets.unwrap_or_default().into_iter().map(Dimension::from).collect(),
            offset,
            limit: page_size(first).gql()?,
            ..SearchRequest::default()
        };
        filter.unwrap_or_default().apply(&mut request).gql()?;
        // Highlighting costs a pass over the query's terms: only when the hits' snippets are asked for.
        let snippets = ctx.look_ahead().field("hits").field("snippets").exists();
        let page = app.search(viewer, request, snippets.then_some(SNIPPET_CHARS)).await.gql()?;
        Ok(SearchResults { page: Arc::new(page), offset })
    }

    /// Completions for what is being typed in the search box: glossary terms and titles of published
    /// records whose words start with it.
    async fn suggest(
        &self,
        ctx: &Context<'_>,
        prefix: String,
        #[graphql(default = 8)] first: i32,
    ) -> async_graphql::Result<Vec<SuggestionNode>> {
        let app = ctx.data::<App>()?;
        let viewer = ctx.data::<Viewer>()?;
        let limit = page_size(first).gql()?;
        if prefix.chars().count() > MAX_QUERY_CHARS {
            return Err(Error::invalid("prefix", format!("is longer than {MAX_QUERY_CHARS} characters"))).gql();
        }
        let suggestions = app.suggest(viewer, &prefix, limit).await.gql()?;
        let mut out = Vec::with_capacity(suggestions.len());
        for suggestion in suggestions {
            match suggestion {
                Suggestion::Term(text) => out.push(SuggestionNode { text, node: None }),
                Suggestion::Record(hit) => {
                    if let Some(node) = find_node(ctx, hit.kind, hit.id).await? {
                        let [title, _, _] = texts(&node);
                        out.push(SuggestionNode { text: title, node: Some(node) });
                    }
                }
            }
        }
        Ok(out)
    }

    /// Published records like this one: "more like this" for a sheet, a lesson or a programme.
    async fn similar(
        &self,
        ctx: &Context<'_>,
        id: ID,
        #[graphql(default = 5)] first: i32,
    ) -> async_graphql::Result<Vec<SearchHit>> {
        let app = ctx.data::<App>()?;
        let viewer = ctx.data::<Viewer>()?;
        let (kind, raw) = ids::decode_any(&id).map_err(|problem| Error::invalid("id", problem)).gql()?;
        let hits = app.similar(viewer, kind, raw, page_size(first).gql()?).await.gql()?;
        let found = nodes(ctx, &hits).await?;
        Ok(hits
            .iter()
            .zip(found)
            .enumerate()
            .filter_map(|(i, (hit, node))| {
                Some(SearchHit { score: hit.score, cursor: encode_offset(i + 1), node: node?, snippets: Vec::new() })
            })
            .collect())
    }

    /// The synonym glossary search expands queries with.
    async fn glossary(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<GlossaryEntryNode>> {
        let app = ctx.data::<App>()?;
        let entries = app.glossary().await.gql()?;
        Ok(entries
            .into_iter()
            .map(|entry| GlossaryEntryNode { id: glossary_id(entry.id), terms: entry.terms, version: entry.version })
            .collect())
    }
}

#[derive(Default)]
pub struct GlossaryMutation;

#[Object]
impl GlossaryMutation {
    /// Adds a group of equivalent terms to the glossary (without `id`), or replaces the terms of
    /// entry `id` at `version`. Search uses it at once, without a restart.
    async fn save_glossary_entry(
        &self,
        ctx: &Context<'_>,
        id: Option<ID>,
        version: Option<i32>,
        terms: Vec<String>,
    ) -> async_graphql::Result<GlossaryEntryNode> {
        let app = ctx.data::<App>()?;
        let viewer = ctx.data::<Viewer>()?;
        let id = id.as_ref().map(decode_glossary_id).transpose().gql()?;
        if id.is_some() && version.is_none() {
            return Err(Error::invalid("version", "is required to change an existing entry")).gql();
        }
        let entry = app.save_glossary_entry(viewer, id, version.unwrap_or(0), &terms).await.gql()?;
        Ok(GlossaryEntryNode { id: glossary_id(entry.id), terms: entry.terms, version: entry.version })
    }

    /// Removes a glossary entry at `version`.
    async fn remove_glossary_entry(&self, ctx: &Context<'_>, id: ID, version: i32) -> async_graphql::Result<bool> {
        let app = ctx.data::<App>()?;
        let viewer = ctx.data::<Viewer>()?;
        let id = decode_glossary_id(&id).gql()?;
        app.remove_glossary_entry(viewer, id, version).await.gql()?;
        Ok(true)
    }
}
