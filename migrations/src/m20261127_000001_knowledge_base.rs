//! The knowledge base: organisations, territories, programmes, project sheets and lessons, their
//! links, the vocabulary tags that filters use, the revision history and the change log (outbox) that
//! the search index and live subscriptions follow.
//!
//! Conventions: ids are 64-bit integers; timestamps are microseconds since the Unix epoch (portable,
//! totally ordered, cheap to compare for keyset pagination); vocabulary values are stored as their
//! GraphQL codes (`"SOLIDARITY_GARAGE"`), so a database dump reads like the API.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261127_000001_knowledge_base"
    }
}

/// Columns every editable record carries: its publication status, optimistic-locking version and
/// timestamps.
fn record_columns(table: &mut TableCreateStatement) -> &mut TableCreateStatement {
    table
        .col(string_len(Alias::new("publication_status"), 16))
        .col(integer(Alias::new("version")))
        .col(big_integer(Alias::new("created_at")))
        .col(big_integer(Alias::new("updated_at")))
}

fn fk(from_table: &str, from_col: &str, to_table: &str, on_delete: ForeignKeyAction) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{from_table}_{from_col}"))
        .from(Alias::new(from_table), Alias::new(from_col))
        .to(Alias::new(to_table), Alias::new("id"))
        .on_delete(on_delete)
        .to_owned()
}

fn index(table: &str, cols: &[&str], unique: bool) -> IndexCreateStatement {
    let mut stmt = Index::create();
    stmt.name(format!("ix_{table}_{}", cols.join("_"))).table(Alias::new(table));
    for col in cols {
        stmt.col(Alias::new(*col));
    }
    if unique {
        stmt.unique();
    }
    stmt.to_owned()
}

/// A link table between two records, ordered by `position`, with a composite primary key.
fn link_table(name: &str, from: (&str, &str), to: (&str, &str)) -> TableCreateStatement {
    Table::create()
        .table(Alias::new(name))
        .col(big_integer(Alias::new(from.0)))
        .col(big_integer(Alias::new(to.0)))
        .col(integer(Alias::new("position")))
        .primary_key(Index::create().col(Alias::new(from.0)).col(Alias::new(to.0)))
        .foreign_key(&mut fk(name, from.0, from.1, ForeignKeyAction::Cascade))
        .foreign_key(&mut fk(name, to.0, to.1, ForeignKeyAction::Restrict))
        .to_owned()
}

