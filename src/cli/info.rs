//! `info FILE… [--features] [--json]`: what each file holds, as `ogrinfo`
//! tells it.

use std::path::PathBuf;

use binzhou_core::info::{FieldType, FileReport, describe};

use super::Lang;

pub fn run(
    out: &mut dyn std::io::Write,
    files: &[PathBuf],
    features: bool,
    json: bool,
    lang: Lang,
) -> anyhow::Result<i32> {
    for f in files {
        if !f.exists() {
            anyhow::bail!(match lang {
                Lang::Zh => format!("{}：文件不存在", f.display()),
                Lang::En => format!("{}: no such file or folder", f.display()),
            });
        }
    }
    let ds = binzhou_formats::load_paths(files, &Default::default()).0;
    // What made features drop or a file fail, as validate says it.
    for p in ds.problems.iter().filter(|p| p.severity == binzhou_core::model::Severity::Error) {
        eprintln!("{}", p.line(lang == Lang::Zh));
    }
    let reports = describe(&ds, features);
    if json {
        writeln!(out, "{}", serde_json::to_string_pretty(&reports)?)?;
        return Ok(0);
    }
    for r in &reports {
        write_report(out, r, lang)?;
    }
    Ok(0)
}

fn types_text(types: &[FieldType]) -> String {
    if types.is_empty() {
        return "null".into();
    }
    types.iter().map(|t| t.name()).collect::<Vec<_>>().join(" | ")
}

fn write_report(out: &mut dyn std::io::Write, r: &FileReport, lang: Lang) -> std::io::Result<()> {
    let zh = lang == Lang::Zh;
    let count = |sev: &str| r.problems.get(sev).copied().unwrap_or(0);
    let crs_from = match (zh, r.crs_from.as_str()) {
        (true, "declared") => "文件声明",
        (true, "detected") => "按坐标数值识别",
        (true, "forced") => "命令行指定",
        (true, _) => "默认",
        (false, from) => from,
    };
    if zh {
        writeln!(out, "文件：{}", r.path)?;
        writeln!(out, "  编码：{}", r.encoding)?;
        writeln!(out, "  坐标系：{}（{crs_from}）", r.crs)?;
        writeln!(out, "  要素：读取 {}，加载 {}", r.features_read, r.features_loaded)?;
        writeln!(out, "  问题：错误 {}，警告 {}，提示 {}", count("error"), count("warning"), count("notice"))?;
    } else {
        writeln!(out, "File: {}", r.path)?;
        writeln!(out, "  Encoding: {}", r.encoding)?;
        writeln!(out, "  CRS: {} ({crs_from})", r.crs)?;
        writeln!(out, "  Features: {} read, {} loaded", r.features_read, r.features_loaded)?;
        writeln!(
            out,
            "  Problems: {} errors, {} warnings, {} notices",
            count("error"),
            count("warning"),
            count("notice")
        )?;
    }
    for l in &r.layers {
        let name = if zh { &l.name_zh } else { &l.name_en };
        let geoms: Vec<String> = l.geometry_types.iter().map(|(g, n)| format!("{g} {n}")).collect();
        let extent =
            l.extent.map(|[a, b, c, d]| format!("({a:.6}, {b:.6}) - ({c:.6}, {d:.6})")).unwrap_or_else(|| "-".into());
        let (h_layer, h_count, h_geom, h_extent, h_fields) = if zh {
            ("图层", "要素数", "几何类型", "范围（经纬度）", "字段")
        } else {
            ("Layer", "Feature count", "Geometry", "Extent (lon, lat)", "Fields")
        };
        writeln!(out, "  {h_layer}: {} ({name})", l.key)?;
        writeln!(out, "    {h_count}: {}", l.features)?;
        writeln!(out, "    {h_geom}: {}", geoms.join(", "))?;
        writeln!(out, "    {h_extent}: {extent}")?;
        writeln!(out, "    {h_fields}:")?;
        for f in &l.fields {
            writeln!(out, "      {}: {} ({}/{})", f.name, types_text(&f.types), f.filled, l.features)?;
        }
    }
    for f in &r.features {
        let measure = if f.area_m2 > 0.0 {
            format!("{:.0} m², {:.4} km²", f.area_m2, f.area_m2 / 1e6)
        } else if f.length_km > 0.0 {
            format!("{:.3} km", f.length_km)
        } else {
            String::new()
        };
        let title: Vec<&str> = [f.id.as_deref(), f.name.as_deref()].into_iter().flatten().collect();
        let feature = if zh { format!("第 {} 个要素", f.number) } else { format!("Feature {}", f.number) };
        writeln!(out, "  {feature}: {} [{}, {}] {measure}", title.join(" "), f.layer, f.geometry)?;
        for (k, v) in &f.properties {
            let v = match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            writeln!(out, "    {k} = {v}")?;
        }
    }
    Ok(())
}
