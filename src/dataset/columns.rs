//! The names the CSV and Markdown formats share: which kind of record a file or a `type:` names,
//! which field a column or front-matter key names (camelCase or a French label, matched after
//! normalisation), and how a field's value is read from text and written back.
//!
//! Both formats go through `serde_json::Value`: a file's cells or keys become a JSON object that the
//! record's serde form then accepts or rejects, so a field added to a record later (`externalId`) is
//! read and written without a change here. This module knows no file layout.

use serde::de::{self, DeserializeOwned, Visitor};
use serde_json::{Map, Value};

use super::*;

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

/// The names a kind of record goes by in file names and `type:` keys, the first being the one written
/// (as a file or folder name); the French singular is `type_name`.
const KIND_NAMES: [(Kind, &[&str]); 5] = [
    (
        Kind::Organisation,
        &["organisations", "organisation", "organizations", "organization", "structures", "structure"],
    ),
    (Kind::Territory, &["territoires", "territoire", "territories", "territory"]),
    (Kind::Programme, &["programmes", "programme", "programs", "program"]),
    (Kind::Sheet, &["fiches", "fiche", "fiches-projet", "fiche-projet", "sheets", "sheet"]),
    (Kind::Lesson, &["lecons", "lecon", "lessons", "lesson"]),
];

/// Returns the kind a `type:` value names (`fiche`, `Leçon`, `fiches-projet`…).
pub fn kind_named(name: &str) -> Option<Kind> {
    let wanted = normalise(name);
    KIND_NAMES
        .iter()
        .find(|(_, names)| names.iter().any(|candidate| normalise(candidate) == wanted))
        .map(|(kind, _)| *kind)
}

/// Returns the kind a file stem names: the stem is a kind name or ends with `-` or `_` and one
/// (`fiches`, `2024_lecons`, `retex-organisations`).
pub fn kind_of_stem(stem: &str) -> Option<Kind> {
    let stem: String = fold(stem).chars().map(|c| if matches!(c, '_' | ' ') { '-' } else { c }).collect();
    KIND_NAMES
        .iter()
        .flat_map(|(kind, names)| names.iter().map(move |name| (*kind, *name)))
        .filter(|(_, name)| stem == *name || stem.ends_with(&format!("-{name}")))
        .max_by_key(|(_, name)| name.len())
        .map(|(kind, _)| kind)
}

/// Returns the names a kind may be given, for problems.
pub fn kind_names() -> String {
    let names: Vec<&str> = KIND_NAMES.iter().flat_map(|(_, names)| names.iter().copied()).collect();
    names.join(", ")
}

/// Returns the name a kind's files or folder are written under (`fiches`).
pub fn plural_name(kind: Kind) -> &'static str {
    KIND_NAMES.iter().find(|(candidate, _)| *candidate == kind).map_or("", |(_, names)| names[0])
}

/// Returns the French singular a Markdown file's `type:` is written with (`fiche`).
pub fn type_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Organisation => "organisation",
        Kind::Territory => "territoire",
        Kind::Programme => "programme",
        Kind::Sheet => "fiche",
        Kind::Lesson => "leçon",
    }
}

/// Returns the name problems give a kind's list in a dataset (`sheets`).
pub fn list_name(kind: Kind) -> files::List {
    match kind {
        Kind::Organisation => "organisations",
        Kind::Territory => "territories",
        Kind::Programme => "programmes",
        Kind::Sheet => "sheets",
        Kind::Lesson => "lessons",
    }
}

/// Adds the record an object describes to the dataset; returns its index in its list, or why the
/// object is not a record of this kind.
pub fn push(dataset: &mut Dataset, kind: Kind, object: Map<String, Value>) -> Result<usize, String> {
    fn add<T: DeserializeOwned>(list: &mut Vec<T>, object: Map<String, Value>) -> Result<usize, String> {
        list.push(serde_json::from_value(Value::Object(object)).map_err(|err| err.to_string())?);
        Ok(list.len() - 1)
    }
    match kind {
        Kind::Organisation => add(&mut dataset.organisations, object),
        Kind::Territory => add(&mut dataset.territories, object),
        Kind::Programme => add(&mut dataset.programmes, object),
        Kind::Sheet => add(&mut dataset.sheets, object),
        Kind::Lesson => add(&mut dataset.lessons, object),
    }
}

/// Returns the records of a dataset as JSON objects, by kind, kinds in dependency order.
pub fn objects(dataset: &Dataset) -> Result<Vec<(Kind, Vec<Object>)>, String> {
    fn all<T: Serialize>(records: &[T]) -> Result<Vec<Object>, String> {
        records
            .iter()
            .map(|record| match serde_json::to_value(record) {
                Ok(Value::Object(object)) => Ok(object),
                Ok(other) => Err(format!("a record is not an object: {other}")),
                Err(err) => Err(err.to_string()),
            })
            .collect()
    }
    Ok(vec![
        (Kind::Organisation, all(&dataset.organisations)?),
        (Kind::Territory, all(&dataset.territories)?),
        (Kind::Programme, all(&dataset.programmes)?),
        (Kind::Sheet, all(&dataset.sheets)?),
        (Kind::Lesson, all(&dataset.lessons)?),
    ])
}

