//! The progress dashboard, the attribute table and the audit panel, driven
//! in a bare egui_kittest harness through their accessibility labels, on the
//! bundled data.

use std::sync::OnceLock;

use binzhou_core::index::SiteIndex;
use binzhou_core::model::{Dataset, PlanLayer, Scope, Site, StatusClass, YearView};
use binzhou_core::stats::{Figure, Period, PlanTargets, figure_sites, is_behind, progress};
use binzhou_core::table::{Column, Filter, Sort, cell, rows};
use binzhou_sites::app::i18n::Lang;
use binzhou_sites::app::panels::audit::{self, AuditState};
use binzhou_sites::app::panels::ctx::{PanelAction, PanelCtx};
use binzhou_sites::app::panels::dashboard::{self, DashboardState, figure_label, row_title};
use binzhou_sites::app::panels::table::{self as table_panel, TableState};
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use egui_kittest::{Harness, Node};

use crate::support::{data_dir, install_cjk_font};

struct Data {
    ds: Dataset,
    index: SiteIndex,
    targets: PlanTargets,
}

fn data() -> &'static Data {
    static DATA: OnceLock<Data> = OnceLock::new();
    DATA.get_or_init(|| {
        let dir = data_dir();
        let ds = binzhou_core::load::load_paths(&[dir], &Default::default());
        assert!(ds.sites.len() > 100, "the bundled data loads");
        let index = SiteIndex::build(&ds.sites);
        Data { ds, index, targets: PlanTargets::bundled() }
    })
}

fn ctx_at(view: YearView) -> PanelCtx<'static> {
    let d = data();
    PanelCtx { view, ..PanelCtx::new(&d.ds, &d.index, &d.targets) }
}

fn label_of(node: &Node<'_>) -> String {
    node.accesskit_node().label().unwrap_or_default()
}

/// The one node whose accessible name starts with `prefix`.
fn only_starting_with<'a, S>(h: &'a Harness<'_, S>, prefix: &str) -> Node<'a> {
    let owned = prefix.to_string();
    let mut found: Vec<Node<'a>> = h.query_all_by(move |n| n.label().is_some_and(|l| l.starts_with(&owned))).collect();
    assert_eq!(found.len(), 1, "exactly one widget named {prefix:?}…");
    found.pop().expect("checked")
}

struct Dash {
    state: DashboardState,
    view: YearView,
    action: Option<PanelAction>,
}

fn dashboard_harness(view: YearView, charts: bool) -> Harness<'static, Dash> {
    let mut state = DashboardState::default();
    state.show_charts = charts;
    Harness::builder().with_size(egui::vec2(1000.0, 2600.0)).with_context_setup(install_cjk_font).build_ui_state(
        |ui, st: &mut Dash| {
            let ctx = ctx_at(st.view);
            if let Some(a) = dashboard::show(ui, &mut st.state, &ctx) {
                st.action = Some(a);
            }
        },
        Dash { state, view, action: None },
    )
}

#[test]
fn the_dashboard_shows_the_figures_of_stats_progress_for_each_year() {
    let d = data();
    let mut h = dashboard_harness(YearView::EndOf(2020), false);
    for view in [YearView::EndOf(2020), YearView::EndOf(2021), YearView::EndOf(2022), YearView::Latest] {
        h.state_mut().view = view;
        h.run();
        let heading = format!("规划目标完成情况 · {}", Lang::Zh.view_label(view));
        assert!(h.query_by_label(&heading).is_some(), "the heading names the year: {heading}");
        let expected = progress(&d.ds, &d.targets, view);
        assert!(!expected.is_empty());
        for row in &expected {
            for f in Figure::columns_for(&expected) {
                let prefix = format!("{} · {}: ", row_title(row, Lang::Zh), dashboard::figure_name(f, Lang::Zh));
                let shown = label_of(&only_starting_with(&h, &prefix));
                let value: f64 = shown[prefix.len()..].parse().expect("a number");
                let tolerance = if row.layer.counts_km() { 0.05 + 1e-9 } else { 1e-9 };
                assert!(
                    (value - f.of(row)).abs() <= tolerance,
                    "{view:?} {prefix}: shows {value}, stats::progress says {}",
                    f.of(row)
                );
                assert_eq!(shown, figure_label(row, f, Lang::Zh));
            }
            let marked = format!("{} · 未达标", row_title(row, Lang::Zh));
            assert_eq!(
                h.query_by_label(&marked).is_some(),
                is_behind(row, view),
                "{view:?}: {marked} is marked exactly when the period is over and the target unmet"
            );
        }
    }
}

