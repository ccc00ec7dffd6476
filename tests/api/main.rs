//! The integration tests of retex, one binary organised by behaviour. Every test starts the server on
//! a fresh database (SQLite, or PostgreSQL when `RETEX_TEST_DATABASE_URL` is set) through `harness`.

mod harness;

mod access;
mod advice;
mod bad_input;
mod catalogue;
mod changelog;
mod concurrency;
mod dashboards;
mod demo;
mod layers;
mod leaks;
mod limits;
mod operations;
mod pagination;
mod people;
mod records;
mod relevance;
mod schema;
mod search;
mod statements;
mod transfer;
mod visibility;
mod web;
