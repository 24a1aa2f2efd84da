//! Sending field-check journals to the server: every version of every
//! check, with its photos, each journal in one transaction. A version the
//! server already has is left alone, so a sync that was cut off is simply
//! run again: nothing is lost and nothing is applied twice.

use std::path::{Path, PathBuf};

use binzhou_core::checks::Check;
use postgres::Client;

use crate::DbError;

/// What a sync sent.
#[derive(Debug, Default, PartialEq)]
pub struct SyncReport {
    /// Check versions new to the server.
    pub sent: u64,
    /// Versions it had already.
    pub already: u64,
    /// Photos sent (the server had none with their SHA-256).
    pub photos_sent: u64,
    /// Photos a check names that are not in the journal's folder: the
    /// check is sent, the photo noted here by journal and file.
    pub photos_missing: Vec<String>,
}

/// Sends every check of each journal.
pub fn sync(client: &mut Client, journals: &[PathBuf]) -> Result<SyncReport, DbError> {
    let mut report = SyncReport::default();
    for path in journals {
        if !path.exists() {
            return Err(DbError::File { path: path.display().to_string(), detail: "no such journal".into() });
        }
        let journal = binzhou_journal::Journal::open_read_only(path).map_err(|e| journal_error(path, &e))?;
        let versions = journal.versions().map_err(|e| journal_error(path, &e))?;
        send(client, &versions, &journal.folder(), &mut report)?;
    }
    Ok(report)
}

/// A journal's error, named once by its file (the journal's own message
/// starts with the path already).
fn journal_error(path: &Path, e: &binzhou_journal::JournalError) -> DbError {
    let text = e.to_string();
    let lead = format!("{}: ", path.display());
    let detail = text.strip_prefix(&lead).unwrap_or(&text).to_string();
    DbError::File { path: path.display().to_string(), detail }
}

/// Sends check versions whose photos are in `folder`, in one transaction.
pub fn send(client: &mut Client, versions: &[Check], folder: &Path, report: &mut SyncReport) -> Result<(), DbError> {
    let mut tx = client.transaction()?;
    let insert = tx.prepare(
        "INSERT INTO site_checks (check_id, version, previous_version, site_id, site_layer, result, observed,
           finished_on, note, inspector, checked_at, author, written_at, gnss_lon, gnss_lat, gnss_accuracy_m,
           gnss_fix, gnss_satellites, gnss_time, corrected, low_accuracy, deleted, geom)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,
           $22, CASE WHEN $23::float8 IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint($23, $24), 4326) END)
         ON CONFLICT DO NOTHING",
    )?;
    let has_photo = tx.prepare("SELECT 1 FROM photos WHERE sha256 = $1")?;
    let put_photo = tx.prepare("INSERT INTO photos (sha256, bytes) VALUES ($1, $2) ON CONFLICT DO NOTHING")?;
    let link = tx.prepare(
        "INSERT INTO check_photos (check_id, version, written_at, author, sha256, file, original_name, exif_time,
           exif_lon, exif_lat)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING",
    )?;
    for c in versions {
        let version = c.version as i32;
        let previous = c.previous.map(|v| v as i32);
        let (lon, lat, acc, fix, sats, time) = match &c.gnss {
            Some(g) => {
                (Some(g.lon), Some(g.lat), g.accuracy_m, Some(g.fix.as_str()), g.satellites, Some(g.time.as_str()))
            }
            None => (None, None, None, None, None, None),
        };
        let sats = sats.map(i16::from);
        let at = c.position();
        let (px, py) = (at.map(|p| p.0), at.map(|p| p.1));
        let n = tx.execute(
            &insert,
            &[
                &c.id,
                &version,
                &previous,
                &c.site_id,
                &c.site_layer,
                &c.result.key(),
                &c.observed.map(|o| o.key()),
                &c.finished_on,
                &c.note,
                &c.inspector,
                &c.checked_at,
                &c.author,
                &c.written_at,
                &lon,
                &lat,
                &acc,
                &fix,
                &sats,
                &time,
                &c.corrected.is_some(),
                &c.low_accuracy,
                &c.deleted,
                &px,
                &py,
            ],
        )?;
        if n == 0 {
            report.already += 1;
            continue;
        }
        report.sent += 1;
        for p in &c.photos {
            if tx.query_opt(&has_photo, &[&p.sha256])?.is_none() {
                let file = folder.join(&p.file);
                match safe(&p.file).then(|| std::fs::read(&file)) {
                    Some(Ok(bytes)) => {
                        tx.execute(&put_photo, &[&p.sha256, &bytes])?;
                        report.photos_sent += 1;
                    }
                    _ => {
                        report.photos_missing.push(file.display().to_string());
                        continue;
                    }
                }
            }
            let (ex, ey) = (p.exif_position.map(|q| q.0), p.exif_position.map(|q| q.1));
            tx.execute(
                &link,
                &[
                    &c.id,
                    &version,
                    &c.written_at,
                    &c.author,
                    &p.sha256,
                    &p.file,
                    &p.original_name,
                    &p.exif_time,
                    &ex,
                    &ey,
                ],
            )?;
        }
    }
    tx.commit()?;
    Ok(())
}

/// A photo's file is inside its journal's folder.
fn safe(file: &str) -> bool {
    !file.is_empty() && Path::new(file).components().all(|c| matches!(c, std::path::Component::Normal(_)))
}

/// Every check version on the server, for the app and for tests.
pub fn all(client: &mut Client) -> Result<Vec<(String, i32, String)>, DbError> {
    let rows = client.query("SELECT check_id, version, site_id FROM site_checks ORDER BY check_id, version", &[])?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect())
}
