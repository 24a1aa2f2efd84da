//! dBase tables (a Shapefile's `.dbf`), read and written at the byte level
//! so that text is decoded here, with the encoding chosen from the `.cpg`,
//! the language-driver byte or the bytes themselves — never guessed by a
//! library.

use binzhou_core::model::Msg;
use encoding_rs::{Encoding, GB18030, GBK, UTF_8};
use serde_json::{Map, Number, Value};

/// One column of a table.
#[derive(Debug, Clone)]
pub(crate) struct Field {
    /// The name's bytes, as stored (up to 10, in the table's encoding).
    pub name: Vec<u8>,
    /// The type letter: `C`, `N`, `F`, `L`, `D`, `M`, …
    pub kind: u8,
    /// Width in bytes.
    pub length: usize,
    /// Offset of the value in a record (after the deletion flag).
    offset: usize,
}

/// A table: its columns and raw records.
#[derive(Debug, Clone)]
pub(crate) struct Table {
    pub fields: Vec<Field>,
    /// Each record's bytes, deletion flag first.
    records: Vec<Vec<u8>>,
    /// The language-driver byte (header byte 29).
    pub ldid: u8,
    /// The version byte (header byte 0; 0x8B is dBase IV with a memo file).
    pub version: u8,
    /// How many records the header announced (more than `records` when the file is cut short).
    pub announced: usize,
}

impl Table {
    /// How many records were read.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Whether record `i` is marked deleted.
    pub fn deleted(&self, i: usize) -> bool {
        self.records.get(i).is_some_and(|r| r.first() == Some(&b'*'))
    }

    /// The raw bytes of field `f` in record `i`.
    fn raw(&self, i: usize, f: &Field) -> &[u8] {
        self.records.get(i).and_then(|r| r.get(1 + f.offset..1 + f.offset + f.length)).unwrap_or(&[])
    }

    /// The text bytes of every text field (C and M), for encoding detection.
    fn text_bytes(&self) -> impl Iterator<Item = &[u8]> {
        self.fields
            .iter()
            .filter(|f| f.kind == b'C')
            .flat_map(move |f| (0..self.len()).map(move |i| self.raw(i, f)))
            .chain(self.fields.iter().map(|f| f.name.as_slice()))
    }
}

/// Reads a table's header, fields and records. Errors say what is wrong
/// (English; the caller names the file).
pub(crate) fn parse(bytes: &[u8]) -> Result<Table, String> {
    if bytes.len() < 32 {
        return Err(format!("the .dbf is {} bytes long, too short for a dBase header", bytes.len()));
    }
    let u16_at = |at: usize| u16::from_le_bytes([bytes[at], bytes[at + 1]]) as usize;
    let announced = u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]) as usize;
    let header_len = u16_at(8);
    let record_len = u16_at(10);
    if header_len < 33 || header_len > bytes.len() {
        return Err(format!("the .dbf header length {header_len} does not fit the file ({} bytes)", bytes.len()));
    }
    let mut fields = Vec::new();
    let mut offset = 0;
    let mut at = 32;
    while at + 32 <= header_len && bytes[at] != 0x0D {
        let d = &bytes[at..at + 32];
        let name_end = d[..11].iter().position(|&b| b == 0).unwrap_or(11);
        let name: Vec<u8> = d[..name_end].to_vec();
        let length = usize::from(d[16]);
        fields.push(Field { name, kind: d[11].to_ascii_uppercase(), length, offset });
        offset += length;
        at += 32;
    }
    if offset + 1 > record_len.max(1) {
        return Err(format!(
            "the .dbf fields need {} bytes a record but the header says records are {record_len} bytes",
            offset + 1
        ));
    }
    let available = (bytes.len() - header_len) / record_len.max(1);
    let count = announced.min(available);
    let records =
        (0..count).map(|i| bytes[header_len + i * record_len..header_len + (i + 1) * record_len].to_vec()).collect();
    Ok(Table { fields, records, ldid: bytes[29], version: bytes[0], announced })
}

/// The text encoding chosen for a table, and why, for the user.
#[derive(Debug, Clone)]
pub(crate) struct Choice {
    pub encoding: &'static Encoding,
    pub why: Msg,
}