#[test]
fn the_dashboard_with_charts_draws_in_english_too() {
    let mut h = dashboard_harness(YearView::EndOf(2021), true);
    h.run();
    assert!(h.query_by_label("各图层完成率（已完成 / 目标）").is_some());
    h.state_mut().state.chart_layer = PlanLayer::Greenway;
    h.run();
    assert!(h.query_by_label("绿道 · 各县对比").is_some(), "greenways have per-county targets");
    h.state_mut().state.chart_layer = PlanLayer::UrbanVillage;
    h.run();
    assert!(h.query_by_label("该图层没有分县目标").is_some());
    let state = DashboardState::default();
    let mut en =
        Harness::builder().with_size(egui::vec2(1000.0, 2600.0)).with_context_setup(install_cjk_font).build_ui_state(
            |ui, st: &mut DashboardState| {
                let ctx = PanelCtx { lang: Lang::En, ..ctx_at(YearView::EndOf(2021)) };
                dashboard::show(ui, st, &ctx);
            },
            state,
        );
    en.run();
    assert!(en.query_by_label("Progress against the plan · end of 2021").is_some());
}

#[test]
fn clicking_a_dashboard_row_or_figure_selects_exactly_the_sites_counted_in_it() {
    let d = data();
    let view = YearView::EndOf(2021);
    let rows = progress(&d.ds, &d.targets, view);
    let villages = rows
        .iter()
        .find(|r| r.layer == PlanLayer::UrbanVillage && r.scope == Scope::MainCity && r.period == Period::Y2020To2022)
        .expect("the urban-village target");
    let mut h = dashboard_harness(view, false);
    h.run();

    let title = row_title(villages, Lang::Zh);
    let name = if is_behind(villages, view) { format!("{title} · 未达标") } else { title };
    h.get_by_label(&name).click();
    h.run();
    assert_eq!(h.state().action, Some(PanelAction::Select(villages.sites.clone())));
    assert_eq!(villages.sites.len() as f64, villages.planned);

    // The overdue urban villages at the end of 2021.
    h.state_mut().action = None;
    only_starting_with(&h, &format!("{} · 逾期: ", row_title(villages, Lang::Zh))).click();
    h.run();
    let Some(PanelAction::Select(sites)) = h.state().action.clone() else { panic!("a selection") };
    assert_eq!(sites, figure_sites(&d.ds, view, villages, Figure::Overdue));
    assert_eq!(sites.len() as f64, villages.overdue, "as many sites as the figure says");
    assert!(sites.iter().all(|&i| d.ds.sites[i].status(view).class() == StatusClass::Overdue));

    for row in rows.iter().filter(|r| r.layer == PlanLayer::PocketPark && r.district.as_deref() == Some("沾化区")) {
        h.state_mut().action = None;
        only_starting_with(&h, &format!("{} · 已完成: ", row_title(row, Lang::Zh))).click();
        h.run();
        let Some(PanelAction::Select(sites)) = h.state().action.clone() else { panic!("a selection") };
        assert_eq!(sites.len() as f64, row.done);
        assert!(sites.iter().all(|&i| d.ds.sites[i].district() == Some("沾化区")));
    }
}

struct Tab {
    state: TableState,
    view: YearView,
    selection: Vec<usize>,
    action: Option<PanelAction>,
}

fn table_harness(view: YearView) -> Harness<'static, Tab> {
    Harness::builder().with_size(egui::vec2(1400.0, 700.0)).with_context_setup(install_cjk_font).build_ui_state(
        |ui, st: &mut Tab| {
            let ctx = PanelCtx { selection: &st.selection, ..ctx_at(st.view) };
            if let Some(a) = table_panel::show(ui, &mut st.state, &ctx) {
                st.action = Some(a);
            }
        },
        Tab { state: TableState::default(), view, selection: Vec::new(), action: None },
    )
}

fn shown_rows(h: &mut Harness<'_, Tab>) -> Vec<usize> {
    let ctx = PanelCtx { selection: &[], ..ctx_at(h.state().view) };
    h.state_mut().state.rows(&ctx).to_vec()
}

