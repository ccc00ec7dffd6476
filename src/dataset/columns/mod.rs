//! The names the CSV and Markdown formats share: which kind of record a file or a `type:` names,
//! which field a column or front-matter key names (camelCase or a French label, matched after
//! normalisation), and how a field's value is read from text and written back.
//!
//! Both formats go through `serde_json::Value`: a file's cells or keys become a JSON object that the
//! record's serde form then accepts or rejects, so a field added to a record later (`externalId`) is
//! read and written without a change here. This module knows no file layout.
//!
//! This module holds the field types, name resolution and the record forms' field names; `tables`
//! holds each kind's fields and their French labels, `kinds` the names a kind of record goes by, and
//! `values` how fields and records are read from text or YAML and written back.

use serde::de::{self, DeserializeOwned, Visitor};
use serde_json::{Map, Value};

use super::*;

mod kinds;
mod tables;
mod values;

pub use kinds::{kind_named, kind_names, kind_of_stem, list_name, plural_name, title_name, type_name};
pub use tables::{fields, required};
pub use values::{from_text, from_value, is_blank, layout, objects, push, to_text};

/// A record as a JSON object, field by field.
pub type Object = Map<String, Value>;

/// How a field is read from a cell or a front-matter value, and written back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Text (a number or a boolean in YAML is read as its text).
    Text,
    /// A whole number.
    Integer,
    /// A list of codes or slugs: `A | B` in a cell (or a JSON array of strings), a YAML list.
    List,
    /// A list of objects: a JSON array in a cell, a YAML list of maps.
    Nested(Form),
    /// `{lat, lon}`.
    Centroid,
    /// The latitude column that, with the longitude column, makes the centroid.
    Latitude,
    /// The longitude column.
    Longitude,
    /// A record field this table does not name: text in a cell, passed as it is from YAML.
    Other,
}

/// The objects of nested lists, with the French names of their keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    Phase,
    Indicator,
    Testimony,
    Document,
    /// A line of a funding plan.
    Funding,
    /// An evidence link; also given as a bare sheet slug (role OBSERVED_IN).
    EvidenceLink,
}

/// A field of a record, the labels it is known by (the first is the one written) and its shape.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub labels: &'static [&'static str],
    pub shape: Shape,
}

/// Returns the label a field is written under (its first French label, or its own name).
pub fn label(kind: Kind, name: &str) -> &str {
    fields(kind).iter().find(|field| field.name == name).map_or(name, |field| field.labels[0])
}

/// Returns the field a column or key names: a label or camelCase name of the table, or any other
/// field of the record's serde form (so that new optional fields need no change here).
pub fn resolve(kind: Kind, key: &str) -> Option<Field> {
    let wanted = normalise(key);
    if wanted.is_empty() {
        return None;
    }
    let known = fields(kind)
        .iter()
        .find(|field| normalise(field.name) == wanted || field.labels.iter().any(|label| normalise(label) == wanted));
    if let Some(field) = known {
        return Some(*field);
    }
    record_fields(kind).iter().find(|name| normalise(name) == wanted).map(|name| Field {
        name,
        labels: &[],
        shape: Shape::Other,
    })
}

/// Returns the accepted names of a kind's fields, for a problem about an unknown column.
pub fn hint(kind: Kind) -> String {
    let names: Vec<String> = fields(kind)
        .iter()
        .map(|field| format!("{} ({})", field.labels.join(", "), field.name))
        .chain(
            record_fields(kind)
                .iter()
                .filter(|name| !fields(kind).iter().any(|field| field.name == **name))
                .map(|name| (*name).to_owned()),
        )
        .collect();
    format!("expected one of: {}", names.join("; "))
}

/// Returns a name as it is compared: lower-case, accents folded, no spaces, hyphens, underscores or
/// apostrophes (`Type d’activité` → `typedactivite`).
pub fn normalise(name: &str) -> String {
    fold(name).chars().filter(|c| !matches!(c, ' ' | '-' | '_' | '\'' | '’' | '\t')).collect()
}

/// Returns a name in lower case with its accents folded (`domain::fold`), trimmed.
pub fn fold(name: &str) -> String {
    crate::domain::fold(name.trim())
}