/// The encoding a `.cpg` names, if it names one this reader knows.
fn by_cpg(cpg: &str) -> Option<(&'static Encoding, &'static str)> {
    let label = cpg.trim().trim_start_matches('\u{feff}').trim();
    let lower = label.to_ascii_lowercase();
    let bare = lower.strip_prefix("ansi").map(str::trim).unwrap_or(&lower);
    let bare = bare.strip_prefix("cp").unwrap_or(bare);
    match bare {
        "utf-8" | "utf8" | "65001" => Some((UTF_8, "UTF-8")),
        "gbk" | "936" | "gb2312" | "gb_2312-80" | "chinese" => Some((GBK, "GBK")),
        "gb18030" | "54936" => Some((GB18030, "GB18030")),
        "950" | "big5" => Some((encoding_rs::BIG5, "Big5")),
        "932" | "shift_jis" | "sjis" => Some((encoding_rs::SHIFT_JIS, "Shift_JIS")),
        "949" | "euc-kr" => Some((encoding_rs::EUC_KR, "EUC-KR")),
        "1252" => Some((encoding_rs::WINDOWS_1252, "windows-1252")),
        _ => Encoding::for_label(label.as_bytes()).map(|e| (e, e.name())),
    }
}

/// The encoding a language-driver byte names, when it names one this reader knows.
fn by_ldid(ldid: u8) -> Option<(&'static Encoding, &'static str, u16)> {
    match ldid {
        0x4D | 0x7A => Some((GBK, "GBK", 936)),
        0x4F | 0x78 => Some((encoding_rs::BIG5, "Big5", 950)),
        0x13 | 0x7B => Some((encoding_rs::SHIFT_JIS, "Shift_JIS", 932)),
        0x4E | 0x79 => Some((encoding_rs::EUC_KR, "EUC-KR", 949)),
        0x03 => Some((encoding_rs::WINDOWS_1252, "windows-1252", 1252)),
        0xC8 => Some((encoding_rs::WINDOWS_1250, "windows-1250", 1250)),
        0xC9 => Some((encoding_rs::WINDOWS_1251, "windows-1251", 1251)),
        0x65 | 0x26 => Some((encoding_rs::IBM866, "IBM866", 866)),
        0x50 | 0x7C => Some((encoding_rs::WINDOWS_874, "windows-874", 874)),
        _ => None,
    }
}

/// Chooses the text encoding: by the `.cpg` (when given and known), else by
/// the language-driver byte, else by the bytes (valid UTF-8 throughout →
/// UTF-8, otherwise GB18030).
pub(crate) fn choose(cpg: Option<&str>, table: &Table) -> Choice {
    let mut unknown_cpg = None;
    if let Some(cpg) = cpg {
        match by_cpg(cpg) {
            Some((encoding, name)) => {
                let shown = cpg.trim();
                return Choice {
                    encoding,
                    why: Msg::new(
                        format!("{name} (the .cpg says \"{shown}\")"),
                        format!("{name}（.cpg 文件注明“{shown}”）"),
                    ),
                };
            }
            None => unknown_cpg = Some(cpg.trim().to_owned()),
        }
    }
    let (lead_en, lead_zh) = match &unknown_cpg {
        Some(c) => {
            (format!("the .cpg names \"{c}\", an encoding not known here; "), format!(".cpg 注明的编码“{c}”无法识别；"))
        }
        None => (String::new(), String::new()),
    };
    let ldid = table.ldid;
    if let Some((encoding, name, page)) = by_ldid(ldid) {
        return Choice {
            encoding,
            why: Msg::new(
                format!("{name} ({lead_en}DBF language driver 0x{ldid:02X}, code page {page})"),
                format!("{name}（{lead_zh}DBF 语言驱动 0x{ldid:02X}，代码页 {page}）"),
            ),
        };
    }
    let (driver_en, driver_zh) = if ldid == 0 {
        ("no .cpg and no language driver".to_owned(), "没有 .cpg，也没有语言驱动".to_owned())
    } else {
        (
            format!("no .cpg, and language driver 0x{ldid:02X} does not name a code page known here"),
            format!("没有 .cpg，语言驱动 0x{ldid:02X} 未指明可识别的代码页"),
        )
    };
    let (driver_en, driver_zh) = if unknown_cpg.is_some() {
        (format!("{lead_en}{driver_en}"), format!("{lead_zh}{driver_zh}"))
    } else {
        (driver_en, driver_zh)
    };
    let mut any_high = false;
    let all_utf8 = table.text_bytes().all(|b| {
        any_high |= b.iter().any(|&c| c >= 0x80);
        std::str::from_utf8(b).is_ok()
    });
    if all_utf8 {
        let (en, zh) = if any_high {
            ("the text is valid UTF-8", "文本是有效的 UTF-8")
        } else {
            ("the text is plain ASCII", "文本只含 ASCII 字符")
        };
        Choice {
            encoding: UTF_8,
            why: Msg::new(format!("UTF-8 (detected: {en}; {driver_en})"), format!("UTF-8（检测：{zh}；{driver_zh}）")),
        }
    } else {
        Choice {
            encoding: GB18030,
            why: Msg::new(
                format!("GB18030 (detected: the text is not valid UTF-8; {driver_en})"),
                format!("GB18030（检测：文本不是有效的 UTF-8；{driver_zh}）"),
            ),
        }
    }
}

