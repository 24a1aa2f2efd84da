//! Ledgers (台账) with coordinates in columns: XLSX and CSV, as departments send them.
//! The data is illustrative.

use std::path::Path;

use binzhou_core::crs::{self, Crs};
use binzhou_core::load::{LoadOptions, load_bytes};
use binzhou_core::model::{Code, Dataset, LayerKey, PlanDate, PlanLayer, Severity};
use binzhou_formats::ledger;
use binzhou_formats::{Opened, OpenedLayer, ReadOptions};
use geo::Point;
use rust_xlsxwriter::{Format, Workbook};

/// The layer loaded as the app loads it.
fn load(layer: &OpenedLayer) -> Dataset {
    let ds = load_bytes(&layer.name, &layer.geojson, &LoadOptions { from: layer.crs, threads: 1 });
    assert_eq!(ds.error_count(), 0, "{:#?}", ds.problems);
    ds
}

fn point(ds: &Dataset, name: &str) -> Point<f64> {
    let s = ds.sites.iter().find(|s| s.name() == name).unwrap_or_else(|| panic!("no site {name}"));
    match s.geometry {
        geo::Geometry::Point(p) => p,
        ref g => panic!("{name}: {g:?}"),
    }
}

fn near_binzhou(p: Point<f64>) {
    assert!((117.5..118.6).contains(&p.x()) && (36.8..38.3).contains(&p.y()), "{p:?} is not in Binzhou");
}

fn dms(d: f64, m: f64, s: f64) -> f64 {
    d + m / 60.0 + s / 3600.0
}

fn detected(layer: &OpenedLayer, what: &str) -> String {
    layer.detected.iter().filter(|d| d.what == what).map(|d| format!("{} | {}\n", d.text.en, d.text.zh)).collect()
}

/// A 2021 pocket-park ledger as a district sends it: a merged title, a unit
/// note, the header on row 3, DMS text, Excel dates, a row without
/// coordinates, a blank row and a total row.
fn pocket_park_workbook(path: &Path) {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("口袋公园").unwrap();
    ws.merge_range(0, 0, 0, 11, "滨州市2021年口袋公园建设台账", &Format::new().set_bold()).unwrap();
    ws.write_string(1, 0, "填报单位：示意数据　单位：万元").unwrap();
    let headers = [
        "序号",
        "项目名称",
        "所在区县",
        "牵头单位",
        "类型",
        "经度",
        "纬度",
        "计划完成年度",
        "开工时间",
        "完工时间",
        "投资（万元）",
        "备注",
    ];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(2, c as u16, *h).unwrap();
    }
    let date = Format::new().set_num_format("yyyy-mm-dd");
    // Row 4 (index 3): DMS with symbols, an Excel date, 2021年10月.
    ws.write_number(3, 0, 1.0).unwrap();
    ws.write_string(3, 1, "黄河五路口袋公园").unwrap();
    ws.write_string(3, 2, "滨城区").unwrap();
    ws.write_string(3, 3, "市住房城乡建设局").unwrap();
    ws.write_string(3, 4, "口袋公园").unwrap();
    ws.write_string(3, 5, "117°59′13.2″").unwrap();
    ws.write_string(3, 6, "37°22′48.0″").unwrap();
    ws.write_number(3, 7, 2021.0).unwrap();
    ws.write_number_with_format(3, 8, 44270.0, &date).unwrap(); // 2021-03-15
    ws.write_string(3, 9, "2021年10月").unwrap();
    ws.write_number(3, 10, 30.5).unwrap();
    ws.write_string(3, 11, "示意").unwrap();
    // Row 5: 度分秒, a short district name, a serial number without a date format.
    ws.write_number(4, 0, 2.0).unwrap();
    ws.write_string(4, 1, "渤海十八路节点绿地").unwrap();
    ws.write_string(4, 2, "滨城").unwrap();
    ws.write_string(4, 3, "市城市管理局").unwrap();
    ws.write_string(4, 4, "节点绿地").unwrap();
    ws.write_string(4, 5, "118度0分44.3秒").unwrap();
    ws.write_string(4, 6, "37度22分55.6秒").unwrap();
    ws.write_string(4, 7, "2021年").unwrap();
    ws.write_string(4, 8, "2021.4").unwrap();
    ws.write_number(4, 9, 44500.0).unwrap(); // 2021-10-31
    ws.write_number(4, 10, 12.0).unwrap();
    // Row 6: no coordinates.
    ws.write_number(5, 0, 3.0).unwrap();
    ws.write_string(5, 1, "沾化区富源街口袋公园").unwrap();
    ws.write_string(5, 2, "沾化区").unwrap();
    ws.write_string(5, 4, "口袋公园").unwrap();
    ws.write_number(5, 7, 2022.0).unwrap();
    // Row 7 blank; row 8: colon DMS and decimal-degree text.
    ws.write_number(7, 0, 4.0).unwrap();
    ws.write_string(7, 1, "秦台河口袋公园").unwrap();
    ws.write_string(7, 2, "滨城区").unwrap();
    ws.write_string(7, 4, "口袋公园").unwrap();
    ws.write_string(7, 5, "118:01:10.5").unwrap();
    ws.write_string(7, 6, "37.3945").unwrap();
    ws.write_number(7, 7, 2022.0).unwrap();
    // Row 9: the total.
    ws.write_string(8, 0, "合计").unwrap();
    ws.write_number(8, 10, 42.5).unwrap();
    wb.save(path).unwrap();
}

