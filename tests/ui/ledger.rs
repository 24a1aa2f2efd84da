//! A planner opens a project ledger (项目台账): the app shows what each
//! column was recognised as, with sample rows under the headers; the
//! planner corrects the mapping, imports, and the parks are where the
//! columns say. The ledgers are illustrative.

use std::path::{Path, PathBuf};
use std::time::Duration;

use binzhou_core::model::Code;
use binzhou_sites::app::App;
use binzhou_sites::app::i18n::Lang;
use binzhou_sites::app::state::ViewState;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;

use crate::support::{app_builder, loaded_app};

fn fixture_ledger() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ledgers/pocket_parks_2021.xlsx")
}

/// A ledger whose coordinate headers ("东", "北") the recogniser does not
/// know, under a title row; the third park has no coordinates.
fn odd_ledger(dir: &Path) -> PathBuf {
    let path = dir.join("示意口袋公园台账.csv");
    std::fs::write(
        &path,
        "示意台账（2021年，示意数据）\n\
         编号,项目名称,北,东,备注\n\
         PP-T-2021-01,示意甲公园,37.3821,118.0123,示意\n\
         PP-T-2021-02,示意乙公园,37.4102,117.9876,示意\n\
         PP-T-2021-03,示意丙公园,,,缺坐标\n",
    )
    .unwrap();
    path
}

fn wait_previews(h: &mut Harness<'_, App>) {
    assert!(h.state_mut().wait_for_ledger_previews(Duration::from_secs(20)), "the ledger preview came back");
    h.run();
}

fn wait_import(h: &mut Harness<'_, App>) {
    let ctx = h.ctx.clone();
    assert!(h.state_mut().wait_for_ledger_import(&ctx, Duration::from_secs(60)), "the ledger loaded");
    h.run();
}

/// Chooses what the column headed `header` is read as, in its combo.
fn choose(h: &mut Harness<'_, App>, header: &str, field: &str) {
    h.get_by_role_and_label(Role::ComboBox, header).click();
    h.run();
    h.get_all_by_label(field).last().unwrap_or_else(|| panic!("no choice {field}")).click();
    h.run();
    wait_previews(h);
}

fn position(h: &Harness<'_, App>, id: &str) -> (f64, f64) {
    let ds = &h.state().data().dataset;
    let i = ds.find_by_id(id).unwrap_or_else(|| panic!("no site {id}"));
    match ds.sites[i].geometry {
        geo::Geometry::Point(p) => (p.x(), p.y()),
        ref g => panic!("{id}: {g:?}"),
    }
}

#[test]
fn a_ledger_with_headers_the_reader_does_not_know_is_mapped_in_the_dialog_and_its_parks_land_where_the_columns_say() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = odd_ledger(dir.path());
    let mut h = loaded_app(app_builder(1400.0, 900.0));
    let before = h.state().data().dataset.sites.len();
    let ctx = h.ctx.clone();
    h.state_mut().open_paths(&ctx, vec![ledger]);
    wait_previews(&mut h);
    assert!(h.state().ledger_dialog_open());
    assert_eq!(h.state().data().dataset.sites.len(), before, "nothing is loaded before the planner says so");
    assert!(h.query_by_label("台账列对应").is_some(), "the column dialog is shown");
    assert!(h.query_by_label_contains("尚未找到坐标列").is_some(), "it says the coordinates were not found");
    assert!(h.query_by_label("第 3 行").is_some(), "sample rows under the headers, by the row Excel shows");
    assert!(h.query_by_label("37.3821").is_some(), "the sample shows which column holds what");
    // 编号 was recognised as the id, 东 and 北 not at all.
    assert_eq!(h.get_by_role_and_label(Role::ComboBox, "编号").value().as_deref(), Some("编号"));
    assert_eq!(h.get_by_role_and_label(Role::ComboBox, "东").value().as_deref(), Some("不导入/保留为属性"));

    choose(&mut h, "东", "经度");
    assert_eq!(h.get_by_role_and_label(Role::ComboBox, "东").value().as_deref(), Some("经度"));
    choose(&mut h, "北", "纬度");
    assert_eq!(h.get_by_role_and_label(Role::ComboBox, "北").value().as_deref(), Some("纬度"));
    assert!(h.query_by_label_contains("尚未找到坐标列").is_none());
    assert!(h.query_by_label_contains("可定位 2 行，1 行无法定位").is_some(), "checked again with the new mapping");
    assert!(h.query_by_label_contains("十进制经纬度").is_some(), "what the coordinates were read as");

    h.get_by_label("导入").click();
    h.run();
    wait_import(&mut h);
    assert!(!h.state().ledger_dialog_open());
    assert_eq!(h.state().data().dataset.sites.len(), before + 2, "the two parks with coordinates");
    assert_eq!(position(&h, "PP-T-2021-01"), (118.0123, 37.3821));
    assert_eq!(position(&h, "PP-T-2021-02"), (117.9876, 37.4102));
    let ds = &h.state().data().dataset;
    let i = ds.find_by_id("PP-T-2021-01").unwrap();
    assert_eq!(ds.sites[i].name(), "示意甲公园");
    // The park without coordinates is a problem naming its row, in the problems list.
    assert!(
        ds.problems.iter().any(|p| matches!(p.code, Code::LedgerRowUnplaced { row: 5, .. })),
        "{:#?}",
        ds.problems.iter().map(|p| p.message()).collect::<Vec<_>>()
    );
    assert!(h.state().state().panels.problems, "the problems list opens on the new error");
    assert!(h.query_by_label_contains("第 5 行无法定位").is_some(), "the problems list names the row");
}

