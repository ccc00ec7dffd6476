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