#[test]
fn an_xlsx_ledger_with_title_rows_and_dms_cells_loads_its_sites_near_binzhou() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("口袋公园台账.xlsx");
    pocket_park_workbook(&path);
    let opened = ledger::read(&path, &ReadOptions::default()).unwrap();
    assert_eq!(opened.layers.len(), 1);
    let layer = &opened.layers[0];
    assert_eq!(layer.name, "口袋公园");
    assert_eq!(layer.crs, None, "degrees are left to the core as WGS84");
    assert_eq!(layer.rows.as_deref(), Some(&[4, 5, 8][..]), "sheet rows of the features");
    let columns = detected(layer, "columns");
    assert!(columns.contains("row 3"), "{columns}");
    assert!(columns.contains("\"项目名称\" → name"), "{columns}");
    assert!(columns.contains("\"序号\" → id"), "{columns}");
    assert!(columns.contains("投资（万元）"), "the extra columns are named: {columns}");
    assert!(detected(layer, "crs").contains("degrees-minutes-seconds"), "{}", detected(layer, "crs"));

    let ds = load(layer);
    assert_eq!(ds.sites.len(), 3);
    let park = point(&ds, "黄河五路口袋公园");
    assert!((park.x() - dms(117.0, 59.0, 13.2)).abs() < 1e-9 && (park.y() - dms(37.0, 22.0, 48.0)).abs() < 1e-9);
    let green = point(&ds, "渤海十八路节点绿地");
    assert!((green.x() - dms(118.0, 0.0, 44.3)).abs() < 1e-9 && (green.y() - dms(37.0, 22.0, 55.6)).abs() < 1e-9);
    let river = point(&ds, "秦台河口袋公园");
    assert!((river.x() - dms(118.0, 1.0, 10.5)).abs() < 1e-9 && (river.y() - 37.3945).abs() < 1e-12);
    for p in [park, green, river] {
        near_binzhou(p);
    }

    let s = &ds.sites[ds.find_by_id("1").unwrap()];
    assert_eq!(s.layer(), &LayerKey::Plan(PlanLayer::PocketPark));
    assert_eq!(s.kind(), Some("pocket_park"));
    assert_eq!(s.district(), Some("滨城区"));
    assert_eq!(s.lead_unit(), Some("市住房城乡建设局"));
    assert_eq!(s.plan_year, Some(2021));
    assert_eq!(s.started, Some(PlanDate::ymd(2021, 3, 15)));
    assert_eq!(s.completed, Some("2021-10".parse().unwrap()));
    assert_eq!(s.extra("投资（万元）"), Some(serde_json::json!(30.5)));
    assert_eq!(s.extra("备注"), Some(serde_json::json!("示意")));

    let g = &ds.sites[ds.find_by_id("2").unwrap()];
    assert_eq!(g.kind(), Some("node_green"));
    assert_eq!(g.district(), Some("滨城区"), "滨城 is 滨城区");
    assert_eq!(g.plan_year, Some(2021));
    assert_eq!(g.started, Some("2021-04".parse().unwrap()));
    assert_eq!(g.completed, Some(PlanDate::ymd(2021, 10, 31)), "Excel serial 44500");
}