/// A field value that could not be decoded: the field and why.
#[derive(Debug, Clone)]
pub(crate) struct Undecodable {
    pub field: String,
    pub why: Msg,
}

/// Decodes `bytes` in `encoding`; `Err` with the lossy text when some bytes are invalid.
fn decode(encoding: &'static Encoding, bytes: &[u8]) -> Result<String, String> {
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    if had_errors { Err(text.into_owned()) } else { Ok(text.into_owned()) }
}

/// The table's field names, decoded (unique: a repeated name gets `_2`, `_3`…).
pub(crate) fn field_names(table: &Table, encoding: &'static Encoding) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for f in &table.fields {
        let base = match decode(encoding, &f.name) {
            Ok(s) | Err(s) => s.trim().to_owned(),
        };
        let base = if base.is_empty() { format!("field_{}", names.len() + 1) } else { base };
        let mut name = base.clone();
        let mut n = 2;
        while names.contains(&name) {
            name = format!("{base}_{n}");
            n += 1;
        }
        names.push(name);
    }
    names
}

/// Record `i` as JSON properties in field order (`names` from
/// [`field_names`]); values that cannot be decoded are null and listed.
pub(crate) fn record(
    table: &Table,
    i: usize,
    names: &[String],
    encoding: &'static Encoding,
    memo: Option<&Memo>,
) -> (Map<String, Value>, Vec<Undecodable>) {
    let mut props = Map::new();
    let mut bad = Vec::new();
    for (f, name) in table.fields.iter().zip(names) {
        let raw = table.raw(i, f);
        let mut fail = |en: String, zh: String| bad.push(Undecodable { field: name.clone(), why: Msg::new(en, zh) });
        let value = match f.kind {
            b'C' => text_value(encoding, raw, name, &mut fail),
            b'M' => match memo {
                None => Value::Null,
                Some(m) => {
                    let block = String::from_utf8_lossy(raw).trim().parse::<usize>().ok();
                    match block.filter(|&b| b > 0).map(|b| m.text(b)) {
                        None => Value::Null,
                        Some(Some(bytes)) => text_value(encoding, bytes, name, &mut fail),
                        Some(None) => {
                            fail(
                                format!("{name}: the memo block is not in the .dbt"),
                                format!("{name}：.dbt 中没有该备注块"),
                            );
                            Value::Null
                        }
                    }
                }
            },
            b'N' | b'F' => number_value(raw, name, &mut fail),
            b'L' => match raw.first().copied().unwrap_or(b' ') {
                b'T' | b't' | b'Y' | b'y' => Value::Bool(true),
                b'F' | b'f' | b'N' | b'n' => Value::Bool(false),
                _ => Value::Null,
            },
            b'D' => date_value(raw, name, &mut fail),
            b'I' if raw.len() == 4 => Value::from(i32::from_le_bytes([raw[0], raw[1], raw[2], raw[3]])),
            b'O' | b'B' if raw.len() == 8 => {
                let mut b = [0u8; 8];
                b.copy_from_slice(raw);
                Number::from_f64(f64::from_le_bytes(b)).map_or(Value::Null, Value::Number)
            }
            _ => text_value(encoding, raw, name, &mut fail),
        };
        props.insert(name.clone(), value);
    }
    (props, bad)
}