#[test]
fn clicking_a_header_sorts_the_table_and_clicking_again_reverses_it() {
    let d = data();
    let view = YearView::EndOf(2022);
    let mut h = table_harness(view);
    h.run();
    assert_eq!(shown_rows(&mut h), (0..d.ds.sites.len()).collect::<Vec<_>>(), "dataset order at first");
    assert!(h.query_by_label(&format!("{} 行 · 2022年末", d.ds.sites.len())).is_some());

    h.get_by_label("名称").click();
    h.run();
    let sort = Sort { column: Column::Name, descending: false };
    let expected = rows(&d.ds, &|_| true, &Filter::default(), Some(&sort), view);
    assert_eq!(shown_rows(&mut h), expected);
    let first = &d.ds.sites[expected[0]];
    assert!(h.query_by_label(first.id()).is_some(), "the first row is on screen");
    let names: Vec<&str> = expected.iter().map(|&i| d.ds.sites[i].name()).collect();
    assert!(names.windows(2).all(|w| w[0] <= w[1]));

    h.get_by_label("名称").click();
    h.run();
    let sort = Sort { descending: true, ..sort };
    let expected = rows(&d.ds, &|_| true, &Filter::default(), Some(&sort), view);
    assert_eq!(shown_rows(&mut h), expected);
    assert!(h.query_by_label(d.ds.sites[expected[0]].id()).is_some());

    h.get_by_label("计划年份").click();
    h.run();
    let years: Vec<Option<i32>> = shown_rows(&mut h).iter().map(|&i| d.ds.sites[i].plan_year).collect();
    assert!(years.windows(2).all(|w| w[0] <= w[1]), "plan years ascending");
}

#[test]
fn filtering_the_table_by_text_and_by_status_keeps_the_expected_rows() {
    let d = data();
    let view = YearView::EndOf(2021);
    let mut h = table_harness(view);
    h.run();
    let word = "黄河";
    h.get_by_label("筛选").focus();
    h.run();
    h.get_by_label("筛选").type_text(word);
    h.run();
    let f = Filter { text: word.into(), ..Default::default() };
    let expected = rows(&d.ds, &|_| true, &f, None, view);
    assert!(!expected.is_empty() && expected.len() < d.ds.sites.len(), "the word picks some sites");
    assert_eq!(shown_rows(&mut h), expected);
    assert!(h.query_by_label(&format!("{} 行 · 2021年末", expected.len())).is_some());

    h.state_mut().state.filter =
        Filter { status: Some(StatusClass::Overdue), layer: Some("urban_village".into()), ..Default::default() };
    h.run();
    let shown = shown_rows(&mut h);
    assert!(!shown.is_empty());
    for &i in &shown {
        let s = &d.ds.sites[i];
        assert_eq!(s.layer().plan(), Some(PlanLayer::UrbanVillage));
        assert_eq!(s.status(view).class(), StatusClass::Overdue);
        assert!(h.query_by_label(s.id()).is_some() || shown.len() > 20, "short lists are all on screen");
    }
    let all_overdue = d
        .ds
        .sites
        .iter()
        .filter(|s| s.layer().plan() == Some(PlanLayer::UrbanVillage) && s.status(view).class() == StatusClass::Overdue)
        .count();
    assert_eq!(shown.len(), all_overdue);
}

#[test]
fn table_selection_goes_both_ways() {
    let d = data();
    let mut h = table_harness(YearView::EndOf(2022));
    h.run();
    // A click on a row asks to select that site and fly to it.
    let first = &d.ds.sites[0];
    h.get_by_label(first.id()).click();
    h.run();
    assert_eq!(h.state().action, Some(PanelAction::FlyTo(0)));

    // A site selected on the map is scrolled into view.
    let last = d.ds.sites.len() - 1;
    let id = d.ds.sites[last].id().to_string();
    assert!(h.query_by_label(&id).is_none(), "the last row is not laid out before scrolling");
    h.state_mut().selection = vec![last];
    h.run();
    let node = h.get_by_label(&id);
    assert!(node.rect().max.y <= 700.0, "the selected row is on screen");

    // A panel's selection is listed alone, in the table's sort order.
    let some = vec![last, 3, 1];
    h.state_mut().state.list_sites(some);
    h.run();
    assert_eq!(shown_rows(&mut h), vec![1, 3, last]);
    assert!(h.query_by_label("仅列出所选的 3 个项目").is_some());
    h.get_by_label("显示全部").click();
    h.run();
    assert_eq!(shown_rows(&mut h).len(), d.ds.sites.len());
}

