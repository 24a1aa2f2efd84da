//! The attribute table as an Excel workbook: what the table shows, its
//! columns and cell text (`binzhou_core::table`), plus the longitude and
//! latitude of each site's representative point as numbers.

use std::io::Write;
use std::path::Path;

use binzhou_core::model::{Dataset, Msg, YearView};
use binzhou_core::table::{self, Column};
use geo::InteriorPoint;
use rust_xlsxwriter::{Format, FormatAlign, Workbook, XlsxError};

use crate::{FormatError, WriteReport};

/// Excel's last row (1-based), header included.
const MAX_ROWS: usize = 1_048_576;
/// The most characters a cell holds.
const MAX_CELL_CHARS: usize = 32_767;
/// Column widths are fitted to the text, up to this many character widths.
const MAX_WIDTH: usize = 60;

/// Writes the table rows (`rows` index `ds.sites`, in the order shown) to an
/// XLSX file: the columns of [`table::columns_for`] with their Chinese or
/// English titles and cells as [`table::cell`] gives them at `view` (numbers
/// as numbers), then 经度/纬度 of each site's representative point (a point
/// inside it) as numbers. The header row is bold, frozen and filterable,
/// and each column is as wide as its text (CJK characters count double).
/// The file is written through a temporary file in the same folder and then
/// renamed over `path`.
pub fn write_table(
    path: &Path,
    ds: &Dataset,
    rows: &[usize],
    view: YearView,
    zh: bool,
) -> Result<WriteReport, FormatError> {
    let mut report = WriteReport::default();
    let bytes = workbook(ds, rows, view, zh, &mut report.notes)
        .map_err(|e| FormatError::Io { path: path.to_path_buf(), source: std::io::Error::other(e.to_string()) })?;
    binzhou_core::save::write_atomic(path, |w| w.write_all(&bytes))
        .map_err(|source| FormatError::Io { path: path.to_path_buf(), source })?;
    report.files.push(path.to_path_buf());
    Ok(report)
}

/// A value as the sheet holds it.
enum Value {
    Text(String),
    Number(f64),
}

/// The width of text in Excel's character units: CJK and full-width count two.
fn text_width(s: &str) -> usize {
    s.lines()
        .map(|l| {
            l.chars()
                .map(|c| {
                    let u = c as u32;
                    if (0x1100..=0x115F).contains(&u)
                        || (0x2E80..=0xA4CF).contains(&u)
                        || (0xAC00..=0xD7A3).contains(&u)
                        || (0xF900..=0xFAFF).contains(&u)
                        || (0xFE30..=0xFE4F).contains(&u)
                        || (0xFF00..=0xFF60).contains(&u)
                        || (0xFFE0..=0xFFE6).contains(&u)
                        || (0x20000..=0x3FFFD).contains(&u)
                    {
                        2
                    } else {
                        1
                    }
                })
                .sum::<usize>()
        })
        .max()
        .unwrap_or(0)
}

fn workbook(
    ds: &Dataset,
    rows: &[usize],
    view: YearView,
    zh: bool,
    notes: &mut Vec<Msg>,
) -> Result<Vec<u8>, XlsxError> {
    let columns = table::columns_for(ds, rows);
    let mut headers: Vec<String> = columns.iter().map(|c| if zh { c.title().0 } else { c.title().1 }).collect();
    headers.push(if zh { "经度" } else { "Longitude" }.to_string());
    headers.push(if zh { "纬度" } else { "Latitude" }.to_string());

    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(if zh { "属性表" } else { "Attributes" })?;
    let bold = Format::new().set_bold().set_align(FormatAlign::Center).set_background_color(0xE8EEF4);
    let degrees = Format::new().set_num_format("0.000000");
    let mut widths: Vec<usize> = headers.iter().map(|h| text_width(h) + 2).collect();
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, &bold)?;
    }
    let kept = rows.len().min(MAX_ROWS - 1);
    if kept < rows.len() {
        notes.push(Msg::new(
            format!("Excel holds {} rows: the last {} rows were left out", MAX_ROWS - 1, rows.len() - kept),
            format!("Excel 最多 {} 行：最后 {} 行未写出", MAX_ROWS - 1, rows.len() - kept),
        ));
    }
    let mut cut = 0usize;
    for (r, &i) in rows[..kept].iter().enumerate() {
        let Some(site) = ds.sites.get(i) else { continue };
        let row = r as u32 + 1;
        for (c, col) in columns.iter().enumerate() {
            let text = table::cell(site, col, view, zh);
            if text.is_empty() {
                continue;
            }
            let numeric = match col {
                Column::Task | Column::PlanYear | Column::LengthKm | Column::AreaM2 => true,
                Column::Extra(k) => matches!(site.extra(k), Some(serde_json::Value::Number(_))),
                _ => false,
            };
            let value = match text.parse::<f64>() {
                Ok(n) if numeric && n.is_finite() => Value::Number(n),
                _ => Value::Text(text),
            };
            match value {
                Value::Number(n) => {
                    ws.write_number(row, c as u16, n)?;
                    widths[c] = widths[c].max(n.to_string().len() + 2);
                }
                Value::Text(t) => {
                    let t = if t.chars().count() > MAX_CELL_CHARS {
                        cut += 1;
                        t.chars().take(MAX_CELL_CHARS).collect()
                    } else {
                        t
                    };
                    widths[c] = widths[c].max(text_width(&t) + 2);
                    ws.write_string(row, c as u16, &t)?;
                }
            }
        }
        if let Some(p) = site.geometry.interior_point() {
            let c = columns.len() as u16;
            ws.write_number_with_format(row, c, p.x(), &degrees)?;
            ws.write_number_with_format(row, c + 1, p.y(), &degrees)?;
        }
    }
    let n = columns.len();
    widths[n] = widths[n].max(13);
    widths[n + 1] = widths[n + 1].max(12);
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, (*w).min(MAX_WIDTH) as f64)?;
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, kept as u32, (headers.len() - 1) as u16)?;
    if cut > 0 {
        notes.push(Msg::new(
            format!("{cut} cells longer than Excel's {MAX_CELL_CHARS} characters were cut"),
            format!("{cut} 个单元格超过 Excel 的 {MAX_CELL_CHARS} 个字符上限，已截断"),
        ));
    }
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_text_is_twice_as_wide_as_latin() {
        assert_eq!(text_width("abc"), 3);
        assert_eq!(text_width("口袋公园"), 8);
        assert_eq!(text_width("黄河5路（北段）"), 15);
        assert_eq!(text_width("两行\n长一些的一行"), 12);
    }
}
