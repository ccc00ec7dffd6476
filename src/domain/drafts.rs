//! Drafts: the raw, unvalidated form of each record's fields, as a client or a file gives them
//! (strings, numbers, references already resolved to ids). `validate` turns a draft into fields,
//! naming every problem at once; `to_draft` goes back, so that a partial update is "draft of the
//! current fields, with the client's changes applied, validated again".

use chrono::NaiveDate;

use super::records::*;
use super::text::*;
use super::vocabulary::*;

fn title(problems: &mut Problems, field: &str, raw: &str) -> Option<Title> {
    problems.check(field, Title::parse(raw))
}

fn optional<T>(
    problems: &mut Problems,
    field: &str,
    raw: &Option<String>,
    parse: impl Fn(&str) -> Result<T, String>,
) -> Option<Option<T>> {
    match raw.as_deref().map(str::trim) {
        None | Some("") => Some(None),
        Some(raw) => problems.check(field, parse(raw)).map(Some),
    }
}

/// Uses the given slug, or derives one from the title when none is given.
fn slug_or_title(problems: &mut Problems, slug: &Option<String>, title: &str) -> Option<Slug> {
    match slug.as_deref() {
        Some(slug) => problems.check("slug", Slug::parse(slug)),
        None => problems.check(
            "slug",
            Slug::from_title(title).ok_or_else(|| "cannot be derived from the title; give one explicitly".to_owned()),
        ),
    }
}

fn list<T: Copy>(problems: &mut Problems, field: &str, values: &[T]) -> Option<Vec<T>> {
    if values.len() > MAX_LIST_ITEMS {
        problems.add(field, format!("has {} items, at most {MAX_LIST_ITEMS} are allowed", values.len()));
        return None;
    }
    Some(values.to_vec())
}

fn vocabulary<T: Copy + Eq>(problems: &mut Problems, field: &str, values: &[T]) -> Option<Vec<T>> {
    list(problems, field, values).map(dedup)
}

fn number(problems: &mut Problems, field: String, raw: Option<f64>) -> Option<Option<f64>> {
    match raw {
        None => Some(None),
        Some(raw) => problems.check(field, finite(raw)).map(Some),
    }
}

fn finish<T>(
    problems: Problems,
    value: Option<T>,
    check: impl FnOnce(&T, &mut Problems),
) -> Result<T, Vec<FieldProblem>> {
    let mut problems = problems;
    match value {
        Some(value) if problems.is_empty() => {
            check(&value, &mut problems);
            problems.into_result().map(|()| value)
        }
        _ => {
            let problems = problems.into_vec();
            // A `None` without a recorded problem cannot happen: every `None` comes from `check`.
            debug_assert!(!problems.is_empty());
            Err(problems)
        }
    }
}

/// The raw fields of an organisation.
#[derive(Debug, Clone, Default)]
pub struct OrganisationDraft {
    pub slug: Option<String>,
    pub name: String,
    pub kind: Option<OrganisationKind>,
    pub region: Option<Region>,
    pub website: Option<String>,
    pub siren: Option<String>,
    pub rna: Option<String>,
}

impl OrganisationDraft {
    pub fn validate(&self) -> Result<OrganisationFields, Vec<FieldProblem>> {
        let mut p = Problems::default();
        let fields = (|| {
            Some(OrganisationFields {
                slug: slug_or_title(&mut p, &self.slug, &self.name)?,
                name: title(&mut p, "name", &self.name)?,
                kind: self.kind.or_else(|| {
                    p.add("kind", "is required");
                    None
                })?,
                region: self.region,
                website: optional(&mut p, "website", &self.website, WebAddress::parse)?,
                siren: optional(&mut p, "siren", &self.siren, Siren::parse)?,
                rna: optional(&mut p, "rna", &self.rna, Rna::parse)?,
            })
        })();
        finish(p, fields, |_, _| {})
    }
}

/// The raw fields of a territory.
#[derive(Debug, Clone, Default)]
pub struct TerritoryDraft {
    pub slug: Option<String>,
    pub name: String,
    pub level: Option<TerritoryLevel>,
    pub code: Option<String>,
    pub region: Option<Region>,
    pub types: Vec<TerritoryType>,
    pub centroid: Option<(f64, f64)>,
}

