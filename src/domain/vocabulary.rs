//! The controlled vocabularies of the field (themes, statuses, phases of the démarche, lesson
//! categories…), each value with its stable code (used on the wire and in the database) and its French
//! label (used by people). Defined once here; the GraphQL layer exposes them as enums and the store
//! writes their codes, so adding a value is a one-line change.

/// A closed list of values with a stable code and a French label.
pub trait Vocabulary: Sized + Copy + Eq + Send + Sync + 'static {
    /// The vocabulary's name, as GraphQL shows it.
    const NAME: &'static str;
    /// What the vocabulary describes, in English, for the schema.
    const DESCRIPTION: &'static str;
    /// Every value, in display order.
    const ALL: &'static [Self];
    /// Returns the stable code (`"SOLIDARITY_GARAGE"`).
    fn code(self) -> &'static str;
    /// Returns the French label (« Garage solidaire »).
    fn label(self) -> &'static str;
    /// Returns the value with this code, if any.
    fn from_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|value| value.code() == code)
    }
    /// Reads a value as people write it in a spreadsheet: its code or its French label, whatever the
    /// case, accents, apostrophes, hyphens, underscores and spaces (« Lancé », « lance »,
    /// « LAUNCHED », « étude d'opportunité »).
    fn from_code_or_label(raw: &str) -> Option<Self> {
        let wanted = loose(raw);
        if wanted.is_empty() {
            return None;
        }
        Self::ALL.iter().copied().find(|value| loose(value.code()) == wanted || loose(value.label()) == wanted)
    }
}

/// A text folded for loose comparison: lower case, no accents, words separated by one space.
fn loose(text: &str) -> String {
    let folded = super::text::fold(text);
    folded
        .split(|c: char| !c.is_alphanumeric() && c != '(' && c != ')')
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

macro_rules! vocabulary {
    ($(#[doc = $doc:literal])* $name:ident { $($variant:ident = $code:literal => $label:literal,)+ }) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant,)+ }

        impl Vocabulary for $name {
            const NAME: &'static str = stringify!($name);
            const DESCRIPTION: &'static str = concat!($($doc),*);
            const ALL: &'static [Self] = &[$(Self::$variant,)+];
            fn code(self) -> &'static str {
                match self { $(Self::$variant => $code,)+ }
            }
            fn label(self) -> &'static str {
                match self { $(Self::$variant => $label,)+ }
            }
        }
    };
}

vocabulary! {
    /// The kind of an organisation in the network.
    OrganisationKind {
        SupportStructure = "SUPPORT_STRUCTURE" => "Structure d’accompagnement (Fabrique à initiatives)",
        ProjectHolder = "PROJECT_HOLDER" => "Porteur de projet",
        Funder = "FUNDER" => "Financeur",
        LocalAuthority = "LOCAL_AUTHORITY" => "Collectivité territoriale",
        Network = "NETWORK" => "Réseau",
        Other = "OTHER" => "Autre",
    }
}

vocabulary! {
    /// A French region.
    Region {
        AuvergneRhoneAlpes = "AUVERGNE_RHONE_ALPES" => "Auvergne-Rhône-Alpes",
        BourgogneFrancheComte = "BOURGOGNE_FRANCHE_COMTE" => "Bourgogne-Franche-Comté",
        Bretagne = "BRETAGNE" => "Bretagne",
        CentreValDeLoire = "CENTRE_VAL_DE_LOIRE" => "Centre-Val de Loire",
        Corse = "CORSE" => "Corse",
        GrandEst = "GRAND_EST" => "Grand Est",
        HautsDeFrance = "HAUTS_DE_FRANCE" => "Hauts-de-France",
        IleDeFrance = "ILE_DE_FRANCE" => "Île-de-France",
        Normandie = "NORMANDIE" => "Normandie",
        NouvelleAquitaine = "NOUVELLE_AQUITAINE" => "Nouvelle-Aquitaine",
        Occitanie = "OCCITANIE" => "Occitanie",
        PaysDeLaLoire = "PAYS_DE_LA_LOIRE" => "Pays de la Loire",
        ProvenceAlpesCoteDAzur = "PROVENCE_ALPES_COTE_D_AZUR" => "Provence-Alpes-Côte d’Azur",
        Guadeloupe = "GUADELOUPE" => "Guadeloupe",
        Martinique = "MARTINIQUE" => "Martinique",
        Guyane = "GUYANE" => "Guyane",
        LaReunion = "LA_REUNION" => "La Réunion",
        Mayotte = "MAYOTTE" => "Mayotte",
    }
}

