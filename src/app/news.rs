//! What is new: the records published (or changed) lately that match a search, for Atom feeds and
//! for the saved searches of token holders. Published records only, whoever asks.
//!
//! A search is written once, as the parameters of its feed (`q=garage&theme=MOBILITY&kind=SHEET`):
//! the feed's address, and what a saved search keeps.

use super::*;

/// The most entries a feed carries.
pub const FEED_ENTRIES: usize = 50;
/// The longest search words a feed takes.
pub const MAX_FEED_WORDS: usize = 1_000;
/// The most saved searches one token keeps.
pub const MAX_SAVED_SEARCHES: u64 = 100;
/// The longest name of a saved search.
pub const MAX_SAVED_NAME: usize = 200;

/// The parameters a feed takes besides `q` and `kind`, each a filter of search.
const FILTERS: &[(&str, Dimension)] = &[
    ("theme", Dimension::Theme),
    ("status", Dimension::Status),
    ("polarity", Dimension::Polarity),
    ("category", Dimension::Category),
    ("phase", Dimension::Phase),
    ("territoryType", Dimension::TerritoryType),
    ("region", Dimension::Region),
    ("evidenceLevel", Dimension::EvidenceLevel),
    ("programme", Dimension::Programme),
];

/// A search a feed follows: its words, the kinds it carries (sheets and lessons) and its filters,
/// checked. Programmes are named by slug.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FeedQuery {
    pub text: String,
    pub kinds: Vec<Kind>,
    /// (parameter, values) in the order of `FILTERS`, values as codes (programmes as slugs).
    filters: Vec<(&'static str, Vec<String>)>,
}

fn check_code<T: Vocabulary>(parameter: &str, value: &str) -> Result<String> {
    T::from_code_or_label(value).map(|value| value.code().to_owned()).ok_or_else(|| {
        let known: Vec<&str> = T::ALL.iter().map(|value| value.code()).collect();
        Error::invalid(parameter, format!("`{value}` is not a value of {} ({})", T::NAME, known.join(", ")))
    })
}

impl FeedQuery {
    /// Reads a feed's parameters (already percent-decoded). Every problem is named: an unknown
    /// parameter, an unknown value, an empty one, words too long.
    pub fn parse(pairs: &[(String, String)]) -> Result<Self> {
        let mut query = FeedQuery::default();
        let mut filters: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
        let mut texts = 0;
        for (name, value) in pairs {
            let value = value.trim();
            match name.as_str() {
                "q" => {
                    texts += 1;
                    if texts > 1 {
                        return Err(Error::invalid("q", "is given twice; a feed follows one search"));
                    }
                    if value.chars().count() > MAX_FEED_WORDS {
                        return Err(Error::invalid("q", format!("is longer than {MAX_FEED_WORDS} characters")));
                    }
                    query.text = value.to_owned();
                }
                "kind" => {
                    let kind = match value {
                        "SHEET" => Kind::Sheet,
                        "LESSON" => Kind::Lesson,
                        other => {
                            return Err(Error::invalid(
                                "kind",
                                format!("`{other}` is not a kind a feed carries (SHEET, LESSON)"),
                            ));
                        }
                    };
                    if !query.kinds.contains(&kind) {
                        query.kinds.push(kind);
                    }
                }
                other => {
                    let Some((parameter, dimension)) = FILTERS.iter().find(|(parameter, _)| *parameter == other) else {
                        let known: Vec<&str> =
                            ["q", "kind"].into_iter().chain(FILTERS.iter().map(|(parameter, _)| *parameter)).collect();
                        return Err(Error::invalid(
                            other,
                            format!("is not a parameter of feeds (they take {})", known.join(", ")),
                        ));
                    };
                    if value.is_empty() {
                        return Err(Error::invalid(*parameter, "is empty"));
                    }
                    let value = match dimension {
                        Dimension::Theme => check_code::<Theme>(parameter, value)?,
                        Dimension::Status => check_code::<SheetStatus>(parameter, value)?,
                        Dimension::Polarity => check_code::<Polarity>(parameter, value)?,
                        Dimension::Category => check_code::<LessonCategory>(parameter, value)?,
                        Dimension::Phase => check_code::<Phase>(parameter, value)?,
                        Dimension::TerritoryType => check_code::<TerritoryType>(parameter, value)?,
                        Dimension::Region => check_code::<Region>(parameter, value)?,
                        Dimension::EvidenceLevel => check_code::<EvidenceLevel>(parameter, value)?,
                        _ => value.to_owned(),
                    };
                    let values = filters.entry(parameter).or_default();
                    if !values.contains(&value) {
                        values.push(value);
                    }
                }
            }
        }
        query.filters = FILTERS
            .iter()
            .filter_map(|(parameter, _)| filters.remove(parameter).map(|values| (*parameter, values)))
            .collect();
        Ok(query)
    }

