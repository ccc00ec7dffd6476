//! Search over GraphQL: `search` (hits with score, record and highlighted snippets; facet counts over
//! the filtered result; cursor pagination), `suggest` for the search box, `similar` for "more like
//! this", and the synonym glossary.

use std::sync::Arc;

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::error::GqlResult;
use super::ids;
use super::types::Node;
use crate::app::{App, Found, FoundHit, GlossaryInput, SearchPage, Suggestion};
use crate::app::{Dimension, SearchRequest};
use crate::domain::*;
use crate::error::Error;

/// The longest query the search box takes.
const MAX_QUERY_CHARS: usize = 1_000;
/// The furthest a search can page.
const MAX_OFFSET: usize = 10_000;
/// The length of a highlighted extract.
const SNIPPET_CHARS: usize = 200;

/// The kinds of records search finds.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum SearchKind {
    /// Project sheets (fiches-projet).
    Sheet,
    /// Lessons.
    Lesson,
    /// Programmes.
    Programme,
    /// Organisations.
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
    /// Programme (values are programme ids): a sheet's programmes, those of the sheets a lesson was
    /// observed in, a programme itself.
    Programme,
    /// A theme (Theme) of a sheet, a lesson or a programme.
    Theme,
    /// Where a project stands (SheetStatus).
    Status,
    /// Whether a lesson is a success factor, a pitfall or a failure factor (Polarity).
    Polarity,
    /// What a lesson is about (LessonCategory).
    Category,
    /// A phase of the démarche (Phase) a sheet recorded or a lesson concerns.
    Phase,
    /// A kind of territory (TerritoryType): of a sheet's territories, or one a lesson applies to.
    TerritoryType,
    /// A region (Region): of a sheet's territories, or an organisation's.
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
    /// Records of these kinds.
    pub kinds: Option<Vec<SearchKind>>,
    /// Records of these programmes (programme ids): their sheets, the lessons observed in those, the
    /// programmes themselves.
    pub programmes: Option<Vec<ID>>,
    /// Sheets, lessons and programmes with one of these themes.
    pub themes: Option<Vec<Theme>>,
    /// Sheets at one of these stages of the démarche.
    pub statuses: Option<Vec<SheetStatus>>,
    /// Lessons of these polarities.
    pub polarities: Option<Vec<Polarity>>,
    /// Lessons in one of these categories.
    pub categories: Option<Vec<LessonCategory>>,
    /// Sheets that recorded one of these phases, and lessons that concern one.
    pub phases: Option<Vec<Phase>>,
    /// Sheets located in a territory of these types, and lessons that apply to one.
    pub territory_types: Option<Vec<TerritoryType>>,
    /// Sheets located in a territory of these regions, and organisations based in one.
    pub regions: Option<Vec<Region>>,
    /// Lessons backed at one of these evidence levels.
    pub evidence_levels: Option<Vec<EvidenceLevel>>,
    /// Sheets supported by these organisations.
    pub structures: Option<Vec<ID>>,
    /// Records active in a year from `yearFrom` to `yearTo` (both included): sheets by the dates of
    /// their phases, lessons by those of their sheets, programmes by their years. 1900 when absent.
    pub year_from: Option<i32>,
    /// The last year of the range `yearFrom` starts (2100 when absent); not before `yearFrom`.
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
    /// Which text: `title`, `summary` or `body` (what the record says), or `labels` (what describes
    /// it: its vocabulary labels in French and the names of its programmes, territories with their
    /// department and region, and structures), given only when nothing the record says matched.
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

/// One search result: a published record, how well it matched, and where.
#[Object]
impl SearchHit {
    /// How well the record matched (BM25 with field boosts; 0 for an empty query listed by recency).
    async fn score(&self) -> f64 {
        f64::from(self.score)
    }
    /// An opaque position just after this hit in the results: pass it as `after` to continue from it.
    async fn cursor(&self) -> &str {
        &self.cursor
    }
    /// The record found: a project sheet, a lesson, a programme or an organisation.
    async fn node(&self) -> &Node {
        &self.node
    }
    /// Highlighted extracts of the record's text where the query matched (none in `similar`).
    async fn snippets(&self) -> &[Snippet] {
        &self.snippets
    }
}