fn text_value(encoding: &'static Encoding, raw: &[u8], name: &str, fail: &mut impl FnMut(String, String)) -> Value {
    let end = raw.iter().rposition(|&b| b != b' ' && b != 0).map_or(0, |p| p + 1);
    let raw = &raw[..end];
    if raw.is_empty() {
        return Value::Null;
    }
    match decode(encoding, raw) {
        Ok(s) => Value::String(s),
        Err(lossy) => {
            let hex: String = raw.iter().take(16).map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(" ");
            fail(
                format!("{name}: bytes [{hex}] are not valid {}; read as \"{lossy}\"", encoding.name()),
                format!("{name}：字节 [{hex}] 不是有效的 {} 编码，读作“{lossy}”", encoding.name()),
            );
            Value::String(lossy)
        }
    }
}

fn number_value(raw: &[u8], name: &str, fail: &mut impl FnMut(String, String)) -> Value {
    let text = String::from_utf8_lossy(raw);
    let t = text.trim().trim_matches('\0');
    if t.is_empty() || t.chars().all(|c| c == '*') {
        return Value::Null;
    }
    if let Ok(n) = t.parse::<i64>() {
        return Value::from(n);
    }
    match t.replace(',', ".").parse::<f64>().ok().and_then(Number::from_f64) {
        Some(n) => Value::Number(n),
        None => {
            fail(format!("{name}: \"{t}\" is not a number"), format!("{name}：“{t}”不是数字"));
            Value::Null
        }
    }
}

fn date_value(raw: &[u8], name: &str, fail: &mut impl FnMut(String, String)) -> Value {
    let text = String::from_utf8_lossy(raw);
    let t = text.trim().trim_matches('\0');
    if t.is_empty() || t.bytes().all(|b| b == b'0') {
        return Value::Null;
    }
    let ok = t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit()) && {
        let (m, d) = (&t[4..6], &t[6..8]);
        ("01"..="12").contains(&m) && ("01"..="31").contains(&d)
    };
    if ok {
        Value::String(format!("{}-{}-{}", &t[..4], &t[4..6], &t[6..8]))
    } else {
        fail(format!("{name}: \"{t}\" is not a date (YYYYMMDD)"), format!("{name}：“{t}”不是日期（应为 YYYYMMDD）"));
        Value::Null
    }
}

/// A memo file (`.dbt`), dBase III or IV.
#[derive(Debug, Clone)]
pub(crate) struct Memo {
    bytes: Vec<u8>,
    block: usize,
}

impl Memo {
    /// A memo file from its bytes; dBase IV files give their block size in the header.
    pub fn new(bytes: Vec<u8>, dbase4: bool) -> Self {
        let stated = bytes.get(20..22).map_or(0, |b| usize::from(u16::from_le_bytes([b[0], b[1]])));
        let block = if dbase4 && stated >= 64 { stated } else { 512 };
        Memo { bytes, block }
    }

    /// The text of memo block `n`.
    fn text(&self, n: usize) -> Option<&[u8]> {
        let start = n.checked_mul(self.block)?;
        let rest = self.bytes.get(start..)?;
        if rest.starts_with(&[0xFF, 0xFF, 0x08, 0x00]) {
            let len = u32::from_le_bytes(rest.get(4..8)?.try_into().ok()?) as usize;
            return rest.get(8..len.max(8));
        }
        let end = rest.iter().position(|&b| b == 0x1A).unwrap_or(rest.len());
        Some(&rest[..end])
    }
}

/// The type of a column written.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Kind {
    /// Text (`C`).
    Text,
    /// A number with this many decimals (`N`).
    Number(u8),
    /// True/false (`L`).
    Logical,
}

/// One formatted cell to write (`None`: blank).
pub(crate) type Cell = Option<Vec<u8>>;

/// A column to write: its name (≤ 10 bytes), type and width.
#[derive(Debug, Clone)]
pub(crate) struct Column {
    pub name: String,
    pub kind: Kind,
    pub width: usize,
}

