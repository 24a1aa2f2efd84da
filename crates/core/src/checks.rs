//! Field checks (现场核查): what an inspector found at a site, as versions
//! of a record that is never overwritten.
//!
//! A check has an id that is unique without a server (a UUID, made where the
//! check is made) and a version: changing a check writes version + 1 naming
//! the one it replaces, deleting writes a tombstone version. Journals from
//! several teams merge by (id, version) without losing anything; the newest
//! live version of each check is what the map and the panels show. This
//! module is the model and the merge; `binzhou-journal` keeps it on disk.

use std::collections::BTreeMap;

/// What the inspector found about the site's location.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckResult {
    /// The site is where the plan's file says (位置正确).
    LocationOk,
    /// The site is elsewhere; the check carries the true position (位置偏移).
    Moved,
    /// Nothing was found on site (现场未找到).
    NotFound,
    /// The site could not be reached (无法到达).
    Unreachable,
}

impl CheckResult {
    /// Every result, in the form's order.
    pub const ALL: [CheckResult; 4] =
        [CheckResult::LocationOk, CheckResult::Moved, CheckResult::NotFound, CheckResult::Unreachable];

    /// The value stored in a journal.
    pub fn key(self) -> &'static str {
        match self {
            CheckResult::LocationOk => "location_ok",
            CheckResult::Moved => "moved",
            CheckResult::NotFound => "not_found",
            CheckResult::Unreachable => "unreachable",
        }
    }

    /// The result stored as `key`, if any.
    pub fn from_key(key: &str) -> Option<CheckResult> {
        CheckResult::ALL.into_iter().find(|r| r.key() == key)
    }

    /// Its name in Chinese.
    pub fn name_zh(self) -> &'static str {
        match self {
            CheckResult::LocationOk => "位置正确",
            CheckResult::Moved => "位置偏移",
            CheckResult::NotFound => "现场未找到",
            CheckResult::Unreachable => "无法到达",
        }
    }

    /// Its name in English.
    pub fn name_en(self) -> &'static str {
        match self {
            CheckResult::LocationOk => "Location correct",
            CheckResult::Moved => "Moved",
            CheckResult::NotFound => "Not found on site",
            CheckResult::Unreachable => "Could not reach",
        }
    }
}

/// The progress the inspector saw.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Observed {
    /// No work seen (未开工).
    NotStarted,
    /// Work under way (在建).
    InProgress,
    /// Finished (已完工).
    Finished,
}

impl Observed {
    /// Every value, in the form's order.
    pub const ALL: [Observed; 3] = [Observed::NotStarted, Observed::InProgress, Observed::Finished];

    /// The value stored in a journal.
    pub fn key(self) -> &'static str {
        match self {
            Observed::NotStarted => "not_started",
            Observed::InProgress => "in_progress",
            Observed::Finished => "finished",
        }
    }

    /// The value stored as `key`, if any.
    pub fn from_key(key: &str) -> Option<Observed> {
        Observed::ALL.into_iter().find(|o| o.key() == key)
    }

    /// Its name in Chinese.
    pub fn name_zh(self) -> &'static str {
        match self {
            Observed::NotStarted => "未开工",
            Observed::InProgress => "在建",
            Observed::Finished => "已完工",
        }
    }

    /// Its name in English.
    pub fn name_en(self) -> &'static str {
        match self {
            Observed::NotStarted => "Not started",
            Observed::InProgress => "In progress",
            Observed::Finished => "Finished",
        }
    }
}

/// The GNSS fix a check was made with.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct GnssStamp {
    /// WGS84 longitude, degrees.
    pub lon: f64,
    /// WGS84 latitude, degrees.
    pub lat: f64,
    /// Horizontal accuracy, metres, when the receiver says.
    pub accuracy_m: Option<f64>,
    /// The fix kind (`gps`, `dgps`, `rtk-fixed`, …).
    pub fix: String,
    /// Satellites used, when known.
    pub satellites: Option<u8>,
    /// When the fix was taken (RFC 3339, UTC).
    pub time: String,
}

/// A photo of a check, kept in the journal's folder under its SHA-256.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PhotoRef {
    /// The SHA-256 of the file's bytes, lowercase hex.
    pub sha256: String,
    /// Its path in the journal's folder (`photos/<sha256>.<ext>`).
    pub file: String,
    /// The file name it had when added.
    pub original_name: String,
    /// The EXIF time it was taken, when the file says.
    pub exif_time: Option<String>,
    /// The EXIF position (lon, lat), when the file says.
    pub exif_position: Option<(f64, f64)>,
}

