//! The conversions of dataset records: `to_draft` turns a record into the draft the domain
//! validates, resolving references by slug through `Names` and naming each problem after its field;
//! `from_record` turns a stored record back into its dataset form, references named by slug. Also
//! the vocabulary-code helpers they share, and `publication_status`.

use super::names::Names;
use super::records::{
    AmountText, Centroid, DocumentForm, EvidenceLinkForm, FundingForm, IndicatorForm, LessonRecord, OrganisationRecord,
    PhaseRecordForm, ProgrammeRecord, SheetRecord, TerritoryRecord, TestimonyForm,
};
use crate::domain::*;

/// A vocabulary value of a file, given by its code or its French label (« Lancé » as LAUNCHED).
fn code<T: Vocabulary>(p: &mut Problems, field: &str, raw: &str) -> Option<T> {
    p.check(field, T::from_code_or_label(raw).ok_or_else(|| unknown::<T>(raw)))
}

fn unknown<T: Vocabulary>(raw: &str) -> String {
    let expected: Vec<String> = T::ALL.iter().map(|value| format!("{} ({})", value.code(), value.label())).collect();
    format!("`{raw}` is not a valid {} value; expected a code or a French label: {}", T::NAME, expected.join(", "))
}

fn codes<T: Vocabulary>(p: &mut Problems, field: &str, raw: &[String]) -> Option<Vec<T>> {
    p.check_all(field, raw, |item| T::from_code_or_label(item).ok_or_else(|| unknown::<T>(item)))
}

fn opt_code<T: Vocabulary>(p: &mut Problems, field: &str, raw: &Option<String>) -> Option<Option<T>> {
    match raw {
        None => Some(None),
        Some(raw) => code(p, field, raw).map(Some),
    }
}

fn opt_ref<I: RecordId>(names: &Names, p: &mut Problems, field: &str, raw: &Option<String>) -> Option<Option<I>> {
    match raw {
        None => Some(None),
        Some(slug) => names.id(p, field.to_owned(), slug).map(Some),
    }
}

fn codes_of<T: Vocabulary>(values: &[T]) -> Vec<String> {
    values.iter().map(|value| value.code().to_owned()).collect()
}

/// Returns the publication status a dataset record asks for (PUBLISHED when it says nothing).
pub fn publication_status(p: &mut Problems, raw: &Option<String>) -> Option<PublicationStatus> {
    Some(opt_code(p, "publicationStatus", raw)?.unwrap_or(PublicationStatus::Published))
}

/// Returns the draft, or every problem found while building it.
fn finish_draft<T>(problems: Problems, draft: Option<T>) -> Result<T, Vec<FieldProblem>> {
    match draft {
        Some(draft) if problems.is_empty() => Ok(draft),
        _ => Err(problems.into_vec()),
    }
}

impl OrganisationRecord {
    pub fn to_draft(&self) -> Result<OrganisationDraft, Vec<FieldProblem>> {
        let mut p = Problems::default();
        let draft = (|| {
            Some(OrganisationDraft {
                slug: (!self.slug.is_empty()).then(|| self.slug.clone()),
                name: self.name.clone(),
                kind: Some(code(&mut p, "kind", &self.kind)?),
                region: opt_code(&mut p, "region", &self.region)?,
                website: self.website.clone(),
                siren: self.siren.clone(),
                rna: self.rna.clone(),
            })
        })();
        finish_draft(p, draft)
    }

    pub fn from_record(record: &Organisation) -> Self {
        let fields = &record.fields;
        Self {
            slug: fields.slug.to_string(),
            external_id: None,
            name: fields.name.to_string(),
            kind: fields.kind.code().to_owned(),
            region: fields.region.map(|region| region.code().to_owned()),
            website: fields.website.as_ref().map(|url| url.as_str().to_owned()),
            siren: fields.siren.as_ref().map(|siren| siren.as_str().to_owned()),
            rna: fields.rna.as_ref().map(|rna| rna.as_str().to_owned()),
            publication_status: Some(record.meta.publication_status.code().to_owned()),
            provenance: None,
            provenance_note: None,
            licence: None,
            source: None,
        }
    }
}

