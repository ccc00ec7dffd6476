//! Creating, reading, updating, publishing and archiving records, with their relations and history.

use serde_json::json;

use crate::harness::*;

const SHEET: &str = "query($id: ID!) { node(id: $id) { ... on ProjectSheet {
    title slug version status publicationStatus themes
    programmes { name } territories { name types } supportingStructure { name } projectHolder { name }
    phases { phase startedOn endedOn methods outcome } indicators { name target actual }
    lessons { role note lesson { title programmes { name } } }
} } }";

#[tokio::test]
async fn a_created_sheet_reads_back_with_its_relations() {
    let app = spawn_app().await;
    let programme = programme(&app, "Émergence de garages solidaires").await;
    let territory = territory(&app, "Pays de Brest").await;
    let structure = organisation(&app, "TAg29").await;

    let created = sheet(
        &app,
        "Garage solidaire du Pays de Brest",
        json!({
            "programmes": [programme], "territories": [territory], "supportingStructure": structure,
            "themes": ["MOBILITY", "EMPLOYMENT", "MOBILITY"], "status": "LAUNCHED",
            "phases": [{ "phase": "NEEDS_DETECTION", "startedOn": "2020-01-15", "endedOn": "2020-05-31",
                         "methods": ["questionnaire", "entretiens"], "outcome": "Besoin confirmé." }],
            "indicators": [{ "name": "Véhicules réparés", "unit": "véhicules", "target": 300, "actual": 240 }]
        }),
    )
    .await;

    let data = app.ok(SHEET, json!({ "id": created["id"] })).await;
    let sheet = &data["node"];
    assert_eq!(sheet["title"], "Garage solidaire du Pays de Brest");
    assert_eq!(sheet["slug"], "garage-solidaire-du-pays-de-brest");
    assert_eq!(sheet["version"], 1);
    assert_eq!(sheet["publicationStatus"], "DRAFT");
    assert_eq!(sheet["themes"], json!(["MOBILITY", "EMPLOYMENT"]), "repeated themes are kept once");
    assert_eq!(sheet["programmes"], json!([{ "name": "Émergence de garages solidaires" }]));
    assert_eq!(sheet["territories"], json!([{ "name": "Pays de Brest", "types": ["RURAL"] }]));
    assert_eq!(sheet["supportingStructure"]["name"], "TAg29");
    assert_eq!(sheet["projectHolder"], json!(null));
    assert_eq!(sheet["phases"][0]["startedOn"], "2020-01-15");
    assert_eq!(sheet["phases"][0]["methods"], json!(["questionnaire", "entretiens"]));
    assert_eq!(sheet["indicators"][0]["actual"], 240.0);
}

#[tokio::test]
async fn an_update_changes_only_the_given_fields_and_keeps_every_state() {
    let app = spawn_app().await;
    let holder = organisation(&app, "Garage Solidaire du Poher").await;
    let created = sheet(&app, "Garage solidaire", json!({ "status": "HOLDER_SEARCH", "licence": "CC BY 4.0" })).await;

    let updated = app
        .ok(
            "mutation($id: ID!, $patch: ProjectSheetPatch!) { updateSheet(id: $id, version: 1, patch: $patch) {
                version title status summary projectHolder { name } licence } }",
            json!({ "id": created["id"], "patch": { "status": "HOLDER_FOUND", "projectHolder": holder, "licence": null } }),
        )
        .await;
    let sheet = &updated["updateSheet"];
    assert_eq!(sheet["version"], 2);
    assert_eq!(sheet["status"], "HOLDER_FOUND");
    assert_eq!(sheet["projectHolder"]["name"], "Garage Solidaire du Poher");
    assert_eq!(sheet["title"], "Garage solidaire", "absent fields stay");
    assert_eq!(sheet["summary"], "Un garage solidaire.");
    assert_eq!(sheet["licence"], json!(null), "null clears an optional field");

    let history = app
        .ok(
            "query($id: ID!) { node(id: $id) { ... on ProjectSheet { revisions { version action author snapshot } } } }",
            json!({ "id": created["id"] }),
        )
        .await;
    let revisions = history["node"]["revisions"].as_array().expect("revisions");
    assert_eq!(revisions.len(), 2);
    assert_eq!(revisions[0]["action"], "CREATED");
    assert_eq!(revisions[0]["snapshot"]["status"], "HOLDER_SEARCH");
    assert_eq!(revisions[0]["snapshot"]["licence"], "CC BY 4.0");
    assert_eq!(revisions[1]["action"], "UPDATED");
    assert_eq!(revisions[1]["snapshot"]["status"], "HOLDER_FOUND");
    assert_eq!(revisions[1]["snapshot"]["projectHolder"], "garage-solidaire-du-poher", "snapshots refer by slug");
    assert_eq!(revisions[1]["author"], "administrateur de test", "the token's name is the author");
}

