//! The limits of a query: depth and complexity are checked before anything runs, fragments cannot hide
//! fields from them, each refusal names its limit, and introspection (GraphiQL) still works.

use serde_json::{Value, json};

use crate::harness::*;

/// The introspection query GraphiQL sends (graphql-js `getIntrospectionQuery`), the deepest query a
/// tool legitimately asks.
const INTROSPECTION: &str = "query IntrospectionQuery {
  __schema {
    queryType { name } mutationType { name } subscriptionType { name }
    types { ...FullType }
    directives { name description locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name
    ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } } }
}";

fn limit_error(response: &Value) -> &Value {
    assert!(response.get("data").is_none() || response["data"].is_null(), "the query ran: {response:#}");
    &response["errors"][0]
}

#[tokio::test]
async fn introspection_passes_the_limits() {
    let app = spawn_app().await;
    let data = app.ok(INTROSPECTION, json!({})).await;
    assert!(data["__schema"]["types"].as_array().is_some_and(|types| types.len() > 50));
}

#[tokio::test]
async fn a_query_nested_too_deep_is_refused_even_through_fragments() {
    let app = spawn_app().await;
    // Sheets → programmes → sheets → … through a chain of fragments, 20 levels deep.
    let mut fragments = String::from("fragment F0 on ProjectSheet { title }\n");
    for level in 1..10 {
        fragments.push_str(&format!(
            "fragment F{level} on ProjectSheet {{ programmes {{ sheets(first: 1) {{ ...F{} }} }} }}\n",
            level - 1
        ));
    }
    let query = format!("{{ sheets {{ nodes {{ ...F9 }} }} }}\n{fragments}");
    let response = app.post(&query, json!({})).await;
    let error = limit_error(&response);
    assert_eq!(code(error), "LIMIT_EXCEEDED", "{response:#}");
    assert!(error["message"].as_str().unwrap_or_default().contains("depth"), "{error}");
    assert!(error["message"].as_str().unwrap_or_default().contains("15"), "{error}");
}

#[tokio::test]
async fn ten_thousand_aliases_are_refused() {
    let app = spawn_app().await;
    let aliases: Vec<String> = (0..10_000).map(|i| format!("a{i}: __typename")).collect();
    let query = format!("{{ {} }}", aliases.join(" "));
    let response = app.post(&query, json!({})).await;
    let error = limit_error(&response);
    assert_eq!(code(error), "LIMIT_EXCEEDED", "{response:#}");
    assert!(error["message"].as_str().unwrap_or_default().contains("limit: fields"), "{error}");
    // The same aliases hidden in a fragment count the same.
    let hidden = format!("{{ ...A }} fragment A on Query {{ {} }}", aliases.join(" "));
    assert_eq!(code(limit_error(&app.post(&hidden, json!({})).await)), "LIMIT_EXCEEDED");
}

#[tokio::test]
async fn a_few_fields_spread_many_times_are_refused_by_complexity() {
    let app = spawn_app().await;
    // 30 fields written, spread into 900 field selections of real records.
    let fields: Vec<String> = (0..30).map(|i| format!("t{i}: title")).collect();
    let spreads: Vec<String> = (0..30).map(|i| format!("p{i}: sheets(first: 100) {{ nodes {{ ...F }} }}")).collect();
    let query = format!("{{ {} }} fragment F on ProjectSheet {{ {} }}", spreads.join(" "), fields.join(" "));
    let response = app.post(&query, json!({})).await;
    let error = limit_error(&response);
    assert_eq!(code(error), "LIMIT_EXCEEDED", "{response:#}");
    assert!(error["message"].as_str().unwrap_or_default().contains("complexity"), "{error}");
}

#[tokio::test]
async fn a_page_is_counted_once_per_row_it_may_return() {
    let app = spawn_app().await;
    // 100 rows × 60 fields is past the limit; the same fields on a page of 20 are not.
    let fields: Vec<String> = (0..60).map(|i| format!("t{i}: title")).collect();
    let query = |first: i32| format!("{{ sheets(first: {first}) {{ nodes {{ {} }} }} }}", fields.join(" "));
    assert_eq!(code(limit_error(&app.post(&query(100), json!({})).await)), "LIMIT_EXCEEDED");
    let data = app.ok(&query(20), json!({})).await;
    assert!(data["sheets"]["nodes"].is_array());
}

#[tokio::test]
async fn integers_past_32_bits_are_invalid_input() {
    let app = spawn_app().await;
    for query in ["{ sheets(first: 9999999999) { totalCount } }", "{ sheets(first: -9999999999) { totalCount } }"] {
        let error = app.fails(query, json!({})).await;
        assert_eq!(code(&error), "INVALID_INPUT", "{error}");
    }
    let error = app.fails("query($n: Int) { sheets(first: $n) { totalCount } }", json!({ "n": 1e12 })).await;
    assert_eq!(code(&error), "INVALID_INPUT", "{error}");
}

