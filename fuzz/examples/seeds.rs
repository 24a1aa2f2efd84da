//! Writes the seed corpora under `fuzz/seeds/<target>/` from the project's
//! own fixtures and writers: `cargo +nightly run --manifest-path
//! fuzz/Cargo.toml --example seeds`. The seeds are committed; this is how
//! they were made, so they can be made again when a format changes.

use std::path::{Path, PathBuf};

use binzhou_core::load::{LoadOptions, load_file};
use binzhou_fuzz::frame;
use binzhou_tiles::coord::TileCoord;
use binzhou_tiles::format::TileFormat;
use binzhou_tiles::mbtiles::{MbTilesMeta, MbTilesReader, MbTilesWriter};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR"));
    let fixtures = fuzz.join("../tests/fixtures");
    let seeds = fuzz.join("seeds");
    let work = std::env::temp_dir().join(format!("binzhou-seeds-{}", std::process::id()));
    std::fs::create_dir_all(&work)?;
    let put = |target: &str, name: &str, bytes: &[u8]| -> std::io::Result<()> {
        let dir = seeds.join(target);
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join(name), bytes)
    };

    // GeoJSON: every fixture, good and bad.
    for dir in ["bad", "audit", "crs", "."] {
        for e in std::fs::read_dir(fixtures.join(dir))?.flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x == "geojson" || x == "json") {
                put("geojson_load", &file_name(&p), &std::fs::read(&p)?)?;
            }
        }
    }

    // NMEA: the start of the recorded walk, and a few sentence kinds.
    let walk = std::fs::read_to_string(fixtures.join("gnss/bincheng_walk.nmea"))?;
    put("nmea", "walk.nmea", walk.lines().take(40).collect::<Vec<_>>().join("\r\n").as_bytes())?;
    for (i, line) in walk.lines().step_by(7).take(12).enumerate() {
        put("nmea", &format!("line{i}.nmea"), line.as_bytes())?;
    }

    for (i, d) in ["2020", "2021-06", "2022-12-31", "2021/6/3", "2021年6月", "2021.06.30", "2021-13-45", "20210630"]
        .iter()
        .enumerate()
    {
        put("date", &format!("d{i}"), d.as_bytes())?;
    }

    let places = [
        "118.0210, 37.3810",
        "37.3810 118.0210",
        "37°22'51.6\"N 118°01'15.6\"E",
        "北纬37度22分51.6秒 东经118度1分15.6秒",
        "X=4138902.1 Y=39501844.7",
        "4138902.1, 501844.7",
        "118.0210,37.3810 gcj02",
        "PP-MC-2021-03",
    ];
    for (i, t) in places.iter().enumerate() {
        put("coordinate_input", &format!("p{i}"), t.as_bytes())?;
    }

    for (i, t) in [
        "https://tile.example.com/{z}/{x}/{y}.png",
        "s=a,b,c\nhttps://{s}.tile.example.com/{z}/{x}/{-y}.png?key=abcdef0123",
        "https://t0.tianditu.gov.cn/vec_w/wmts?tk=0123456789abcdef&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}",
        "http://localhost:8080/tiles/{z}/{y}/{x}",
    ]
    .iter()
    .enumerate()
    {
        put("tile_template", &format!("t{i}"), t.as_bytes())?;
    }

    // MBTiles and PMTiles: three tiles over Binzhou.
    let mb = work.join("seed.mbtiles");
    let meta = MbTilesMeta { name: "seed".into(), format: Some(TileFormat::Png), ..Default::default() };
    let mut w = MbTilesWriter::create(&mb, meta)?;
    for t in [TileCoord { z: 0, x: 0, y: 0 }, TileCoord { z: 5, x: 26, y: 12 }, TileCoord { z: 12, x: 3390, y: 1550 }] {
        w.insert(t, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR")?;
    }
    w.finish()?;
    put("mbtiles", "seed.mbtiles", &std::fs::read(&mb)?)?;
    let pm = work.join("seed.pmtiles");
    binzhou_tiles::pmtiles::export_mbtiles(&MbTilesReader::open(&mb)?, &pm)?;
    put("pmtiles", "seed.pmtiles", &std::fs::read(&pm)?)?;

    // The vector formats, written by the project's own writers from a
    // small clean plan file, plus the land bureau's Shapefile.
    let ds = load_file(&fixtures.join("audit/clean.geojson"), &LoadOptions::default(), &|_, _| {});
    let rows: Vec<usize> = (0..ds.sites.len()).collect();
    for ext in ["shp", "kml", "kmz", "gpkg", "csv", "xlsx"] {
        let out = work.join(format!("clean.{ext}"));
        binzhou_formats::write(&out, &ds, &rows, true)?;
    }
    put("shapefile", "clean", &shapefile(&work.join("clean"))?)?;
    put("shapefile", "districts", &shapefile(&fixtures.join("land_bureau/districts"))?)?;
    put("kml", "clean.kml", &std::fs::read(work.join("clean.kml"))?)?;
    put("kml", "clean.kmz", &std::fs::read(work.join("clean.kmz"))?)?;
    put("geopackage", "clean.gpkg", &std::fs::read(work.join("clean.gpkg"))?)?;
    put("ledger_csv", "clean.csv", &std::fs::read(work.join("clean.csv"))?)?;
    let csv = std::fs::read_to_string(work.join("clean.csv"))?;
    let (gbk, _, _) = encoding_rs::GBK.encode(&csv);
    put("ledger_csv", "clean_gbk.csv", &gbk)?;
    put("ledger_xlsx", "clean.xlsx", &std::fs::read(work.join("clean.xlsx"))?)?;
    put("ledger_xlsx", "pocket_parks_2021.xlsx", &std::fs::read(fixtures.join("ledgers/pocket_parks_2021.xlsx"))?)?;
    put(
        "gpx",
        "walk.gpx",
        r#"<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="seed" xmlns="http://www.topografix.com/GPX/1/1">
<wpt lat="37.381" lon="118.021"><name>黄河五路口袋公园</name><desc>示意</desc><time>2021-06-03T02:00:00Z</time></wpt>
<rte><name>踏勘路线</name><rtept lat="37.38" lon="118.02"/><rtept lat="37.39" lon="118.03"/></rte>
<trk><name>巡查</name><trkseg><trkpt lat="37.38" lon="118.02"><ele>9</ele></trkpt><trkpt lat="37.381" lon="118.022"/></trkseg></trk>
</gpx>
"#
        .as_bytes(),
    )?;

    for (i, s) in ds.sites.iter().filter(|s| s.is_located()).take(4).enumerate() {
        put("wkb", &format!("g{i}.wkb"), &binzhou_formats::geo_to_wkb(&s.geometry))?;
    }

    put("prj", "districts.prj", &std::fs::read(fixtures.join("land_bureau/districts.prj"))?)?;
    put("prj", "wgs84.prj", br#"GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#)?;
    put("prj", "cgcs2000.prj", br#"GEOGCS["China Geodetic Coordinate System 2000",DATUM["China_2000",SPHEROID["CGCS2000",6378137,298.257222101]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433],AUTHORITY["EPSG","4490"]]"#)?;

    // A team's check journal with one check (the journal's own writer).
    let journal = work.join("checks.gpkg");
    let check: binzhou_core::checks::Check = serde_json::from_value(serde_json::json!({
        "id": "0190f5c2-7e4a-7b3c-9d2e-3f4a5b6c7d8e", "version": 1, "previous": null,
        "site_id": "PP-MC-2021-03", "site_layer": "pocket_park", "result": "moved",
        "observed": null, "finished_on": null, "note": "示意：东移约 30 米",
        "inspector": "外业一组", "checked_at": "2026-11-02T01:30:12Z", "author": "外业一组",
        "written_at": "2026-11-02T01:30:15Z", "gnss": null, "corrected": [118.0214, 37.3811],
        "low_accuracy": false, "deleted": false, "photos": []
    }))?;
    binzhou_journal::Journal::open(&journal)?.save(&check)?;
    put("checks_journal", "checks.gpkg", &std::fs::read(&journal)?)?;

    for e in std::fs::read_dir(fixtures.join("photos"))?.flatten() {
        put("photo_exif", &file_name(&e.path()), &std::fs::read(e.path())?)?;
    }

    let tour = binzhou_core::tour::Tour::from_sites(&ds, &rows, &Default::default());
    put("tour", "clean.tour.json", tour.to_json().as_bytes())?;

    std::fs::remove_dir_all(&work)?;
    println!("seeds written under {}", seeds.display());
    Ok(())
}

fn file_name(p: &Path) -> String {
    p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// One framed input of the `shapefile` target: shx, dbf, cpg, prj, shp.
fn shapefile(stem: &Path) -> std::io::Result<Vec<u8>> {
    let part = |ext: &str| -> std::io::Result<Vec<u8>> {
        let p: PathBuf = stem.with_extension(ext);
        if p.exists() { std::fs::read(p) } else { Ok(Vec::new()) }
    };
    let (shx, dbf, cpg, prj, shp) = (part("shx")?, part("dbf")?, part("cpg")?, part("prj")?, part("shp")?);
    Ok(frame(&[&shx, &dbf, &cpg, &prj, &shp]))
}
