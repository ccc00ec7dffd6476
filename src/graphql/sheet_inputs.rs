//! The create and patch inputs of a project sheet, with its phase records, indicators, testimonies
//! and documents.

use async_graphql::{ID, InputObject, MaybeUndefined};
use chrono::NaiveDate;

use super::ids::{decode_list, decode_opt};
use crate::domain::*;

use super::inputs::{FlattenOption, patch, set};

/// One phase of the démarche as the project lived it.
#[derive(InputObject)]
pub struct PhaseRecordInput {
    /// The phase of the démarche.
    pub phase: Phase,
    /// When the phase started.
    pub started_on: Option<NaiveDate>,
    /// When the phase ended; not before `startedOn`.
    pub ended_on: Option<NaiveDate>,
    /// Methods used (questionnaire, ateliers, entretiens…): at most 50, each at most 200 characters;
    /// empty ones are dropped.
    #[graphql(default)]
    pub methods: Vec<String>,
    /// Who took part: at most 50, each at most 200 characters; empty ones are dropped.
    #[graphql(default)]
    pub participants: Vec<String>,
    /// What came out of the phase (at most 10,000 characters).
    #[graphql(default)]
    pub outcome: String,
}

/// A measure of a project's results.
#[derive(InputObject)]
pub struct IndicatorInput {
    /// What is measured (1 to 200 characters); dashboards sum indicators of the same name and unit.
    pub name: String,
    /// The unit of the values (at most 200 characters).
    #[graphql(default)]
    pub unit: String,
    /// The value before the project (a finite number).
    pub baseline: Option<f64>,
    /// The value aimed at (a finite number).
    pub target: Option<f64>,
    /// The value reached (a finite number).
    pub actual: Option<f64>,
}

/// Words of a person involved in the project.
#[derive(InputObject)]
pub struct TestimonyInput {
    /// What the person said (at most 10,000 characters).
    pub quote: String,
    /// Who said it (at most 200 characters).
    #[graphql(default)]
    pub speaker: String,
    /// The speaker's role in the project (at most 200 characters).
    #[graphql(default)]
    pub role: String,
}

/// A document about the project.
#[derive(InputObject)]
pub struct DocumentInput {
    /// The document's title (1 to 200 characters).
    pub title: String,
    /// What kind of document it is.
    pub kind: DocumentKind,
    /// Where to read it: an absolute http:// or https:// address (at most 2,000 characters).
    pub url: String,
}

/// A line of a sheet's funding plan.
#[derive(InputObject)]
pub struct FundingInput {
    /// Who funds (1 to 200 characters): « Région Bretagne », « Fondation de France »… Dashboards sum
    /// by this name, ignoring case and accents.
    pub funder: String,
    /// How much, in euros (0 to ten billion, at most two decimals).
    pub amount: f64,
    /// The year of the funding (1900 to 2100).
    pub year: Option<i32>,
    /// Where the money comes from; OTHER when absent.
    pub kind: Option<FundingKind>,
}

/// An amount of the API as the text drafts read (exact to the cent).
fn amount_text(euros: f64) -> String {
    Amount::from_euros(euros).map_or_else(|_| euros.to_string(), Amount::plain)
}

fn funding(inputs: Vec<FundingInput>) -> Vec<FundingDraft> {
    inputs
        .into_iter()
        .map(|input| FundingDraft {
            funder: input.funder,
            amount: amount_text(input.amount),
            year: input.year.map(i64::from),
            kind: input.kind,
        })
        .collect()
}

fn phases(inputs: Vec<PhaseRecordInput>) -> Vec<PhaseDraft> {
    inputs
        .into_iter()
        .map(|input| PhaseDraft {
            phase: input.phase,
            started_on: input.started_on,
            ended_on: input.ended_on,
            methods: input.methods,
            participants: input.participants,
            outcome: input.outcome,
        })
        .collect()
}

fn indicators(inputs: Vec<IndicatorInput>) -> Vec<IndicatorDraft> {
    inputs
        .into_iter()
        .map(|input| IndicatorDraft {
            name: input.name,
            unit: input.unit,
            baseline: input.baseline,
            target: input.target,
            actual: input.actual,
        })
        .collect()
}

fn testimonies(inputs: Vec<TestimonyInput>) -> Vec<TestimonyDraft> {
    inputs
        .into_iter()
        .map(|input| TestimonyDraft { quote: input.quote, speaker: input.speaker, role: input.role })
        .collect()
}