/// One version of a check.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Check {
    /// The check's id (a UUID, the same in every version).
    pub id: String,
    /// 1 for the first version, then one more per change.
    pub version: u32,
    /// The version this one replaces (`None` for the first).
    pub previous: Option<u32>,
    /// The id of the site checked.
    pub site_id: String,
    /// The site's layer key, so a check still names its layer when the site is gone.
    pub site_layer: String,
    /// What was found.
    pub result: CheckResult,
    /// The progress seen, if noted.
    pub observed: Option<Observed>,
    /// When the works were seen finished (`2021-05` or `2021-05-12`), if noted.
    pub finished_on: Option<String>,
    /// The inspector's note.
    pub note: String,
    /// Who checked (the inspector set in the settings).
    pub inspector: String,
    /// When the check was made (RFC 3339, UTC).
    pub checked_at: String,
    /// Who wrote this version (the inspector, or who amended it).
    pub author: String,
    /// When this version was written (RFC 3339, UTC).
    pub written_at: String,
    /// The GNSS fix at the time of the check, if there was one.
    pub gnss: Option<GnssStamp>,
    /// The site's true position (lon, lat) when it was found elsewhere; the
    /// plan's geometry is never changed.
    pub corrected: Option<(f64, f64)>,
    /// The fix was worse than the accuracy threshold, or too old.
    pub low_accuracy: bool,
    /// This version deletes the check (a tombstone).
    pub deleted: bool,
    /// Its photos.
    pub photos: Vec<PhotoRef>,
}

impl Check {
    /// Where the check puts the site on a map: the corrected position, else
    /// where the check was made, else nowhere.
    pub fn position(&self) -> Option<(f64, f64)> {
        self.corrected.or(self.gnss.as_ref().map(|g| (g.lon, g.lat)))
    }

    /// The next version of this check, as written by `author` at `now`:
    /// the same id, version + 1, naming this one.
    pub fn next_version(&self, author: &str, now: &str) -> Check {
        Check {
            version: self.version + 1,
            previous: Some(self.version),
            author: author.to_string(),
            written_at: now.to_string(),
            ..self.clone()
        }
    }
}

/// What tells two versions apart: the check, its version, and who wrote it
/// when. Two teams that both amend version 1 of a check write two different
/// version 2s; both are kept.
pub fn version_key(c: &Check) -> (String, u32, String, String) {
    (c.id.clone(), c.version, c.written_at.clone(), c.author.clone())
}

/// Every version from several journals, once each: a copy of the same
/// version (same check, version, author and time) is kept once; two
/// different edits of the same version are both kept. Sorted by id,
/// version and time written.
pub fn merge(journals: impl IntoIterator<Item = Vec<Check>>) -> Vec<Check> {
    let mut all: BTreeMap<(String, u32, String, String), Check> = BTreeMap::new();
    for journal in journals {
        for c in journal {
            all.entry(version_key(&c)).or_insert(c);
        }
    }
    all.into_values().collect()
}

/// The newest version of each check that is not deleted, newest check
/// first. Of two edits of the same version, the one written last wins (the
/// other stays in the history).
pub fn current(versions: &[Check]) -> Vec<&Check> {
    let mut newest: BTreeMap<&str, &Check> = BTreeMap::new();
    for c in versions {
        match newest.get(c.id.as_str()) {
            Some(n) if (n.version, &n.written_at) >= (c.version, &c.written_at) => {}
            _ => {
                newest.insert(&c.id, c);
            }
        }
    }
    let mut out: Vec<&Check> = newest.into_values().filter(|c| !c.deleted).collect();
    out.sort_by(|a, b| b.checked_at.cmp(&a.checked_at).then_with(|| a.id.cmp(&b.id)));
    out
}

/// Per site id, its live checks, newest first.
pub fn by_site<'a>(current: &[&'a Check]) -> BTreeMap<&'a str, Vec<&'a Check>> {
    let mut out: BTreeMap<&str, Vec<&Check>> = BTreeMap::new();
    for &c in current {
        out.entry(c.site_id.as_str()).or_default().push(c);
    }
    out
}

/// One line of a check summary: a layer in a county.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct SummaryRow {
    /// The layer's key.
    pub layer: String,
    /// The county (empty when sites name none).
    pub district: String,
    /// Plan sites of the layer in the county.
    pub sites: usize,
    /// Those with at least one live check.
    pub checked: usize,
    /// Those without.
    pub not_checked: usize,
    /// Checked sites by the result of their newest check, in [`CheckResult::ALL`] order.
    pub by_result: [usize; 4],
    /// Live checks of sites the data does not hold (another data version, a typo).
    pub unknown_sites: usize,
}

