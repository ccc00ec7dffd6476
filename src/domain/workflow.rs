//! The publication workflow: DRAFT → SUBMITTED → PUBLISHED → ARCHIVED, and back to DRAFT with a
//! reason. Archiving is how records are deleted: nothing is ever removed.

use super::vocabulary::{PublicationStatus, Vocabulary};

/// Checks that a record may move from `from` to `to`, and that a reason is given where one is needed.
/// Returns the problem in words otherwise.
pub fn check_transition(from: PublicationStatus, to: PublicationStatus, reason: Option<&str>) -> Result<(), String> {
    use PublicationStatus::*;
    if from == to {
        return Err(format!("the record is already {}", to.code()));
    }
    let has_reason = reason.is_some_and(|reason| !reason.trim().is_empty());
    match (from, to) {
        (Draft, Submitted) | (Submitted, Published) | (_, Archived) => Ok(()),
        (_, Draft) if has_reason => Ok(()),
        (_, Draft) => Err(format!("moving a {} record back to DRAFT needs a reason", from.code())),
        _ => Err(format!(
            "a {} record cannot become {}: the workflow is DRAFT → SUBMITTED → PUBLISHED → ARCHIVED, and back to DRAFT with a reason",
            from.code(),
            to.code()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use PublicationStatus::*;

    #[test]
    fn the_workflow_moves_forward_one_step_at_a_time() {
        assert!(check_transition(Draft, Submitted, None).is_ok());
        assert!(check_transition(Submitted, Published, None).is_ok());
        assert!(check_transition(Published, Archived, None).is_ok());
        assert!(check_transition(Draft, Published, None).is_err());
        assert!(check_transition(Archived, Published, None).is_err());
        assert!(check_transition(Published, Published, None).is_err());
    }

    #[test]
    fn going_back_to_draft_needs_a_reason() {
        assert!(check_transition(Published, Draft, None).is_err());
        assert!(check_transition(Published, Draft, Some("  ")).is_err());
        assert!(check_transition(Archived, Draft, Some("restauré par erreur")).is_ok());
    }
}