#[test]
fn the_audit_panel_groups_findings_by_kind_and_selects_an_entrys_sites() {
    let d = data();
    let view = YearView::EndOf(2021);
    let entries = binzhou_core::audit::audit(&d.ds, &d.index, view);
    let overdue: Vec<_> = entries.iter().filter(|e| e.kind == binzhou_core::audit::AuditKind::Overdue).collect();
    assert!(!overdue.is_empty(), "the bundled data has overdue sites at the end of 2021");
    let mut h =
        Harness::builder().with_size(egui::vec2(900.0, 1200.0)).with_context_setup(install_cjk_font).build_ui_state(
            |ui, st: &mut (AuditState, Option<PanelAction>)| {
                let ctx = ctx_at(view);
                if let Some(a) = audit::show(ui, &mut st.0, &ctx) {
                    st.1 = Some(a);
                }
            },
            (AuditState::default(), None),
        );
    h.run();
    for kind in binzhou_core::audit::AuditKind::ALL {
        let n = entries.iter().filter(|e| e.kind == kind).count();
        let title = audit::group_title(kind, n, Lang::Zh);
        assert!(h.query_by_label(&title).is_some(), "{title} is shown");
    }
    let unique = overdue
        .iter()
        .find(|e| entries.iter().filter(|x| x.message_zh == e.message_zh).count() == 1)
        .expect("an entry with a message of its own");
    h.get_by_label(&unique.message_zh).click();
    h.run();
    assert_eq!(h.state().1, Some(PanelAction::Select(unique.sites.clone())));
}

#[test]
fn the_table_csv_export_round_trips_chinese_text_and_commas() {
    let d = data();
    let mut ds = Dataset { sites: d.ds.sites[..5].to_vec(), ..Default::default() };
    let mut tricky = Site::new_for_test("PP-逗号", "黄河三路(渤海十六路—渤海十七路),打通工程\"一期\"");
    tricky.tags_mut().district = Some("滨城区".into());
    tricky.tags_mut().lead_unit = Some("市住建局, 市城管局".into());
    tricky.set_extra("备注", serde_json::json!("含,逗号\n和换行"));
    tricky.set_extra("链接", serde_json::json!("=HYPERLINK(\"http://evil.example\",\"详情\")"));
    tricky.set_extra("高差", serde_json::json!(-3.5));
    ds.sites.push(tricky);
    let view = YearView::EndOf(2021);
    let all: Vec<usize> = (0..ds.sites.len()).collect();
    let columns = binzhou_core::table::columns_for(&ds, &all);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("表.csv");
    table_panel::export_csv(&path, &ds, &all, &columns, view, Lang::Zh).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "UTF-8 with BOM");
    // Read back by the csv crate, not by anything of ours.
    let back: Vec<Vec<String>> = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&bytes["\u{feff}".len()..])
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    assert_eq!(back.len(), ds.sites.len() + 1);
    // A cell a spreadsheet would run as a formula comes out behind a `'`;
    // plain numbers, negative ones too, do not.
    let excel_safe = |v: String| {
        if v.starts_with(['=', '+', '-', '@', '\t', '\r']) && v.parse::<f64>().is_err() { format!("'{v}") } else { v }
    };
    assert_eq!(back[0], columns.iter().map(|c| excel_safe(c.title().0)).collect::<Vec<_>>());
    for (k, &i) in all.iter().enumerate() {
        let want: Vec<String> = columns.iter().map(|c| excel_safe(cell(&ds.sites[i], c, view, true))).collect();
        assert_eq!(back[k + 1], want);
    }
    assert_eq!(back[6][1], "黄河三路(渤海十六路—渤海十七路),打通工程\"一期\"");
    assert!(back[6].contains(&"'=HYPERLINK(\"http://evil.example\",\"详情\")".to_string()), "{:?}", back[6]);
    assert!(back[6].contains(&"-3.5".to_string()), "{:?}", back[6]);

    let geo = dir.path().join("sites.geojson");
    table_panel::export_geojson(&geo, &ds, &all, "sites").unwrap();
    let fc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&geo).unwrap()).unwrap();
    assert_eq!(fc["features"].as_array().map(Vec::len), Some(6));
    assert_eq!(fc["features"][5]["properties"]["备注"], "含,逗号\n和换行");
}

#[test]
fn the_dashboard_csv_export_round_trips_the_figures_and_sentences() {
    let d = data();
    let rows = progress(&d.ds, &d.targets, YearView::EndOf(2021));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("progress.csv");
    dashboard::export_stats_csv(&path, &rows, Lang::Zh).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let body = text.strip_prefix('\u{feff}').expect("UTF-8 with BOM");
    let back: Vec<Vec<String>> = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    assert_eq!(back.len(), rows.len() + 1);
    assert_eq!(back[0][0], "图层");
    let col = |name: &str| back[0].iter().position(|h| h == name).unwrap_or_else(|| panic!("a column {name}"));
    let (done_at, unknown_at, sentence_at) = (col("已完成"), col("日期不明"), col("方案原文"));
    for (r, line) in rows.iter().zip(&back[1..]) {
        assert_eq!(line[0], r.layer.name_zh());
        assert_eq!(line[sentence_at], r.sentence, "the plan's sentence survives, commas and all");
        assert_eq!(line[unknown_at].parse::<f64>().unwrap(), r.unknown);
        let done: f64 = line[done_at].parse().unwrap();
        assert!((done - r.done).abs() < 0.006);
    }
}

