//! Image snapshots of the main window on the bundled data, rendered with
//! wgpu (software GL here). The references live in tests/snapshots/; write
//! them anew with `UPDATE_SNAPSHOTS=1 cargo test --test ui snapshots`.

use binzhou_sites::app::App;
use egui_kittest::kittest::Queryable;
use egui_kittest::{Harness, SnapshotOptions};

use crate::support::{app_builder, loaded_app};

fn app_harness() -> Harness<'static, App> {
    loaded_app(app_builder(1280.0, 800.0).wgpu())
}

/// Tolerant of another software renderer's anti-aliasing, not of a lost
/// label: a missing Chinese word of 14 px type is well over 100 pixels.
fn options() -> SnapshotOptions {
    SnapshotOptions::new().threshold(2.0).max_failed_pixels(100)
}

fn main_window_at(year: &str, name: &str) {
    let mut h = app_harness();
    h.get_by_label(year).click();
    h.run();
    // What the picture must show, asked of the accessibility tree, so a
    // lost label fails here whatever the pixel tolerance.
    for label in ["图层", "图例", year, "文件", "视图", "底图"] {
        assert!(h.query_by_label(label).is_some() || h.query_by_label_contains(label).is_some(), "{label} is shown");
    }
    h.snapshot_options(name, &options());
}

#[test]
fn the_main_window_at_the_end_of_2020_looks_as_recorded() {
    main_window_at("2020", "main_window_2020");
}

#[test]
fn the_main_window_at_the_end_of_2022_looks_as_recorded() {
    main_window_at("2022", "main_window_2022");
}

#[test]
fn presentation_mode_looks_as_recorded() {
    let mut h = app_harness();
    h.key_press(egui::Key::F5);
    h.run();
    assert!(h.state().is_presenting());
    for label in ["滨州市城市品质提升三年行动（2020—2022年）", "示意数据"] {
        assert!(h.query_by_label(label).is_some(), "{label} is shown");
    }
    h.snapshot_options("presentation_mode", &options());
}
