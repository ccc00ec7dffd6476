//! GraphQL over HTTP, without HTTP types: turns a JSON body or GET parameters into a request, tells
//! whether a request is a mutation (never run over GET), runs it and serialises the response. The axum
//! side (`http/`) only moves bytes and headers.

use async_graphql::parser::types::OperationType;
use async_graphql::{Request, Variables};
use serde::Deserialize;

use super::{RetexSchema, execute};
use crate::app::App;
use crate::domain::Viewer;
use crate::i18n::Language;

/// A parsed GraphQL request.
pub struct GraphqlRequest(Request);

/// The body of a POST request (`query`, `operationName`, `variables`, `extensions`).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Body {
    query: Option<serde_json::Value>,
    operation_name: Option<serde_json::Value>,
    variables: Option<serde_json::Value>,
    extensions: Option<serde_json::Value>,
}

fn build(
    query: Option<serde_json::Value>,
    operation_name: Option<serde_json::Value>,
    variables: Option<serde_json::Value>,
    extensions: Option<serde_json::Value>,
) -> Result<GraphqlRequest, String> {
    let query = match query {
        Some(serde_json::Value::String(query)) => query,
        Some(_) => return Err("`query` must be a string".into()),
        None => return Err("the request has no `query`".into()),
    };
    let mut request = Request::new(query);
    match operation_name {
        None | Some(serde_json::Value::Null) => {}
        Some(serde_json::Value::String(name)) => request = request.operation_name(name),
        Some(_) => return Err("`operationName` must be a string".into()),
    }
    match variables {
        None | Some(serde_json::Value::Null) => {}
        Some(value @ serde_json::Value::Object(_)) => request = request.variables(Variables::from_json(value)),
        Some(_) => return Err("`variables` must be an object".into()),
    }
    match extensions {
        None | Some(serde_json::Value::Null) => {}
        Some(serde_json::Value::Object(map)) => {
            for (key, value) in map {
                let value =
                    async_graphql::Value::from_json(value).map_err(|_| "`extensions` is not valid".to_owned())?;
                request.extensions.insert(key, value);
            }
        }
        Some(_) => return Err("`extensions` must be an object".into()),
    }
    Ok(GraphqlRequest(request))
}

/// Parses the JSON body of a POST request.
pub fn from_json_body(body: &[u8]) -> Result<GraphqlRequest, String> {
    let text = std::str::from_utf8(body).map_err(|_| "the body is not valid UTF-8".to_owned())?;
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|err| format!("the body is not valid JSON: {err}"))?;
    if value.is_array() {
        return Err("batched requests are not accepted (limit: batch size 1): send one request per POST".into());
    }
    if !value.is_object() {
        return Err("the body must be a JSON object with a `query`".into());
    }
    let body: Body =
        serde_json::from_value(value).map_err(|err| format!("the body is not a GraphQL request: {err}"))?;
    build(body.query, body.operation_name, body.variables, body.extensions)
}

/// Reads a multipart POST (the GraphQL multipart request spec: an `operations` part, a `map` part
/// and one part per file), as the upload of dataset files uses it. Batches are refused here too.
pub async fn from_multipart(content_type: &str, body: &[u8], max_files: usize) -> Result<GraphqlRequest, String> {
    let options = async_graphql::http::MultipartOptions::default().max_num_files(max_files);
    let request =
        async_graphql::http::receive_batch_body(Some(content_type), futures::io::Cursor::new(body.to_vec()), options)
            .await
            .map_err(|err| format!("the multipart request is not valid: {err}"))?;
    match request {
        async_graphql::BatchRequest::Single(request) => Ok(GraphqlRequest(request)),
        async_graphql::BatchRequest::Batch(_) => {
            Err("batched requests are not accepted (limit: batch size 1): send one request per POST".into())
        }
    }
}