vocabulary! {
    /// The administrative level of a territory.
    TerritoryLevel {
        Commune = "COMMUNE" => "Commune",
        Epci = "EPCI" => "Intercommunalité (EPCI)",
        Department = "DEPARTMENT" => "Département",
        Region = "REGION" => "Région",
        Qpv = "QPV" => "Quartier prioritaire (QPV)",
        Basin = "BASIN" => "Pays / bassin de vie",
    }
}

vocabulary! {
    /// A kind of territory (a territory can be of several).
    TerritoryType {
        Qpv = "QPV" => "Quartier prioritaire de la politique de la ville",
        Rural = "RURAL" => "Rural",
        PeriUrban = "PERI_URBAN" => "Périurbain",
        Urban = "URBAN" => "Urbain",
        Metropole = "METROPOLE" => "Métropole",
        Overseas = "OVERSEAS" => "Outre-mer",
    }
}

vocabulary! {
    /// A theme of social utility that programmes, sheets and lessons address.
    Theme {
        Mobility = "MOBILITY" => "Mobilité",
        AgeingWell = "AGEING_WELL" => "Bien-vieillir",
        Food = "FOOD" => "Alimentation",
        Culture = "CULTURE" => "Culture",
        Employment = "EMPLOYMENT" => "Emploi et insertion",
        Housing = "HOUSING" => "Habitat et logement",
        Health = "HEALTH" => "Santé",
        SocialCohesion = "SOCIAL_COHESION" => "Lien social",
        CircularEconomy = "CIRCULAR_ECONOMY" => "Économie circulaire",
        LocalServices = "LOCAL_SERVICES" => "Services de proximité",
        Digital = "DIGITAL" => "Numérique",
        Environment = "ENVIRONMENT" => "Transition écologique",
        Education = "EDUCATION" => "Éducation et formation",
    }
}

vocabulary! {
    /// The kind of activity a project creates.
    ActivityType {
        SolidarityGarage = "SOLIDARITY_GARAGE" => "Garage solidaire",
        ConciergeService = "CONCIERGE_SERVICE" => "Conciergerie",
        ThirdPlace = "THIRD_PLACE" => "Tiers-lieu",
        SolidarityGrocery = "SOLIDARITY_GROCERY" => "Épicerie solidaire",
        FoodSupplyPlatform = "FOOD_SUPPLY_PLATFORM" => "Plateforme d’approvisionnement alimentaire",
        CaregiverSupport = "CAREGIVER_SUPPORT" => "Aide aux aidants",
        MicroServices = "MICRO_SERVICES" => "Micro-services",
        IntergenerationalHousing = "INTERGENERATIONAL_HOUSING" => "Habitat intergénérationnel",
        EmploymentService = "EMPLOYMENT_SERVICE" => "Service emploi",
        MobilityService = "MOBILITY_SERVICE" => "Service de mobilité",
        RepairAndReuse = "REPAIR_AND_REUSE" => "Réparation et réemploi",
        Other = "OTHER" => "Autre",
    }
}

vocabulary! {
    /// A public a project is for.
    TargetPublic {
        Seniors = "SENIORS" => "Seniors",
        Caregivers = "CAREGIVERS" => "Aidants",
        JobSeekers = "JOB_SEEKERS" => "Demandeurs d’emploi",
        LowIncomePeople = "LOW_INCOME_PEOPLE" => "Personnes à faibles revenus",
        YoungPeople = "YOUNG_PEOPLE" => "Jeunes",
        Families = "FAMILIES" => "Familles",
        Residents = "RESIDENTS" => "Habitants",
        ArtistsAndCreators = "ARTISTS_AND_CREATORS" => "Artistes et créateurs",
        FarmersAndProducers = "FARMERS_AND_PRODUCERS" => "Agriculteurs et producteurs",
        Employers = "EMPLOYERS" => "Employeurs",
        Employees = "EMPLOYEES" => "Salariés",
        Associations = "ASSOCIATIONS" => "Associations",
    }
}

