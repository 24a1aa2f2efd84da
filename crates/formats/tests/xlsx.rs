//! The attribute table to Excel, read back with calamine. The data is illustrative.

use std::io::Read;

use binzhou_core::load::{LoadOptions, load_bytes};
use binzhou_core::model::YearView;
use binzhou_core::table::{self, Column};
use binzhou_formats::xlsx;
use calamine::{Data, Reader};

const SITES: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"id":"PP-1","name":"黄河五路口袋公园（示意）","layer":"pocket_park","kind":"pocket_park",
 "district":"滨城区","plan_year":2021,"started":"2021-03","completed":"2021-10","investment_wan_yuan":30.5,"remark":"=SUM(A1)"},
 "geometry":{"type":"Point","coordinates":[117.987,37.380]}},
{"type":"Feature","properties":{"id":"UV-2","name":"北街城中村改造","layer":"urban_village","district":"滨城区","plan_year":2022,
 "started":"2022-05"},
 "geometry":{"type":"Polygon","coordinates":[[[118.00,37.37],[118.01,37.37],[118.01,37.38],[118.00,37.38],[118.00,37.37]]]}},
{"type":"Feature","properties":{"id":"GW-3","name":"秦台河绿道","layer":"greenway","plan_year":2020},
 "geometry":{"type":"LineString","coordinates":[[117.95,37.40],[117.97,37.41]]}}
]}"#;

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

#[test]
fn the_table_written_to_xlsx_reads_back_as_shown_with_positions_as_numbers() {
    let ds = load_bytes("sites.geojson", SITES.as_bytes(), &LoadOptions { from: None, threads: 1 });
    assert_eq!(ds.sites.len(), 3);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("属性表.xlsx");
    let rows = [1, 0, 2];
    let view = YearView::EndOf(2021);
    let report = xlsx::write_table(&path, &ds, &rows, view, true).unwrap();
    assert_eq!(report.files, std::slice::from_ref(&path));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary file left");

    let mut wb = calamine::open_workbook_auto(&path).unwrap();
    assert_eq!(wb.sheet_names(), ["属性表"]);
    let range = wb.worksheet_range("属性表").unwrap();
    let grid: Vec<Vec<Data>> = range.rows().map(|r| r.to_vec()).collect();
    assert_eq!(grid.len(), 4, "a header and three rows");

    let columns = table::columns_for(&ds, &rows);
    let header: Vec<String> = grid[0].iter().map(text).collect();
    let mut want: Vec<String> = columns.iter().map(|c| c.title().0).collect();
    want.extend(["经度".to_string(), "纬度".to_string()]);
    assert_eq!(header, want);
    assert!(header.contains(&"投资（万元）".to_string()), "extra columns by their readable names");

    for (r, &i) in rows.iter().enumerate() {
        let site = &ds.sites[i];
        for (c, col) in columns.iter().enumerate() {
            let shown = table::cell(site, col, view, true);
            let got = &grid[r + 1][c];
            match col {
                Column::PlanYear => assert_eq!(got, &Data::Float(f64::from(site.plan_year.unwrap()))),
                Column::LengthKm | Column::AreaM2 if !shown.is_empty() => match got {
                    Data::Float(v) => assert_eq!(*v, shown.parse::<f64>().unwrap()),
                    other => panic!("{col:?}: {other:?}"),
                },
                _ => assert_eq!(text(got), shown, "row {r} {col:?}"),
            }
        }
        let rep = {
            use geo::InteriorPoint;
            site.geometry.interior_point().unwrap()
        };
        let n = columns.len();
        assert_eq!(grid[r + 1][n], Data::Float(rep.x()));
        assert_eq!(grid[r + 1][n + 1], Data::Float(rep.y()));
    }
    let name_col = columns.iter().position(|c| *c == Column::Name).unwrap();
    assert_eq!(text(&grid[1][name_col]), "北街城中村改造", "rows in the order shown");
    let status_col = columns.iter().position(|c| *c == Column::Status).unwrap();
    assert_eq!(text(&grid[2][status_col]), "已完成");
    let invest = columns.iter().position(|c| *c == Column::Extra("investment_wan_yuan".into())).unwrap();
    assert_eq!(grid[2][invest], Data::Float(30.5), "a numeric property is a number");
    let remark = columns.iter().position(|c| *c == Column::Extra("remark".into())).unwrap();
    assert_eq!(text(&grid[2][remark]), "=SUM(A1)", "text that looks like a formula stays text");

    // Bold, frozen header and widths fitted to the Chinese text.
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
    let mut sheet = String::new();
    zip.by_name("xl/worksheets/sheet1.xml").unwrap().read_to_string(&mut sheet).unwrap();
    assert!(sheet.contains("state=\"frozen\"") && sheet.contains("ySplit=\"1\""), "{sheet}");
    assert!(sheet.contains("<autoFilter"), "the header filters");
    assert!(sheet.contains("customWidth=\"1\""));
    let mut styles = String::new();
    zip.by_name("xl/styles.xml").unwrap().read_to_string(&mut styles).unwrap();
    assert!(styles.contains("<b/>"));
}

#[test]
fn the_english_table_has_english_titles_and_cells() {
    let ds = load_bytes("sites.geojson", SITES.as_bytes(), &LoadOptions { from: None, threads: 1 });
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("table.xlsx");
    xlsx::write_table(&path, &ds, &[0], YearView::Latest, false).unwrap();
    let mut wb = calamine::open_workbook_auto(&path).unwrap();
    let range = wb.worksheet_range("Attributes").unwrap();
    let header: Vec<String> = range.rows().next().unwrap().iter().map(text).collect();
    assert_eq!(header[0], "ID");
    assert!(header.ends_with(&["Longitude".to_string(), "Latitude".to_string()]));
    let layer_col = header.iter().position(|h| h == "Layer").unwrap();
    assert_eq!(text(&range.rows().nth(1).unwrap()[layer_col]), "Pocket parks & node green");
}