/// Returns the keys of a kind's objects in the order they are laid out: the table's order, then any
/// other key some record has, in order of appearance.
pub fn layout(kind: Kind, objects: &[Map<String, Value>]) -> Vec<&'static str> {
    let mut keys: Vec<&'static str> = fields(kind)
        .iter()
        .filter(|field| !matches!(field.shape, Shape::Latitude | Shape::Longitude))
        .map(|field| field.name)
        .collect();
    for object in objects {
        for key in object.keys() {
            if !keys.contains(&key.as_str())
                && let Some(name) = record_fields(kind).iter().find(|name| **name == key.as_str())
            {
                keys.push(name);
            }
        }
    }
    keys
}

/// Returns whether a value says nothing (null, empty text, empty list), so it is left out.
pub fn is_blank(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(text) => text.is_empty(),
        Value::Array(items) => items.is_empty(),
        _ => false,
    }
}

/// Reads a field from the text of a cell (trimmed; empty means absent).
pub fn from_text(field: &Field, raw: &str) -> Result<Option<Value>, String> {
    let text = raw.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let value = match field.shape {
        Shape::Text | Shape::Other => Value::String(text.to_owned()),
        Shape::Integer => {
            Value::from(text.parse::<i64>().map_err(|_| format!("`{text}` is not a whole number, e.g. 2021"))?)
        }
        Shape::Latitude | Shape::Longitude => number(text)?,
        Shape::List => match text.starts_with('[').then(|| serde_json::from_str::<Vec<String>>(text)) {
            Some(Ok(items)) => strings(items),
            _ => strings(text.split('|').map(str::to_owned).collect()),
        },
        Shape::Nested(Form::EvidenceLink) if !text.starts_with('[') => {
            return from_value(field, strings(text.split('|').map(str::to_owned).collect()));
        }
        Shape::Nested(_) => {
            let value: Value = serde_json::from_str(text)
                .map_err(|err| format!("is not a JSON array as in the JSON format: {err}"))?;
            return from_value(field, value);
        }
        Shape::Centroid => {
            let value: Value = serde_json::from_str(text)
                .map_err(|err| format!("is not a JSON object like {{\"lat\": 48.39, \"lon\": -4.49}}: {err}"))?;
            return from_value(field, value);
        }
    };
    Ok(Some(value))
}

/// Reads a field from a front-matter value, as YAML typed it.
pub fn from_value(field: &Field, value: Value) -> Result<Option<Value>, String> {
    if is_blank(&value) {
        return Ok(None);
    }
    match (field.shape, value) {
        (Shape::Other, value) => Ok(Some(value)),
        (Shape::Text, Value::String(text)) => {
            let text = text.trim();
            Ok((!text.is_empty()).then(|| Value::String(text.to_owned())))
        }
        (Shape::Text, Value::Number(number)) => Ok(Some(Value::String(number.to_string()))),
        (Shape::Text, Value::Bool(flag)) => Ok(Some(Value::String(flag.to_string()))),
        (Shape::Text, _) => Err("must be text".into()),
        (Shape::Integer, Value::Number(number)) if number.is_i64() => Ok(Some(Value::Number(number))),
        (Shape::Latitude | Shape::Longitude, Value::Number(number)) => Ok(Some(Value::Number(number))),
        (_, Value::String(text)) => from_text(field, &text),
        (Shape::Integer, _) => Err("must be a whole number, e.g. 2021".into()),
        (Shape::Latitude | Shape::Longitude, _) => Err("must be a number".into()),
        (Shape::List, Value::Array(items)) => {
            let items: Result<Vec<String>, String> = items
                .into_iter()
                .map(|item| match item {
                    Value::String(text) => Ok(text),
                    Value::Number(number) => Ok(number.to_string()),
                    other => Err(format!("must be a list of codes or slugs, not hold {other}")),
                })
                .collect();
            Ok(Some(strings(items?)))
        }
        (Shape::List, _) => Err("must be a list, e.g. [A, B] or `A | B`".into()),
        (Shape::Nested(form), Value::Array(items)) => {
            let items: Vec<Value> = items.into_iter().map(|item| form.rename(item)).collect();
            form.check(&items)?;
            Ok((!items.is_empty()).then_some(Value::Array(items)))
        }
        (Shape::Nested(_), _) => Err("must be a list of objects".into()),
        (Shape::Centroid, value) => {
            serde_json::from_value::<Centroid>(value.clone()).map_err(|err| format!("must be {{lat, lon}}: {err}"))?;
            Ok(Some(value))
        }
    }
}