impl TerritoryRecord {
    pub fn to_draft(&self) -> Result<TerritoryDraft, Vec<FieldProblem>> {
        let mut p = Problems::default();
        let draft = (|| {
            let level = code(&mut p, "level", &self.level);
            let region = opt_code(&mut p, "region", &self.region);
            let types = codes(&mut p, "types", &self.types);
            Some(TerritoryDraft {
                slug: (!self.slug.is_empty()).then(|| self.slug.clone()),
                name: self.name.clone(),
                level: Some(level?),
                code: self.code.clone(),
                region: region?,
                types: types?,
                centroid: self.centroid.map(|point| (point.lat, point.lon)),
            })
        })();
        finish_draft(p, draft)
    }

    pub fn from_record(record: &Territory) -> Self {
        let fields = &record.fields;
        Self {
            slug: fields.slug.to_string(),
            external_id: None,
            name: fields.name.to_string(),
            level: fields.level.code().to_owned(),
            code: fields.code.as_ref().map(ToString::to_string),
            region: fields.region.map(|region| region.code().to_owned()),
            types: codes_of(&fields.types),
            centroid: fields.centroid.map(|point| Centroid { lat: point.latitude(), lon: point.longitude() }),
            publication_status: Some(record.meta.publication_status.code().to_owned()),
            provenance: None,
            provenance_note: None,
            licence: None,
            source: None,
        }
    }
}

impl ProgrammeRecord {
    pub fn to_draft(&self, names: &Names) -> Result<ProgrammeDraft, Vec<FieldProblem>> {
        let mut p = Problems::default();
        let draft = (|| {
            let operator = opt_ref(names, &mut p, "operator", &self.operator);
            let funders = names.ids(&mut p, "funders", &self.funders);
            let parent = opt_ref(names, &mut p, "parent", &self.parent);
            let themes = codes(&mut p, "themes", &self.themes);
            Some(ProgrammeDraft {
                slug: (!self.slug.is_empty()).then(|| self.slug.clone()),
                name: self.name.clone(),
                summary: self.summary.clone(),
                start_year: self.start_year,
                end_year: self.end_year,
                operator: operator?,
                funders: funders?,
                parent: parent?,
                themes: themes?,
            })
        })();
        finish_draft(p, draft)
    }

    pub fn from_record(record: &Programme, names: &Names) -> Self {
        let fields = &record.fields;
        Self {
            slug: fields.slug.to_string(),
            external_id: None,
            name: fields.name.to_string(),
            summary: fields.summary.to_string(),
            start_year: fields.start_year.map(|year| year.get().into()),
            end_year: fields.end_year.map(|year| year.get().into()),
            operator: fields.operator.map(|id| names.slug(id)),
            funders: names.slugs(&fields.funders),
            parent: fields.parent.map(|id| names.slug(id)),
            themes: codes_of(&fields.themes),
            publication_status: Some(record.meta.publication_status.code().to_owned()),
            provenance: None,
            provenance_note: None,
            licence: None,
            source: None,
        }
    }
}

