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

/// What a record is described by rather than what it says: the French labels of its vocabulary
/// values (themes, activity type, publics, phases, polarity, categories, status…) and the names of
/// what it is linked to (programmes, territories with their department and region, structures).
/// Search indexes it as a fourth, lighter part, so that « mobilité » finds every sheet whose theme
/// is Mobilité without outranking one that says the word.
pub fn described_by<'a>(labels: impl IntoIterator<Item = &'a str>) -> String {
    let mut seen = std::collections::BTreeSet::new();
    let mut lines = Vec::new();
    for label in labels {
        let label = label.trim();
        if !label.is_empty() && seen.insert(label) {
            lines.push(label);
        }
    }
    lines.join(" · ")
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
    /// The French labels of the record's own vocabulary values (see [`described_by`]); the names of
    /// linked records are the indexer's to add.
    fn vocabulary_labels(&self) -> Vec<&'static str>;
}

fn labels_of<T: Vocabulary>(values: &[T]) -> impl Iterator<Item = &'static str> + '_ {
    values.iter().map(|value| value.label())
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

    /// Its themes, activity type, target publics, status and the phases it went through.
    fn vocabulary_labels(&self) -> Vec<&'static str> {
        let mut labels: Vec<&'static str> = labels_of(&self.themes).collect();
        labels.push(self.activity_type.label());
        labels.extend(labels_of(&self.target_publics));
        labels.push(self.status.label());
        labels.extend(self.phases.iter().map(|record| record.phase.label()));
        labels
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

    /// Its polarity (« Facteur de succès »…), categories, phases, themes, territory types and how well
    /// it is evidenced.
    fn vocabulary_labels(&self) -> Vec<&'static str> {
        let mut labels = vec![self.polarity.label()];
        labels.extend(labels_of(&self.categories));
        labels.extend(labels_of(&self.phases));
        labels.extend(labels_of(&self.themes));
        labels.extend(labels_of(&self.territory_types));
        labels.push(self.evidence_level.label());
        labels
    }
}

impl Searchable for ProgrammeFields {
    fn searchable_text(&self) -> SearchableText {
        SearchableText { title: self.name.to_string(), summary: self.summary.to_string(), body: String::new() }
    }

    fn vocabulary_labels(&self) -> Vec<&'static str> {
        labels_of(&self.themes).collect()
    }
}

impl Searchable for OrganisationFields {
    /// An organisation says its name and what kind it is.
    fn searchable_text(&self) -> SearchableText {
        SearchableText { title: self.name.to_string(), summary: self.kind.label().to_owned(), body: String::new() }
    }

    fn vocabulary_labels(&self) -> Vec<&'static str> {
        self.region.iter().map(|region| region.label()).collect()
    }
}

impl Searchable for TerritoryFields {
    fn searchable_text(&self) -> SearchableText {
        SearchableText { title: self.name.to_string(), ..SearchableText::default() }
    }

    /// Its level, types and region.
    fn vocabulary_labels(&self) -> Vec<&'static str> {
        let mut labels = vec![self.level.label()];
        labels.extend(labels_of(&self.types));
        labels.extend(self.region.iter().map(|region| region.label()));
        labels
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
