//! The committed `schema.graphql` is the contract with clients: it must be what the server serves.

#[test]
fn the_committed_schema_is_the_served_schema() {
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql")).expect("read schema.graphql");
    let served = retex::graphql::sdl();
    assert!(
        committed == served,
        "schema.graphql is stale: run `cargo run -- schema > schema.graphql` and review the difference"
    );
}

/// Returns the items of the served schema that have no description: types, fields, arguments, input
/// fields and enum values (the built-in scalars and introspection types aside).
async fn undescribed(app: &crate::harness::TestApp) -> Vec<String> {
    let data = app
        .ok(
            "{ __schema { types { name kind description
                 fields { name description args { name description } }
                 inputFields { name description }
                 enumValues { name description } } } }",
            serde_json::json!({}),
        )
        .await;
    let described =
        |value: &serde_json::Value| value["description"].as_str().is_some_and(|text| !text.trim().is_empty());
    let mut missing = Vec::new();
    for ty in data["__schema"]["types"].as_array().into_iter().flatten() {
        let name = ty["name"].as_str().unwrap_or_default();
        if name.starts_with("__") || ["String", "Int", "Float", "Boolean", "ID"].contains(&name) {
            continue;
        }
        if !described(ty) {
            missing.push(name.to_owned());
        }
        for field in ty["fields"].as_array().into_iter().flatten() {
            let field_name = field["name"].as_str().unwrap_or_default();
            if !described(field) {
                missing.push(format!("{name}.{field_name}"));
            }
            for argument in field["args"].as_array().into_iter().flatten() {
                if !described(argument) {
                    missing.push(format!("{name}.{field_name}({})", argument["name"].as_str().unwrap_or_default()));
                }
            }
        }
        for field in ty["inputFields"].as_array().into_iter().flatten() {
            if !described(field) {
                missing.push(format!("{name}.{}", field["name"].as_str().unwrap_or_default()));
            }
        }
        for value in ty["enumValues"].as_array().into_iter().flatten() {
            if !described(value) {
                missing.push(format!("{name}.{}", value["name"].as_str().unwrap_or_default()));
            }
        }
    }
    missing
}

#[tokio::test]
async fn every_type_field_argument_and_enum_value_of_the_schema_is_described() {
    let app = crate::harness::spawn_app().await;
    let missing = undescribed(&app).await;
    assert!(
        missing.is_empty(),
        "{} items of the schema have no description (GraphiQL shows them bare): {missing:?}",
        missing.len()
    );
}