    /// The values of one parameter.
    pub fn values(&self, parameter: &str) -> &[String] {
        self.filters.iter().find(|(name, _)| *name == parameter).map_or(&[], |(_, values)| values.as_slice())
    }

    /// The parameters as a query string, in one order (`q`, `kind`, then the filters), percent-encoded.
    pub fn query_string(&self) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if !self.text.is_empty() {
            pairs.push(("q", self.text.clone()));
        }
        for kind in &self.kinds {
            pairs.push(("kind", kind.as_str().to_uppercase()));
        }
        for (parameter, values) in &self.filters {
            pairs.extend(values.iter().map(|value| (*parameter, value.clone())));
        }
        pairs.iter().map(|(name, value)| format!("{name}={}", percent_encode(value))).collect::<Vec<_>>().join("&")
    }
}

/// Percent-encodes a query-string value (all but the unreserved characters of RFC 3986).
pub fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A saved search with the number of records new since its last visit.
#[derive(Debug, Clone)]
pub struct SavedSearch {
    pub id: i64,
    pub name: String,
    pub query: FeedQuery,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub last_visited_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Published records matching it, published or changed since its last visit (all, never visited).
    pub new_since_last_visit: usize,
}

fn token_of(viewer: &Viewer) -> Result<i64> {
    match viewer {
        Viewer::Account(account) => Ok(account.token),
        _ => Err(Error::Forbidden(
            "saved searches belong to an account: sign in, or send an API token (`Authorization: Bearer …`)".into(),
        )),
    }
}

impl App {
    /// Checks a feed's parameters against the base: its programmes must be published (by slug, id or
    /// global id; kept by slug).
    pub async fn feed_query(&self, pairs: &[(String, String)]) -> Result<FeedQuery> {
        let mut query = FeedQuery::parse(pairs)?;
        let conn = self.store.connection();
        if let Some((_, programmes)) = query.filters.iter_mut().find(|(name, _)| *name == "programme") {
            for value in programmes.iter_mut() {
                let id = match value.parse::<i64>() {
                    Ok(raw) => Some(ProgrammeId(raw)),
                    Err(_) => match crate::ids::decode::<ProgrammeId>(value) {
                        Ok(id) => Some(id),
                        Err(_) => store::id_by_slug::<ProgrammeFields, _>(conn, &Visibility::public(), value).await?,
                    },
                };
                // A slug is named back; an id is not (a hidden programme's id reads as a missing one's).
                let named = if id.is_some() { String::new() } else { format!("`{value}` ") };
                let programme = match id {
                    Some(id) => store::get::<ProgrammeFields, _>(conn, &Visibility::public(), id).await.ok(),
                    None => None,
                };
                let programme = programme.ok_or_else(|| {
                    Error::invalid("programme", format!("{named}is not a published programme (give its slug or id)"))
                })?;
                *value = programme.fields.slug.as_str().to_owned();
            }
        }
        Ok(query)
    }

    /// The search request of a feed query: its programmes' slugs turned to ids (published ones).
    async fn feed_request(
        &self,
        query: &FeedQuery,
        since: Option<i64>,
        limit: usize,
        count: bool,
    ) -> Result<SearchRequest> {
        let conn = self.store.connection();
        let mut filters = Vec::new();
        for (parameter, dimension) in FILTERS {
            let values = query.values(parameter);
            if values.is_empty() {
                continue;
            }
            let values = if *dimension == Dimension::Programme {
                let mut ids = Vec::with_capacity(values.len());
                for slug in values {
                    // A programme unpublished since the search was saved matches nothing.
                    let id = store::id_by_slug::<ProgrammeFields, _>(conn, &Visibility::public(), slug).await?;
                    ids.push(id.map_or_else(|| "-1".to_owned(), |id| id.get().to_string()));
                }
                ids
            } else {
                values.to_vec()
            };
            filters.push((*dimension, values));
        }
        Ok(SearchRequest {
            text: query.text.clone(),
            kinds: if query.kinds.is_empty() { vec![Kind::Sheet, Kind::Lesson] } else { query.kinds.clone() },
            filters,
            visible: Visibility::public().search_statuses(),
            limit,
            count,
            newest_first: true,
            since,
            literal: true,
            ..SearchRequest::default()
        })
    }

    /// The newest published records matching a feed query, newest first.
    pub async fn news(&self, query: &FeedQuery) -> Result<Vec<FoundHit>> {
        let request = self.feed_request(query, None, FEED_ENTRIES, false).await?;
        Ok(self.search(&Viewer::Anonymous, request, None).await?.hits)
    }

    async fn count_new(&self, query: &FeedQuery, since: Option<chrono::DateTime<chrono::Utc>>) -> Result<usize> {
        let request = self.feed_request(query, since.map(|time| time.timestamp_micros()), 1, true).await?;
        Ok(self.search(&Viewer::Anonymous, request, None).await?.total.unwrap_or(0))
    }

