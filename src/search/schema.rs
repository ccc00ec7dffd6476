//! The index schema: each searchable record (project sheet, lesson, programme, organisation) is one
//! document with its text in four fields (title, summary, body, and the labels and names it is
//! described by), each indexed twice (stemmed and exact), its facet values as raw keyword fields, and the fast fields that identify and sort it.
//! What a hit shows is stored with it (its slug and its text as search reads it, which are also
//! what its snippets are cut from), so that a page of hits costs no database statement: the index
//! is the database's projection at the version it holds (`version`), kept current from the change
//! log, and a field beyond it is read from the database (`graphql::types::Held`).

use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};

use super::analysis::{EXACT, PAIRS, STEM};

/// A dimension results can be filtered and counted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dimension {
    Kind,
    Programme,
    Theme,
    Status,
    Polarity,
    Category,
    Phase,
    TerritoryType,
    Region,
    /// How well a lesson is evidenced.
    EvidenceLevel,
    /// A sheet's supporting structure (organisation id).
    Structure,
    /// A year the record was active in (from its phases, or its evidence's).
    Year,
}

impl Dimension {
    pub const ALL: [Dimension; 12] = [
        Dimension::Kind,
        Dimension::Programme,
        Dimension::Theme,
        Dimension::Status,
        Dimension::Polarity,
        Dimension::Category,
        Dimension::Phase,
        Dimension::TerritoryType,
        Dimension::Region,
        Dimension::EvidenceLevel,
        Dimension::Structure,
        Dimension::Year,
    ];

    /// Returns the name of the index field that holds this dimension.
    pub fn field_name(self) -> &'static str {
        match self {
            Dimension::Kind => "f_kind",
            Dimension::Programme => "f_programme",
            Dimension::Theme => "f_theme",
            Dimension::Status => "f_status",
            Dimension::Polarity => "f_polarity",
            Dimension::Category => "f_category",
            Dimension::Phase => "f_phase",
            Dimension::TerritoryType => "f_territory_type",
            Dimension::Region => "f_region",
            Dimension::EvidenceLevel => "f_evidence_level",
            Dimension::Structure => "f_structure",
            Dimension::Year => "f_year",
        }
    }
}

/// The handles of every field.
#[derive(Clone)]
pub struct Fields {
    /// `kind:id`, the key a change deletes by.
    pub key: Field,
    pub id: Field,
    pub version: Field,
    pub publication_status: Field,
    pub updated_at: Field,
    /// A digest of everything the document says (`SearchDoc::digest`): a change that would write the
    /// same document again is not written.
    pub digest: Field,
    /// The record's slug, stored for its hit.
    pub slug: Field,
    pub year: Field,
    pub title_stem: Field,
    pub title_exact: Field,
    pub summary_stem: Field,
    pub summary_exact: Field,
    pub body_stem: Field,
    pub body_exact: Field,
    /// What the record is described by: vocabulary labels and the names of linked records.
    pub labels_stem: Field,
    pub labels_exact: Field,
    /// Pairs of neighbouring stems of each text (`analysis::pairs`), for phrases.
    pub title_pairs: Field,
    pub summary_pairs: Field,
    pub body_pairs: Field,
    pub labels_pairs: Field,
    /// For lessons: the distinct published programmes and sheets that observed them, and both in
    /// one number for ranking (`programmes << 32 | sheets`).
    pub programme_count: Field,
    pub sheet_count: Field,
    pub recurrence: Field,
    /// For lessons: the published sheets linked to them (either role).
    pub evidence_sheet: Field,
    /// One field per dimension, in the order of `Dimension::ALL`.
    dimensions: Vec<Field>,
}

impl Fields {
    pub fn dimension(&self, dimension: Dimension) -> Field {
        // Every dimension has its field: `build` adds them in the order of the enum.
        self.dimensions[dimension as usize]
    }
}

/// A field of stem pairs: counted, not positioned (a pair is already two words in their order).
fn pairs() -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default().set_tokenizer(PAIRS).set_index_option(IndexRecordOption::WithFreqs),
    )
}

/// The stored form of a text: kept whole for the hit that shows it and its snippets.
fn stored(analyzer: &str) -> TextOptions {
    text(analyzer).set_stored()
}

fn text(analyzer: &str) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default().set_tokenizer(analyzer).set_index_option(IndexRecordOption::WithFreqsAndPositions),
    )
}

/// Builds the schema and its field handles.
pub fn build() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let key = builder.add_text_field("key", STRING);
    let id = builder.add_u64_field("id", FAST);
    let version = builder.add_i64_field("version", FAST);
    let publication_status = builder.add_text_field("publication_status", STRING | FAST);
    let updated_at = builder.add_i64_field("updated_at", FAST);
    let digest = builder.add_u64_field("digest", FAST);
    let slug = builder.add_text_field("slug", STORED);
    let year = builder.add_i64_field("year", INDEXED | FAST);
    let title_stem = builder.add_text_field("title_stem", text(STEM));
    let title_exact = builder.add_text_field("title_exact", stored(EXACT));
    let summary_stem = builder.add_text_field("summary_stem", text(STEM));
    let summary_exact = builder.add_text_field("summary_exact", stored(EXACT));
    let body_stem = builder.add_text_field("body_stem", text(STEM));
    let body_exact = builder.add_text_field("body_exact", stored(EXACT));
    let labels_stem = builder.add_text_field("labels_stem", text(STEM));
    // Stored too: a hit found by what describes it shows that text (the snippet of its `labels`),
    // which the database would have to rebuild from several records.
    let labels_exact = builder.add_text_field("labels_exact", stored(EXACT));
    let title_pairs = builder.add_text_field("title_pairs", pairs());
    let summary_pairs = builder.add_text_field("summary_pairs", pairs());
    let body_pairs = builder.add_text_field("body_pairs", pairs());
    let labels_pairs = builder.add_text_field("labels_pairs", pairs());
    let programme_count = builder.add_u64_field("programme_count", INDEXED | FAST);
    let sheet_count = builder.add_u64_field("sheet_count", INDEXED | FAST);
    let recurrence = builder.add_u64_field("recurrence", FAST);
    let evidence_sheet = builder.add_u64_field("evidence_sheet", INDEXED);
    let dimensions =
        Dimension::ALL.iter().map(|dimension| builder.add_text_field(dimension.field_name(), STRING | FAST)).collect();
    let fields = Fields {
        key,
        id,
        version,
        publication_status,
        updated_at,
        digest,
        slug,
        year,
        title_stem,
        title_exact,
        summary_stem,
        summary_exact,
        body_stem,
        body_exact,
        labels_stem,
        labels_exact,
        title_pairs,
        summary_pairs,
        body_pairs,
        labels_pairs,
        programme_count,
        sheet_count,
        recurrence,
        evidence_sheet,
        dimensions,
    };
    (builder.build(), fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_dimension_has_its_own_field() {
        let (schema, fields) = build();
        for (position, dimension) in Dimension::ALL.iter().enumerate() {
            assert_eq!(*dimension as usize, position, "Dimension::ALL follows the order of the enum");
            assert_eq!(schema.get_field_name(fields.dimension(*dimension)), dimension.field_name());
        }
    }
}
