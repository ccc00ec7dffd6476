//! The fields of each kind of record in the CSV and Markdown formats, in the order they are written,
//! with the French labels each is also known by, and the fields a record cannot do without.

use super::{Field, Form, Shape};
use crate::domain::Kind;

const fn field(name: &'static str, labels: &'static [&'static str], shape: Shape) -> Field {
    Field { name, labels, shape }
}

const SLUG: Field = field("slug", &["identifiant"], Shape::Text);
const PUBLICATION: Field = field("publicationStatus", &["statut de publication", "publication"], Shape::Text);
const PROVENANCE: Field = field("provenance", &["provenance"], Shape::Text);
const PROVENANCE_NOTE: Field = field("provenanceNote", &["note de provenance"], Shape::Text);
const EXTERNAL_ID: Field =
    field("externalId", &["identifiant externe", "id externe", "référence externe"], Shape::Text);
const LICENCE: Field = field("licence", &["licence", "license"], Shape::Text);
const SOURCE: Field = field("source", &["source", "origine"], Shape::Text);
const NAME: Field = field("name", &["nom", "titre", "title"], Shape::Text);
const TITLE: Field = field("title", &["titre", "nom", "name"], Shape::Text);
const REGION: Field = field("region", &["région"], Shape::Text);
const THEMES: Field = field("themes", &["thèmes", "thématiques"], Shape::List);

const ORGANISATION: &[Field] = &[
    SLUG,
    EXTERNAL_ID,
    NAME,
    field("kind", &["type de structure", "type", "nature"], Shape::Text),
    REGION,
    field("website", &["site web", "site", "site internet"], Shape::Text),
    field("siren", &["siren"], Shape::Text),
    field("rna", &["rna"], Shape::Text),
    PUBLICATION,
    PROVENANCE,
    PROVENANCE_NOTE,
    LICENCE,
    SOURCE,
];

const TERRITORY: &[Field] = &[
    SLUG,
    EXTERNAL_ID,
    NAME,
    field("level", &["niveau"], Shape::Text),
    field("code", &["code", "code insee"], Shape::Text),
    REGION,
    field("types", &["types de territoire", "types de territoires"], Shape::List),
    field("centroid", &["centroïde"], Shape::Centroid),
    field("lat", &["latitude"], Shape::Latitude),
    field("lon", &["longitude"], Shape::Longitude),
    PUBLICATION,
    PROVENANCE,
    PROVENANCE_NOTE,
    LICENCE,
    SOURCE,
];

const PROGRAMME: &[Field] = &[
    SLUG,
    EXTERNAL_ID,
    NAME,
    field("summary", &["résumé", "présentation", "description"], Shape::Text),
    field("startYear", &["année de début", "début"], Shape::Integer),
    field("endYear", &["année de fin", "fin"], Shape::Integer),
    field("operator", &["opérateur"], Shape::Text),
    field("funders", &["financeurs"], Shape::List),
    field("parent", &["programme parent"], Shape::Text),
    THEMES,
    PUBLICATION,
    PROVENANCE,
    PROVENANCE_NOTE,
    LICENCE,
    SOURCE,
];

const SHEET: &[Field] = &[
    SLUG,
    EXTERNAL_ID,
    TITLE,
    field("summary", &["résumé"], Shape::Text),
    field("body", &["récit", "corps", "texte"], Shape::Text),
    field("activityType", &["type d'activité"], Shape::Text),
    field("programmes", &["programmes"], Shape::List),
    field("territories", &["territoires"], Shape::List),
    field(
        "supportingStructure",
        &["structure d'accompagnement", "structure accompagnatrice", "accompagnement"],
        Shape::Text,
    ),
    field("projectHolder", &["porteur de projet", "porteur"], Shape::Text),
    field("partners", &["partenaires"], Shape::List),
    field("socialNeed", &["besoin social"], Shape::Text),
    THEMES,
    field("targetPublics", &["publics cibles", "publics"], Shape::List),
    field("status", &["statut", "état"], Shape::Text),
    field("phases", &["phases"], Shape::Nested(Form::Phase)),
    field("indicators", &["indicateurs"], Shape::Nested(Form::Indicator)),
    field("testimonies", &["témoignages"], Shape::Nested(Form::Testimony)),
    field("documents", &["documents"], Shape::Nested(Form::Document)),
    field("budget", &["budget", "budget total"], Shape::Text),
    field("funding", &["financements", "plan de financement"], Shape::Nested(Form::Funding)),
    field("sourceUrl", &["url source", "adresse source", "lien source"], Shape::Text),
    PUBLICATION,
    PROVENANCE,
    PROVENANCE_NOTE,
    LICENCE,
    SOURCE,
];

const LESSON: &[Field] = &[
    SLUG,
    EXTERNAL_ID,
    field("polarity", &["type de leçon", "polarité"], Shape::Text),
    TITLE,
    field("context", &["contexte"], Shape::Text),
    field("lesson", &["leçon", "enseignement"], Shape::Text),
    field("recommendation", &["recommandation", "recommandations"], Shape::Text),
    field("evidence", &["preuves", "éléments de preuve"], Shape::Text),
    field("evidenceLevel", &["niveau de preuve"], Shape::Text),
    field("phases", &["phases"], Shape::List),
    field("categories", &["catégories"], Shape::List),
    THEMES,
    field("territoryTypes", &["types de territoire", "types de territoires"], Shape::List),
    field("evidenceLinks", &["fiches liées", "fiches", "liens"], Shape::Nested(Form::EvidenceLink)),
    PUBLICATION,
    PROVENANCE,
    PROVENANCE_NOTE,
    LICENCE,
    SOURCE,
];

/// Returns the fields of a kind in the order they are written.
pub fn fields(kind: Kind) -> &'static [Field] {
    match kind {
        Kind::Organisation => ORGANISATION,
        Kind::Territory => TERRITORY,
        Kind::Programme => PROGRAMME,
        Kind::Sheet => SHEET,
        Kind::Lesson => LESSON,
    }
}

/// Returns the fields a record of this kind cannot do without (the slug is derived when missing).
pub fn required(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Organisation => &["name", "kind"],
        Kind::Territory => &["name", "level"],
        Kind::Programme => &["name"],
        Kind::Sheet => &["title", "activityType", "status"],
        Kind::Lesson => &["title", "polarity", "evidenceLevel"],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::columns::{normalise, record_fields};

    #[test]
    fn every_field_of_every_record_is_in_the_table_and_no_label_names_two() {
        for kind in Kind::ALL {
            let names: Vec<&str> = fields(kind).iter().map(|field| field.name).collect();
            for name in record_fields(kind) {
                assert!(names.contains(name), "{kind:?}.{name} is not in the table");
            }
            let mut seen = std::collections::HashMap::new();
            for field in fields(kind) {
                for key in field.labels.iter().chain([&field.name]) {
                    let previous = seen.insert(normalise(key), field.name);
                    assert!(previous.is_none_or(|name| name == field.name), "{kind:?}: `{key}` names two fields");
                }
            }
        }
    }
}