/// Returns the field names of a kind's serde form, read from the form itself.
pub fn record_fields(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Organisation => field_names::<OrganisationRecord>(),
        Kind::Territory => field_names::<TerritoryRecord>(),
        Kind::Programme => field_names::<ProgrammeRecord>(),
        Kind::Sheet => field_names::<SheetRecord>(),
        Kind::Lesson => field_names::<LessonRecord>(),
    }
}

/// Returns the field names serde knows a struct by: the derived `Deserialize` hands them to
/// `deserialize_struct`, which this deserializer records and then refuses.
fn field_names<T: DeserializeOwned>() -> &'static [&'static str] {
    let mut names: &'static [&'static str] = &[];
    let _ = T::deserialize(FieldNames(&mut names));
    names
}

struct FieldNames<'a>(&'a mut &'static [&'static str]);

impl<'de> de::Deserializer<'de> for FieldNames<'_> {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("not a struct"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Self::Error> {
        *self.0 = fields;
        Err(de::Error::custom("field names read"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
        unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
    }
}

/// Returns a dataset as JSON with its texts trimmed, to compare datasets as the store keeps them:
/// both formats trim what they read (the demo's sheet bodies end with a line break).
#[cfg(test)]
pub fn comparable(dataset: &Dataset) -> Value {
    fn trim(value: Value) -> Value {
        match value {
            Value::String(text) => Value::String(text.trim().to_owned()),
            Value::Array(items) => Value::Array(items.into_iter().map(trim).collect()),
            Value::Object(object) => Value::Object(object.into_iter().map(|(key, value)| (key, trim(value))).collect()),
            other => other,
        }
    }
    trim(serde_json::to_value(dataset).unwrap_or_default())
}

/// Returns the problems the records of a dataset have on their way to drafts (vocabulary values,
/// references to records the dataset does not hold), for tests of example files.
#[cfg(test)]
pub fn draft_problems(dataset: &Dataset) -> Vec<FieldProblem> {
    let mut names = Names::default();
    let mut next = 0;
    let mut name = |kind: Kind, slug: &str| {
        next += 1;
        names.insert(kind, next, slug);
    };
    dataset.organisations.iter().for_each(|record| name(Kind::Organisation, &record.slug));
    dataset.territories.iter().for_each(|record| name(Kind::Territory, &record.slug));
    dataset.programmes.iter().for_each(|record| name(Kind::Programme, &record.slug));
    dataset.sheets.iter().for_each(|record| name(Kind::Sheet, &record.slug));
    dataset.lessons.iter().for_each(|record| name(Kind::Lesson, &record.slug));
    let mut problems = Vec::new();
    dataset.organisations.iter().filter_map(|record| record.to_draft().err()).for_each(|found| problems.extend(found));
    dataset.territories.iter().filter_map(|record| record.to_draft().err()).for_each(|found| problems.extend(found));
    for record in &dataset.programmes {
        problems.extend(record.to_draft(&names).err().unwrap_or_default());
    }
    for record in &dataset.sheets {
        problems.extend(record.to_draft(&names).err().unwrap_or_default());
    }
    for record in &dataset.lessons {
        problems.extend(record.to_draft(&names).err().unwrap_or_default());
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_labels_and_camel_case_names_name_the_same_field() {
        let name = |kind, key| resolve(kind, key).map(|field| field.name);
        assert_eq!(name(Kind::Sheet, "Résumé"), Some("summary"));
        assert_eq!(name(Kind::Sheet, "summary"), Some("summary"));
        assert_eq!(name(Kind::Sheet, "Type d’activité"), Some("activityType"));
        assert_eq!(name(Kind::Sheet, "activity_type"), Some("activityType"));
        assert_eq!(name(Kind::Territory, "lat"), Some("lat"));
        assert_eq!(name(Kind::Lesson, "Types de territoire"), Some("territoryTypes"));
        assert_eq!(name(Kind::Territory, "Types de territoire"), Some("types"));
        assert_eq!(name(Kind::Organisation, "type"), Some("kind"));
        assert_eq!(name(Kind::Sheet, "couleur"), None);
    }
}