impl TerritoryDraft {
    pub fn validate(&self) -> Result<TerritoryFields, Vec<FieldProblem>> {
        let mut p = Problems::default();
        let fields = (|| {
            Some(TerritoryFields {
                slug: slug_or_title(&mut p, &self.slug, &self.name)?,
                name: title(&mut p, "name", &self.name)?,
                level: self.level.or_else(|| {
                    p.add("level", "is required");
                    None
                })?,
                code: optional(&mut p, "code", &self.code, Label::parse)?,
                region: self.region,
                types: vocabulary(&mut p, "types", &self.types)?,
                centroid: match self.centroid {
                    None => None,
                    Some((lat, lon)) => Some(p.check("centroid", GeoPoint::parse(lat, lon))?),
                },
            })
        })();
        finish(p, fields, |_, _| {})
    }
}

/// The raw fields of a programme.
#[derive(Debug, Clone, Default)]
pub struct ProgrammeDraft {
    pub slug: Option<String>,
    pub name: String,
    pub summary: String,
    pub start_year: Option<i64>,
    pub end_year: Option<i64>,
    pub operator: Option<OrganisationId>,
    pub funders: Vec<OrganisationId>,
    pub parent: Option<ProgrammeId>,
    pub themes: Vec<Theme>,
}

impl ProgrammeDraft {
    pub fn validate(&self) -> Result<ProgrammeFields, Vec<FieldProblem>> {
        let mut p = Problems::default();
        let fields = (|| {
            Some(ProgrammeFields {
                slug: slug_or_title(&mut p, &self.slug, &self.name)?,
                name: title(&mut p, "name", &self.name)?,
                summary: p.check("summary", Summary::parse(&self.summary))?,
                start_year: match self.start_year {
                    None => None,
                    Some(year) => Some(p.check("startYear", Year::parse(year))?),
                },
                end_year: match self.end_year {
                    None => None,
                    Some(year) => Some(p.check("endYear", Year::parse(year))?),
                },
                operator: self.operator,
                funders: list(&mut p, "funders", &self.funders)?,
                parent: self.parent,
                themes: vocabulary(&mut p, "themes", &self.themes)?,
            })
        })();
        finish(p, fields, ProgrammeFields::check)
    }
}

/// The raw form of a phase record.
#[derive(Debug, Clone)]
pub struct PhaseDraft {
    pub phase: Phase,
    pub started_on: Option<NaiveDate>,
    pub ended_on: Option<NaiveDate>,
    pub methods: Vec<String>,
    pub participants: Vec<String>,
    pub outcome: String,
}

/// The raw form of an indicator.
#[derive(Debug, Clone)]
pub struct IndicatorDraft {
    pub name: String,
    pub unit: String,
    pub baseline: Option<f64>,
    pub target: Option<f64>,
    pub actual: Option<f64>,
}

/// The raw form of a line of a funding plan. The amount is text, read by `Amount::parse` (the API's
/// numbers are written as text first), so that every way in gives the same problems.
#[derive(Debug, Clone, Default)]
pub struct FundingDraft {
    pub funder: String,
    pub amount: String,
    pub year: Option<i64>,
    pub kind: Option<FundingKind>,
}

/// The raw form of a testimony.
#[derive(Debug, Clone)]
pub struct TestimonyDraft {
    pub quote: String,
    pub speaker: String,
    pub role: String,
}

/// The raw form of a document.
#[derive(Debug, Clone)]
pub struct DocumentDraft {
    pub title: String,
    pub kind: DocumentKind,
    pub url: String,
}

/// The raw fields of a project sheet.
#[derive(Debug, Clone, Default)]
pub struct SheetDraft {
    pub slug: Option<String>,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub activity_type: Option<ActivityType>,
    pub programmes: Vec<ProgrammeId>,
    pub territories: Vec<TerritoryId>,
    pub supporting_structure: Option<OrganisationId>,
    pub project_holder: Option<OrganisationId>,
    pub partners: Vec<OrganisationId>,
    pub social_need: String,
    pub themes: Vec<Theme>,
    pub target_publics: Vec<TargetPublic>,
    pub status: Option<SheetStatus>,
    pub phases: Vec<PhaseDraft>,
    pub indicators: Vec<IndicatorDraft>,
    pub testimonies: Vec<TestimonyDraft>,
    pub documents: Vec<DocumentDraft>,
    pub source_url: Option<String>,
    pub licence: Option<String>,
    /// The total budget in euros, as text (`Amount::parse`).
    pub budget: Option<String>,
    pub funding: Vec<FundingDraft>,
}