#[test]
fn a_row_without_coordinates_is_a_problem_naming_its_row_and_the_other_rows_load() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("台账.xlsx");
    pocket_park_workbook(&path);
    let opened = ledger::read(&path, &ReadOptions::default()).unwrap();
    let layer = &opened.layers[0];
    let errors: Vec<_> = layer.problems.iter().filter(|p| p.severity == Severity::Error).collect();
    assert_eq!(errors.len(), 1, "{:#?}", layer.problems);
    let p = errors[0];
    assert_eq!(p.file, path.display().to_string());
    assert_eq!(p.feature_id.as_deref(), Some("3"));
    assert_eq!(p.field.as_deref(), Some("经度"));
    assert!(matches!(&p.code, Code::LedgerRowUnplaced { row: 6, sheet: Some(s), .. } if s == "口袋公园"), "{p:?}");
    assert!(p.message().contains("row 6"), "{}", p.message());
    assert!(p.message_zh().contains("第 6 行"), "{}", p.message_zh());
    // The total row is said, not dropped silently; the blank row and the titles are not.
    let notices: Vec<_> = layer.problems.iter().filter(|p| p.severity == Severity::Notice).collect();
    assert_eq!(notices.len(), 1);
    assert!(matches!(notices[0].code, Code::LedgerRowUnplaced { row: 9, .. }));
    assert_eq!(layer.problems.len(), 2);
    assert_eq!(load(layer).sites.len(), 3);
}

#[test]
fn excel_serial_dates_with_and_without_a_date_format_become_plan_dates() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dates.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["编号", "名称", "经度", "纬度", "开工日期", "竣工日期", "计划年度"].iter().enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let date = Format::new().set_num_format("yyyy\"年\"m\"月\"d\"日\"");
    let rows: [(&str, f64, f64, f64); 3] = [
        ("D-1", 43922.0, 44196.0, 2020.0), // 2020-04-01, 2020-12-31
        ("D-2", 44256.0, 44377.0, 2021.0), // 2021-03-01, 2021-06-30
        ("D-3", 44621.0, 44895.0, 2022.0), // 2022-03-01, 2022-11-30
    ];
    for (r, (id, start, done, year)) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        ws.write_string(r, 0, *id).unwrap();
        ws.write_string(r, 1, format!("示意项目{r}")).unwrap();
        ws.write_number(r, 2, 118.0 + f64::from(r) * 0.01).unwrap();
        ws.write_number(r, 3, 37.38).unwrap();
        ws.write_number_with_format(r, 4, *start, &date).unwrap();
        ws.write_number(r, 5, *done).unwrap();
        ws.write_number(r, 6, *year).unwrap();
    }
    wb.save(&path).unwrap();
    let opened = ledger::read(&path, &ReadOptions::default()).unwrap();
    let ds = load(&opened.layers[0]);
    let by = |id: &str| &ds.sites[ds.find_by_id(id).unwrap()];
    assert_eq!(by("D-1").started, Some(PlanDate::ymd(2020, 4, 1)));
    assert_eq!(by("D-1").completed, Some(PlanDate::ymd(2020, 12, 31)));
    assert_eq!(by("D-2").started, Some(PlanDate::ymd(2021, 3, 1)));
    assert_eq!(by("D-2").completed, Some(PlanDate::ymd(2021, 6, 30)));
    assert_eq!(by("D-3").completed, Some(PlanDate::ymd(2022, 11, 30)));
    assert_eq!(by("D-3").plan_year, Some(2022));
}