#[test]
fn the_png_export_crops_the_screenshot_to_the_panel() {
    let mut pixels = vec![egui::Color32::BLACK; 10 * 8];
    pixels[3 * 10 + 4] = egui::Color32::from_rgb(200, 10, 20);
    let image = egui::ColorImage::new([10, 8], pixels);
    let rect = egui::Rect::from_min_max(egui::pos2(1.0, 1.0), egui::pos2(3.0, 2.5));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dash.png");
    dashboard::save_png_crop(&image, rect, 2.0, &path).unwrap();
    let png = image::open(&path).unwrap().to_rgba8();
    assert_eq!(png.dimensions(), (4, 3));
    assert_eq!(png.get_pixel(2, 1).0, [200, 10, 20, 255], "pixel (4,3) lands at (2,1) after cropping at (2,2)");
}

#[test]
fn panel_states_read_back_from_an_empty_or_older_store() {
    let d: DashboardState = serde_json::from_str("{}").unwrap();
    assert_eq!(d.chart_layer, PlanLayer::PocketPark);
    let t: TableState = serde_json::from_str(r#"{"sort":{"column":"Name","descending":true}}"#).unwrap();
    assert_eq!(t.sort, Some(Sort { column: Column::Name, descending: true }));
    let back: TableState = serde_json::from_str(&serde_json::to_string(&t).unwrap()).unwrap();
    assert_eq!(back.sort, t.sort);
    let _: AuditState = serde_json::from_str("{}").unwrap();
}

/// The whole app with the report panels open, on the bundled data.
fn app_with_reports(year: YearView) -> Harness<'static, binzhou_sites::app::App> {
    use binzhou_sites::app::App;
    use binzhou_sites::app::state::{Panels, ViewState};
    let state = ViewState { year, panels: Panels { dashboard: true, ..Default::default() }, ..Default::default() };
    let app = App::new(vec![data_dir()], state, false);
    let mut h = Harness::builder()
        .with_size(egui::vec2(1600.0, 1000.0))
        .with_max_steps(60)
        .with_context_setup(install_cjk_font)
        .build_ui_state(|ui, app: &mut App| app.ui_root(ui), app);
    let ctx = h.ctx.clone();
    assert!(h.state_mut().wait_for_loading(&ctx, std::time::Duration::from_secs(60)), "the data loads");
    h.run();
    h
}

#[test]
fn in_the_app_the_overdue_urban_villages_of_2021_are_highlighted_and_listed() {
    let view = YearView::EndOf(2021);
    let mut h = app_with_reports(view);
    let ds = &h.state().data().dataset;
    let rows = progress(ds, &PlanTargets::bundled(), view);
    let villages = rows.iter().find(|r| r.layer == PlanLayer::UrbanVillage).expect("the urban-village target").clone();
    let expected = figure_sites(ds, view, &villages, Figure::Overdue);
    assert!(!expected.is_empty(), "some urban villages are overdue at the end of 2021");
    let ids: Vec<String> = expected.iter().map(|&i| ds.sites[i].id().to_string()).collect();

    h.get_by_label(&figure_label(&villages, Figure::Overdue, Lang::Zh)).click_accesskit();
    h.run();
    assert_eq!(h.state().highlighted(), expected.as_slice(), "the sites behind the figure are selected");
    assert!(h.state().state().panels.table, "the table opens");
    assert!(h.query_by_label(&format!("仅列出所选的 {} 个项目", expected.len())).is_some());
    for id in &ids {
        assert!(h.query_by_label(id).is_some(), "{id} is listed in the table");
    }
    // Once the camera has arrived, every one of them is on the map where
    // no panel or overlay covers it.
    for _ in 0..120 {
        if !h.state().is_flying() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
        h.step();
    }
    h.run();
    assert!(!h.state().is_flying(), "the camera arrives");
    let app = h.state();
    let clear = app.clear_map_rect().expect("the map is shown");
    for &i in &expected {
        let on_screen = app.site_screen_box(i).expect("the site has a box");
        assert!(
            clear.contains_rect(on_screen),
            "{} at {on_screen:?} is not inside the uncovered map {clear:?}",
            app.data().dataset.sites[i].id()
        );
    }
}