#[tokio::test]
async fn a_client_past_its_rate_gets_429_naming_the_limit_and_sees_its_budget() {
    let limits = retex::http::Limits { requests_per_minute: 3, ..retex::http::Limits::default() };
    let app = spawn_app_with(limits).await;
    let send = || app.client.post(app.graphql_url()).json(&json!({ "query": "{ __typename }" })).send();
    for remaining in (0..3).rev() {
        let response = send().await.expect("a response");
        assert_eq!(response.status(), 200);
        let header = |name: &str| response.headers().get(name).and_then(|value| value.to_str().ok()).map(str::to_owned);
        assert_eq!(header("ratelimit-limit").as_deref(), Some("3"));
        assert_eq!(header("ratelimit-remaining"), Some(remaining.to_string()));
    }
    let refused = send().await.expect("a response");
    assert_eq!(refused.status(), 429);
    let retry: u64 = refused
        .headers()
        .get("retry-after")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse().ok())
        .expect("a Retry-After header");
    assert!((1..=20).contains(&retry), "retry after {retry} s");
    let body: Value = refused.json().await.expect("a JSON body");
    assert_eq!(code(&body["errors"][0]), "RATE_LIMITED");
    assert!(body["errors"][0]["message"].as_str().unwrap_or_default().contains("3 par minute"), "{body}");
    // The health check is not counted.
    let health = app.client.get(format!("{}/healthz", app.address)).send().await.expect("a response");
    assert_eq!(health.status(), 200);
}

#[tokio::test]
async fn a_batch_is_refused_naming_the_batch_limit() {
    let app = spawn_app().await;
    let batch = json!([{ "query": "{ __typename }" }, { "query": "{ __typename }" }]);
    let response = app.client.post(app.graphql_url()).json(&batch).send().await.expect("a response");
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.expect("a JSON body");
    assert_eq!(code(&body["errors"][0]), "INVALID_INPUT");
    assert!(body["errors"][0]["message"].as_str().unwrap_or_default().contains("batch size 1"), "{body}");
}

#[tokio::test]
async fn an_answer_past_the_response_size_cap_is_one_error_naming_the_limit() {
    let app = spawn_app_with(retex::http::Limits { max_response_bytes: 8 * 1024, ..Default::default() }).await;
    let summary = "Un garage solidaire en zone rurale, porté par une association d’insertion. ".repeat(20);
    for n in 0..10 {
        sheet(&app, &format!("Garage {n}"), json!({ "summary": summary })).await;
    }
    // Under the cap, the answer comes whole.
    let small = app.ok("{ sheets(first: 10) { nodes { title } } }", json!({})).await;
    assert_eq!(small["sheets"]["nodes"].as_array().map(Vec::len), Some(10));

    // Over it (10 summaries of 1.5 KB), one error instead of a truncated or a huge body.
    let response = app.post("{ sheets(first: 10) { nodes { title summary } } }", json!({})).await;
    let error = limit_error(&response);
    assert_eq!(code(error), "LIMIT_EXCEEDED", "{response}");
    let message = error["message"].as_str().unwrap_or_default();
    assert!(message.contains("(limit: response size)") && message.contains("8192 octets"), "{message}");
    assert!(response.to_string().len() < 1024, "the refusal is short");

    // A mutation past the cap says it was carried out.
    let input = json!({ "title": "Encore un garage", "activityType": "OTHER", "body": summary.repeat(8) });
    let created = app
        .post("mutation($input: ProjectSheetInput!) { createSheet(input: $input) { body } }", json!({ "input": input }))
        .await;
    let message = limit_error(&created)["message"].as_str().unwrap_or_default().to_owned();
    assert!(message.starts_with("la mutation a été effectuée"), "{message}");
    let found = app.ok("{ sheet(slug: \"encore-un-garage\") { title } }", json!({})).await;
    assert_eq!(found["sheet"]["title"], "Encore un garage");
}

#[path = "../../benches/support/worst_queries.rs"]
mod worst_queries;

#[tokio::test]
async fn the_costliest_queries_the_benchmark_times_are_within_the_limits() {
    let app = spawn_demo().await;
    for (name, query) in worst_queries::WORST_QUERIES {
        let response = app.post_as(None, query, json!({})).await;
        assert!(response.get("errors").is_none(), "{name}: {response:#}");
    }
    // They are at the limit: a few more rows are refused.
    let more = "{ programmes(first: 100) { nodes { name sheets(first: 60) { title } } } }";
    assert_eq!(code(limit_error(&app.post_as(None, more, json!({})).await)), "LIMIT_EXCEEDED");
}
