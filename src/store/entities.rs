//! The sea-orm entities: one module per table, mirroring `migrations/`. They never leave `store/`;
//! the functions of the store turn rows into domain records.

macro_rules! no_relations {
    () => {
        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}
        impl ActiveModelBehavior for ActiveModel {}
    };
}

pub mod organisation {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "organisation")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub slug: String,
        pub name: String,
        pub kind: String,
        pub region: Option<String>,
        pub website: Option<String>,
        pub siren: Option<String>,
        pub rna: Option<String>,
        pub publication_status: String,
        pub version: i32,
        pub created_at: i64,
        pub updated_at: i64,
        pub owner_organisation_id: Option<i64>,
    }
    no_relations!();
}

pub mod territory {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "territory")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub slug: String,
        pub name: String,
        pub level: String,
        pub code: Option<String>,
        pub region: Option<String>,
        pub latitude: Option<f64>,
        pub longitude: Option<f64>,
        pub publication_status: String,
        pub version: i32,
        pub created_at: i64,
        pub updated_at: i64,
        pub owner_organisation_id: Option<i64>,
    }
    no_relations!();
}

pub mod programme {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "programme")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub slug: String,
        pub name: String,
        pub summary: String,
        pub start_year: Option<i32>,
        pub end_year: Option<i32>,
        pub operator_id: Option<i64>,
        pub parent_id: Option<i64>,
        pub publication_status: String,
        pub version: i32,
        pub created_at: i64,
        pub updated_at: i64,
        pub owner_organisation_id: Option<i64>,
    }
    no_relations!();
}

pub mod sheet {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "sheet")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub slug: String,
        pub title: String,
        pub summary: String,
        pub body: String,
        pub activity_type: String,
        pub supporting_structure_id: Option<i64>,
        pub project_holder_id: Option<i64>,
        pub social_need: String,
        pub status: String,
        pub source_url: Option<String>,
        pub licence: Option<String>,
        /// The total budget, in cents of euro.
        pub budget_cents: Option<i64>,
        pub publication_status: String,
        pub version: i32,
        pub created_at: i64,
        pub updated_at: i64,
        pub owner_organisation_id: Option<i64>,
    }
    no_relations!();
}

pub mod lesson {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "lesson")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub slug: String,
        pub polarity: String,
        pub title: String,
        pub context: String,
        pub lesson: String,
        pub recommendation: String,
        pub evidence: String,
        pub evidence_level: String,
        pub publication_status: String,
        pub version: i32,
        pub created_at: i64,
        pub updated_at: i64,
        pub owner_organisation_id: Option<i64>,
    }
    no_relations!();
}

/// The link tables share one shape: two ids and a position.
macro_rules! link_entity {
    ($module:ident, $table:literal, $from:ident, $to:ident) => {
        pub mod $module {
            use sea_orm::entity::prelude::*;
            #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
            #[sea_orm(table_name = $table)]
            pub struct Model {
                #[sea_orm(primary_key, auto_increment = false)]
                pub $from: i64,
                #[sea_orm(primary_key, auto_increment = false)]
                pub $to: i64,
                pub position: i32,
            }
            no_relations!();
        }
    };
}

link_entity!(programme_funder, "programme_funder", programme_id, organisation_id);
link_entity!(sheet_programme, "sheet_programme", sheet_id, programme_id);
link_entity!(sheet_territory, "sheet_territory", sheet_id, territory_id);
link_entity!(sheet_partner, "sheet_partner", sheet_id, organisation_id);

pub mod lesson_evidence {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "lesson_evidence")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub lesson_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub sheet_id: i64,
        pub role: String,
        pub note: String,
        pub position: i32,
    }
    no_relations!();
}

pub mod sheet_phase {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "sheet_phase")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub sheet_id: i64,
        pub position: i32,
        pub phase: String,
        pub started_on: Option<Date>,
        pub ended_on: Option<Date>,
        /// A JSON array of strings.
        pub methods: String,
        /// A JSON array of strings.
        pub participants: String,
        pub outcome: String,
    }
    no_relations!();
}