/// How many hits have one value of a dimension.
#[derive(SimpleObject)]
pub struct FacetValue {
    /// The value to filter by: an enum code, a year, or the global id of a programme or structure.
    pub value: String,
    /// The label to show, in French.
    pub label: String,
    /// How many records of the filtered result have this value.
    pub count: i32,
}

/// The values of one dimension over the filtered result, most frequent first.
#[derive(SimpleObject)]
pub struct Facet {
    /// The dimension counted.
    pub dimension: SearchDimension,
    /// Its values in the result, with their counts (programmes and structures the caller may not see
    /// are left out).
    pub values: Vec<FacetValue>,
}

/// A filter recognised in the words of the query (« rural » → territory type « Rural », « Finistère »
/// → region « Bretagne », « facteurs de succès » → polarity « Facteur clé de succès »). Search ranks
/// the records that carry it higher; `filter` applies it strictly, `literal: true` ignores it.
#[derive(SimpleObject)]
pub struct SearchInterpretation {
    /// The dimension it filters.
    pub dimension: SearchDimension,
    /// The value to filter by, as `facets` gives it (a vocabulary code, or a kind: `SHEET`, `LESSON`…).
    pub value: String,
    /// The value's French label.
    pub label: String,
    /// The words of the query that named it.
    pub words: String,
}

/// Where a page of results sits.
#[derive(SimpleObject)]
pub struct SearchPageInfo {
    /// Whether more results follow this page.
    pub has_next_page: bool,
    /// Whether results precede this page (it was asked for with `after`).
    pub has_previous_page: bool,
    /// The position after the page's last hit: pass it as `after` for the next page; none when the page
    /// is empty.
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

/// Clamps a count to the GraphQL Int range.
pub(super) fn count(count: u64) -> i32 {
    i32::try_from(count).unwrap_or(i32::MAX)
}

/// The node of a found record.
fn node_of(found: Found) -> Node {
    match found {
        Found::Organisation(record) => Node::Organisation(super::types::OrganisationNode::from(record)),
        Found::Territory(record) => Node::Territory(super::types::TerritoryNode::from(record)),
        Found::Programme(record) => Node::Programme(super::types::ProgrammeNode::from(record)),
        Found::Sheet(record) => Node::ProjectSheet(super::types::SheetNode::from(record)),
        Found::Lesson(record) => Node::Lesson(super::types::LessonNode::from(record)),
    }
}

/// The node of a search hit, held as its card (see `types::Held`).
fn node_of_hit(hit: &FoundHit) -> Node {
    use super::types::{Held, LessonNode, OrganisationNode, ProgrammeNode, SheetNode, TerritoryNode};
    let card = hit.card.clone();
    match hit.kind {
        Kind::Organisation => Node::Organisation(OrganisationNode(Held::carded(OrganisationId(hit.id), card))),
        Kind::Territory => Node::Territory(TerritoryNode(Held::carded(TerritoryId(hit.id), card))),
        Kind::Programme => Node::Programme(ProgrammeNode(Held::carded(ProgrammeId(hit.id), card))),
        Kind::Sheet => Node::ProjectSheet(SheetNode(Held::carded(SheetId(hit.id), card))),
        Kind::Lesson => Node::Lesson(LessonNode(Held::carded(LessonId(hit.id), card))),
    }
}

/// A page of search results, with the total count and the facets of the whole result.
#[Object]
impl SearchResults {
    /// How many records match, over all pages (counted only when this field is asked for).
    async fn total_count(&self) -> async_graphql::Result<i32> {
        let total = self.page.total.ok_or_else(|| Error::internal("the search was not counted"))?;
        Ok(i32::try_from(total).unwrap_or(i32::MAX))
    }

    /// The hits of this page, best first: published records as the search index holds them (a
    /// change is searchable, and shown, once its write returns). The fields a hit's card holds (id,
    /// slug, title or name, summary or lesson, publication status, version, updatedAt) are read from
    /// the index; any other field reads the record from the database, which is the truth.
    async fn hits(&self) -> Vec<SearchHit> {
        self.page
            .hits
            .iter()
            .enumerate()
            .map(|(i, hit)| SearchHit {
                score: hit.score,
                cursor: encode_offset(self.offset + i + 1),
                node: node_of_hit(hit),
                snippets: hit.snippets.iter().map(|s| Snippet { field: s.field, html: s.html.clone() }).collect(),
            })
            .collect()
    }