impl SheetRecord {
    // Long by nature: one statement per field of a sheet, each problem named after its field.
    pub fn to_draft(&self, names: &Names) -> Result<SheetDraft, Vec<FieldProblem>> {
        let mut p = Problems::default();
        let draft = (|| {
            let phases: Vec<Option<PhaseDraft>> = self
                .phases
                .iter()
                .enumerate()
                .map(|(i, form)| {
                    Some(PhaseDraft {
                        phase: code(&mut p, &format!("phases[{i}].phase"), &form.phase)?,
                        started_on: form.started_on,
                        ended_on: form.ended_on,
                        methods: form.methods.clone(),
                        participants: form.participants.clone(),
                        outcome: form.outcome.clone(),
                    })
                })
                .collect();
            let documents: Vec<Option<DocumentDraft>> = self
                .documents
                .iter()
                .enumerate()
                .map(|(i, form)| {
                    Some(DocumentDraft {
                        title: form.title.clone(),
                        kind: code(&mut p, &format!("documents[{i}].kind"), &form.kind)?,
                        url: form.url.clone(),
                    })
                })
                .collect();
            let activity_type = code(&mut p, "activityType", &self.activity_type);
            let programmes = names.ids(&mut p, "programmes", &self.programmes);
            let territories = names.ids(&mut p, "territories", &self.territories);
            let supporting_structure = opt_ref(names, &mut p, "supportingStructure", &self.supporting_structure);
            let project_holder = opt_ref(names, &mut p, "projectHolder", &self.project_holder);
            let partners = names.ids(&mut p, "partners", &self.partners);
            let themes = codes(&mut p, "themes", &self.themes);
            let target_publics = codes(&mut p, "targetPublics", &self.target_publics);
            let status = code(&mut p, "status", &self.status);
            let funding: Vec<Option<FundingDraft>> = self
                .funding
                .iter()
                .enumerate()
                .map(|(i, form)| {
                    Some(FundingDraft {
                        funder: form.funder.clone(),
                        amount: form.amount.0.clone(),
                        year: form.year,
                        kind: opt_code(&mut p, &format!("funding[{i}].kind"), &form.kind)?,
                    })
                })
                .collect();
            Some(SheetDraft {
                slug: (!self.slug.is_empty()).then(|| self.slug.clone()),
                title: self.title.clone(),
                summary: self.summary.clone(),
                body: self.body.clone(),
                activity_type: Some(activity_type?),
                programmes: programmes?,
                territories: territories?,
                supporting_structure: supporting_structure?,
                project_holder: project_holder?,
                partners: partners?,
                social_need: self.social_need.clone(),
                themes: themes?,
                target_publics: target_publics?,
                status: Some(status?),
                phases: phases.into_iter().collect::<Option<_>>()?,
                indicators: self
                    .indicators
                    .iter()
                    .map(|form| IndicatorDraft {
                        name: form.name.clone(),
                        unit: form.unit.clone(),
                        baseline: form.baseline,
                        target: form.target,
                        actual: form.actual,
                    })
                    .collect(),
                testimonies: self
                    .testimonies
                    .iter()
                    .map(|form| TestimonyDraft {
                        quote: form.quote.clone(),
                        speaker: form.speaker.clone(),
                        role: form.role.clone(),
                    })
                    .collect(),
                documents: documents.into_iter().collect::<Option<_>>()?,
                source_url: self.source_url.clone(),
                licence: self.licence.clone(),
                budget: self.budget.as_ref().map(|budget| budget.0.clone()),
                funding: funding.into_iter().collect::<Option<_>>()?,
            })
        })();
        if !p.is_empty() {
            // Some values did not convert: the fields that do not depend on them are still checked,
            // so that one pass tells every problem of the record.
            let probe = SheetDraft {
                slug: (!self.slug.is_empty()).then(|| self.slug.clone()),
                title: self.title.clone(),
                summary: self.summary.clone(),
                body: self.body.clone(),
                activity_type: Some(ActivityType::Other),
                social_need: self.social_need.clone(),
                source_url: self.source_url.clone(),
                licence: self.licence.clone(),
                budget: self.budget.as_ref().map(|budget| budget.0.clone()),
                funding: self
                    .funding
                    .iter()
                    .map(|form| FundingDraft {
                        funder: form.funder.clone(),
                        amount: form.amount.0.clone(),
                        year: form.year,
                        kind: None,
                    })
                    .collect(),
                ..SheetDraft::default()
            };
            if let Err(found) = probe.validate() {
                let told: Vec<String> = p.fields().map(str::to_owned).collect();
                for problem in found.into_iter().filter(|problem| !told.contains(&problem.field)) {
                    p.add(problem.field, problem.problem);
                }
            }
        }
        finish_draft(p, draft)
    }

