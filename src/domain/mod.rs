//! The domain of retex: records, vocabularies, validated values, queries and the visibility rule.
//! Pure types and rules: nothing here imports sea-orm, tantivy, async-graphql or axum, so the rules
//! can be read and tested without a database or a server.

pub mod advice;
pub mod analytics;
pub mod departments;
pub mod drafts;
pub mod people;
pub mod progress;
pub mod query;
pub mod records;
pub mod searchable;
pub mod text;
pub mod tokens;
pub mod visibility;
pub mod vocabulary;
pub mod workflow;

pub use analytics::*;
pub use departments::{DEPARTMENTS, Department, department_of};
pub use drafts::*;
pub use people::*;
pub use progress::Progress;
pub use query::*;
pub use records::*;
pub use searchable::*;
pub use text::*;
pub use tokens::*;
pub use visibility::*;
pub use vocabulary::*;
