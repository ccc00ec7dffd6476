//! Atom feeds of what is new (`GET /flux.atom?q=…&theme=…`): the published sheets and lessons that
//! match a search, most recently published or changed first, readable in any feed reader.

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::AppState;
use crate::app::{FeedQuery, FoundHit, parse_query_string, percent_encode};
use crate::domain::Kind;
use crate::error::Error;

const ATOM: &str = "application/atom+xml; charset=utf-8";

/// Escapes text for XML content and attribute values.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 does not allow.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// The server's address as the client reached it (`Host`), for the feed's absolute links.
fn base_of(headers: &HeaderMap) -> String {
    let host = headers.get(header::HOST).and_then(|value| value.to_str().ok()).unwrap_or("localhost");
    let host: String =
        host.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']')).collect();
    let scheme = match headers.get("x-forwarded-proto").and_then(|value| value.to_str().ok()) {
        Some("https") => "https",
        _ => "http",
    };
    format!("{scheme}://{host}")
}

/// A failure as plain text: 400 for a bad parameter, 503 when the base cannot answer now, 500
/// otherwise (its cause logged, never shown).
fn failure(error: &Error) -> Response {
    let status = match error {
        Error::InvalidInput(_) => StatusCode::BAD_REQUEST,
        Error::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        _ => {
            tracing::error!(error = ?error, "feed failed");
            StatusCode::INTERNAL_SERVER_ERROR
        }
    };
    let mut response = (status, format!("{}\n", super::say(error))).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    response
}

fn summary_of(hit: &FoundHit) -> String {
    let text = &hit.card.text;
    let source = if text.summary.trim().is_empty() { &text.body } else { &text.summary };
    let mut summary: String = source.chars().take(500).collect();
    if source.chars().count() > 500 {
        summary.push('…');
    }
    summary
}

/// The page's search of a feed query (`/?q=…&type=…`), in the page's parameters (`web/search.js`);
/// what the page cannot filter by (programmes by slug, statuses, evidence levels) is left out.
fn page_search(query: &FeedQuery) -> String {
    let pairs: Vec<String> = parse_query_string(&query.query_string())
        .into_iter()
        .filter_map(|(name, value)| {
            let name = match name.as_str() {
                "q" | "theme" | "phase" | "region" => name,
                "kind" => "type".to_owned(),
                "category" => "categorie".to_owned(),
                "polarity" => "polarite".to_owned(),
                "territoryType" => "territoire".to_owned(),
                _ => return None,
            };
            Some(format!("{name}={}", percent_encode(&value)))
        })
        .collect();
    if pairs.is_empty() { String::new() } else { format!("?{}", pairs.join("&")) }
}

/// Writes the feed of a query's newest records.
fn atom(base: &str, query: &FeedQuery, hits: &[FoundHit]) -> String {
    let parameters = query.query_string();
    let self_url =
        if parameters.is_empty() { format!("{base}/flux.atom") } else { format!("{base}/flux.atom?{parameters}") };
    let search_url = format!("{base}/{}", page_search(query));
    let title = if query.text.is_empty() {
        "retex — nouveautés du réseau".to_owned()
    } else {
        format!("retex — nouveautés : {}", query.text)
    };
    let updated = hits.iter().map(|hit| hit.card.updated_at).max().unwrap_or(chrono::DateTime::UNIX_EPOCH);
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"fr\">\n",
    );
    out.push_str(&format!("  <title>{}</title>\n", xml(&title)));
    out.push_str(&format!(
        "  <subtitle>{}</subtitle>\n",
        xml("Fiches-projets et leçons publiées ou mises à jour, les plus récentes d’abord")
    ));
    out.push_str(&format!("  <id>{}</id>\n", xml(&self_url)));
    out.push_str(&format!("  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n", xml(&self_url)));
    out.push_str(&format!("  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n", xml(&search_url)));
    out.push_str(&format!("  <updated>{}</updated>\n", updated.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)));
    out.push_str("  <author><name>retex</name></author>\n  <generator>retex</generator>\n");
    for hit in hits {
        let (view, label) = match hit.kind {
            Kind::Sheet => ("sheet", "Fiche-projet"),
            Kind::Lesson => ("lesson", "Leçon"),
            _ => continue,
        };
        let Some(path) = crate::web::record_path(view, &hit.card.slug) else { continue };
        let url = format!("{base}{path}");
        out.push_str("  <entry>\n");
        out.push_str(&format!("    <title>{}</title>\n", xml(&hit.card.text.title)));
        out.push_str(&format!("    <id>{}</id>\n", xml(&url)));
        out.push_str(&format!("    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n", xml(&url)));
        out.push_str(&format!(
            "    <updated>{}</updated>\n",
            hit.card.updated_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        ));
        out.push_str(&format!("    <category term=\"{}\" label=\"{}\"/>\n", hit.kind.as_str(), label));
        out.push_str(&format!("    <summary>{}</summary>\n", xml(&summary_of(hit))));
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

/// `GET /flux.atom`: the 50 newest published sheets and lessons matching a search. A parameter that
/// does not parse is a 400 naming it.
pub(super) async fn feed(State(state): State<AppState>, headers: HeaderMap, RawQuery(raw): RawQuery) -> Response {
    let pairs = parse_query_string(raw.as_deref().unwrap_or_default());
    let query = match state.app.feed_query(&pairs).await {
        Ok(query) => query,
        Err(error) => return failure(&error),
    };
    match state.app.news(&query).await {
        Ok(hits) => {
            let mut response = (StatusCode::OK, atom(&base_of(&headers), &query, &hits)).into_response();
            let headers = response.headers_mut();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(ATOM));
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
            response
        }
        Err(error) => failure(&error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_text_is_escaped_and_stripped_of_what_xml_forbids() {
        assert_eq!(xml("a < b & \"c\" \u{1}d"), "a &lt; b &amp; &quot;c&quot; d");
    }

    #[test]
    fn the_host_header_cannot_inject_markup() {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_static("example.org:8080\"><x"));
        assert_eq!(base_of(&headers), "http://example.org:8080x");
    }
}