#[test]
fn the_pocket_park_ledger_opened_in_an_empty_app_shows_its_recognised_columns_and_imports_its_eight_parks() {
    let app = App::new(Vec::new(), ViewState::default(), false);
    let mut h = app_builder(1400.0, 900.0).build_ui_state(|ui, app: &mut App| app.ui_root(ui), app);
    h.run();
    let ctx = h.ctx.clone();
    h.state_mut().open_paths(&ctx, vec![fixture_ledger()]);
    wait_previews(&mut h);
    assert!(h.state().data().dataset.sites.is_empty(), "nothing loaded yet");
    assert!(h.query_by_label("台账列对应").is_some());
    assert!(h.query_by_label("（自动识别）").is_some(), "the header row it found, under the title rows");
    assert_eq!(h.get_by_label("表头所在行：").value().as_deref(), Some("3"));
    for (header, field) in [("项目名称", "名称"), ("所在区县", "区县"), ("经度", "经度"), ("纬度", "纬度")]
    {
        assert_eq!(h.get_by_role_and_label(Role::ComboBox, header).value().as_deref(), Some(field), "{header}");
    }
    assert!(h.query_by_label_contains("可定位 8 行").is_some());
    h.get_by_label("导入").click();
    h.run();
    wait_import(&mut h);
    let (want, _) = binzhou_formats::load(&fixture_ledger(), &Default::default(), 0);
    assert_eq!(want.sites.len(), 8);
    assert_eq!(h.state().data().dataset.sites.len(), 8);
    for s in &want.sites {
        let (lon, lat) = position(&h, s.id());
        let geo::Geometry::Point(p) = s.geometry else { panic!("{s:?}") };
        assert!((lon - p.x()).abs() < 1e-12 && (lat - p.y()).abs() < 1e-12, "{}", s.id());
    }
}

#[test]
fn cancelling_the_column_dialog_loads_nothing_and_in_english_it_speaks_english() {
    let mut h = loaded_app(app_builder(1400.0, 900.0));
    h.state_mut().state_mut().lang = Lang::En;
    h.run();
    let before = h.state().data().dataset.sites.len();
    let ctx = h.ctx.clone();
    h.state_mut().open_paths(&ctx, vec![fixture_ledger()]);
    wait_previews(&mut h);
    assert!(h.query_by_label("Ledger columns").is_some());
    assert_eq!(h.get_by_role_and_label(Role::ComboBox, "经度").value().as_deref(), Some("Longitude"));
    assert_eq!(
        h.get_by_role_and_label(Role::ComboBox, "备注").value().as_deref(),
        Some("Not a field (kept as property)")
    );
    h.get_by_label("Cancel").click();
    h.run();
    assert!(!h.state().ledger_dialog_open());
    let ctx = h.ctx.clone();
    assert!(h.state_mut().wait_for_ledger_import(&ctx, Duration::from_secs(20)));
    h.run();
    assert_eq!(h.state().data().dataset.sites.len(), before, "nothing was loaded");
}
