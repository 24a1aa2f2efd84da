//! Who may do what: viewers read, inspectors also send field checks,
//! editors change any site, district editors only their districts' sites
//! (row-level security on `sites`). `db init` makes the four group roles;
//! [`grant`] puts a login in one.

use postgres::Client;

use crate::DbError;

/// A group role of the schema.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Role {
    Viewer,
    Inspector,
    /// Changes every site (the city's bureaus).
    Editor,
    /// Changes only the sites of these districts (a county's team).
    DistrictEditor(Vec<String>),
}

impl Role {
    /// The PostgreSQL group role.
    pub fn group(&self) -> &'static str {
        match self {
            Role::Viewer => "binzhou_viewer",
            Role::Inspector => "binzhou_inspector",
            Role::Editor => "binzhou_editor",
            Role::DistrictEditor(_) => "binzhou_district_editor",
        }
    }

    /// Reads `viewer`, `inspector`, `editor`, or `editor` with districts.
    pub fn parse(name: &str, districts: &[String]) -> Result<Role, DbError> {
        match (name, districts.is_empty()) {
            ("viewer", true) => Ok(Role::Viewer),
            ("inspector", true) => Ok(Role::Inspector),
            ("editor", true) => Ok(Role::Editor),
            ("editor", false) => Ok(Role::DistrictEditor(districts.to_vec())),
            ("viewer" | "inspector", false) => Err(DbError::Usage {
                en: format!("a {name} has no districts: --district is for editors"),
                zh: format!("{name} 不分区县：--district 只用于编辑（editor）"),
            }),
            _ => Err(DbError::Usage {
                en: format!("no role {name:?}: viewer, inspector or editor"),
                zh: format!("没有角色 {name:?}：可用 viewer（查看者）、inspector（核查员）或 editor（编辑）"),
            }),
        }
    }
}

/// Makes `user` a member of `role` (creating the login, without a
/// password, if it does not exist: set one with `ALTER ROLE … PASSWORD` or
/// use the server's own authentication). Run as the schema's owner.
pub fn grant(client: &mut Client, user: &str, role: &Role) -> Result<(), DbError> {
    let mut tx = client.transaction()?;
    // Names go through format('%I'): quoted as identifiers, never spliced.
    let exists: bool = tx.query_one("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)", &[&user])?.get(0);
    if !exists {
        let sql: String = tx.query_one("SELECT format('CREATE ROLE %I LOGIN', $1::text)", &[&user])?.get(0);
        tx.batch_execute(&sql)?;
    }
    let sql: String =
        tx.query_one("SELECT format('GRANT %I TO %I', $1::text, $2::text)", &[&role.group(), &user])?.get(0);
    tx.batch_execute(&sql)?;
    if let Role::DistrictEditor(ds) = role {
        for d in ds {
            tx.execute(
                "INSERT INTO editor_districts (member, district) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                &[&user, d],
            )?;
        }
    }
    tx.commit()?;
    Ok(())
}