vocabulary! {
    /// Where a project stands in the démarche, from the idea to the launch.
    SheetStatus {
        Idea = "IDEA" => "Idée",
        NeedsDetection = "NEEDS_DETECTION" => "Détection des besoins",
        OpportunityStudy = "OPPORTUNITY_STUDY" => "Étude d’opportunité",
        HolderSearch = "HOLDER_SEARCH" => "Recherche de porteur",
        HolderFound = "HOLDER_FOUND" => "Porteur identifié",
        Launching = "LAUNCHING" => "Lancement en cours",
        Launched = "LAUNCHED" => "Lancé",
        Abandoned = "ABANDONED" => "Abandonné",
    }
}

vocabulary! {
    /// A phase of the Fabrique à initiatives démarche.
    Phase {
        NeedsDetection = "NEEDS_DETECTION" => "Détection des besoins",
        Ideation = "IDEATION" => "Idéation",
        OpportunityStudy = "OPPORTUNITY_STUDY" => "Étude d’opportunité",
        ProjectGroup = "PROJECT_GROUP" => "Groupe-projet",
        HolderSearch = "HOLDER_SEARCH" => "Recherche du porteur",
        FeasibilityStudy = "FEASIBILITY_STUDY" => "Étude de faisabilité",
        Launch = "LAUNCH" => "Lancement",
        Consolidation = "CONSOLIDATION" => "Consolidation",
    }
}

vocabulary! {
    /// The kind of a document attached to a project sheet.
    DocumentKind {
        Guide = "GUIDE" => "Guide",
        Report = "REPORT" => "Rapport",
        OpportunityStudy = "OPPORTUNITY_STUDY" => "Étude d’opportunité",
        Summary = "SUMMARY" => "Synthèse",
        Presentation = "PRESENTATION" => "Présentation",
        WebPage = "WEB_PAGE" => "Page web",
        Video = "VIDEO" => "Vidéo",
        Other = "OTHER" => "Autre",
    }
}

vocabulary! {
    /// Where a line of a sheet's funding plan comes from.
    FundingKind {
        PublicGrant = "PUBLIC_GRANT" => "Subvention publique",
        EuropeanFunds = "EUROPEAN_FUNDS" => "Fonds européens",
        Philanthropy = "PHILANTHROPY" => "Mécénat et fondations",
        Loan = "LOAN" => "Prêt",
        OwnFunds = "OWN_FUNDS" => "Fonds propres",
        EarnedIncome = "EARNED_INCOME" => "Recettes d’activité",
        InKind = "IN_KIND" => "Contribution en nature",
        Other = "OTHER" => "Autre",
    }
}

vocabulary! {
    /// Whether a lesson is something to reproduce or to avoid.
    Polarity {
        SuccessFactor = "SUCCESS_FACTOR" => "Facteur clé de succès",
        Pitfall = "PITFALL" => "Écueil",
        FailureFactor = "FAILURE_FACTOR" => "Facteur d’échec",
    }
}

vocabulary! {
    /// How strongly a lesson is backed.
    EvidenceLevel {
        Testimony = "TESTIMONY" => "Témoignage",
        OneProject = "ONE_PROJECT" => "Un projet",
        SeveralProjectsOneProgramme = "SEVERAL_PROJECTS_ONE_PROGRAMME" => "Plusieurs projets d’un programme",
        SeveralProgrammes = "SEVERAL_PROGRAMMES" => "Plusieurs programmes",
        Evaluated = "EVALUATED" => "Évalué",
    }
}