/// A dBase III table (UTF-8 text, no language driver) with `rows` of cells
/// already formatted to at most their column's width.
pub(crate) fn write(columns: &[Column], rows: &[Vec<Cell>]) -> Vec<u8> {
    let header_len = 32 + 32 * columns.len() + 1;
    let record_len = 1 + columns.iter().map(|c| c.width).sum::<usize>();
    let mut out = Vec::with_capacity(header_len + record_len * rows.len() + 1);
    out.push(0x03);
    out.extend_from_slice(&today());
    out.extend_from_slice(&(rows.len() as u32).to_le_bytes());
    out.extend_from_slice(&(header_len as u16).to_le_bytes());
    out.extend_from_slice(&(record_len as u16).to_le_bytes());
    out.resize(32, 0);
    for c in columns {
        let mut d = [0u8; 32];
        let name = c.name.as_bytes();
        d[..name.len().min(10)].copy_from_slice(&name[..name.len().min(10)]);
        d[11] = match c.kind {
            Kind::Text => b'C',
            Kind::Number(_) => b'N',
            Kind::Logical => b'L',
        };
        d[16] = c.width as u8;
        d[17] = match c.kind {
            Kind::Number(dec) => dec,
            _ => 0,
        };
        out.extend_from_slice(&d);
    }
    out.push(0x0D);
    for row in rows {
        out.push(b' ');
        for (c, cell) in columns.iter().zip(row) {
            let bytes = cell.as_deref().unwrap_or(&[]);
            let bytes = &bytes[..bytes.len().min(c.width)];
            let pad = c.width - bytes.len();
            if matches!(c.kind, Kind::Number(_)) {
                out.extend(std::iter::repeat_n(b' ', pad));
                out.extend_from_slice(bytes);
            } else {
                out.extend_from_slice(bytes);
                out.extend(std::iter::repeat_n(if c.kind == Kind::Logical { b'?' } else { b' ' }, pad));
            }
        }
    }
    out.push(0x1A);
    out
}

/// Today's date (UTC) as a dBase header has it: years since 1900, month, day.
fn today() -> [u8; 3] {
    let days =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() / 86_400) as i64;
    // Days since 1970-01-01 to a civil date (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    [u8::try_from(year - 1900).unwrap_or(u8::MAX), month as u8, day as u8]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_written_reads_back() {
        let cols = vec![
            Column { name: "name".into(), kind: Kind::Text, width: 21 },
            Column { name: "n".into(), kind: Kind::Number(2), width: 8 },
            Column { name: "ok".into(), kind: Kind::Logical, width: 1 },
        ];
        let rows = vec![
            vec![Some("滨城区口袋公园".as_bytes().to_vec()), Some(b"3.50".to_vec()), Some(b"T".to_vec())],
            vec![None, None, None],
        ];
        let t = parse(&write(&cols, &rows)).unwrap();
        let c = choose(None, &t);
        assert_eq!(c.encoding, UTF_8);
        let names = field_names(&t, c.encoding);
        let (p, bad) = record(&t, 0, &names, c.encoding, None);
        assert!(bad.is_empty());
        assert_eq!(p["name"], "滨城区口袋公园");
        assert_eq!(p["n"], 3.5);
        assert_eq!(p["ok"], true);
        let (p, _) = record(&t, 1, &names, c.encoding, None);
        assert!(p.values().all(Value::is_null), "{p:?}");
    }

    #[test]
    fn cpg_labels_are_understood() {
        for (label, name) in [
            ("UTF-8", "UTF-8"),
            ("utf8\n", "UTF-8"),
            ("65001", "UTF-8"),
            ("GBK", "GBK"),
            ("936", "GBK"),
            ("CP936", "GBK"),
            ("ANSI 936", "GBK"),
            ("GB2312", "GBK"),
            ("GB18030", "GB18030"),
        ] {
            assert_eq!(by_cpg(label).map(|e| e.1), Some(name), "{label}");
        }
        assert!(by_cpg("no such thing").is_none());
    }

    #[test]
    fn the_header_date_is_a_real_date() {
        let [y, m, d] = today();
        assert!(y >= 125 && (1..=12).contains(&m) && (1..=31).contains(&d), "{y} {m} {d}");
    }

    #[test]
    fn broken_headers_are_errors() {
        assert!(parse(b"short").is_err());
        let mut b = vec![0u8; 40];
        b[8] = 200; // header longer than the file
        assert!(parse(&b).is_err());
    }
}
