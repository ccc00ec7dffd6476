//! retex: a French knowledge base of project sheets (fiches-projet) and lessons learned for the
//! network of the Fabrique à initiatives, served over GraphQL.
pub mod domain;
pub mod error;
pub mod store;