/// Per layer and county of the dataset's plan sites: how many are checked,
/// and what the newest check of each found. Checks of sites the data does
/// not hold are counted in a last row with an empty layer.
pub fn summary(ds: &crate::model::Dataset, current: &[&Check]) -> Vec<SummaryRow> {
    use crate::model::LayerKey;
    let sites = by_site(current);
    let mut rows: BTreeMap<(String, String), SummaryRow> = BTreeMap::new();
    let mut known = std::collections::HashSet::new();
    for s in ds.sites.iter().filter(|s| !matches!(s.layer(), LayerKey::Reference(_))) {
        known.insert(s.id());
        let key = (s.layer().key(), s.district().unwrap_or("").to_string());
        let row = rows.entry(key.clone()).or_insert_with(|| SummaryRow {
            layer: key.0,
            district: key.1,
            sites: 0,
            checked: 0,
            not_checked: 0,
            by_result: [0; 4],
            unknown_sites: 0,
        });
        row.sites += 1;
        match sites.get(s.id()).and_then(|v| v.first()) {
            Some(newest) => {
                row.checked += 1;
                let k = CheckResult::ALL.iter().position(|r| *r == newest.result).unwrap_or(0);
                row.by_result[k] += 1;
            }
            None => row.not_checked += 1,
        }
    }
    let mut out: Vec<SummaryRow> = rows.into_values().collect();
    let unknown = current.iter().filter(|c| !known.contains(c.site_id.as_str())).count();
    if unknown > 0 {
        out.push(SummaryRow {
            layer: String::new(),
            district: String::new(),
            sites: 0,
            checked: 0,
            not_checked: 0,
            by_result: [0; 4],
            unknown_sites: unknown,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(id: &str, version: u32, site: &str, at: &str) -> Check {
        Check {
            id: id.into(),
            version,
            previous: version.checked_sub(1).filter(|&v| v > 0),
            site_id: site.into(),
            site_layer: "pocket_park".into(),
            result: CheckResult::LocationOk,
            observed: Some(Observed::Finished),
            finished_on: None,
            note: String::new(),
            inspector: "张工".into(),
            checked_at: at.into(),
            author: "张工".into(),
            written_at: at.into(),
            gnss: None,
            corrected: None,
            low_accuracy: false,
            deleted: false,
            photos: Vec::new(),
        }
    }

    #[test]
    fn two_journals_merge_with_nothing_lost_and_two_checks_of_one_site_both_show() {
        let team_a = vec![check("a", 1, "PP-1", "2026-11-02T09:00:00Z"), check("a", 2, "PP-1", "2026-11-02T09:00:00Z")];
        let mut b1 = check("b", 1, "PP-1", "2026-11-03T10:00:00Z");
        b1.result = CheckResult::Moved;
        // Team B brought back a copy of a's first version too.
        let team_b = vec![b1, check("a", 1, "PP-1", "2026-11-02T09:00:00Z")];
        let all = merge([team_a, team_b]);
        assert_eq!(all.len(), 3, "a1, a2 and b1, once each");
        let live = current(&all);
        assert_eq!(live.len(), 2);
        assert_eq!((live[0].id.as_str(), live[1].id.as_str()), ("b", "a"), "newest check first");
        assert_eq!(live[1].version, 2, "a's newest version");
        assert_eq!(by_site(&live)["PP-1"].len(), 2);
    }

    #[test]
    fn two_teams_amending_the_same_version_both_keep_their_edit() {
        let a1 = check("a", 1, "PP-1", "2026-11-02T09:00:00Z");
        let mut by_a = a1.next_version("张工", "2026-11-03T08:00:00Z");
        by_a.note = "A 组".into();
        let mut by_b = a1.next_version("李工", "2026-11-03T09:00:00Z");
        by_b.note = "B 组".into();
        let all = merge([vec![a1.clone(), by_a], vec![a1, by_b]]);
        assert_eq!(all.len(), 3, "both version 2s are kept, version 1 once");
        let live = current(&all);
        assert_eq!(live.len(), 1);
        assert_eq!(live[0].note, "B 组", "the edit written last is the current one");
    }

    #[test]
    fn a_tombstone_hides_a_check_but_keeps_its_history() {
        let a1 = check("a", 1, "PP-1", "2026-11-02T09:00:00Z");
        let mut gone = a1.next_version("李工", "2026-11-04T08:00:00Z");
        gone.deleted = true;
        assert_eq!((gone.version, gone.previous), (2, Some(1)));
        let all = merge([vec![a1, gone]]);
        assert_eq!(all.len(), 2);
        assert!(current(&all).is_empty());
    }

    #[test]
    fn result_and_observed_keys_read_back() {
        for r in CheckResult::ALL {
            assert_eq!(CheckResult::from_key(r.key()), Some(r));
        }
        for o in Observed::ALL {
            assert_eq!(Observed::from_key(o.key()), Some(o));
        }
        assert_eq!(CheckResult::from_key("ok"), None);
    }
}