    /// The filters the words of the query name, in the order of the words (none with `literal: true`).
    async fn interpretation(&self) -> Vec<SearchInterpretation> {
        self.page
            .interpretation
            .iter()
            .map(|found| SearchInterpretation {
                dimension: dimension_of(found.dimension),
                value: found.value.clone(),
                label: found.label.clone(),
                words: found.words.clone(),
            })
            .collect()
    }

    /// Counts per value of the asked dimensions, over the whole filtered result.
    async fn facets(&self) -> Vec<Facet> {
        self.page
            .facets
            .iter()
            .map(|facet| Facet {
                dimension: dimension_of(facet.dimension),
                values: facet
                    .values
                    .iter()
                    .map(|(value, label, n)| FacetValue {
                        value: value.clone(),
                        label: label.clone(),
                        count: count(*n),
                    })
                    .collect(),
            })
            .collect()
    }

    /// Where this page sits, and the cursor of the next one.
    async fn page_info(&self) -> SearchPageInfo {
        let shown = self.page.hits.len();
        let end = self.offset + shown;
        SearchPageInfo {
            has_next_page: self.page.more,
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

/// A completion for the search box: a glossary term, or the title of a published record.
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

/// A group of equivalent terms search treats as one (« QPV » / « quartier prioritaire »), with the
/// narrower terms it also finds, one way (« mobilité » also finds « garage solidaire », not the
/// reverse). Matches through the glossary rank below matches of the words typed.
#[derive(SimpleObject)]
pub struct GlossaryEntryNode {
    /// The entry's id, as `saveGlossaryEntry` and `removeGlossaryEntry` take it.
    pub id: ID,
    /// The equivalent terms (1 to 20; 2 at least when there is no narrower term).
    pub terms: Vec<String>,
    /// Narrower terms a search for one of `terms` also finds; searching them does not find `terms`.
    pub narrower: Vec<String>,
    /// Where the entry comes from (a law, a public definition, the network's usage), one line.
    pub source: String,
    /// The entry's version: changing or removing the entry must name the version read.
    pub version: i32,
}

impl From<crate::app::GlossaryEntry> for GlossaryEntryNode {
    fn from(entry: crate::app::GlossaryEntry) -> Self {
        GlossaryEntryNode {
            id: glossary_id(entry.id),
            terms: entry.terms,
            narrower: entry.narrower,
            source: entry.source,
            version: entry.version,
        }
    }
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
    // One argument per part of the search box, as the API takes them.
    #[allow(clippy::too_many_arguments)]
    async fn search(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "What to look for (at most 1,000 characters); absent or empty lists every published record by recency."
        )]
        query: Option<String>,
        #[graphql(desc = "Narrows the results.")] filter: Option<SearchFilter>,
        #[graphql(desc = "The dimensions whose values `facets` counts.")] facets: Option<Vec<SearchDimension>>,
        #[graphql(default = 20, desc = "How many hits to return, 0 to 100 (20 by default).")] first: i32,
        #[graphql(
            desc = "A cursor (`pageInfo.endCursor` or a hit's): the page starts after it. Results stop at 10,000."
        )]
        after: Option<String>,
        #[graphql(
            default = false,
            desc = "Searches the words only: the filters they name (`interpretation`) neither rank nor are reported."
        )]
        literal: bool,
    ) -> async_graphql::Result<SearchResults> {
        let app = ctx.data::<App>()?;
        let viewer = ctx.data::<Viewer>()?;
        let query = query.unwrap_or_default();
        if query.chars().count() > MAX_QUERY_CHARS {
            return Err(Error::invalid("query", format!("is longer than {MAX_QUERY_CHARS} characters"))).gql();
        }
        let offset = after.as_deref().map(decode_offset).transpose().gql()?.unwrap_or(0);
        // Work only for what is selected: every match is counted only when `totalCount` is asked for.
        let count = ctx.look_ahead().field("totalCount").exists();
        let mut request = SearchRequest {
            text: query,
            count,
            facets: facets.unwrap_or_default().into_iter().map(Dimension::from).collect(),
            offset,
            limit: page_size(first).gql()?,
            literal,
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
        #[graphql(desc = "What has been typed so far (at most 1,000 characters).")] prefix: String,
        #[graphql(
            default = 8,
            desc = "How many completions to return, 0 to 100 (8 by default); glossary terms come first."
        )]
        first: i32,
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
                Suggestion::Record(found) => {
                    let text = found.searchable_text().title;
                    out.push(SuggestionNode { text, node: Some(node_of(*found)) });
                }
            }
        }
        Ok(out)
    }

    /// Published records like this one, best first: "more like this" for a sheet, a lesson or a programme.
    async fn similar(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "A sheet, lesson or programme (another kind is INVALID_INPUT); one the caller may not see is NOT_FOUND."
        )]
        id: ID,
        #[graphql(default = 5, desc = "How many records to return, 0 to 100 (5 by default).")] first: i32,
    ) -> async_graphql::Result<Vec<SearchHit>> {
        let app = ctx.data::<App>()?;
        let viewer = ctx.data::<Viewer>()?;
        let (kind, raw) = ids::decode_any(&id).map_err(|problem| Error::invalid("id", problem)).gql()?;
        let hits = app.similar(viewer, kind, raw, page_size(first).gql()?).await.gql()?;
        let found = app.found(viewer, &hits).await.gql()?;
        Ok(hits
            .iter()
            .zip(found)
            .enumerate()
            .filter_map(|(i, (hit, record))| {
                let node = node_of(record?);
                Some(SearchHit { score: hit.score, cursor: encode_offset(i + 1), node, snippets: Vec::new() })
            })
            .collect())
    }

    /// The synonym glossary search expands queries with.
    async fn glossary(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<GlossaryEntryNode>> {
        let app = ctx.data::<App>()?;
        let entries = app.glossary().await.gql()?;
        Ok(entries.into_iter().map(GlossaryEntryNode::from).collect())
    }
}