fn documents(inputs: Vec<DocumentInput>) -> Vec<DocumentDraft> {
    inputs.into_iter().map(|input| DocumentDraft { title: input.title, kind: input.kind, url: input.url }).collect()
}

/// A new project sheet.
#[derive(InputObject)]
pub struct ProjectSheetInput {
    /// A stable, readable key: 1 to 80 lower-case letters a-z, digits and single hyphens; derived from
    /// the title when absent. CONFLICT when another record the caller may see already holds it.
    pub slug: Option<String>,
    /// The sheet's title (1 to 200 characters).
    pub title: String,
    /// A short summary (at most 2,000 characters).
    #[graphql(default)]
    pub summary: String,
    /// The story, in Markdown (at most 100,000 characters).
    #[graphql(default)]
    pub body: String,
    /// The kind of activity the project creates.
    pub activity_type: ActivityType,
    /// The programmes the sheet belongs to: at most 50 distinct programme ids the caller may see.
    #[graphql(default)]
    pub programmes: Vec<ID>,
    /// Where the project is located: at most 50 distinct territory ids the caller may see.
    #[graphql(default)]
    pub territories: Vec<ID>,
    /// The structure that supports the démarche (an organisation id the caller may see).
    pub supporting_structure: Option<ID>,
    /// The organisation that carries the activity, once found (an organisation id the caller may see).
    pub project_holder: Option<ID>,
    /// Partner organisations: at most 50 distinct organisation ids the caller may see.
    #[graphql(default)]
    pub partners: Vec<ID>,
    /// The social need the démarche detected (at most 10,000 characters).
    #[graphql(default)]
    pub social_need: String,
    /// The themes of social utility addressed (at most 50; repeated values are dropped).
    #[graphql(default)]
    pub themes: Vec<Theme>,
    /// The publics the project is for (at most 50; repeated values are dropped).
    #[graphql(default)]
    pub target_publics: Vec<TargetPublic>,
    /// Where the project stands in the démarche; IDEA when absent.
    pub status: Option<SheetStatus>,
    /// The phases the project went through (at most 20).
    #[graphql(default)]
    pub phases: Vec<PhaseRecordInput>,
    /// Measures of the project's results (at most 20).
    #[graphql(default)]
    pub indicators: Vec<IndicatorInput>,
    /// Words of people involved (at most 20).
    #[graphql(default)]
    pub testimonies: Vec<TestimonyInput>,
    /// Documents about the project published elsewhere (at most 20).
    #[graphql(default)]
    pub documents: Vec<DocumentInput>,
    /// The address of the sheet's source: an absolute http:// or https:// address.
    pub source_url: Option<String>,
    /// The licence of the sheet's content (at most 200 characters), as « CC BY 4.0 ».
    pub licence: Option<String>,
    /// The project's total budget, in euros (at most two decimals).
    pub budget: Option<f64>,
    /// The funding plan (at most 20 lines), whose total may not exceed the budget.
    #[graphql(default)]
    pub funding: Vec<FundingInput>,
}

impl ProjectSheetInput {
    pub fn into_draft(self) -> Result<SheetDraft, Vec<FieldProblem>> {
        let mut p = Problems::default();
        let draft = SheetDraft {
            slug: self.slug,
            title: self.title,
            summary: self.summary,
            body: self.body,
            activity_type: Some(self.activity_type),
            programmes: decode_list(&mut p, "programmes", &self.programmes),
            territories: decode_list(&mut p, "territories", &self.territories),
            supporting_structure: decode_opt(&mut p, "supportingStructure", self.supporting_structure.as_ref()),
            project_holder: decode_opt(&mut p, "projectHolder", self.project_holder.as_ref()),
            partners: decode_list(&mut p, "partners", &self.partners),
            social_need: self.social_need,
            themes: self.themes,
            target_publics: self.target_publics,
            status: self.status,
            phases: phases(self.phases),
            indicators: indicators(self.indicators),
            testimonies: testimonies(self.testimonies),
            documents: documents(self.documents),
            source_url: self.source_url,
            licence: self.licence,
            budget: self.budget.map(amount_text),
            funding: funding(self.funding),
        };
        p.into_result().map(|()| draft)
    }
}