/// A GBK CSV from a surveying office: X is the northing, Y the easting
/// (CGCS2000, central meridian 117°E, no zone prefix).
fn gbk_survey_csv(path: &Path) {
    let text = "滨州市2022年断头路打通项目坐标表\r\n\
                \r\n\
                编号,项目名称,所在区县,X坐标,Y坐标,计划完成年度,完工时间\r\n\
                DR-01,黄河三路(渤海十六路—渤海十七路)打通工程,滨城区,4139237.0,585998.0,2022,2022/9/30\r\n\
                DR-02,渤海十二路北延,滨城区,\"4,141,502.6\",584310.2,2022,\r\n\
                DR-03,\"长江五路打通\n（示意）\",滨城区,,,2022,\r\n\
                DR-04,黄河十二路东延,滨城区,4138020.4,588115.9,2021,2021年11月\r\n";
    let (gbk, _, bad) = encoding_rs::GBK.encode(text);
    assert!(!bad);
    assert!(std::str::from_utf8(&gbk).is_err(), "the fixture is not UTF-8");
    std::fs::write(path, &gbk).unwrap();
}

#[test]
fn a_gbk_csv_with_x_and_y_in_surveyors_order_is_placed_in_gauss_krueger_cm_117() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("断头路坐标.csv");
    gbk_survey_csv(&path);
    let opened = ledger::read(&path, &ReadOptions::default()).unwrap();
    let layer = &opened.layers[0];
    assert!(detected(layer, "encoding").contains("GBK"), "{:?}", layer.detected);
    let crs_text = detected(layer, "crs");
    assert!(crs_text.contains("X坐标 holds the northings"), "{crs_text}");
    assert_eq!(layer.crs, Some(Crs::Cgcs2000GkCm117));
    // The file's coordinates, easting first.
    let json: serde_json::Value = serde_json::from_slice(&layer.geojson).unwrap();
    assert_eq!(json["features"][0]["geometry"]["coordinates"], serde_json::json!([585998.0, 4139237.0]));

    let ds = load(layer);
    assert_eq!(ds.sites.len(), 3);
    let (lon, lat) = crs::to_wgs84(Crs::Cgcs2000GkCm117, 585_998.0, 4_139_237.0).unwrap();
    let p = point(&ds, "黄河三路(渤海十六路—渤海十七路)打通工程");
    assert!((p.x() - lon).abs() < 1e-9 && (p.y() - lat).abs() < 1e-9, "{p:?}");
    near_binzhou(p);
    near_binzhou(point(&ds, "渤海十二路北延"));
    let s = &ds.sites[ds.find_by_id("DR-01").unwrap()];
    assert_eq!(s.layer(), &LayerKey::Plan(PlanLayer::DeadEndRoad), "断头路 in the title");
    assert_eq!(s.kind(), Some("road"));
    assert_eq!(s.completed, Some(PlanDate::ymd(2022, 9, 30)));
    assert_eq!(ds.sites[ds.find_by_id("DR-04").unwrap()].completed, Some("2021-11".parse().unwrap()));

    // Row 6 has no coordinates: a problem naming row 6, although its name
    // spans two lines of the file.
    assert_eq!(layer.problems.len(), 1, "{:#?}", layer.problems);
    let p = &layer.problems[0];
    assert!(matches!(p.code, Code::LedgerRowUnplaced { row: 6, sheet: None, .. }), "{p:?}");
    assert_eq!(p.feature_id.as_deref(), Some("DR-03"));
    assert_eq!(layer.rows.as_deref(), Some(&[4, 5, 7][..]));
}

