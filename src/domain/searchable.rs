//! What search reads of a record: the one definition the index, the snippets of a hit and "more like
//! this" share, so that a hit found in some text can always show it.

use super::records::{LessonFields, OrganisationFields, ProgrammeFields, SheetFields, TerritoryFields};
use super::vocabulary::Vocabulary;

/// A record's text in three parts, weighted apart by search: its title (or name), its summary, and the
/// rest of what it says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchableText {
    pub title: String,
    pub summary: String,
    pub body: String,
}

impl SearchableText {
    /// The three parts, in order (`title`, `summary`, `body`: the names snippets give them).
    pub fn parts(&self) -> [&str; 3] {
        [&self.title, &self.summary, &self.body]
    }
}

/// A kind of record search reads.
pub trait Searchable {
    fn searchable_text(&self) -> SearchableText;
}

/// Joins the non-empty paragraphs of a body.
fn paragraphs<'a>(texts: impl IntoIterator<Item = &'a str>) -> String {
    texts.into_iter().filter(|text| !text.trim().is_empty()).collect::<Vec<_>>().join("\n\n")
}

impl Searchable for SheetFields {
    /// A sheet's body is its story: the body, the social need, each phase's outcome and each testimony.
    fn searchable_text(&self) -> SearchableText {
        let mut body = vec![self.body.as_str(), self.social_need.as_str()];
        body.extend(self.phases.iter().map(|record| record.outcome.as_str()));
        body.extend(self.testimonies.iter().map(|testimony| testimony.quote.as_str()));
        SearchableText { title: self.title.to_string(), summary: self.summary.to_string(), body: paragraphs(body) }
    }
}

impl Searchable for LessonFields {
    /// A lesson's summary is the lesson itself; its body, the context, recommendation and evidence.
    fn searchable_text(&self) -> SearchableText {
        SearchableText {
            title: self.title.to_string(),
            summary: self.lesson.to_string(),
            body: paragraphs([self.context.as_str(), self.recommendation.as_str(), self.evidence.as_str()]),
        }
    }
}

impl Searchable for ProgrammeFields {
    fn searchable_text(&self) -> SearchableText {
        SearchableText { title: self.name.to_string(), summary: self.summary.to_string(), body: String::new() }
    }
}

impl Searchable for OrganisationFields {
    /// An organisation says its name and what kind it is.
    fn searchable_text(&self) -> SearchableText {
        SearchableText { title: self.name.to_string(), summary: self.kind.label().to_owned(), body: String::new() }
    }
}

impl Searchable for TerritoryFields {
    fn searchable_text(&self) -> SearchableText {
        SearchableText { title: self.name.to_string(), ..SearchableText::default() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sheet_body_holds_its_story_and_leaves_out_empty_paragraphs() {
        let sheet: SheetFields = crate::domain::SheetDraft {
            title: "Garage solidaire".into(),
            body: "Un atelier.".into(),
            activity_type: Some(crate::domain::ActivityType::SolidarityGarage),
            phases: vec![crate::domain::PhaseDraft {
                phase: crate::domain::Phase::Launch,
                started_on: None,
                ended_on: None,
                methods: Vec::new(),
                participants: Vec::new(),
                outcome: "Ouverture en mai.".into(),
            }],
            testimonies: vec![crate::domain::TestimonyDraft {
                quote: "Enfin un garage.".into(),
                speaker: String::new(),
                role: String::new(),
            }],
            ..Default::default()
        }
        .validate()
        .expect("a valid sheet");
        let text = sheet.searchable_text();
        assert_eq!(text.title, "Garage solidaire");
        assert_eq!(text.body, "Un atelier.\n\nOuverture en mai.\n\nEnfin un garage.");
        assert_eq!(text.parts()[2], text.body);
    }
}