/// Parses the parameters of a GET request; `variables` and `extensions` are JSON-encoded.
pub fn from_get_params(
    query: Option<String>,
    operation_name: Option<String>,
    variables: Option<String>,
    extensions: Option<String>,
) -> Result<GraphqlRequest, String> {
    let json = |name: &str, raw: Option<String>| -> Result<Option<serde_json::Value>, String> {
        raw.filter(|raw| !raw.is_empty())
            .map(|raw| serde_json::from_str(&raw).map_err(|err| format!("`{name}` is not valid JSON: {err}")))
            .transpose()
    };
    build(
        query.map(serde_json::Value::String),
        operation_name.filter(|name| !name.is_empty()).map(serde_json::Value::String),
        json("variables", variables)?,
        json("extensions", extensions)?,
    )
}

impl GraphqlRequest {
    /// Returns whether the operation to run is a mutation (or a subscription): those are refused
    /// over GET. A document that does not parse is not a mutation; running it reports the syntax error.
    /// The parse is kept in the request, for its execution.
    pub fn is_mutation(&mut self) -> bool {
        matches!(self.operation_type(), "mutation" | "subscription")
    }

    /// Returns the type of the operation to run, for metrics: `query`, `mutation`, `subscription`, or
    /// `invalid` when the document does not parse or names no such operation.
    pub fn operation_type(&mut self) -> &'static str {
        let wanted = self.0.operation_name.clone();
        let Ok(document) = self.0.parsed_query() else {
            return "invalid";
        };
        let wanted = wanted.as_deref();
        // Without a name, a document of several operations is refused; any mutation in it counts.
        let types: Vec<OperationType> = document
            .operations
            .iter()
            .filter(|(name, _)| match wanted {
                Some(wanted) => name.is_some_and(|name| name.as_str() == wanted),
                None => true,
            })
            .map(|(_, operation)| operation.node.ty)
            .collect();
        if types.contains(&OperationType::Mutation) {
            "mutation"
        } else if types.contains(&OperationType::Subscription) {
            "subscription"
        } else if types.is_empty() {
            "invalid"
        } else {
            "query"
        }
    }
}

/// A serialised GraphQL response.
pub struct GraphqlResponse {
    pub body: Vec<u8>,
    /// True when the request failed before execution (syntax, validation, variables): there is no
    /// `data`, and GraphQL over HTTP answers 400 with `application/graphql-response+json`.
    pub is_request_error: bool,
    /// True when an error says the database is unavailable (`UNAVAILABLE`): over HTTP, 503 with
    /// `Retry-After`, so that clients and load balancers back off and retry.
    pub unavailable: bool,
    /// The operation's type (`query`, `mutation`, `subscription`, `invalid`) and its outcome (`ok`,
    /// or the first error's code), for metrics.
    pub operation: &'static str,
    pub outcome: &'static str,
}

/// The codes an error may carry, as static text for metrics.
const CODES: [&str; 11] = [
    "INVALID_INPUT",
    "NOT_FOUND",
    "CONFLICT",
    "FORBIDDEN",
    "UNAUTHENTICATED",
    "LIMIT_EXCEEDED",
    "RATE_LIMITED",
    "UNAVAILABLE",
    "INTERNAL",
    "BUSY",
    "TIMEOUT",
];

/// The largest response body written by default, in bytes (`--max-response-bytes`).
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;

/// A writer that refuses to grow past a limit: a response is serialised into it directly, so an
/// answer over the limit is abandoned when it reaches it, never held whole.
struct Bounded {
    bytes: Vec<u8>,
    limit: usize,
}

