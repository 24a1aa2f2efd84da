//! The plan shared through a database server: PostgreSQL 15 with PostGIS 3.
//!
//! - [`schema`]: the tables, triggers and roles, created by versioned,
//!   idempotent migrations ([`schema::init`]).
//! - [`conn`]: connecting from a libpq URL or the `PG*` variables and
//!   `~/.pgpass`, with passwords kept out of every message.
//! - [`sites`]: pushing a dataset up (binary `COPY`), pulling it down, and
//!   editing one site with optimistic locking (`… WHERE version = $2`).
//! - [`checks`]: sending the field-check journals, photos included.
//! - [`roles`]: viewers, inspectors, city-wide and district editors.
//!
//! Every statement is parameterised; names and values never become SQL.

pub mod checks;
pub mod conn;
pub mod roles;
pub mod schema;
pub mod sites;

pub use conn::{Target, connect};

/// What went wrong talking to the database. Messages never hold a password.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The server could not be reached or refused the login.
    #[error("cannot connect to {target}: {detail}")]
    Connect { target: String, detail: String },
    /// The connection string could not be read.
    #[error("the connection string is not valid: {0}")]
    BadUrl(String),
    /// The user's role may not do this (row-level security or grants).
    #[error("not allowed: {0}")]
    Denied(String),
    /// The database has no binzhou-sites schema, or a newer one.
    #[error("{0}")]
    Schema(String),
    /// A statement failed.
    #[error("database: {0}")]
    Sql(String),
    /// A file could not be read.
    #[error("{path}: {detail}")]
    File { path: String, detail: String },
}

impl From<postgres::Error> for DbError {
    fn from(e: postgres::Error) -> Self {
        if let Some(db) = e.as_db_error() {
            if *db.code() == postgres::error::SqlState::INSUFFICIENT_PRIVILEGE {
                return DbError::Denied(db.message().to_string());
            }
            let mut text = db.message().to_string();
            if let Some(d) = db.detail() {
                text.push_str(" (");
                text.push_str(d);
                text.push(')');
            }
            return DbError::Sql(text);
        }
        DbError::Sql(conn::redact_text(&e.to_string()))
    }
}
