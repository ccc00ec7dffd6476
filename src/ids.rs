//! Global ids: every record is addressed by an opaque, URL-safe id that names its type
//! (`base64("ProjectSheet:42")`), so that `node(id)` can fetch any record and an id of the wrong type
//! is refused with a clear message instead of fetching an unrelated row. The API (`graphql/ids.rs`)
//! and the command line (`retex token create --organisation <id>`) read them alike.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::domain::{Kind, RecordId};

/// Returns the GraphQL type name of a kind.
pub fn type_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Organisation => "Organisation",
        Kind::Territory => "Territory",
        Kind::Programme => "Programme",
        Kind::Sheet => "ProjectSheet",
        Kind::Lesson => "Lesson",
    }
}

/// Encodes a record id as a global id.
pub fn encode<I: RecordId>(id: I) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}:{}", type_name(I::KIND), id.get()))
}

/// Decodes any global id into its kind and database id.
pub fn decode_any(id: &str) -> Result<(Kind, i64), String> {
    let invalid = || format!("`{}` is not a retex id", truncate(id));
    let bytes = URL_SAFE_NO_PAD.decode(id.trim_end_matches('=')).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let (name, raw) = text.split_once(':').ok_or_else(invalid)?;
    let kind = Kind::ALL.into_iter().find(|kind| type_name(*kind) == name).ok_or_else(invalid)?;
    let raw: i64 = raw.parse().map_err(|_| invalid())?;
    if raw <= 0 {
        return Err(invalid());
    }
    Ok((kind, raw))
}

/// Encodes the id of an object that is not a record (a glossary entry, an API token) as
/// `base64("{type_name}:{id}")`.
pub fn encode_other(type_name: &str, id: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("{type_name}:{id}"))
}

/// Decodes an id made by `encode_other` for `type_name`.
pub fn decode_other(type_name: &str, id: &str) -> Result<i64, String> {
    let invalid = || format!("is not a {type_name} id");
    let bytes = URL_SAFE_NO_PAD.decode(id.trim_end_matches('=')).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let raw = text.strip_prefix(type_name).and_then(|rest| rest.strip_prefix(':')).ok_or_else(invalid)?;
    raw.parse::<i64>().ok().filter(|raw| *raw > 0).ok_or_else(invalid)
}

/// Decodes a global id that must be of type `I`.
pub fn decode<I: RecordId>(id: &str) -> Result<I, String> {
    let (kind, raw) = decode_any(id)?;
    if kind != I::KIND {
        return Err(format!("is the id of a {}, a {} was expected", type_name(kind), type_name(I::KIND)));
    }
    Ok(I::new(raw))
}

fn truncate(raw: &str) -> String {
    raw.chars().take(64).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{LessonId, SheetId};

    #[test]
    fn ids_round_trip_and_keep_their_type() {
        let id = encode(SheetId(42));
        assert_eq!(decode::<SheetId>(&id), Ok(SheetId(42)));
        assert!(decode::<LessonId>(&id).is_err());
        for bad in ["", "42", "!!!", "UHJvamVjdFNoZWV0Oi0x", "Rm9vOjE"] {
            assert!(decode_any(bad).is_err(), "{bad} should be refused");
        }
    }
}