#[tokio::test]
async fn publication_follows_the_workflow_and_going_back_needs_a_reason() {
    let app = spawn_app().await;
    let created = sheet(&app, "Épicerie solidaire", json!({})).await;
    let query = "mutation($id: ID!, $version: Int!, $status: PublicationStatus!, $reason: String) {
        setPublicationStatus(id: $id, version: $version, status: $status, reason: $reason) { publicationStatus version } }";

    let skip = app.fails(query, json!({ "id": created["id"], "version": 1, "status": "PUBLISHED" })).await;
    assert_eq!(code(&skip), "INVALID_INPUT");
    assert!(skip["message"].as_str().unwrap_or_default().contains("DRAFT → SUBMITTED → PUBLISHED"), "{skip}");

    let version = publish(&app, created["id"].as_str().unwrap_or_default(), 1).await;
    assert_eq!(version, 3);

    let back = app.fails(query, json!({ "id": created["id"], "version": 3, "status": "DRAFT" })).await;
    assert_eq!(code(&back), "INVALID_INPUT");
    let data = app
        .ok(query, json!({ "id": created["id"], "version": 3, "status": "DRAFT", "reason": "chiffres à revoir" }))
        .await;
    assert_eq!(data["setPublicationStatus"], json!({ "publicationStatus": "DRAFT", "version": 4 }));
}

#[tokio::test]
async fn archiving_hides_a_record_from_lists_but_keeps_it() {
    let app = spawn_app().await;
    let kept = sheet(&app, "Conciergerie rurale", json!({})).await;
    let archived = sheet(&app, "Ressourcerie", json!({})).await;

    let data = app
        .ok(
            "mutation($id: ID!) { archive(id: $id, version: 1, reason: \"doublon\") { publicationStatus version } }",
            json!({ "id": archived["id"] }),
        )
        .await;
    assert_eq!(data["archive"], json!({ "publicationStatus": "ARCHIVED", "version": 2 }));

    let list = app.ok("{ sheets { totalCount nodes { id } } }", json!({})).await;
    assert_eq!(list["sheets"]["totalCount"], 1);
    assert_eq!(list["sheets"]["nodes"], json!([{ "id": kept["id"] }]));

    let archived_only =
        app.ok("{ sheets(filter: { publicationStatuses: [ARCHIVED] }) { nodes { title } } }", json!({})).await;
    assert_eq!(archived_only["sheets"]["nodes"], json!([{ "title": "Ressourcerie" }]));

    let by_id = app
        .ok(
            "query($id: ID!) { node(id: $id) { ... on ProjectSheet { title revisions { action reason } } } }",
            json!({ "id": archived["id"] }),
        )
        .await;
    assert_eq!(by_id["node"]["title"], "Ressourcerie", "nothing is deleted");
    assert_eq!(by_id["node"]["revisions"][1], json!({ "action": "ARCHIVED", "reason": "doublon" }));
}

