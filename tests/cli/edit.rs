//! `edit`: a progress update saved as the app saves, and saves that a
//! SIGKILL at any moment cannot corrupt.

use std::path::{Path, PathBuf};

use binzhou_core::load::{LoadOptions, load_file};
use binzhou_core::model::Severity;

use super::cli::bin;

fn copy_of_parks(dir: &Path) -> PathBuf {
    let p = dir.join("pocket_parks.geojson");
    std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join("data/pocket_parks.geojson"), &p).unwrap();
    p
}

#[test]
fn edit_sets_a_completion_date_and_leaves_every_other_line_of_the_file_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let p = copy_of_parks(dir.path());
    let before = std::fs::read_to_string(&p).unwrap();
    let out = bin()
        .args(["--lang", "zh", "edit", p.to_str().unwrap(), "--site", "PP-MC-2020-02", "--set", "completed=2020年11月"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("已保存"));
    let after = std::fs::read_to_string(&p).unwrap();
    let changed: Vec<(&str, &str)> = before.lines().zip(after.lines()).filter(|(a, b)| a != b).collect();
    assert_eq!(changed.len(), 1, "one line (one feature) differs");
    assert!(changed[0].1.contains(r#""completed":"2020-11""#), "{}", changed[0].1);
    assert_eq!(std::fs::read_to_string(dir.path().join("pocket_parks.geojson.bak")).unwrap(), before);
    let ds = load_file(&p, &LoadOptions::default(), &|_, _| {});
    let i = ds.find_by_id("PP-MC-2020-02").unwrap();
    assert_eq!(ds.sites[i].completed.map(|d| d.to_string()).as_deref(), Some("2020-11"));
}

#[test]
fn edit_refuses_a_bad_date_and_an_unknown_site_naming_them_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let p = copy_of_parks(dir.path());
    let before = std::fs::read(&p).unwrap();
    let out = bin()
        .args(["edit", p.to_str().unwrap(), "--site", "PP-MC-2020-02", "--set", "completed=2020-13"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("completed: '2020-13' has a month outside 1-12"));
    let out = bin().args(["edit", p.to_str().unwrap(), "--site", "NOPE-1", "--set", "name=x"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no site with id NOPE-1"));
    assert_eq!(std::fs::read(&p).unwrap(), before);
    assert!(!dir.path().join("pocket_parks.geojson.bak").exists());
}

/// Kills a saving process with SIGKILL at random moments (12 rounds here,
/// `scripts/kill-test-save` runs 100): after each, the file parses with
/// every site, and holds the last save that was acknowledged or the one in
/// flight: the old version or the new one, never a mix.
#[test]
fn a_save_killed_at_any_moment_leaves_the_old_file_or_the_new_one() {
    use std::io::Read as _;
    let rounds: u64 = std::env::var("BINZHOU_KILL_ROUNDS").ok().and_then(|v| v.parse().ok()).unwrap_or(12);
    let dir = tempfile::tempdir().unwrap();
    let p = copy_of_parks(dir.path());
    let sites = load_file(&p, &LoadOptions::default(), &|_, _| {}).sites.len();
    let mut last: Option<u64> = None;
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    for round in 0..rounds {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let wait = 30 + seed % 400;
        let mut child = bin()
            .args(["edit-soak", p.to_str().unwrap()])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(wait));
        let _ = child.kill(); // SIGKILL
        child.wait().unwrap();
        let mut said = String::new();
        child.stdout.take().unwrap().read_to_string(&mut said).unwrap();
        let whole = said.rfind('\n').map(|k| &said[..k]).unwrap_or("");
        if let Some(n) = whole.lines().last() {
            last = Some(n.parse().unwrap());
        }
        let ds = load_file(&p, &LoadOptions::default(), &|_, _| {});
        let errors: Vec<_> = ds.problems.iter().filter(|p| p.severity == Severity::Error).collect();
        assert!(errors.is_empty(), "round {round} (killed after {wait} ms): {errors:?}");
        assert_eq!(ds.sites.len(), sites, "round {round}: every site is there");
        let newest = ds.sites.iter().filter_map(|s| s.extra("soak").and_then(|v| v.as_u64())).max();
        match last {
            None => assert!(newest.is_none_or(|n| n == 0), "round {round}: {newest:?} before any save returned"),
            Some(l) => assert!(
                newest == Some(l) || newest == Some(l + 1),
                "round {round}: the file holds save {newest:?}, the last acknowledged was {l}"
            ),
        }
    }
    assert!(last.is_some_and(|l| l >= rounds), "the saver got saves done: {last:?}");
}

/// Kills a process journalling edits with SIGKILL at random moments: every
/// change it said was journalled is read back, and at most the one line cut
/// by the kill is damaged (skipped, never mistaken for a change).
#[test]
fn an_edit_journal_killed_at_any_moment_gives_back_every_acknowledged_change() {
    use std::io::Read as _;
    let rounds: u64 = std::env::var("BINZHOU_KILL_ROUNDS").ok().and_then(|v| v.parse().ok()).unwrap_or(12);
    let dir = tempfile::tempdir().unwrap();
    let p = copy_of_parks(dir.path());
    let journal = dir.path().join("edits").join("parks.edits.jsonl");
    let mut acknowledged: Vec<String> = Vec::new();
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    for round in 0..rounds {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let wait = 30 + seed % 300;
        let mut child = bin()
            .args(["edit-soak", p.to_str().unwrap(), "--journal", journal.to_str().unwrap()])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(wait));
        let _ = child.kill(); // SIGKILL
        child.wait().unwrap();
        let mut said = String::new();
        child.stdout.take().unwrap().read_to_string(&mut said).unwrap();
        let whole = said.rfind('\n').map(|k| &said[..k]).unwrap_or("");
        acknowledged.extend(whole.lines().map(str::to_string));
        let Some(r) = binzhou_core::edit::journal::read(&journal).unwrap() else {
            assert!(acknowledged.is_empty(), "round {round}: changes acknowledged but no journal");
            continue;
        };
        let kept: std::collections::HashSet<&str> = r.changes.iter().map(|c| c.id.as_str()).collect();
        for id in &acknowledged {
            assert!(kept.contains(id.as_str()), "round {round} (killed after {wait} ms): change {id} is lost");
        }
        assert!(r.damaged as u64 <= round + 1, "round {round}: {} damaged lines", r.damaged);
        assert!(r.changes.iter().all(|c| c.new.is_some()), "no half change is read as one");
    }
    assert!(acknowledged.len() as u64 > rounds, "the journal got changes: {}", acknowledged.len());
}