#[test]
fn eastings_with_the_zone_prefix_are_zone_39_whatever_the_headers_say() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("prefixed.csv");
    // Headers in the "wrong" order for the values: magnitude decides.
    let text = "\u{feff}名称,Y,X,类型\n示意A,4139237.0,39585998.0,绿道\n示意B,39584310.2,4141502.6,绿道\n";
    std::fs::write(&path, text).unwrap();
    let opened = ledger::read(&path, &ReadOptions::default()).unwrap();
    let layer = &opened.layers[0];
    assert!(detected(layer, "encoding").contains("byte-order mark"));
    assert_eq!(layer.crs, Some(Crs::Cgcs2000GkZone39));
    assert!(detected(layer, "crs").contains("each row decided by magnitude"), "{}", detected(layer, "crs"));
    let ds = load(layer);
    let (lon, lat) = crs::to_wgs84(Crs::Cgcs2000GkZone39, 39_585_998.0, 4_139_237.0).unwrap();
    let p = point(&ds, "示意A");
    assert!((p.x() - lon).abs() < 1e-9 && (p.y() - lat).abs() < 1e-9);
    near_binzhou(point(&ds, "示意B"));
    assert_eq!(ds.sites[0].layer(), &LayerKey::Plan(PlanLayer::Greenway));
}

#[test]
fn column_overrides_name_a_header_the_reader_does_not_know() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("override.csv");
    std::fs::write(&path, "工程,东经度数,北纬度数,经度\n示意甲,118.01,37.38,旧值\n").unwrap();
    let opts = ReadOptions {
        columns: vec![
            ("name".into(), "工程".into()),
            ("lon".into(), "东经度数".into()),
            ("lat".into(), "北纬度数".into()),
        ],
        ..Default::default()
    };
    let opened = ledger::read(&path, &opts).unwrap();
    let layer = &opened.layers[0];
    assert!(detected(layer, "columns").contains("\"东经度数\" → lon (as told)"), "{}", detected(layer, "columns"));
    let ds = load(layer);
    assert_eq!(ds.sites[0].name(), "示意甲");
    assert_eq!(point(&ds, "示意甲"), Point::new(118.01, 37.38));
    assert_eq!(ds.sites[0].extra("经度"), Some(serde_json::json!("旧值")), "the displaced column is kept");
}

#[test]
fn every_sheet_with_a_header_is_a_layer_and_the_layer_option_picks_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("两年.xlsx");
    let mut wb = Workbook::new();
    for (year, lon) in [(2021, 118.0), (2022, 118.02)] {
        let ws = wb.add_worksheet();
        ws.set_name(format!("{year}年")).unwrap();
        for (c, h) in ["项目名称", "经度", "纬度", "类型"].iter().enumerate() {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        ws.write_string(1, 0, format!("{year}年示意绿道")).unwrap();
        ws.write_number(1, 1, lon).unwrap();
        ws.write_number(1, 2, 37.4).unwrap();
        ws.write_string(1, 3, "绿道").unwrap();
    }
    wb.add_worksheet().set_name("说明").unwrap().write_string(0, 0, "本表为示意数据").unwrap();
    wb.save(&path).unwrap();
    let all: Opened = ledger::read(&path, &ReadOptions::default()).unwrap();
    let names: Vec<&str> = all.layers.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["2021年", "2022年"]);
    assert!(detected(&all.layers[0], "layer").contains("说明"), "the skipped sheet is named");
    let one = ledger::read(&path, &ReadOptions { layer: Some("2022年".into()), ..Default::default() }).unwrap();
    assert_eq!(one.layers.len(), 1);
    assert_eq!(load(&one.layers[0]).sites[0].name(), "2022年示意绿道");
    let err = ledger::read(&path, &ReadOptions { layer: Some("2023年".into()), ..Default::default() }).unwrap_err();
    assert!(err.to_string().contains("2023年") && err.to_string().contains("2021年"), "{err}");
}