    async fn saved_of(&self, row: store::SavedSearchRow) -> Result<SavedSearch> {
        let pairs = parse_query_string(&row.parameters);
        let query = FeedQuery::parse(&pairs)?;
        let new_since_last_visit = self.count_new(&query, row.last_visited_at).await?;
        Ok(SavedSearch {
            id: row.id,
            name: row.name,
            query,
            created_at: row.created_at,
            last_visited_at: row.last_visited_at,
            new_since_last_visit,
        })
    }

    /// Saves a search for the viewer's token.
    pub async fn save_search(&self, viewer: &Viewer, name: &str, query: &FeedQuery) -> Result<SavedSearch> {
        let token = token_of(viewer)?;
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::invalid("input.name", "is empty"));
        }
        if name.chars().count() > MAX_SAVED_NAME {
            return Err(Error::invalid("input.name", format!("is longer than {MAX_SAVED_NAME} characters")));
        }
        if store::count_saved_searches(self.store.connection(), token).await? >= MAX_SAVED_SEARCHES {
            return Err(Error::invalid("input", format!("a token keeps at most {MAX_SAVED_SEARCHES} saved searches")));
        }
        let row = store::insert_saved_search(self.store.writer(), token, name, &query.query_string()).await?;
        self.saved_of(row).await
    }

    /// The viewer's saved searches, oldest first.
    pub async fn saved_searches(&self, viewer: &Viewer) -> Result<Vec<SavedSearch>> {
        let token = token_of(viewer)?;
        let mut out = Vec::new();
        for row in store::saved_searches(self.store.connection(), token).await? {
            out.push(self.saved_of(row).await?);
        }
        Ok(out)
    }

    /// Records a visit of one of the viewer's saved searches: what is new is counted from now.
    pub async fn visit_saved_search(&self, viewer: &Viewer, id: i64) -> Result<SavedSearch> {
        let token = token_of(viewer)?;
        if !store::visit_saved_search(self.store.writer(), token, id).await? {
            return Err(Error::NotFound(format!("saved search {id}")));
        }
        let row = store::saved_search(self.store.writer(), token, id)
            .await?
            .ok_or_else(|| Error::NotFound(format!("saved search {id}")))?;
        self.saved_of(row).await
    }

    /// Deletes one of the viewer's saved searches.
    pub async fn delete_saved_search(&self, viewer: &Viewer, id: i64) -> Result<()> {
        let token = token_of(viewer)?;
        if store::delete_saved_search(self.store.writer(), token, id).await? {
            Ok(())
        } else {
            Err(Error::NotFound(format!("saved search {id}")))
        }
    }
}

/// Splits a query string into its decoded pairs (`+` is a space).
pub fn parse_query_string(raw: &str) -> Vec<(String, String)> {
    raw.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(name), percent_decode(value))
        })
        .collect()
}

fn percent_decode(raw: &str) -> String {
    fn hex(byte: u8) -> Option<u8> {
        (byte as char).to_digit(16).map(|digit| digit as u8)
    }
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = match (bytes[i], bytes.get(i + 1).copied().and_then(hex), bytes.get(i + 2).copied().and_then(hex))
        {
            (b'%', Some(high), Some(low)) => Some(high * 16 + low),
            _ => None,
        };
        match (escaped, bytes[i]) {
            (Some(byte), _) => {
                out.push(byte);
                i += 3;
            }
            (None, b'+') => {
                out.push(b' ');
                i += 1;
            }
            (None, byte) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(raw: &str) -> Vec<(String, String)> {
        parse_query_string(raw)
    }

    #[test]
    fn a_feed_query_reads_back_as_it_was_written() {
        let query = FeedQuery::parse(&pairs("theme=MOBILITY&q=garage+solidaire%20rural&kind=LESSON&theme=FOOD"))
            .expect("a valid feed query");
        assert_eq!(query.text, "garage solidaire rural");
        assert_eq!(query.query_string(), "q=garage%20solidaire%20rural&kind=LESSON&theme=MOBILITY&theme=FOOD");
        assert_eq!(FeedQuery::parse(&pairs(&query.query_string())).expect("its own parameters"), query);
    }

    #[test]
    fn a_bad_feed_parameter_is_named() {
        let message = |raw: &str| FeedQuery::parse(&pairs(raw)).expect_err("a bad parameter").to_string();
        assert!(message("theme=NOPE").contains("`NOPE` is not a value of Theme"), "{}", message("theme=NOPE"));
        assert!(message("colour=red").contains("is not a parameter of feeds"));
        assert!(message("kind=PROGRAMME").contains("not a kind a feed carries"));
        assert!(message("phase=").contains("is empty"));
        assert!(message("q=a&q=b").contains("twice"));
        assert!(message(&format!("q={}", "a".repeat(MAX_FEED_WORDS + 1))).contains("longer"));
    }

    #[test]
    fn percent_decoding_keeps_what_is_not_an_escape() {
        assert_eq!(percent_decode("%C3%A9t%C3%A9+100%"), "été 100%");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(percent_decode("%é%"), "%é%");
    }
}