pub mod sheet_indicator {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "sheet_indicator")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub sheet_id: i64,
        pub position: i32,
        pub name: String,
        pub unit: String,
        pub baseline: Option<f64>,
        pub target: Option<f64>,
        pub actual: Option<f64>,
    }
    no_relations!();
}

pub mod sheet_funding {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "sheet_funding")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub sheet_id: i64,
        pub position: i32,
        pub funder: String,
        pub amount_cents: i64,
        pub year: Option<i32>,
        pub kind: String,
    }
    no_relations!();
}

pub mod sheet_testimony {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "sheet_testimony")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub sheet_id: i64,
        pub position: i32,
        pub quote: String,
        pub speaker: String,
        pub role: String,
    }
    no_relations!();
}

pub mod sheet_document {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "sheet_document")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub sheet_id: i64,
        pub position: i32,
        pub title: String,
        pub kind: String,
        pub url: String,
    }
    no_relations!();
}

pub mod tag {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "tag")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub entity: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub record_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub facet: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub value: String,
        pub position: i32,
    }
    no_relations!();
}

pub mod revision {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "revision")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub entity: String,
        pub record_id: i64,
        pub version: i32,
        pub action: String,
        pub author: String,
        pub reason: Option<String>,
        pub created_at: i64,
        pub snapshot: String,
    }
    no_relations!();
}

pub mod change {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "change")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub entity: String,
        pub record_id: i64,
        pub action: String,
        pub created_at: i64,
    }
    no_relations!();
}

pub mod glossary_entry {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "glossary_entry")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        /// A JSON array of strings.
        pub terms: String,
        /// A JSON array of strings: terms the entry's terms expand to, one way.
        pub narrower: String,
        /// Where the entry comes from, one line.
        pub source: String,
        pub version: i32,
        pub updated_at: i64,
    }
    no_relations!();
}

pub mod api_token {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "api_token")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub name: Option<String>,
        pub role: String,
        pub organisation_id: Option<i64>,
        pub programme_id: Option<i64>,
        /// The SHA-256 digest of the secret, in hex; the secret itself is never stored.
        pub secret_digest: String,
        pub created_by: String,
        pub created_at: i64,
        pub revoked_at: Option<i64>,
    }
    no_relations!();
}

pub mod person {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "person")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        /// The token whose role and scope the person acts with (its secret is never issued).
        pub token_id: i64,
        pub email: String,
        /// The argon2id hash of the password, in the PHC string format.
        pub password_hash: String,
        pub failed_attempts: i32,
        pub locked_until: Option<i64>,
        pub created_at: i64,
        pub last_signed_in_at: Option<i64>,
    }
    no_relations!();
}

pub mod invitation {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "invitation")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        /// The SHA-256 digest of the link's secret, in hex.
        pub secret_digest: String,
        pub purpose: String,
        pub email: String,
        pub name: Option<String>,
        pub role: String,
        pub organisation_id: Option<i64>,
        pub programme_id: Option<i64>,
        pub person_id: Option<i64>,
        pub created_by: String,
        pub created_at: i64,
        pub expires_at: i64,
        pub used_at: Option<i64>,
    }
    no_relations!();
}

pub mod session {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "session")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        /// The SHA-256 digest of the session cookie's secret, in hex.
        pub secret_digest: String,
        /// The SHA-256 digest of the session's CSRF token, in hex.
        pub csrf_digest: String,
        pub person_id: i64,
        pub created_at: i64,
        pub expires_at: i64,
        pub revoked_at: Option<i64>,
    }
    no_relations!();
}

pub mod saved_search {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "saved_search")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub token_id: i64,
        pub name: String,
        /// The search as the query string of its feed (`q=…&theme=…`).
        pub parameters: String,
        pub created_at: i64,
        pub last_visited_at: Option<i64>,
    }
    no_relations!();
}

pub mod lesson_cluster {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "lesson_cluster")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub name: String,
        pub created_by: String,
        pub created_at: i64,
    }
    no_relations!();
}

pub mod lesson_cluster_member {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "lesson_cluster_member")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub lesson_id: i64,
        pub cluster_id: i64,
    }
    no_relations!();
}

pub mod external_key {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "external_key")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub kind: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub value: String,
        pub record_id: i64,
        pub created_at: i64,
    }
    no_relations!();
}
