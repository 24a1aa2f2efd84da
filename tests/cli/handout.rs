//! `handout`: a tour or an atlas of sites as a PDF, checked with poppler's
//! pdftotext (installed by run.sh for the tests; skipped off CI without it).

use std::path::Path;

use crate::cli::bin;

/// Whether a CJK font is there to embed (CI installs fonts-wqy-microhei).
fn have_font() -> bool {
    let found = binzhou_sites::app::fonts::find_cjk_font().is_some();
    if !found {
        assert!(std::env::var_os("CI").is_none(), "a CJK font (fonts-wqy-microhei) is needed on CI");
        eprintln!("skipped: no CJK font");
    }
    found
}

/// Pages of a PDF: its `/Type /Page` objects, written with or without the space.
fn pages(pdf: &[u8]) -> usize {
    let n = |p: &[u8]| pdf.windows(p.len()).filter(|w| *w == p).count();
    n(b"/Type/Page") + n(b"/Type /Page") - n(b"/Type/Pages") - n(b"/Type /Pages")
}

/// The PDF's text by pdftotext, whitespace removed; `None` (skip) off CI when it is missing.
fn text(pdf: &Path) -> Option<String> {
    match std::process::Command::new("pdftotext").args(["-enc", "UTF-8"]).arg(pdf).arg("-").output() {
        Ok(out) => {
            assert!(out.status.success(), "pdftotext: {}", String::from_utf8_lossy(&out.stderr));
            Some(String::from_utf8(out.stdout).unwrap().split_whitespace().collect())
        }
        Err(e) => {
            assert!(std::env::var_os("CI").is_none(), "pdftotext (poppler-utils) is needed on CI: {e}");
            eprintln!("skipped the text check: no pdftotext ({e})");
            None
        }
    }
}

const TOUR: &str = r#"{
  "version": 1,
  "title": "主城区现场观摩",
  "stops": [
    { "target": { "sites": ["UV-2020-01"] }, "year": 2021, "title": "后邓村", "note": "城中村改造，2021年底的进度" },
    { "target": { "sites": ["GW-MC-2020-01"] }, "year": 2022, "title": "南海湿地绿道" },
    { "target": { "sites": ["PP-MC-2020-01"] }, "year": "latest", "title": "口袋公园", "before_after": [2020, 2022] }
  ]
}"#;

#[test]
fn handout_of_a_three_stop_tour_writes_a_cover_and_three_pages_with_the_sites_chinese_names_and_the_plans_title() {
    if !have_font() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let tour = dir.path().join("inspection.tour.json");
    std::fs::write(&tour, TOUR).unwrap();
    let pdf = dir.path().join("handout.pdf");
    let out = bin()
        .args(["--lang", "zh", "handout"])
        .arg(&tour)
        .args(["--data", "data", "--out"])
        .arg(&pdf)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("4 页") && !stdout.contains("没有地图图片"), "every stop has its map: {stdout}");
    let bytes = std::fs::read(&pdf).unwrap();
    assert_eq!(pages(&bytes), 4);
    let n = |p: &[u8]| bytes.windows(p.len()).filter(|w| *w == p).count();
    let images = n(b"/Subtype/Image") + n(b"/Subtype /Image");
    assert!(images >= 3, "a map image per stop, drawn off-screen: {images}");
    let Some(text) = text(&pdf) else { return };
    for name in ["后邓村城中村改造", "南海湿地绿道", "黄河十路渤海三路口袋公园", "主城区现场观摩"]
    {
        assert!(text.contains(name), "{name} not in {text}");
    }
    assert!(text.contains("滨州市城市品质提升三年行动（2020—2022年）"), "{text}");
}

#[test]
fn handout_sites_writes_an_atlas_of_a_cover_and_one_page_per_site() {
    if !have_font() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("atlas.pdf");
    let out = bin()
        .args(["handout", "--sites", "UV-2020-01,PP-MC-2020-01", "--year", "2021", "--data", "data", "--out"])
        .arg(&pdf)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("3 pages (a cover + 2 sites)"), "{stdout}");
    assert_eq!(pages(&std::fs::read(&pdf).unwrap()), 3);
    let Some(text) = text(&pdf) else { return };
    assert!(text.contains("后邓村城中村改造") && text.contains("黄河十路渤海三路口袋公园"), "{text}");
    assert!(text.contains("Siteatlas"), "{text}");
}

#[test]
fn handout_of_unknown_sites_names_them_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("atlas.pdf");
    let out = bin()
        .args(["--lang", "zh", "handout", "--sites", "UV-2020-01,NO-SUCH-1", "--data", "data", "--out"])
        .arg(&pdf)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("NO-SUCH-1") && stderr.contains("没有这些地块"), "{stderr}");
    assert!(!pdf.exists());
}