#[derive(Default)]
pub struct GlossaryMutation;

#[Object]
impl GlossaryMutation {
    /// Adds a group of equivalent terms to the glossary (without `id`), or replaces what entry `id`
    /// says at `version` (administrators only). Search uses it at once, without a restart.
    async fn save_glossary_entry(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The entry to change; absent to add a new entry.")] id: Option<ID>,
        #[graphql(
            desc = "The entry's version, as read: required with `id` (INVALID_INPUT otherwise); if the entry changed since, CONFLICT."
        )]
        version: Option<i32>,
        #[graphql(
            desc = "The equivalent terms: 1 to 20 (2 at least without narrower terms), each 1 to 200 characters, no two the same once case and accents are ignored."
        )]
        terms: Vec<String>,
        #[graphql(
            desc = "Narrower terms a search for the terms also finds, one way: up to 20, none among `terms`; kept as they are when absent."
        )]
        narrower: Option<Vec<String>>,
        #[graphql(desc = "Where the entry comes from, one line of at most 300 characters; kept as it is when absent.")]
        source: Option<String>,
    ) -> async_graphql::Result<GlossaryEntryNode> {
        let app = ctx.data::<App>()?;
        let viewer = ctx.data::<Viewer>()?;
        let id = id.as_ref().map(decode_glossary_id).transpose().gql()?;
        if id.is_some() && version.is_none() {
            return Err(Error::invalid("version", "is required to change an existing entry")).gql();
        }
        let input = GlossaryInput { terms, narrower, source };
        let entry = app.save_glossary_entry(viewer, id, version.unwrap_or(0), input).await.gql()?;
        Ok(entry.into())
    }

    /// Removes a glossary entry at `version` (administrators only); returns true.
    async fn remove_glossary_entry(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The entry's id.")] id: ID,
        #[graphql(desc = "The entry's version, as read; if the entry changed since, CONFLICT.")] version: i32,
    ) -> async_graphql::Result<bool> {
        let app = ctx.data::<App>()?;
        let viewer = ctx.data::<Viewer>()?;
        let id = decode_glossary_id(&id).gql()?;
        app.remove_glossary_entry(viewer, id, version).await.gql()?;
        Ok(true)
    }
}