#[test]
fn unreadable_coordinates_and_a_sheet_without_a_header_are_said_plainly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.csv");
    std::fs::write(&path, "名称,经度,纬度\n好,118.0,37.4\n坏,东经一百一十八度,37.4\n远,118.0,137.4\n").unwrap();
    let opened = ledger::read(&path, &ReadOptions::default()).unwrap();
    let layer = &opened.layers[0];
    assert_eq!(load(layer).sites.len(), 1);
    let rows: Vec<usize> = layer
        .problems
        .iter()
        .map(|p| match p.code {
            Code::LedgerRowUnplaced { row, .. } => row,
            _ => panic!("{p:?}"),
        })
        .collect();
    assert_eq!(rows, [3, 4]);
    assert!(layer.problems[0].message().contains("东经一百一十八度"), "{}", layer.problems[0].message());
    assert_eq!(layer.problems[0].field.as_deref(), Some("经度"));

    let none = dir.path().join("none.csv");
    std::fs::write(&none, "a,b\n1,2\n").unwrap();
    let err = ledger::read(&none, &ReadOptions::default()).unwrap_err();
    assert!(err.to_string().contains("header"), "{err}");
}

#[test]
fn recognised_columns_can_be_shown_and_corrected_by_the_app() {
    let headers: Vec<String> =
        ["序号", "项目名称", "责任单位", "县区", "计划年度", "X坐标", "Y坐标", "面积"].map(String::from).to_vec();
    let map = ledger::recognise_columns(&headers);
    let fields: Vec<&str> = map.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(fields, ["id", "name", "lead_unit", "district", "plan_year", "x", "y"]);
    assert!(map.iter().all(|(f, _)| ledger::FIELDS.contains(&f.as_str())));
}

fn fixture_ledger() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/ledgers/pocket_parks_2021.xlsx")
}

#[test]
fn a_preview_shows_the_header_row_it_found_sample_rows_and_what_each_column_is_read_as() {
    let sheets = ledger::preview(&fixture_ledger(), &ReadOptions::default()).unwrap();
    assert_eq!(sheets.len(), 1);
    let s = &sheets[0];
    assert_eq!(s.header_row, Some(3), "under the title and the unit row");
    assert_eq!(s.headers.len(), s.letters.len());
    assert_eq!(s.letters[0], "A");
    let col = |h: &str| s.headers.iter().position(|x| x == h).unwrap_or_else(|| panic!("no {h} in {:?}", s.headers));
    assert_eq!(s.field_of(col("项目名称")), Some("name"));
    assert_eq!(s.field_of(col("经度")), Some("lon"));
    assert_eq!(s.field_of(col("纬度")), Some("lat"));
    assert_eq!(s.field_of(col("备注")), None, "kept as a property");
    assert_eq!(s.rows.len(), ledger::SAMPLE_ROWS);
    assert_eq!(s.rows[0].0, 4, "the first data row as Excel numbers it");
    assert!(s.rows[0].1[col("项目编号")].starts_with("PP-L-2021-"), "{:?}", s.rows[0]);
    assert_eq!((s.placed, s.unplaced), (8, 0));
    assert!(s.coordinates.iter().any(|m| m.en.contains("degrees")), "{:?}", s.coordinates);
}

/// A ledger whose coordinate headers the recogniser does not know.
fn odd_headers_csv(path: &Path) {
    std::fs::write(
        path,
        "示意台账（单位：米）\n\
         编号,项目名称,北,东,备注\n\
         A-1,示意甲,4139237.5,39585998.2,示意\n\
         A-2,示意乙,,,缺坐标\n\
         A-3,示意丙,4140100,39586500,示意\n",
    )
    .unwrap();
}