/// Changes to a project sheet: absent fields stay, `null` clears an optional field, a list replaces
/// the whole list.
#[derive(InputObject, Default)]
pub struct ProjectSheetPatch {
    /// A new slug (1 to 80 lower-case letters a-z, digits and single hyphens); CONFLICT when another
    /// record the caller may see already holds it.
    pub slug: Option<String>,
    /// A new title (1 to 200 characters).
    pub title: Option<String>,
    /// A new summary (at most 2,000 characters).
    pub summary: Option<String>,
    /// A new story, in Markdown (at most 100,000 characters).
    pub body: Option<String>,
    /// A new kind of activity.
    pub activity_type: Option<ActivityType>,
    /// The new list of programmes (at most 50 distinct ids), replacing the whole list.
    pub programmes: Option<Vec<ID>>,
    /// The new list of territories (at most 50 distinct ids), replacing the whole list.
    pub territories: Option<Vec<ID>>,
    /// A new supporting structure (an organisation id the caller may see); `null` clears it.
    pub supporting_structure: MaybeUndefined<ID>,
    /// A new project holder (an organisation id the caller may see); `null` clears it.
    pub project_holder: MaybeUndefined<ID>,
    /// The new list of partners (at most 50 distinct organisation ids), replacing the whole list.
    pub partners: Option<Vec<ID>>,
    /// A new social need (at most 10,000 characters).
    pub social_need: Option<String>,
    /// The new list of themes, replacing the whole list.
    pub themes: Option<Vec<Theme>>,
    /// The new list of target publics, replacing the whole list.
    pub target_publics: Option<Vec<TargetPublic>>,
    /// A new stage of the démarche.
    pub status: Option<SheetStatus>,
    /// The new phase records (at most 20), replacing them all.
    pub phases: Option<Vec<PhaseRecordInput>>,
    /// The new indicators (at most 20), replacing them all.
    pub indicators: Option<Vec<IndicatorInput>>,
    /// The new testimonies (at most 20), replacing them all.
    pub testimonies: Option<Vec<TestimonyInput>>,
    /// The new documents (at most 20), replacing them all.
    pub documents: Option<Vec<DocumentInput>>,
    /// A new source address (absolute http:// or https://); `null` clears it.
    pub source_url: MaybeUndefined<String>,
    /// A new licence (at most 200 characters); `null` clears it.
    pub licence: MaybeUndefined<String>,
    /// A new total budget, in euros; `null` clears it.
    pub budget: MaybeUndefined<f64>,
    /// The new funding plan (at most 20 lines), replacing it whole.
    pub funding: Option<Vec<FundingInput>>,
}

impl ProjectSheetPatch {
    pub fn apply(self, draft: &mut SheetDraft) -> Result<(), Vec<FieldProblem>> {
        let mut p = Problems::default();
        if self.slug.is_some() {
            draft.slug = self.slug;
        }
        set(&mut draft.title, self.title);
        set(&mut draft.summary, self.summary);
        set(&mut draft.body, self.body);
        if self.activity_type.is_some() {
            draft.activity_type = self.activity_type;
        }
        if let Some(ids) = self.programmes {
            draft.programmes = decode_list(&mut p, "programmes", &ids);
        }
        if let Some(ids) = self.territories {
            draft.territories = decode_list(&mut p, "territories", &ids);
        }
        let structure = self.supporting_structure.map_value(|id| decode_opt(&mut p, "supportingStructure", Some(&id)));
        patch(&mut draft.supporting_structure, structure.flatten_option());
        let holder = self.project_holder.map_value(|id| decode_opt(&mut p, "projectHolder", Some(&id)));
        patch(&mut draft.project_holder, holder.flatten_option());
        if let Some(ids) = self.partners {
            draft.partners = decode_list(&mut p, "partners", &ids);
        }
        set(&mut draft.social_need, self.social_need);
        set(&mut draft.themes, self.themes);
        set(&mut draft.target_publics, self.target_publics);
        if self.status.is_some() {
            draft.status = self.status;
        }
        set(&mut draft.phases, self.phases.map(phases));
        set(&mut draft.indicators, self.indicators.map(indicators));
        set(&mut draft.testimonies, self.testimonies.map(testimonies));
        set(&mut draft.documents, self.documents.map(documents));
        patch(&mut draft.source_url, self.source_url);
        patch(&mut draft.licence, self.licence);
        patch(&mut draft.budget, self.budget.map_value(amount_text));
        set(&mut draft.funding, self.funding.map(funding));
        p.into_result()
    }
}
