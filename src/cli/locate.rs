//! `locate TEXT…`: positions from survey reports, in WGS 84, GCJ-02 and
//! CGCS2000 Gauss–Krüger.

use std::path::Path;

use binzhou_core::crs::{Crs, from_wgs84};
use binzhou_core::locate::locate;

use super::Lang;

pub fn run(out: &mut dyn std::io::Write, texts: &[String], data: &Path, lang: Lang) -> anyhow::Result<i32> {
    let zh = lang == Lang::Zh;
    let mut failed = 0;
    // Site ids are looked up only when some text is not a position.
    let mut sites = None;
    for text in texts {
        let found = match locate(text) {
            Ok(p) => Ok((p.lon, p.lat)),
            Err(e) => {
                let ds = sites
                    .get_or_insert_with(|| binzhou_formats::load_paths(&[data.to_path_buf()], &Default::default()).0);
                match ds.find_by_id(text.trim()).and_then(|i| ds.sites[i].located_bbox()) {
                    Some(b) => {
                        let c = b.center();
                        Ok((c.x, c.y))
                    }
                    None => Err(e),
                }
            }
        };
        match found {
            Ok((lon, lat)) => {
                writeln!(out, "{text}")?;
                writeln!(out, "  WGS84:   {lon:.7}, {lat:.7}")?;
                if let Ok((glon, glat)) = from_wgs84(Crs::Gcj02, lon, lat) {
                    writeln!(out, "  GCJ-02:  {glon:.7}, {glat:.7}")?;
                }
                // Zone 39 west of 118.5°E, zone 40 east of it.
                let zone = if lon < 118.5 { Crs::Cgcs2000GkZone39 } else { Crs::Cgcs2000GkZone40 };
                if let Ok((e, n)) = from_wgs84(zone, lon, lat) {
                    let z = if zone == Crs::Cgcs2000GkZone39 { 39 } else { 40 };
                    let label = if zh { format!("CGCS2000 {z} 带") } else { format!("CGCS2000 zone {z}") };
                    writeln!(out, "  {label}: X={n:.2} Y={e:.2}  ({})", zone.code())?;
                }
            }
            Err(e) => {
                failed += 1;
                let msg = if zh {
                    format!("{text}：无法识别（{e}）")
                } else {
                    format!("{text}: cannot read it ({e})")
                };
                eprintln!("{msg}");
            }
        }
    }
    Ok(if failed > 0 { 1 } else { 0 })
}