/// A table of values owned by a sheet (phase records, indicators…), ordered by `position`.
fn sheet_child(name: &str) -> TableCreateStatement {
    Table::create()
        .table(Alias::new(name))
        .col(big_pk_auto(Alias::new("id")))
        .col(big_integer(Alias::new("sheet_id")))
        .col(integer(Alias::new("position")))
        .foreign_key(&mut fk(name, "sheet_id", "sheet", ForeignKeyAction::Cascade))
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let a = Alias::new;
        let mut tables: Vec<TableCreateStatement> = Vec::new();

        let mut organisation = Table::create();
        organisation
            .table(a("organisation"))
            .col(big_pk_auto(a("id")))
            .col(string_len_uniq(a("slug"), 80))
            .col(string_len(a("name"), 200))
            .col(string_len(a("kind"), 32))
            .col(string_len_null(a("region"), 40))
            .col(string_len_null(a("website"), 2000))
            .col(string_len_null(a("siren"), 9))
            .col(string_len_null(a("rna"), 10));
        tables.push(record_columns(&mut organisation).to_owned());

        let mut territory = Table::create();
        territory
            .table(a("territory"))
            .col(big_pk_auto(a("id")))
            .col(string_len_uniq(a("slug"), 80))
            .col(string_len(a("name"), 200))
            .col(string_len(a("level"), 16))
            .col(string_len_null(a("code"), 20))
            .col(string_len_null(a("region"), 40))
            .col(double_null(a("latitude")))
            .col(double_null(a("longitude")));
        tables.push(record_columns(&mut territory).to_owned());

        let mut programme = Table::create();
        programme
            .table(a("programme"))
            .col(big_pk_auto(a("id")))
            .col(string_len_uniq(a("slug"), 80))
            .col(string_len(a("name"), 200))
            .col(text(a("summary")))
            .col(integer_null(a("start_year")))
            .col(integer_null(a("end_year")))
            .col(big_integer_null(a("operator_id")))
            .col(big_integer_null(a("parent_id")))
            .foreign_key(&mut fk("programme", "operator_id", "organisation", ForeignKeyAction::Restrict))
            .foreign_key(&mut fk("programme", "parent_id", "programme", ForeignKeyAction::Restrict));
        tables.push(record_columns(&mut programme).to_owned());
        tables.push(link_table("programme_funder", ("programme_id", "programme"), ("organisation_id", "organisation")));

        let mut sheet = Table::create();
        sheet
            .table(a("sheet"))
            .col(big_pk_auto(a("id")))
            .col(string_len_uniq(a("slug"), 80))
            .col(string_len(a("title"), 200))
            .col(text(a("summary")))
            .col(text(a("body")))
            .col(string_len(a("activity_type"), 40))
            .col(big_integer_null(a("supporting_structure_id")))
            .col(big_integer_null(a("project_holder_id")))
            .col(text(a("social_need")))
            .col(string_len(a("status"), 32))
            .col(string_len_null(a("source_url"), 2000))
            .col(string_len_null(a("licence"), 200))
            .foreign_key(&mut fk("sheet", "supporting_structure_id", "organisation", ForeignKeyAction::Restrict))
            .foreign_key(&mut fk("sheet", "project_holder_id", "organisation", ForeignKeyAction::Restrict));
        tables.push(record_columns(&mut sheet).to_owned());
        tables.push(link_table("sheet_programme", ("sheet_id", "sheet"), ("programme_id", "programme")));
        tables.push(link_table("sheet_territory", ("sheet_id", "sheet"), ("territory_id", "territory")));
        tables.push(link_table("sheet_partner", ("sheet_id", "sheet"), ("organisation_id", "organisation")));

        tables.push(
            sheet_child("sheet_phase")
                .col(string_len(a("phase"), 32))
                .col(date_null(a("started_on")))
                .col(date_null(a("ended_on")))
                .col(text(a("methods")))
                .col(text(a("participants")))
                .col(text(a("outcome")))
                .to_owned(),
        );
        tables.push(
            sheet_child("sheet_indicator")
                .col(string_len(a("name"), 200))
                .col(string_len(a("unit"), 200))
                .col(double_null(a("baseline")))
                .col(double_null(a("target")))
                .col(double_null(a("actual")))
                .to_owned(),
        );
        tables.push(
            sheet_child("sheet_testimony")
                .col(text(a("quote")))
                .col(string_len(a("speaker"), 200))
                .col(string_len(a("role"), 200))
                .to_owned(),
        );
        tables.push(
            sheet_child("sheet_document")
                .col(string_len(a("title"), 200))
                .col(string_len(a("kind"), 32))
                .col(string_len(a("url"), 2000))
                .to_owned(),
        );

        let mut lesson = Table::create();
        lesson
            .table(a("lesson"))
            .col(big_pk_auto(a("id")))
            .col(string_len_uniq(a("slug"), 80))
            .col(string_len(a("polarity"), 32))
            .col(string_len(a("title"), 200))
            .col(text(a("context")))
            .col(text(a("lesson")))
            .col(text(a("recommendation")))
            .col(text(a("evidence")))
            .col(string_len(a("evidence_level"), 40));
        tables.push(record_columns(&mut lesson).to_owned());
        tables.push(
            Table::create()
                .table(a("lesson_evidence"))
                .col(big_integer(a("lesson_id")))
                .col(big_integer(a("sheet_id")))
                .col(string_len(a("role"), 32))
                .col(text(a("note")))
                .col(integer(a("position")))
                .primary_key(Index::create().col(a("lesson_id")).col(a("sheet_id")))
                .foreign_key(&mut fk("lesson_evidence", "lesson_id", "lesson", ForeignKeyAction::Cascade))
                .foreign_key(&mut fk("lesson_evidence", "sheet_id", "sheet", ForeignKeyAction::Restrict))
                .to_owned(),
        );

        // Multi-valued vocabularies (themes, target publics, territory types, phases, categories) of
        // every kind of record, in one table so that filters and aggregates share one shape.
        tables.push(
            Table::create()
                .table(a("tag"))
                .col(string_len(a("entity"), 16))
                .col(big_integer(a("record_id")))
                .col(string_len(a("facet"), 32))
                .col(string_len(a("value"), 40))
                .col(integer(a("position")))
                .primary_key(Index::create().col(a("entity")).col(a("record_id")).col(a("facet")).col(a("value")))
                .to_owned(),
        );

        // Every state a record has had: one row per version, with who and when.
        tables.push(
            Table::create()
                .table(a("revision"))
                .col(big_pk_auto(a("id")))
                .col(string_len(a("entity"), 16))
                .col(big_integer(a("record_id")))
                .col(integer(a("version")))
                .col(string_len(a("action"), 32))
                .col(string_len(a("author"), 200))
                .col(text_null(a("reason")))
                .col(big_integer(a("created_at")))
                .col(text(a("snapshot")))
                .to_owned(),
        );

        // The change log (outbox): written in the same transaction as each change, read in id order by
        // the indexer and the subscriptions.
        tables.push(
            Table::create()
                .table(a("change"))
                .col(big_pk_auto(a("id")))
                .col(string_len(a("entity"), 16))
                .col(big_integer(a("record_id")))
                .col(string_len(a("action"), 32))
                .col(big_integer(a("created_at")))
                .to_owned(),
        );

        for table in tables {
            manager.create_table(table).await?;
        }

        let indexes = [
            index("revision", &["entity", "record_id", "version"], true),
            index("tag", &["entity", "facet", "value"], false),
            index("programme", &["parent_id"], false),
            index("programme_funder", &["organisation_id"], false),
            index("sheet", &["supporting_structure_id"], false),
            index("sheet", &["project_holder_id"], false),
            index("sheet", &["updated_at"], false),
            index("sheet_programme", &["programme_id"], false),
            index("sheet_territory", &["territory_id"], false),
            index("sheet_partner", &["organisation_id"], false),
            index("sheet_phase", &["sheet_id"], false),
            index("sheet_indicator", &["sheet_id"], false),
            index("sheet_testimony", &["sheet_id"], false),
            index("sheet_document", &["sheet_id"], false),
            index("lesson_evidence", &["sheet_id"], false),
            index("lesson", &["updated_at"], false),
        ];
        for index in indexes {
            manager.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "change",
            "revision",
            "tag",
            "lesson_evidence",
            "lesson",
            "sheet_document",
            "sheet_testimony",
            "sheet_indicator",
            "sheet_phase",
            "sheet_partner",
            "sheet_territory",
            "sheet_programme",
            "sheet",
            "programme_funder",
            "programme",
            "territory",
            "organisation",
        ] {
            manager.drop_table(Table::drop().table(Alias::new(table)).to_owned()).await?;
        }
        Ok(())
    }
}