fn labels(p: &mut Problems, field: &str, raw: &[String]) -> Option<Vec<Label>> {
    let labels = p.check_all(field, raw, |item| Label::parse(item))?;
    Some(labels.into_iter().filter(|label| !label.as_str().is_empty()).collect())
}

impl SheetDraft {
    // Long by nature: one check per field of a sheet, every problem collected.
    pub fn validate(&self) -> Result<SheetFields, Vec<FieldProblem>> {
        let mut p = Problems::default();
        let phases = self.phases.iter().enumerate().map(|(i, draft)| {
            let methods = labels(&mut p, &format!("phases[{i}].methods"), &draft.methods);
            let participants = labels(&mut p, &format!("phases[{i}].participants"), &draft.participants);
            let outcome = p.check(format!("phases[{i}].outcome"), Prose::parse(&draft.outcome));
            Some(PhaseRecord {
                phase: draft.phase,
                started_on: draft.started_on,
                ended_on: draft.ended_on,
                methods: methods?,
                participants: participants?,
                outcome: outcome?,
            })
        });
        let phases: Option<Vec<PhaseRecord>> = phases.collect::<Vec<_>>().into_iter().collect();
        let indicators = self.indicators.iter().enumerate().map(|(i, draft)| {
            let name = p.check(format!("indicators[{i}].name"), Title::parse(&draft.name));
            let unit = p.check(format!("indicators[{i}].unit"), Label::parse(&draft.unit));
            let baseline = number(&mut p, format!("indicators[{i}].baseline"), draft.baseline);
            let target = number(&mut p, format!("indicators[{i}].target"), draft.target);
            let actual = number(&mut p, format!("indicators[{i}].actual"), draft.actual);
            Some(Indicator { name: name?, unit: unit?, baseline: baseline?, target: target?, actual: actual? })
        });
        let indicators: Option<Vec<Indicator>> = indicators.collect::<Vec<_>>().into_iter().collect();
        let testimonies = self.testimonies.iter().enumerate().map(|(i, draft)| {
            let quote = p.check(format!("testimonies[{i}].quote"), Prose::parse(&draft.quote));
            let speaker = p.check(format!("testimonies[{i}].speaker"), Label::parse(&draft.speaker));
            let role = p.check(format!("testimonies[{i}].role"), Label::parse(&draft.role));
            Some(Testimony { quote: quote?, speaker: speaker?, role: role? })
        });
        let testimonies: Option<Vec<Testimony>> = testimonies.collect::<Vec<_>>().into_iter().collect();
        let documents = self.documents.iter().enumerate().map(|(i, draft)| {
            let title = p.check(format!("documents[{i}].title"), Title::parse(&draft.title));
            let url = p.check(format!("documents[{i}].url"), WebAddress::parse(&draft.url));
            Some(Document { title: title?, kind: draft.kind, url: url? })
        });
        let documents: Option<Vec<Document>> = documents.collect::<Vec<_>>().into_iter().collect();
        let funding = self.funding.iter().enumerate().map(|(i, draft)| {
            let funder = p.check(format!("funding[{i}].funder"), Label::parse(&draft.funder));
            let funder = funder.filter(|funder| !funder.as_str().is_empty()).or_else(|| {
                p.add(format!("funding[{i}].funder"), "is empty: name who funds (« Région Bretagne »)");
                None
            });
            let amount = p.check(format!("funding[{i}].amount"), Amount::parse(&draft.amount));
            let year = match draft.year {
                None => Some(None),
                Some(year) => p.check(format!("funding[{i}].year"), Year::parse(year)).map(Some),
            };
            Some(Funding {
                funder: funder?,
                amount: amount?,
                year: year?,
                kind: draft.kind.unwrap_or(FundingKind::Other),
            })
        });
        let funding: Option<Vec<Funding>> = funding.collect::<Vec<_>>().into_iter().collect();
        let budget = optional(&mut p, "budget", &self.budget, Amount::parse);
        let slug = slug_or_title(&mut p, &self.slug, &self.title);
        let title = title(&mut p, "title", &self.title);
        let summary = p.check("summary", Summary::parse(&self.summary));
        let body = p.check("body", Body::parse(&self.body));
        let activity_type = self.activity_type.or_else(|| {
            p.add("activityType", "is required");
            None
        });
        let programmes = list(&mut p, "programmes", &self.programmes);
        let territories = list(&mut p, "territories", &self.territories);
        let partners = list(&mut p, "partners", &self.partners);
        let social_need = p.check("socialNeed", Prose::parse(&self.social_need));
        let themes = vocabulary(&mut p, "themes", &self.themes);
        let target_publics = vocabulary(&mut p, "targetPublics", &self.target_publics);
        let source_url = optional(&mut p, "sourceUrl", &self.source_url, WebAddress::parse);
        let licence = optional(&mut p, "licence", &self.licence, Label::parse);
        let fields = (|| {
            Some(SheetFields {
                slug: slug?,
                title: title?,
                summary: summary?,
                body: body?,
                activity_type: activity_type?,
                programmes: programmes?,
                territories: territories?,
                supporting_structure: self.supporting_structure,
                project_holder: self.project_holder,
                partners: partners?,
                social_need: social_need?,
                themes: themes?,
                target_publics: target_publics?,
                status: self.status.unwrap_or(SheetStatus::Idea),
                phases: phases?,
                indicators: indicators?,
                testimonies: testimonies?,
                documents: documents?,
                source_url: source_url?,
                licence: licence?,
                budget: budget?,
                funding: funding?,
            })
        })();
        finish(p, fields, SheetFields::check)
    }
}