#[tokio::test]
async fn a_lesson_links_to_sheets_and_derives_its_programmes() {
    let app = spawn_app().await;
    let garages = programme(&app, "Garages solidaires").await;
    let fragiles = programme(&app, "Territoires fragiles").await;
    let garage = sheet(&app, "Garage solidaire", json!({ "programmes": [garages] })).await;
    let school = sheet(&app, "Auto-école sociale", json!({ "programmes": [fragiles] })).await;
    let elsewhere = sheet(&app, "Tiers-lieu", json!({})).await;

    let created = app
        .ok(
            "mutation($input: LessonInput!) { createLesson(input: $input) { id version } }",
            json!({ "input": {
                "polarity": "SUCCESS_FACTOR", "title": "Mobiliser les élus dès le diagnostic",
                "lesson": "Les élus ouvrent les portes.", "categories": ["LOCAL_AUTHORITY_SUPPORT"],
                "evidenceLinks": [{ "sheet": garage["id"], "note": "Le maire a présidé le comité." }]
            } }),
        )
        .await;
    let lesson = &created["createLesson"];
    let linked = app
        .ok(
            "mutation($lesson: ID!, $sheet: ID!) { linkLessonToSheet(lesson: $lesson, version: 1, sheet: $sheet) { version programmeCount } }",
            json!({ "lesson": lesson["id"], "sheet": school["id"] }),
        )
        .await;
    assert_eq!(linked["linkLessonToSheet"], json!({ "version": 2, "programmeCount": 2 }));
    let contradicted = app
        .ok(
            "mutation($lesson: ID!, $sheet: ID!) { linkLessonToSheet(lesson: $lesson, version: 2, sheet: $sheet, role: CONTRADICTED_BY, note: \"Sans élus, et pourtant lancé.\") {
                version programmes { name } sheets { title } evidenceLinks { role note sheet { title } } } }",
            json!({ "lesson": lesson["id"], "sheet": elsewhere["id"] }),
        )
        .await;
    let lesson_now = &contradicted["linkLessonToSheet"];
    let mut programmes: Vec<String> = lesson_now["programmes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p["name"].as_str().map(str::to_owned))
        .collect();
    programmes.sort();
    assert_eq!(programmes, vec!["Garages solidaires", "Territoires fragiles"]);
    assert_eq!(lesson_now["sheets"].as_array().map(Vec::len), Some(2), "OBSERVED_IN sheets only");
    assert_eq!(lesson_now["evidenceLinks"][2]["role"], "CONTRADICTED_BY");

    let from_sheet = app
        .ok(
            "query($id: ID!) { node(id: $id) { ... on ProjectSheet { lessons { role note lesson { title } } } } }",
            json!({ "id": garage["id"] }),
        )
        .await;
    assert_eq!(
        from_sheet["node"]["lessons"],
        json!([{ "role": "OBSERVED_IN", "note": "Le maire a présidé le comité.", "lesson": { "title": "Mobiliser les élus dès le diagnostic" } }])
    );

    let unlinked = app
        .ok(
            "mutation($lesson: ID!, $sheet: ID!) { unlinkLessonFromSheet(lesson: $lesson, version: 3, sheet: $sheet) { evidenceLinks { sheet { title } } } }",
            json!({ "lesson": lesson["id"], "sheet": elsewhere["id"] }),
        )
        .await;
    assert_eq!(unlinked["unlinkLessonFromSheet"]["evidenceLinks"].as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn any_record_is_found_by_global_id_or_slug() {
    let app = spawn_app().await;
    let programme = programme(&app, "Silver Solidarités").await;
    let organisation = organisation(&app, "Avise").await;

    let data = app
        .ok(
            "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id ... on Programme { name } ... on Organisation { name } } }",
            json!({ "ids": [programme, organisation, "UHJvZ3JhbW1lOjk5OTk"] }),
        )
        .await;
    assert_eq!(data["nodes"][0]["__typename"], "Programme");
    assert_eq!(data["nodes"][1]["name"], "Avise");
    assert_eq!(data["nodes"][2], json!(null), "an unknown id gives null in `nodes`");

    let by_slug = app.ok("{ programme(slug: \"silver-solidarites\") { name } }", json!({})).await;
    assert_eq!(by_slug["programme"]["name"], "Silver Solidarités");
}

#[tokio::test]
async fn programmes_nest_but_never_inside_themselves() {
    let app = spawn_app().await;
    let parent = programme(&app, "Fabrique à initiatives").await;
    let child = programme(&app, "Territoires fragiles").await;

    let nested = app
        .ok(
            "mutation($id: ID!, $parent: ID!) { updateProgramme(id: $id, version: 1, patch: { parent: $parent }) { parent { name } } }",
            json!({ "id": child, "parent": parent }),
        )
        .await;
    assert_eq!(nested["updateProgramme"]["parent"]["name"], "Fabrique à initiatives");
    let children = app
        .ok("query($id: ID!) { node(id: $id) { ... on Programme { children { name } } } }", json!({ "id": parent }))
        .await;
    assert_eq!(children["node"]["children"], json!([{ "name": "Territoires fragiles" }]));

    let cycle = app
        .fails(
            "mutation($id: ID!, $parent: ID!) { updateProgramme(id: $id, version: 1, patch: { parent: $parent }) { id } }",
            json!({ "id": parent, "parent": child }),
        )
        .await;
    assert_eq!(code(&cycle), "INVALID_INPUT");
    assert_eq!(cycle["extensions"]["problems"][0]["field"], "parent");
}

#[tokio::test]
async fn vocabularies_come_with_french_labels() {
    let app = spawn_app().await;
    let data = app.ok("{ vocabularies { name values { code label } } }", json!({})).await;
    let themes = data["vocabularies"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|v| v["name"] == "Theme")
        .cloned()
        .unwrap_or_default();
    assert!(
        themes["values"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|v| v["code"] == "AGEING_WELL" && v["label"] == "Bien-vieillir")
    );
}
