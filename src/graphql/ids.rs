//! Global ids as GraphQL `ID`s: the encoding is `crate::ids`'s; this adds the `ID` type and the
//! decoding of input lists with their problems.

use async_graphql::ID;

use crate::domain::{Problems, RecordId};
pub use crate::ids::{decode, decode_any, decode_other, type_name};

/// Encodes a record id as a global id.
pub fn encode<I: RecordId>(id: I) -> ID {
    ID(crate::ids::encode(id))
}

/// Encodes the id of something that is not a record (a token, a cluster…) with its type name.
pub fn encode_other(type_name: &str, id: i64) -> ID {
    ID(crate::ids::encode_other(type_name, id))
}

/// Decodes a list of ids, recording problems under `field[i]`.
pub fn decode_list<I: RecordId>(problems: &mut Problems, field: &str, ids: &[ID]) -> Vec<I> {
    ids.iter().enumerate().filter_map(|(i, id)| problems.check(format!("{field}[{i}]"), decode::<I>(id))).collect()
}

/// Decodes an optional id, recording a problem under `field`.
pub fn decode_opt<I: RecordId>(problems: &mut Problems, field: &str, id: Option<&ID>) -> Option<I> {
    id.and_then(|id| problems.check(field, decode::<I>(id)))
}