    pub fn from_record(record: &Sheet, names: &Names) -> Self {
        let fields = &record.fields;
        let text = |labels: &[Label]| labels.iter().map(ToString::to_string).collect();
        Self {
            slug: fields.slug.to_string(),
            external_id: None,
            title: fields.title.to_string(),
            summary: fields.summary.to_string(),
            body: fields.body.to_string(),
            activity_type: fields.activity_type.code().to_owned(),
            programmes: names.slugs(&fields.programmes),
            territories: names.slugs(&fields.territories),
            supporting_structure: fields.supporting_structure.map(|id| names.slug(id)),
            project_holder: fields.project_holder.map(|id| names.slug(id)),
            partners: names.slugs(&fields.partners),
            social_need: fields.social_need.to_string(),
            themes: codes_of(&fields.themes),
            target_publics: codes_of(&fields.target_publics),
            status: fields.status.code().to_owned(),
            phases: fields
                .phases
                .iter()
                .map(|record| PhaseRecordForm {
                    phase: record.phase.code().to_owned(),
                    started_on: record.started_on,
                    ended_on: record.ended_on,
                    methods: text(&record.methods),
                    participants: text(&record.participants),
                    outcome: record.outcome.to_string(),
                })
                .collect(),
            indicators: fields
                .indicators
                .iter()
                .map(|indicator| IndicatorForm {
                    name: indicator.name.to_string(),
                    unit: indicator.unit.to_string(),
                    baseline: indicator.baseline,
                    target: indicator.target,
                    actual: indicator.actual,
                })
                .collect(),
            testimonies: fields
                .testimonies
                .iter()
                .map(|testimony| TestimonyForm {
                    quote: testimony.quote.to_string(),
                    speaker: testimony.speaker.to_string(),
                    role: testimony.role.to_string(),
                })
                .collect(),
            documents: fields
                .documents
                .iter()
                .map(|document| DocumentForm {
                    title: document.title.to_string(),
                    kind: document.kind.code().to_owned(),
                    url: document.url.as_str().to_owned(),
                })
                .collect(),
            budget: fields.budget.map(|budget| AmountText(budget.plain())),
            funding: fields
                .funding
                .iter()
                .map(|line| FundingForm {
                    funder: line.funder.to_string(),
                    amount: AmountText(line.amount.plain()),
                    year: line.year.map(|year| year.get().into()),
                    kind: Some(line.kind.code().to_owned()),
                })
                .collect(),
            source_url: fields.source_url.as_ref().map(|url| url.as_str().to_owned()),
            licence: fields.licence.as_ref().map(ToString::to_string),
            publication_status: Some(record.meta.publication_status.code().to_owned()),
            provenance: None,
            provenance_note: None,
            source: None,
        }
    }
}

impl LessonRecord {
    pub fn to_draft(&self, names: &Names) -> Result<LessonDraft, Vec<FieldProblem>> {
        let mut p = Problems::default();
        let draft = (|| {
            let links: Vec<Option<EvidenceLinkDraft>> = self
                .evidence_links
                .iter()
                .enumerate()
                .map(|(i, form)| {
                    let sheet = names.id(&mut p, format!("evidenceLinks[{i}].sheet"), &form.sheet);
                    let role = code(&mut p, &format!("evidenceLinks[{i}].role"), &form.role);
                    Some(EvidenceLinkDraft { sheet: sheet?, role: role?, note: form.note.clone() })
                })
                .collect();
            let polarity = code(&mut p, "polarity", &self.polarity);
            let evidence_level = code(&mut p, "evidenceLevel", &self.evidence_level);
            let phases = codes(&mut p, "phases", &self.phases);
            let categories = codes(&mut p, "categories", &self.categories);
            let themes = codes(&mut p, "themes", &self.themes);
            let territory_types = codes(&mut p, "territoryTypes", &self.territory_types);
            Some(LessonDraft {
                slug: (!self.slug.is_empty()).then(|| self.slug.clone()),
                polarity: Some(polarity?),
                title: self.title.clone(),
                context: self.context.clone(),
                lesson: self.lesson.clone(),
                recommendation: self.recommendation.clone(),
                evidence: self.evidence.clone(),
                evidence_level: Some(evidence_level?),
                phases: phases?,
                categories: categories?,
                themes: themes?,
                territory_types: territory_types?,
                evidence_links: links.into_iter().collect::<Option<_>>()?,
            })
        })();
        finish_draft(p, draft)
    }

    pub fn from_record(record: &Lesson, names: &Names) -> Self {
        let fields = &record.fields;
        Self {
            slug: fields.slug.to_string(),
            external_id: None,
            polarity: fields.polarity.code().to_owned(),
            title: fields.title.to_string(),
            context: fields.context.to_string(),
            lesson: fields.lesson.to_string(),
            recommendation: fields.recommendation.to_string(),
            evidence: fields.evidence.to_string(),
            evidence_level: fields.evidence_level.code().to_owned(),
            phases: codes_of(&fields.phases),
            categories: codes_of(&fields.categories),
            themes: codes_of(&fields.themes),
            territory_types: codes_of(&fields.territory_types),
            evidence_links: fields
                .evidence_links
                .iter()
                .map(|link| EvidenceLinkForm {
                    sheet: names.slug(link.sheet),
                    role: link.role.code().to_owned(),
                    note: link.note.to_string(),
                })
                .collect(),
            publication_status: Some(record.meta.publication_status.code().to_owned()),
            provenance: None,
            provenance_note: None,
            licence: None,
            source: None,
        }
    }
}
