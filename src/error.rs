//! The one error type of retex and its policy.
//!
//! Every fallible use case returns [`Error`]. Each variant maps to one transport-neutral code
//! (`INVALID_INPUT`, `NOT_FOUND`, `CONFLICT`, `FORBIDDEN`, `UNAVAILABLE`, `INTERNAL`); the GraphQL layer turns the
//! code into `extensions.code` in exactly one place. What a client reads is the `Display` text, so
//! variants that carry details a client must not see (SQL, file paths) print a generic message and
//! keep the detail as their `source`, which is logged where the error leaves the server.

use crate::domain::FieldProblem;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An internal failure's cause, kept for the logs.
pub type Cause = Box<dyn std::error::Error + Send + Sync + 'static>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input breaks a rule; every problem names its field.
    #[error("invalid input: {}", list(.0))]
    InvalidInput(Vec<FieldProblem>),
    /// No record with this id or slug is visible to the caller. Also the answer for a record the
    /// caller may not see, so that the API never reveals that it exists.
    #[error("{0} not found")]
    NotFound(String),
    /// The change is based on a stale version or would break a uniqueness rule.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The caller may see the record but not do this.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// The database cannot answer now (unreachable, shutting down, too slow): retrying later may
    /// succeed. Over HTTP, 503 with `Retry-After`.
    #[error("service unavailable: {0}; retry in a few seconds")]
    Unavailable(String),
    /// Anything else: a database or I/O failure. The message stays generic.
    #[error("internal error")]
    Internal(#[source] Cause),
}

impl Error {
    /// Returns the code clients can branch on.
    pub fn code(&self) -> &'static str {
        match self {
            Error::InvalidInput(_) => "INVALID_INPUT",
            Error::NotFound(_) => "NOT_FOUND",
            Error::Conflict(_) => "CONFLICT",
            Error::Forbidden(_) => "FORBIDDEN",
            Error::Unavailable(_) => "UNAVAILABLE",
            Error::Internal(_) => "INTERNAL",
        }
    }

    /// An invalid-input error about one field.
    pub fn invalid(field: impl Into<String>, problem: impl Into<String>) -> Self {
        Error::InvalidInput(vec![FieldProblem { field: field.into(), problem: problem.into() }])
    }

    pub fn internal(cause: impl Into<Cause>) -> Self {
        Error::Internal(cause.into())
    }
}

impl From<Vec<FieldProblem>> for Error {
    fn from(problems: Vec<FieldProblem>) -> Self {
        Error::InvalidInput(problems)
    }
}

fn list(problems: &[FieldProblem]) -> String {
    problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
}