vocabulary! {
    /// What a lesson is about.
    LessonCategory {
        NeedsAndDiagnosis = "NEEDS_AND_DIAGNOSIS" => "Besoins et diagnostic",
        StakeholderCooperation = "STAKEHOLDER_COOPERATION" => "Coopération entre acteurs",
        LocalAuthoritySupport = "LOCAL_AUTHORITY_SUPPORT" => "Soutien des collectivités",
        HolderAndGovernance = "HOLDER_AND_GOVERNANCE" => "Porteur et gouvernance",
        BusinessModelAndFunding = "BUSINESS_MODEL_AND_FUNDING" => "Modèle économique et financement",
        ResourcesAndTeam = "RESOURCES_AND_TEAM" => "Moyens et équipe",
        TerritorialAnchoring = "TERRITORIAL_ANCHORING" => "Ancrage territorial",
        Time = "TIME" => "Temps",
        CommunicationAndMobilisation = "COMMUNICATION_AND_MOBILISATION" => "Communication et mobilisation",
        SocialImpactEvaluation = "SOCIAL_IMPACT_EVALUATION" => "Évaluation de l’impact social",
        Method = "METHOD" => "Méthode",
    }
}

vocabulary! {
    /// How a project sheet bears on a lesson.
    EvidenceRole {
        ObservedIn = "OBSERVED_IN" => "Observé dans",
        ContradictedBy = "CONTRADICTED_BY" => "Contredit par",
    }
}

vocabulary! {
    /// Where a record stands in the publication workflow.
    PublicationStatus {
        Draft = "DRAFT" => "Brouillon",
        Submitted = "SUBMITTED" => "Soumis",
        Published = "PUBLISHED" => "Publié",
        Archived = "ARCHIVED" => "Archivé",
    }
}

vocabulary! {
    /// What an API token lets its holder do.
    Role {
        Reader = "READER" => "Lecteur",
        Contributor = "CONTRIBUTOR" => "Contributeur",
        Reviewer = "REVIEWER" => "Relecteur",
        Admin = "ADMIN" => "Administrateur",
    }
}

#[cfg(test)]
mod loose_tests {
    use super::*;

    #[test]
    fn a_value_is_read_from_its_code_or_its_french_label_however_written() {
        assert_eq!(SheetStatus::from_code_or_label("Lancé"), Some(SheetStatus::Launched));
        assert_eq!(SheetStatus::from_code_or_label(" lance "), Some(SheetStatus::Launched));
        assert_eq!(SheetStatus::from_code_or_label("launched"), Some(SheetStatus::Launched));
        assert_eq!(SheetStatus::from_code_or_label("Lancement en cours"), Some(SheetStatus::Launching));
        assert_eq!(Phase::from_code_or_label("étude d'opportunité"), Some(Phase::OpportunityStudy));
        assert_eq!(Phase::from_code_or_label("Etude d’opportunite"), Some(Phase::OpportunityStudy));
        assert_eq!(Phase::from_code_or_label("opportunity study"), Some(Phase::OpportunityStudy));
        assert_eq!(ActivityType::from_code_or_label("GARAGE SOLIDAIRE"), Some(ActivityType::SolidarityGarage));
        assert_eq!(TerritoryLevel::from_code_or_label("Quartier prioritaire (QPV)"), Some(TerritoryLevel::Qpv));
        assert_eq!(Theme::from_code_or_label("Mobilite"), Some(Theme::Mobility));
        assert_eq!(Theme::from_code_or_label(""), None);
        assert_eq!(Theme::from_code_or_label("Sport"), None);
    }

    #[test]
    fn no_two_values_of_a_vocabulary_read_alike() {
        fn distinct<T: Vocabulary + std::fmt::Debug>() {
            let mut seen = std::collections::HashMap::new();
            for value in T::ALL {
                for text in [value.code(), value.label()] {
                    if let Some(other) = seen.insert(loose(text), *value) {
                        assert_eq!(other, *value, "{}: « {text} » reads as two values", T::NAME);
                    }
                }
            }
        }
        distinct::<OrganisationKind>();
        distinct::<Region>();
        distinct::<TerritoryLevel>();
        distinct::<TerritoryType>();
        distinct::<Theme>();
        distinct::<ActivityType>();
        distinct::<TargetPublic>();
        distinct::<SheetStatus>();
        distinct::<Phase>();
        distinct::<DocumentKind>();
        distinct::<FundingKind>();
        distinct::<Polarity>();
        distinct::<EvidenceLevel>();
        distinct::<LessonCategory>();
        distinct::<EvidenceRole>();
        distinct::<PublicationStatus>();
    }
}