#[test]
fn a_mapping_corrected_in_a_preview_reads_unknown_headers_as_the_coordinates() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("东北.csv");
    odd_headers_csv(&path);
    let s = &ledger::preview(&path, &ReadOptions::default()).unwrap()[0];
    assert!(!s.is_sheet);
    assert_eq!(s.header_row, Some(2));
    assert_eq!(s.headers, ["编号", "项目名称", "北", "东", "备注"]);
    assert_eq!(s.field_of(2), None);
    assert_eq!((s.placed, s.unplaced), (0, 3), "no coordinate columns: nothing placed");
    // The user: 北 and 东 are the coordinates, 编号 is only a note.
    let fields: Vec<Option<String>> =
        [None, Some("name"), Some("x"), Some("y"), None].map(|f| f.map(String::from)).to_vec();
    let columns = s.column_options(&fields, s.header_row);
    assert_eq!(columns[0], ("header_row".to_string(), "2".to_string()));
    assert!(columns.contains(&("-".to_string(), "编号".to_string())), "{columns:?}");
    let opts = ReadOptions { columns, ..Default::default() };
    let again = &ledger::preview(&path, &opts).unwrap()[0];
    assert_eq!(again.field_of(0), None, "编号 is no longer the id");
    assert_eq!(again.field_of(2), Some("x"));
    assert_eq!((again.placed, again.unplaced), (2, 1));
    assert!(again.coordinates.iter().any(|m| m.en.contains("北 holds the northings")), "{:?}", again.coordinates);
    let opened = ledger::read(&path, &opts).unwrap();
    let layer = &opened.layers[0];
    assert_eq!(layer.problems.len(), 1);
    assert!(matches!(layer.problems[0].code, Code::LedgerRowUnplaced { row: 4, .. }), "{:?}", layer.problems[0]);
    let ds = load(layer);
    let (lon, lat) = crs::to_wgs84(Crs::Cgcs2000GkZone39, 39_585_998.2, 4_139_237.5).unwrap();
    let p = point(&ds, "示意甲");
    assert!((p.x() - lon).abs() < 1e-9 && (p.y() - lat).abs() < 1e-9, "{p:?}");
    assert_eq!(ds.sites[0].extra("编号"), Some(serde_json::json!("A-1")), "kept as a property");
}

#[test]
fn a_sheet_without_a_recognisable_header_is_previewed_from_its_top_and_read_once_told_the_header_row() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("无表头.csv");
    std::fs::write(&path, "示意台账\n公园,东,北\n示意丁,118.01,37.38\n").unwrap();
    let s = &ledger::preview(&path, &ReadOptions::default()).unwrap()[0];
    assert_eq!(s.header_row, None);
    assert_eq!(s.rows.iter().map(|r| r.0).collect::<Vec<_>>(), [1, 2, 3]);
    assert!(ledger::read(&path, &ReadOptions::default()).is_err());
    let named = |h: &str| s.rows[1].1.iter().position(|x| x == h).unwrap();
    let mut fields = vec![None; s.headers.len()];
    fields[named("公园")] = Some("name".to_string());
    fields[named("东")] = Some("lon".to_string());
    fields[named("北")] = Some("lat".to_string());
    let opts = ReadOptions { columns: s.column_options(&fields, Some(2)), ..Default::default() };
    // Blank headers (the top row was not the header) are named by letter, which still finds them.
    let told = &ledger::preview(&path, &opts).unwrap()[0];
    assert_eq!(told.header_row, Some(2));
    assert_eq!(told.headers, ["公园", "东", "北"]);
    assert_eq!((told.placed, told.unplaced), (1, 0));
    let ds = load(&ledger::read(&path, &opts).unwrap().layers[0]);
    assert_eq!(point(&ds, "示意丁"), Point::new(118.01, 37.38));
}
