//! What every UI test needs: the bundled data's folder and a CJK font in
//! the test context (kittest sees no system fonts and panics on a missing
//! glyph).

use std::path::PathBuf;
use std::time::Duration;

use binzhou_sites::app::state::ViewState;
use binzhou_sites::app::{App, fonts};
use egui_kittest::kittest::Queryable as _;
use egui_kittest::{Harness, HarnessBuilder};

pub fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data")
}

/// The system's CJK font, or a panic that says what to install.
pub fn cjk_font() -> PathBuf {
    fonts::find_cjk_font().unwrap_or_else(|| {
        panic!(
            "no Chinese (CJK) font found for the UI tests: install one, e.g. \
             `sudo apt install fonts-wqy-microhei` (or fonts-noto-cjk)"
        )
    })
}

/// Puts the CJK font into a harness's context, at egui's default sizes.
pub fn install_cjk_font(ctx: &egui::Context) {
    fonts::install_font_file(ctx, &cjk_font()).expect("reading the CJK font");
}

/// Puts the CJK font into a harness's context with the app's own text sizes.
pub fn install_app_fonts(ctx: &egui::Context) {
    install_cjk_font(ctx);
    fonts::apply_text_sizes(ctx);
}

/// A harness builder for the whole app: light theme, the app's fonts.
pub fn app_builder(width: f32, height: f32) -> HarnessBuilder<App> {
    Harness::builder()
        .with_size(egui::vec2(width, height))
        .with_theme(egui::Theme::Light)
        .with_max_steps(60)
        .with_context_setup(install_app_fonts)
}

/// Builds the app on the bundled data and waits until it has loaded.
pub fn loaded_app(builder: HarnessBuilder<App>) -> Harness<'static, App> {
    let app = App::new(vec![data_dir()], ViewState::default(), false);
    let mut h = builder.build_ui_state(|ui, app: &mut App| app.ui_root(ui), app);
    let ctx = h.ctx.clone();
    assert!(h.state_mut().wait_for_loading(&ctx, Duration::from_secs(60)), "the bundled data did not load in time");
    assert!(!h.state().data().dataset.sites.is_empty(), "no bundled data in {}", data_dir().display());
    h.run();
    h
}

/// A left click at a screen position, then a run.
pub fn click_at(h: &mut Harness<'_, App>, pos: egui::Pos2) {
    h.event(egui::Event::PointerMoved(pos));
    for pressed in [true, false] {
        h.event(egui::Event::PointerButton {
            pos,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: egui::Modifiers::default(),
        });
    }
    h.run();
}

/// Selects site `id` and opens its check form.
pub fn open_form(h: &mut Harness<'_, App>, id: &str) {
    let i = h.state().data().dataset.find_by_id(id).unwrap_or_else(|| panic!("bundled site {id}"));
    h.state_mut().select_site(i);
    h.run();
    h.get_by_label("核查此项目").click();
    h.run();
}

/// Clicks into the field labelled `label` and types `text` into it.
pub fn type_into(h: &mut Harness<'_, App>, label: &str, text: &str) {
    h.get_by_label(label).click();
    h.run();
    h.get_by_label(label).type_text(text);
    h.run();
}

/// Signs the open form as `inspector`, saves it and waits for the journal.
pub fn sign_and_save(h: &mut Harness<'_, App>, inspector: &str) {
    type_into(h, "核查人", inspector);
    h.get_by_label("保存核查").click();
    h.run();
    h.state_mut().field_checks().settle(Duration::from_secs(10));
    h.run();
}

/// Frames until `cond` holds (a worker wakes the app when done), or 20 s.
pub fn until(h: &mut Harness<'_, App>, what: &str, cond: impl Fn(&Harness<'_, App>) -> bool) {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while !cond(h) {
        assert!(std::time::Instant::now() < deadline, "timed out waiting: {what}");
        h.run();
        std::thread::sleep(Duration::from_millis(20));
    }
}
