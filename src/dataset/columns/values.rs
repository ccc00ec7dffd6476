//! How a field's value is read from the text of a cell or a front-matter value and written back, how
//! the nested lists' French keys are renamed and checked, and how records become JSON objects and back.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::{Field, Form, Object, Shape, fields, normalise, record_fields};
use crate::dataset::{
    Centroid, Dataset, DocumentForm, EvidenceLinkForm, FundingForm, IndicatorForm, PhaseRecordForm, TestimonyForm,
};
use crate::domain::Kind;

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
            Form::Funding => &[
                ("funder", &["financeur"]),
                ("amount", &["montant"]),
                ("year", &["année"]),
                ("kind", &["nature", "type"]),
            ],
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
            Form::Funding => check::<FundingForm>(items),
            Form::EvidenceLink => check::<EvidenceLinkForm>(items),
        }
    }
}