/// Writes a field as the text of a cell: `None` when it says nothing.
pub fn to_text(field: &Field, value: &Value) -> Result<Option<String>, String> {
    if is_blank(value) {
        return Ok(None);
    }
    let text = match (field.shape, value) {
        (_, Value::String(text)) => text.clone(),
        (Shape::List, Value::Array(items)) => {
            let texts: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
            // A list whose items would not survive the `|` split is written as a JSON array.
            let plain =
                texts.len() == items.len() && texts.iter().all(|text| !text.contains('|') && text.trim() == *text);
            if plain { texts.join(" | ") } else { value.to_string() }
        }
        (_, value) => value.to_string(),
    };
    Ok(Some(text))
}

/// Turns split texts into a JSON list: trimmed, empties dropped.
fn strings(items: Vec<String>) -> Value {
    Value::Array(items.iter().map(|item| item.trim()).filter(|item| !item.is_empty()).map(Value::from).collect())
}

fn number(text: &str) -> Result<Value, String> {
    let parsed: f64 = text.replace(',', ".").parse().map_err(|_| format!("`{text}` is not a number, e.g. 48.39"))?;
    serde_json::Number::from_f64(parsed).map(Value::Number).ok_or_else(|| format!("`{text}` is not a finite number"))
}

impl Form {
    /// Returns the keys of the form's objects, in the order they are written.
    pub fn key_names(self) -> impl Iterator<Item = &'static str> {
        self.keys().iter().map(|(name, _)| *name)
    }

    /// The keys of the form and the French labels each is also known by.
    fn keys(self) -> &'static [(&'static str, &'static [&'static str])] {
        match self {
            Form::Phase => &[
                ("phase", &["étape"]),
                ("startedOn", &["débuté le", "début", "date de début"]),
                ("endedOn", &["terminé le", "fin", "date de fin"]),
                ("methods", &["méthodes"]),
                ("participants", &[]),
                ("outcome", &["résultat"]),
            ],
            Form::Indicator => &[
                ("name", &["nom", "indicateur"]),
                ("unit", &["unité"]),
                ("baseline", &["valeur initiale", "référence"]),
                ("target", &["cible", "objectif"]),
                ("actual", &["réalisé", "valeur atteinte"]),
            ],
            Form::Testimony => &[("quote", &["citation"]), ("speaker", &["auteur", "personne"]), ("role", &["rôle"])],
            Form::Document => &[("title", &["titre"]), ("kind", &["type"]), ("url", &["lien", "adresse"])],
            Form::EvidenceLink => &[("sheet", &["fiche"]), ("role", &["rôle"]), ("note", &[])],
        }
    }

    /// Renames an item's French keys to the form's (unknown keys are left for serde to refuse); a bare
    /// slug is an evidence link.
    fn rename(self, item: Value) -> Value {
        match item {
            Value::Object(object) => Value::Object(
                object
                    .into_iter()
                    .map(|(key, value)| {
                        let wanted = normalise(&key);
                        let known = self.keys().iter().find(|(name, labels)| {
                            normalise(name) == wanted || labels.iter().any(|label| normalise(label) == wanted)
                        });
                        (known.map_or(key, |(name, _)| (*name).to_owned()), value)
                    })
                    .collect(),
            ),
            Value::String(slug) if self == Form::EvidenceLink => serde_json::json!({ "sheet": slug.trim() }),
            other => other,
        }
    }

    /// Checks items against the form's serde shape, so that a problem names the column.
    fn check(self, items: &[Value]) -> Result<(), String> {
        fn check<T: DeserializeOwned>(items: &[Value]) -> Result<(), String> {
            for (index, item) in items.iter().enumerate() {
                serde_json::from_value::<T>(item.clone()).map_err(|err| format!("item {}: {err}", index + 1))?;
            }
            Ok(())
        }
        match self {
            Form::Phase => check::<PhaseRecordForm>(items),
            Form::Indicator => check::<IndicatorForm>(items),
            Form::Testimony => check::<TestimonyForm>(items),
            Form::Document => check::<DocumentForm>(items),
            Form::EvidenceLink => check::<EvidenceLinkForm>(items),
        }
    }
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

    #[test]
    fn kinds_come_from_file_stems_and_type_names() {
        assert_eq!(kind_of_stem("fiches"), Some(Kind::Sheet));
        assert_eq!(kind_of_stem("2024_Leçons"), Some(Kind::Lesson));
        assert_eq!(kind_of_stem("retex-organisations"), Some(Kind::Organisation));
        assert_eq!(kind_of_stem("mes-fiches-projet"), Some(Kind::Sheet));
        assert_eq!(kind_of_stem("garages"), None);
        assert_eq!(kind_of_stem("superfiches"), None);
        assert_eq!(kind_named("Leçon"), Some(Kind::Lesson));
        assert_eq!(kind_named("fiche-projet"), Some(Kind::Sheet));
    }
}
