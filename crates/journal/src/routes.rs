//! Today's route, kept with the journal: the newest one is the route the
//! team follows; an empty one clears it. Each is a row, none is changed.

use rusqlite::{OptionalExtension, params};

use crate::{Journal, JournalError};

/// A planned route.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct SavedRoute {
    /// When it was planned (RFC 3339).
    pub planned_at: String,
    /// Where it starts (WGS 84 lon, lat).
    pub start: (f64, f64),
    /// Site ids in visiting order; empty for "no route".
    pub stops: Vec<String>,
}

const ROUTES_SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS routes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  planned_at TEXT NOT NULL,
  start_lon REAL NOT NULL,
  start_lat REAL NOT NULL,
  stops TEXT NOT NULL);
INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description)
  VALUES ('routes', 'attributes', 'routes', '今日路线 / planned routes (stops as a JSON array of site ids)');
";

impl Journal {
    /// Makes the routes table if the journal has none.
    pub(crate) fn ensure_routes(&mut self) -> Result<(), JournalError> {
        let path = self.path.clone();
        self.conn.execute_batch(ROUTES_SCHEMA).map_err(|source| JournalError::Sqlite { path, source })
    }

    /// Keeps a route (an empty one clears the current route).
    pub fn save_route(&mut self, r: &SavedRoute) -> Result<(), JournalError> {
        let path = self.path.clone();
        let stops = serde_json::to_string(&r.stops).unwrap_or_else(|_| "[]".into());
        self.conn
            .execute(
                "INSERT INTO routes (planned_at, start_lon, start_lat, stops) VALUES (?1, ?2, ?3, ?4)",
                params![r.planned_at, r.start.0, r.start.1, stops],
            )
            .map(|_| ())
            .map_err(|source| JournalError::Sqlite { path, source })
    }

    /// The route the team follows: the newest kept, unless that one is empty.
    pub fn current_route(&self) -> Result<Option<SavedRoute>, JournalError> {
        let row = self
            .conn
            .query_row("SELECT planned_at, start_lon, start_lat, stops FROM routes ORDER BY id DESC LIMIT 1", [], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, f64>(1)?, r.get::<_, f64>(2)?, r.get::<_, String>(3)?))
            })
            .optional()
            .map_err(self.err())?;
        Ok(row.and_then(|(planned_at, lon, lat, stops)| {
            let stops: Vec<String> = serde_json::from_str(&stops).unwrap_or_default();
            (!stops.is_empty()).then_some(SavedRoute { planned_at, start: (lon, lat), stops })
        }))
    }
}