impl std::io::Write for Bounded {
    fn write(&mut self, chunk: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len().saturating_add(chunk.len()) > self.limit {
            return Err(std::io::Error::other("the response is over the limit"));
        }
        self.bytes.extend_from_slice(chunk);
        Ok(chunk.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Gives the errors of a response in `language`: each message, and each problem of invalid input
/// (whose message is rebuilt from its problems, field names kept).
pub fn localise(errors: &mut [async_graphql::ServerError], language: Language) {
    use async_graphql::Value;
    if language == Language::English {
        return;
    }
    for error in errors {
        let mut rebuilt: Vec<crate::domain::FieldProblem> = Vec::new();
        if let Some(extensions) = error.extensions.as_mut()
            && let Some(Value::List(problems)) = extensions.get("problems").cloned()
        {
            let mut translated = Vec::with_capacity(problems.len());
            for problem in problems {
                let Value::Object(mut object) = problem else { continue };
                let field = match object.get("field") {
                    Some(Value::String(field)) => field.clone(),
                    _ => String::new(),
                };
                if let Some(Value::String(text)) = object.get("problem").cloned() {
                    object.insert(async_graphql::Name::new("problem"), Value::from(language.say(&text)));
                    rebuilt.push(crate::domain::FieldProblem { field, problem: text });
                }
                translated.push(Value::Object(object));
            }
            extensions.set("problems", Value::List(translated));
        }
        error.message =
            if rebuilt.is_empty() { language.say(&error.message) } else { language.invalid_input(&rebuilt) };
    }
}

/// Puts the fields of an answer in the order the query asks for them (GraphQL's rule for ordered
/// maps). async-graphql resolves a selection's fields concurrently and keeps them in the order they
/// finish, which varies from run to run: a client reading the answer as text (a CSV export, a
/// comparison byte for byte) would see it move, and a field's timing would show through.
fn order_as_asked(data: &mut async_graphql::Value, query: &str, operation_name: Option<&str>) {
    use async_graphql::parser::types::DocumentOperations;
    if matches!(data, async_graphql::Value::Null) {
        return;
    }
    let Ok(document) = async_graphql::parser::parse_query(query) else { return };
    let operation = match &document.operations {
        DocumentOperations::Single(operation) => Some(operation),
        DocumentOperations::Multiple(operations) => match operation_name {
            Some(name) => {
                operations.iter().find(|(candidate, _)| candidate.as_str() == name).map(|(_, operation)| operation)
            }
            None if operations.len() == 1 => operations.values().next(),
            None => None,
        },
    };
    if let Some(operation) = operation {
        reorder(data, &[&operation.node.selection_set.node], &document.fragments, 0);
    }
}

type Fragments = std::collections::HashMap<
    async_graphql::Name,
    async_graphql::Positioned<async_graphql::parser::types::FragmentDefinition>,
>;

/// How deep answers and fragments are followed when ordering (far beyond the depth limit).
const MAX_ORDER_DEPTH: usize = 64;

fn reorder(
    value: &mut async_graphql::Value,
    sets: &[&async_graphql::parser::types::SelectionSet],
    fragments: &Fragments,
    depth: usize,
) {
    if depth > MAX_ORDER_DEPTH {
        return;
    }
    match value {
        async_graphql::Value::List(items) => {
            for item in items {
                reorder(item, sets, fragments, depth + 1);
            }
        }
        async_graphql::Value::Object(map) => {
            let mut keys = Vec::new();
            collect_keys(sets, fragments, &mut keys, depth);
            let mut rest = std::mem::take(map);
            for (key, children) in &keys {
                if let Some(mut child) = rest.shift_remove(key) {
                    reorder(&mut child, children, fragments, depth + 1);
                    map.insert(key.clone(), child);
                }
            }
            // Keys the query does not name (none is expected) keep their order, after the others.
            map.extend(rest);
        }
        _ => {}
    }
}

/// The response keys of selection sets in the order they appear, fragments spread in place, with the
/// selection sets of each key's own fields.
fn collect_keys<'a>(
    sets: &[&'a async_graphql::parser::types::SelectionSet],
    fragments: &'a Fragments,
    keys: &mut Vec<(async_graphql::Name, Vec<&'a async_graphql::parser::types::SelectionSet>)>,
    depth: usize,
) {
    use async_graphql::parser::types::Selection;
    if depth > MAX_ORDER_DEPTH {
        return;
    }
    for set in sets {
        for item in &set.items {
            match &item.node {
                Selection::Field(field) => {
                    let key = field.node.response_key().node.clone();
                    let child = &field.node.selection_set.node;
                    match keys.iter_mut().find(|(known, _)| *known == key) {
                        Some((_, children)) => children.push(child),
                        None => keys.push((key, vec![child])),
                    }
                }
                Selection::InlineFragment(fragment) => {
                    collect_keys(&[&fragment.node.selection_set.node], fragments, keys, depth + 1);
                }
                Selection::FragmentSpread(spread) => {
                    if let Some(definition) = fragments.get(&spread.node.fragment_name.node) {
                        collect_keys(&[&definition.node.selection_set.node], fragments, keys, depth + 1);
                    }
                }
            }
        }
    }
}

/// Runs a request as `viewer`. A response longer than `max_response_bytes` is replaced by one
/// `LIMIT_EXCEEDED` error that names the limit (`data` is null: nothing of the answer is sent).
pub async fn run(
    schema: &RetexSchema,
    app: &App,
    viewer: Viewer,
    mut request: GraphqlRequest,
    max_response_bytes: usize,
    language: Language,
) -> GraphqlResponse {
    let operation = request.operation_type();
    let (query, operation_name) = (request.0.query.clone(), request.0.operation_name.clone());
    let mut response = execute(schema, app, viewer, request.0).await;
    order_as_asked(&mut response.data, &query, operation_name.as_deref());
    localise(&mut response.errors, language);
    let outcome = match response.errors.first() {
        None => "ok",
        Some(error) => {
            let code = error.extensions.as_ref().and_then(|extensions| extensions.get("code"));
            CODES.into_iter().find(|known| code == Some(&async_graphql::Value::from(*known))).unwrap_or("OTHER")
        }
    };
    let is_request_error = response.data == async_graphql::Value::Null && response.is_err();
    let unavailable = outcome == "UNAVAILABLE"
        || response.errors.iter().any(|error| {
            error.extensions.as_ref().and_then(|extensions| extensions.get("code"))
                == Some(&async_graphql::Value::from("UNAVAILABLE"))
        });
    if is_request_error {
        // A request that never ran has no `data` at all, not `data: null`; its errors are short.
        let body = match serde_json::to_value(&response) {
            Ok(mut value) => {
                if let Some(object) = value.as_object_mut() {
                    object.remove("data");
                }
                value.to_string().into_bytes()
            }
            Err(_) => error_body("INTERNAL", "internal error"),
        };
        return GraphqlResponse { body, is_request_error, unavailable, operation, outcome };
    }
    let mut writer = Bounded { bytes: Vec::with_capacity(1024), limit: max_response_bytes };
    if serde_json::to_writer(&mut writer, &response).is_ok() {
        return GraphqlResponse { body: writer.bytes, is_request_error, unavailable, operation, outcome };
    }
    drop(writer);
    let done = if operation == "mutation" { "the mutation was carried out, but " } else { "" };
    let message = language.say(&format!(
        "{done}the response is larger than the limit of {max_response_bytes} bytes (limit: response size): \
         ask for fewer rows (first) or fewer fields"
    ));
    let body = serde_json::json!({ "data": null, "errors": [{ "message": message, "extensions": { "code": "LIMIT_EXCEEDED" } }] });
    GraphqlResponse {
        body: body.to_string().into_bytes(),
        is_request_error,
        unavailable,
        operation,
        outcome: "LIMIT_EXCEEDED",
    }
}

/// Returns a GraphQL error response body with one error and its code.
/// The body of a request that failed with a retex error outside of GraphQL (sign-in, links), shaped
/// as GraphQL errors are (`extensions.code`, `extensions.problems`), in `language`.
pub fn error_of(error: &crate::error::Error, language: Language) -> Vec<u8> {
    let mut errors = [super::error::to_graphql(error).into_server_error(async_graphql::Pos::default())];
    localise(&mut errors, language);
    let [error] = errors;
    let mut body = serde_json::json!({ "errors": [error] });
    if let Some(first) = body["errors"][0].as_object_mut() {
        first.remove("locations");
    }
    body.to_string().into_bytes()
}

pub fn error_body(code: &str, message: &str) -> Vec<u8> {
    let body = serde_json::json!({ "errors": [{ "message": message, "extensions": { "code": code } }] });
    body.to_string().into_bytes()
}

/// Turns the answer of a query into CSV, for people who live in spreadsheets: the first list found
/// in `data` (depth first) becomes the rows, each element flattened into columns named by their
/// path (`keys.0.label`, `count`). Text that a spreadsheet would run as a formula is prefixed with
/// an apostrophe. Starts with a byte-order mark so that spreadsheets read the accents.
/// The French words of the fields analysts export most, for readable CSV headers.
const HEADER_WORDS: [(&str, &str); 40] = [
    ("count", "nombre"),
    ("total", "total"),
    ("keys", "clé"),
    ("key", "clé"),
    ("dimension", "dimension"),
    ("value", "valeur"),
    ("label", "libellé"),
    ("title", "titre"),
    ("name", "nom"),
    ("slug", "identifiant"),
    ("id", "id"),
    ("summary", "résumé"),
    ("status", "statut"),
    ("publicationStatus", "statut de publication"),
    ("activityType", "type d’activité"),
    ("themes", "thèmes"),
    ("programmes", "programmes"),
    ("programme", "programme"),
    ("territories", "territoires"),
    ("sheets", "fiches"),
    ("sheet", "fiche"),
    ("lessons", "leçons"),
    ("lesson", "leçon"),
    ("polarity", "polarité"),
    ("evidenceLevel", "niveau de preuve"),
    ("categories", "catégories"),
    ("phases", "phases"),
    ("phase", "phase"),
    ("year", "année"),
    ("amount", "montant"),
    ("funder", "financeur"),
    ("lines", "lignes"),
    ("kind", "nature"),
    ("budget", "budget"),
    ("target", "cible"),
    ("actual", "réalisé"),
    ("unit", "unité"),
    ("share", "part"),
    ("programmeCount", "nombre de programmes"),
    ("sheetCount", "nombre de fiches"),
];

/// A column's header as people read it: the path of its field with French words where known, list
/// positions counted from 1 (`keys.0.label` → `clé 1 › libellé`).
fn readable(path: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    for segment in path.split('.') {
        if let Ok(index) = segment.parse::<usize>() {
            if let Some(last) = words.last_mut() {
                last.push_str(&format!(" {}", index + 1));
            }
            continue;
        }
        let word = HEADER_WORDS.iter().find(|(name, _)| *name == segment).map(|(_, word)| (*word).to_owned());
        words.push(word.unwrap_or_else(|| {
            // camelCase to words: `startedOn` → `started on`.
            let mut spaced = String::with_capacity(segment.len() + 4);
            for c in segment.chars() {
                if c.is_uppercase() {
                    spaced.push(' ');
                    spaced.extend(c.to_lowercase());
                } else {
                    spaced.push(c);
                }
            }
            spaced
        }));
    }
    words.join(" › ")
}

pub fn csv_of(data: &serde_json::Value, separator: char) -> Result<String, String> {
    fn first_list(value: &serde_json::Value) -> Option<&Vec<serde_json::Value>> {
        match value {
            serde_json::Value::Array(items) => Some(items),
            serde_json::Value::Object(entries) => entries.values().find_map(first_list),
            _ => None,
        }
    }
    /// A number as a spreadsheet reads it: whole numbers without `.0`, and a decimal comma when the
    /// columns are `;`-separated (spreadsheets set to French).
    fn number(number: &serde_json::Number, separator: char) -> String {
        let text = match number.as_f64() {
            Some(value) if number.is_f64() && value.fract() == 0.0 && value.abs() < 1e15 => format!("{}", value as i64),
            _ => number.to_string(),
        };
        if separator == ';' { text.replace('.', ",") } else { text }
    }
    fn flatten(prefix: &str, value: &serde_json::Value, separator: char, out: &mut Vec<(String, String)>) {
        match value {
            serde_json::Value::Object(entries) => {
                for (key, value) in entries {
                    let path = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
                    flatten(&path, value, separator, out);
                }
            }
            serde_json::Value::Array(items) => {
                for (index, value) in items.iter().enumerate() {
                    flatten(&format!("{prefix}.{index}"), value, separator, out);
                }
            }
            serde_json::Value::Null => out.push((prefix.to_owned(), String::new())),
            serde_json::Value::String(text) => out.push((prefix.to_owned(), text.clone())),
            serde_json::Value::Number(value) => out.push((prefix.to_owned(), number(value, separator))),
            other => out.push((prefix.to_owned(), other.to_string())),
        }
    }
    fn cell(text: &str, separator: char) -> String {
        let numeric = text.replace(',', ".").parse::<f64>().is_ok();
        let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) && !numeric {
            format!("'{text}")
        } else {
            text.to_owned()
        };
        if text.contains([separator, '"', '\n', '\r']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text }
    }
    let rows = first_list(data).ok_or("the query's answer holds no list to export")?;
    let mut columns: Vec<String> = Vec::new();
    let mut flat_rows = Vec::with_capacity(rows.len());
    for row in rows {
        let mut flat = Vec::new();
        flatten("", row, separator, &mut flat);
        for (column, _) in &flat {
            if !columns.contains(column) {
                columns.push(column.clone());
            }
        }
        flat_rows.push(flat.into_iter().collect::<std::collections::HashMap<_, _>>());
    }
    let separator_text = separator.to_string();
    let mut out = String::from("\u{feff}");
    let header: Vec<String> = columns.iter().map(|column| cell(&readable(column), separator)).collect();
    out.push_str(&header.join(&separator_text));
    out.push_str("\r\n");
    for row in flat_rows {
        let cells: Vec<String> =
            columns.iter().map(|column| cell(row.get(column).map_or("", String::as_str), separator)).collect();
        out.push_str(&cells.join(&separator_text));
        out.push_str("\r\n");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_is_put_in_the_order_of_the_query_fragments_included() {
        let mut data = async_graphql::Value::from_json(serde_json::json!({
            "sheets": { "nodes": [{ "slug": "a", "t": "A" }], "totalCount": 1 },
            "viewer": { "role": "ADMIN" }
        }))
        .unwrap_or_default();
        let query = "query Q { viewer { role } sheets { totalCount ...F } } fragment F on SheetConnection { nodes { t: title slug } }";
        order_as_asked(&mut data, query, Some("Q"));
        let text = serde_json::to_string(&data).unwrap_or_default();
        assert_eq!(text, r#"{"viewer":{"role":"ADMIN"},"sheets":{"totalCount":1,"nodes":[{"t":"A","slug":"a"}]}}"#);
    }

    #[test]
    fn numbers_are_written_as_spreadsheets_read_them() {
        let data = serde_json::json!({ "rows": [{ "amount": 80000.0, "share": 0.25, "count": 3, "delta": -1.5 }] });
        let comma = csv_of(&data, ',').expect("a CSV");
        assert!(comma.contains("80000,0.25,3,-1.5"), "{comma}");
        let semicolon = csv_of(&data, ';').expect("a CSV");
        assert!(semicolon.contains("80000;0,25;3;-1,5"), "{semicolon}");
    }

    #[test]
    fn the_first_list_becomes_rows_with_flattened_columns_and_safe_cells() {
        let data = serde_json::json!({ "stats": { "total": 3, "rows": [
            { "count": 2, "keys": [{ "label": "Mobilité, rurale" }] },
            { "count": 1, "keys": [{ "label": "=HYPERLINK(\"x\")" }] },
        ] } });
        let csv = csv_of(&data, ',').expect("a CSV");
        let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
        assert_eq!(lines[0], "nombre,clé 1 › libellé");
        assert_eq!(lines[1], "2,\"Mobilité, rurale\"");
        assert_eq!(lines[2], "1,\"'=HYPERLINK(\"\"x\"\")\"");
        assert!(csv_of(&serde_json::json!({ "viewer": { "role": "READER" } }), ',').is_err());
    }
}