/// The raw form of an evidence link.
#[derive(Debug, Clone)]
pub struct EvidenceLinkDraft {
    pub sheet: SheetId,
    pub role: EvidenceRole,
    pub note: String,
}

/// The raw fields of a lesson.
#[derive(Debug, Clone, Default)]
pub struct LessonDraft {
    pub slug: Option<String>,
    pub polarity: Option<Polarity>,
    pub title: String,
    pub context: String,
    pub lesson: String,
    pub recommendation: String,
    pub evidence: String,
    pub evidence_level: Option<EvidenceLevel>,
    pub phases: Vec<Phase>,
    pub categories: Vec<LessonCategory>,
    pub themes: Vec<Theme>,
    pub territory_types: Vec<TerritoryType>,
    pub evidence_links: Vec<EvidenceLinkDraft>,
}

impl LessonDraft {
    pub fn validate(&self) -> Result<LessonFields, Vec<FieldProblem>> {
        let mut p = Problems::default();
        let links = self.evidence_links.iter().enumerate().map(|(i, draft)| {
            let note = p.check(format!("evidenceLinks[{i}].note"), Prose::parse(&draft.note));
            Some(EvidenceLink { sheet: draft.sheet, role: draft.role, note: note? })
        });
        let links: Option<Vec<EvidenceLink>> = links.collect::<Vec<_>>().into_iter().collect();
        let links = links.and_then(|links| {
            if links.len() > MAX_LIST_ITEMS {
                p.add("evidenceLinks", format!("has {} items, at most {MAX_LIST_ITEMS} are allowed", links.len()));
                None
            } else {
                Some(links)
            }
        });
        let slug = slug_or_title(&mut p, &self.slug, &self.title);
        let title = title(&mut p, "title", &self.title);
        let polarity = self.polarity.or_else(|| {
            p.add("polarity", "is required");
            None
        });
        let context = p.check("context", Prose::parse(&self.context));
        let lesson = p.check("lesson", Prose::parse(&self.lesson));
        let recommendation = p.check("recommendation", Prose::parse(&self.recommendation));
        let evidence = p.check("evidence", Prose::parse(&self.evidence));
        let phases = vocabulary(&mut p, "phases", &self.phases);
        let categories = vocabulary(&mut p, "categories", &self.categories);
        let themes = vocabulary(&mut p, "themes", &self.themes);
        let territory_types = vocabulary(&mut p, "territoryTypes", &self.territory_types);
        let fields = (|| {
            Some(LessonFields {
                slug: slug?,
                polarity: polarity?,
                title: title?,
                context: context?,
                lesson: lesson?,
                recommendation: recommendation?,
                evidence: evidence?,
                evidence_level: self.evidence_level.unwrap_or(EvidenceLevel::OneProject),
                phases: phases?,
                categories: categories?,
                themes: themes?,
                territory_types: territory_types?,
                evidence_links: links?,
            })
        })();
        finish(p, fields, LessonFields::check)
    }
}

