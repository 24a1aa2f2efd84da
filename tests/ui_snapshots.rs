//! Image snapshots of the main window on the bundled data, rendered with
//! wgpu (software GL here). The references live in tests/snapshots/; write
//! them anew with `UPDATE_SNAPSHOTS=1 cargo test --test ui_snapshots`.

use std::path::PathBuf;
use std::time::Duration;

use binzhou_sites::app::state::ViewState;
use binzhou_sites::app::{App, fonts};
use egui::vec2;
use egui_kittest::kittest::Queryable;
use egui_kittest::{Harness, SnapshotOptions};

fn app_harness() -> Harness<'static, App> {
    let font = fonts::find_cjk_font().unwrap_or_else(|| {
        panic!(
            "no Chinese (CJK) font found for the UI tests: install one, e.g. \
             `sudo apt install fonts-wqy-microhei` (or fonts-noto-cjk)"
        )
    });
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data");
    let app = App::new(vec![data], ViewState::default(), false);
    let mut h = Harness::builder()
        .with_size(vec2(1280.0, 800.0))
        .with_theme(egui::Theme::Light)
        .with_max_steps(60)
        .with_context_setup(move |ctx| {
            fonts::install_font_file(ctx, &font).expect("reading the CJK font");
            fonts::apply_text_sizes(ctx);
        })
        .wgpu()
        .build_ui_state(|ui, app: &mut App| app.ui_root(ui), app);
    let ctx = h.ctx.clone();
    assert!(h.state_mut().wait_for_loading(&ctx, Duration::from_secs(60)));
    h.run();
    h
}

/// Tolerant enough for another software or hardware renderer's anti-aliasing.
fn options() -> SnapshotOptions {
    SnapshotOptions::new().threshold(2.0).max_failed_pixels(1500)
}

fn main_window_at(year: &str, name: &str) {
    let mut h = app_harness();
    h.get_by_label(year).click();
    h.run();
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
