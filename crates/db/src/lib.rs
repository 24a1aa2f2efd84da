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
#[cfg(feature = "testkit")]
pub mod testkit;
pub mod tls;

pub use conn::{Target, connect};
/// The client crate, for callers that listen for notifications.
pub use postgres;

/// What went wrong talking to the database. Messages never hold a password.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The server could not be reached or refused the login.
    #[error("cannot connect to {target}: {detail}")]
    Connect { target: String, detail: String },
    /// The connection string could not be read.
    #[error("the connection string is not valid: {0}")]
    BadUrl(String),
    /// A command was given something it cannot use (a role that does not exist).
    #[error("{en}")]
    Usage { en: String, zh: String },
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

impl DbError {
    /// The message in Chinese (`zh`) or English; what the server said is
    /// quoted as it said it.
    pub fn text(&self, zh: bool) -> String {
        if !zh {
            return self.to_string();
        }
        match self {
            DbError::Connect { target, detail } => format!("无法连接数据库 {target}：{detail}"),
            DbError::BadUrl(d) => format!("数据库连接字符串无效：{d}"),
            DbError::Usage { zh, .. } => zh.clone(),
            DbError::Denied(d) => format!("无权执行此操作：{d}"),
            DbError::Schema(d) => match d.as_str() {
                d if d.contains("no binzhou-sites schema") => {
                    "该数据库还没有 binzhou-sites 的数据结构：请先运行 `binzhou-sites db init URL`".into()
                }
                d if d.contains("older than") => {
                    "该数据库的数据结构版本较旧：请运行 `binzhou-sites db init URL` 升级".into()
                }
                d if d.contains("newer than") => "该数据库的数据结构比本程序新：请更新 binzhou-sites".into(),
                d => d.to_string(),
            },
            DbError::Sql(d) => format!("数据库语句出错：{d}"),
            DbError::File { path, detail } => format!("{path}：{detail}"),
        }
    }
}

/// An error and its causes, one after another (`error connecting to server:
/// Connection refused (os error 111)`), without a password.
pub(crate) fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let next = s.to_string();
        if !text.contains(&next) {
            text.push_str(": ");
            text.push_str(&next);
        }
        source = s.source();
    }
    conn::redact_text(&text)
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
        DbError::Sql(chain(&e))
    }
}