impl OrganisationFields {
    pub fn to_draft(&self) -> OrganisationDraft {
        OrganisationDraft {
            slug: Some(self.slug.to_string()),
            name: self.name.to_string(),
            kind: Some(self.kind),
            region: self.region,
            website: self.website.as_ref().map(|url| url.as_str().to_owned()),
            siren: self.siren.as_ref().map(|siren| siren.as_str().to_owned()),
            rna: self.rna.as_ref().map(|rna| rna.as_str().to_owned()),
        }
    }
}

impl TerritoryFields {
    pub fn to_draft(&self) -> TerritoryDraft {
        TerritoryDraft {
            slug: Some(self.slug.to_string()),
            name: self.name.to_string(),
            level: Some(self.level),
            code: self.code.as_ref().map(ToString::to_string),
            region: self.region,
            types: self.types.clone(),
            centroid: self.centroid.map(|point| (point.latitude(), point.longitude())),
        }
    }
}

impl ProgrammeFields {
    pub fn to_draft(&self) -> ProgrammeDraft {
        ProgrammeDraft {
            slug: Some(self.slug.to_string()),
            name: self.name.to_string(),
            summary: self.summary.to_string(),
            start_year: self.start_year.map(|year| year.get().into()),
            end_year: self.end_year.map(|year| year.get().into()),
            operator: self.operator,
            funders: self.funders.clone(),
            parent: self.parent,
            themes: self.themes.clone(),
        }
    }
}

fn strings(labels: &[Label]) -> Vec<String> {
    labels.iter().map(ToString::to_string).collect()
}

impl SheetFields {
    pub fn to_draft(&self) -> SheetDraft {
        SheetDraft {
            slug: Some(self.slug.to_string()),
            title: self.title.to_string(),
            summary: self.summary.to_string(),
            body: self.body.to_string(),
            activity_type: Some(self.activity_type),
            programmes: self.programmes.clone(),
            territories: self.territories.clone(),
            supporting_structure: self.supporting_structure,
            project_holder: self.project_holder,
            partners: self.partners.clone(),
            social_need: self.social_need.to_string(),
            themes: self.themes.clone(),
            target_publics: self.target_publics.clone(),
            status: Some(self.status),
            phases: self
                .phases
                .iter()
                .map(|record| PhaseDraft {
                    phase: record.phase,
                    started_on: record.started_on,
                    ended_on: record.ended_on,
                    methods: strings(&record.methods),
                    participants: strings(&record.participants),
                    outcome: record.outcome.to_string(),
                })
                .collect(),
            indicators: self
                .indicators
                .iter()
                .map(|indicator| IndicatorDraft {
                    name: indicator.name.to_string(),
                    unit: indicator.unit.to_string(),
                    baseline: indicator.baseline,
                    target: indicator.target,
                    actual: indicator.actual,
                })
                .collect(),
            testimonies: self
                .testimonies
                .iter()
                .map(|testimony| TestimonyDraft {
                    quote: testimony.quote.to_string(),
                    speaker: testimony.speaker.to_string(),
                    role: testimony.role.to_string(),
                })
                .collect(),
            documents: self
                .documents
                .iter()
                .map(|document| DocumentDraft {
                    title: document.title.to_string(),
                    kind: document.kind,
                    url: document.url.as_str().to_owned(),
                })
                .collect(),
            source_url: self.source_url.as_ref().map(|url| url.as_str().to_owned()),
            licence: self.licence.as_ref().map(ToString::to_string),
            budget: self.budget.map(Amount::plain),
            funding: self
                .funding
                .iter()
                .map(|line| FundingDraft {
                    funder: line.funder.to_string(),
                    amount: line.amount.plain(),
                    year: line.year.map(|year| year.get().into()),
                    kind: Some(line.kind),
                })
                .collect(),
        }
    }
}

impl LessonFields {
    pub fn to_draft(&self) -> LessonDraft {
        LessonDraft {
            slug: Some(self.slug.to_string()),
            polarity: Some(self.polarity),
            title: self.title.to_string(),
            context: self.context.to_string(),
            lesson: self.lesson.to_string(),
            recommendation: self.recommendation.to_string(),
            evidence: self.evidence.to_string(),
            evidence_level: Some(self.evidence_level),
            phases: self.phases.clone(),
            categories: self.categories.clone(),
            themes: self.themes.clone(),
            territory_types: self.territory_types.clone(),
            evidence_links: self
                .evidence_links
                .iter()
                .map(|link| EvidenceLinkDraft { sheet: link.sheet, role: link.role, note: link.note.to_string() })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sheet_draft_reports_every_problem_with_its_field() {
        let draft = SheetDraft {
            title: " ".into(),
            slug: Some("Bad Slug".into()),
            source_url: Some("ftp://x".into()),
            indicators: vec![IndicatorDraft {
                name: "n".into(),
                unit: "".into(),
                baseline: Some(f64::NAN),
                target: None,
                actual: None,
            }],
            ..SheetDraft::default()
        };
        let problems = draft.validate().err().unwrap_or_default();
        let fields: Vec<&str> = problems.iter().map(|problem| problem.field.as_str()).collect();
        assert_eq!(fields, vec!["indicators[0].baseline", "slug", "title", "activityType", "sourceUrl"]);
    }

    #[test]
    fn a_funding_plan_names_its_bad_lines_and_stays_within_the_budget() {
        let line = |funder: &str, amount: &str| FundingDraft {
            funder: funder.into(),
            amount: amount.into(),
            year: Some(2024),
            kind: Some(FundingKind::PublicGrant),
        };
        let draft = SheetDraft {
            title: "Garage solidaire".into(),
            activity_type: Some(ActivityType::SolidarityGarage),
            budget: Some("douze mille".into()),
            funding: vec![line("Région Bretagne", "12 000"), line("", "abc")],
            ..SheetDraft::default()
        };
        let problems = draft.validate().err().unwrap_or_default();
        let fields: Vec<&str> = problems.iter().map(|problem| problem.field.as_str()).collect();
        assert_eq!(fields, vec!["funding[1].funder", "funding[1].amount", "budget"]);

        let draft = SheetDraft {
            title: "Garage solidaire".into(),
            activity_type: Some(ActivityType::SolidarityGarage),
            budget: Some("20 000 €".into()),
            funding: vec![line("Région Bretagne", "12 000"), line("Fondation de France", "9 000,50")],
            ..SheetDraft::default()
        };
        let problems = draft.validate().err().unwrap_or_default();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].field, "funding");
        assert!(problems[0].problem.contains("21\u{202f}000,50 €"), "{}", problems[0].problem);
    }

    #[test]
    fn a_lesson_without_slug_gets_one_from_its_title() {
        let draft = LessonDraft {
            title: "Mobiliser les élus dès le diagnostic".into(),
            polarity: Some(Polarity::SuccessFactor),
            ..LessonDraft::default()
        };
        let fields = draft.validate().map(|fields| fields.slug.to_string());
        assert_eq!(fields.as_deref(), Ok("mobiliser-les-elus-des-le-diagnostic"));
    }

    #[test]
    fn phase_dates_must_be_in_order() {
        let day = |d| NaiveDate::from_ymd_opt(2021, 3, d);
        let draft = SheetDraft {
            title: "Garage".into(),
            activity_type: Some(ActivityType::SolidarityGarage),
            phases: vec![PhaseDraft {
                phase: Phase::Launch,
                started_on: day(10),
                ended_on: day(1),
                methods: vec![],
                participants: vec![],
                outcome: String::new(),
            }],
            ..SheetDraft::default()
        };
        let problems = draft.validate().err().unwrap_or_default();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].field, "phases[0].endedOn");
    }
}
