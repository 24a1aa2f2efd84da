//! Every user-visible string of the desktop app, in simplified Chinese and
//! English, in one place.
//!
//! Fixed strings live in a [`Text`] table per language (`text.rs`); strings
//! with values in them are methods of [`Lang`], here (the general ones) and
//! by area in `basemap.rs` (basemap, tiles, offline download) and
//! `panels.rs` (GNSS, status bar, attribute table, audit, dashboard).
//! Nothing else in `src/app` spells out interface text: a test below makes
//! sure no Chinese is left outside this module.

use binzhou_core::model::{LayerKey, Msg, Severity, StatusClass, YearView, names};

mod basemap;
mod checks;
mod db;
mod edit;
mod files;
mod ledger;
mod panels;
mod present;
mod render;
mod text;

pub use checks::beijing_time;
pub use text::Text;

/// The language of the user interface (and of the command line's `--lang`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, clap::ValueEnum)]
pub enum Lang {
    /// Simplified Chinese (the app's default).
    #[default]
    Zh,
    /// English.
    En,
}

impl Lang {
    /// The fixed strings of this language.
    pub fn text(self) -> &'static Text {
        match self {
            Lang::Zh => &text::ZH,
            Lang::En => &text::EN,
        }
    }

    /// The name of the language in itself, for the language menu.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::Zh => "中文（简体）",
            Lang::En => "English",
        }
    }

    /// A layer's display name.
    pub fn layer(self, key: &LayerKey) -> String {
        match self {
            Lang::Zh => key.name_zh(),
            Lang::En => key.name_en(),
        }
    }

    /// A status class's display name.
    pub fn status(self, class: StatusClass) -> &'static str {
        match self {
            Lang::Zh => class.name_zh(),
            Lang::En => class.name_en(),
        }
    }

    /// A two-language message in this language.
    pub fn pick(self, m: &Msg) -> &str {
        m.text(self == Lang::Zh)
    }

    /// An error that can say itself in Chinese, in this language.
    pub fn say(self, e: &impl binzhou_core::model::Bilingual) -> String {
        e.text(self == Lang::Zh)
    }

    /// A severity's display name.
    pub fn severity(self, s: Severity) -> &'static str {
        match (self, s) {
            (Lang::Zh, s) => s.name_zh(),
            (Lang::En, Severity::Error) => "Error",
            (Lang::En, Severity::Warning) => "Warning",
            (Lang::En, Severity::Notice) => "Notice",
        }
    }

    /// The short label of a year view, as on the year buttons: `2021` or `最新`.
    pub fn year_short(self, view: YearView) -> String {
        match view {
            YearView::EndOf(y) => y.to_string(),
            YearView::Latest => match self {
                Lang::Zh => "最新".into(),
                Lang::En => "Latest".into(),
            },
        }
    }

    /// A year view in a sentence: `2021年末` / `end of 2021`.
    pub fn year_long(self, view: YearView) -> String {
        match (self, view) {
            (Lang::Zh, YearView::EndOf(y)) => format!("{y}年末"),
            (Lang::En, YearView::EndOf(y)) => format!("end of {y}"),
            (Lang::Zh, YearView::Latest) => "最新状态".into(),
            (Lang::En, YearView::Latest) => "latest".into(),
        }
    }

    /// A year view in a heading: `2021年末` / `end of 2021` / `最新` / `latest`.
    pub fn view_label(self, view: YearView) -> String {
        match (view, self) {
            (YearView::EndOf(y), Lang::Zh) => format!("{y}年末"),
            (YearView::EndOf(y), Lang::En) => format!("end of {y}"),
            (YearView::Latest, Lang::Zh) => "最新".into(),
            (YearView::Latest, Lang::En) => "latest".into(),
        }
    }

    /// Number of search results.
    pub fn results(self, shown: usize, total: usize) -> String {
        match (self, shown < total) {
            (Lang::Zh, false) => format!("{total} 个结果"),
            (Lang::Zh, true) => format!("{total} 个结果，显示前 {shown} 个"),
            (Lang::En, false) => format!("{total} results"),
            (Lang::En, true) => format!("{total} results, first {shown} shown"),
        }
    }

    /// The status-bar summary of what is loaded.
    /// `files` 0: the data is not from files (a shared database).
    pub fn loaded(self, sites: usize, layers: usize, files: usize) -> String {
        match (self, files) {
            (Lang::Zh, 0) => format!("{layers} 个图层 · {sites} 个要素"),
            (Lang::En, 0) => format!("{layers} layers · {sites} features"),
            (Lang::Zh, _) => format!("{files} 个文件 · {layers} 个图层 · {sites} 个要素"),
            (Lang::En, _) => format!("{files} files · {layers} layers · {sites} features"),
        }
    }

    /// The loading indicator.
    pub fn loading(self, file: &str, read: u64, total: u64) -> String {
        let mb = |b: u64| b as f64 / 1_048_576.0;
        match self {
            Lang::Zh => format!("正在加载 {file}：{:.1} / {:.1} MB", mb(read), mb(total)),
            Lang::En => format!("Loading {file}: {:.1} / {:.1} MB", mb(read), mb(total)),
        }
    }

    /// The problems button in the status bar.
    pub fn problem_count(self, errors: usize, total: usize) -> String {
        match self {
            Lang::Zh if errors > 0 => format!("▲ {total} 个数据问题（{errors} 个错误）"),
            Lang::Zh => format!("● {total} 个数据问题"),
            Lang::En if errors > 0 => format!("▲ {total} data problems ({errors} errors)"),
            Lang::En => format!("● {total} data problems"),
        }
    }

    /// The notice after a file finished loading.
    pub fn file_loaded(self, name: &str, sites: usize, problems: usize) -> String {
        match self {
            Lang::Zh => format!("已加载 {name}：{sites} 个要素，{problems} 个问题"),
            Lang::En => format!("Loaded {name}: {sites} features, {problems} problems"),
        }
    }

    /// A site count in the layer panel.
    pub fn count(self, n: usize) -> String {
        match self {
            Lang::Zh => format!("{n} 个"),
            Lang::En => format!("{n}"),
        }
    }

    /// A plan task number.
    pub fn task(self, n: u8) -> String {
        match self {
            Lang::Zh => format!("第 {n} 项"),
            Lang::En => format!("No. {n}"),
        }
    }

    /// A length, in metres below one kilometre and in kilometres above.
    pub fn km(self, km: f64) -> String {
        let m = km * 1000.0;
        match self {
            Lang::Zh if m < 1000.0 => format!("{m:.0} 米"),
            Lang::Zh => format!("{km:.2} 公里"),
            Lang::En if m < 1000.0 => format!("{m:.0} m"),
            Lang::En => format!("{km:.2} km"),
        }
    }

    /// An area: in m² up to one hectare, in hectares up to one km², and in
    /// km² (with the hectares beside them) above.
    pub fn area(self, m2: f64) -> String {
        let ha = m2 / 10_000.0;
        let km2 = m2 / 1_000_000.0;
        match self {
            Lang::Zh if km2 >= 1.0 => format!("{km2:.2} 平方公里（{ha:.0} 公顷）"),
            Lang::Zh if ha >= 1.0 => format!("{ha:.2} 公顷"),
            Lang::Zh => format!("{m2:.0} 平方米"),
            Lang::En if km2 >= 1.0 => format!("{km2:.2} km² ({ha:.0} ha)"),
            Lang::En if ha >= 1.0 => format!("{ha:.2} ha"),
            Lang::En => format!("{m2:.0} m²"),
        }
    }

    /// A `kind` value by its name (unknown kinds as the data wrote them).
    pub fn kind(self, code: &str) -> String {
        names::or_raw(names::kind(code), code, self == Lang::Zh)
    }

    /// A county by its name in this language (unknown names as written).
    pub fn district(self, name: &str) -> String {
        names::or_raw(names::district(name), name, self == Lang::Zh)
    }

    /// A `source` value by its name.
    pub fn source(self, code: &str) -> String {
        names::or_raw(names::source(code), code, self == Lang::Zh)
    }

    /// An extra property's label: its name when known, else its key.
    pub fn property(self, key: &str) -> String {
        names::or_raw(names::property(key), key, self == Lang::Zh)
    }

    /// A geometry's type.
    pub fn geometry_type(self, g: &geo::Geometry<f64>) -> &'static str {
        names::geometry_type(g).pick(self == Lang::Zh)
    }

    /// What a chart's amount axis counts: sites, or kilometres.
    pub fn axis_amount(self, km: bool) -> &'static str {
        match (self, km) {
            (Lang::Zh, true) => "长度（公里）",
            (Lang::Zh, false) => "项目数（个）",
            (Lang::En, true) => "Length (km)",
            (Lang::En, false) => "Number of sites",
        }
    }

    /// A feature by its 1-based number in its file.
    pub fn feature_number(self, n: usize) -> String {
        match self {
            Lang::Zh => format!("第 {n} 个要素"),
            Lang::En => format!("Feature {n}"),
        }
    }

    /// A file and the feature's 1-based number in it.
    pub fn file_feature(self, file: &str, n: usize) -> String {
        match self {
            Lang::Zh => format!("{file}（第 {n} 个要素）"),
            Lang::En => format!("{file} (feature {n})"),
        }
    }

    /// A plan year or date the file gives but that cannot be read.
    pub fn unreadable_value(self, raw: &str) -> String {
        match self {
            Lang::Zh => format!("{raw}（无法识别，进度不明）"),
            Lang::En => format!("{raw} (unreadable: status unknown)"),
        }
    }

    /// The started part of an overdue figure.
    pub fn overdue_started(self, amount: &str) -> String {
        match self {
            Lang::Zh => format!("其中已开工 {amount}"),
            Lang::En => format!("of which started: {amount}"),
        }
    }

    /// The scope of a site.
    pub fn scope(self, scope: binzhou_core::model::Scope) -> &'static str {
        match self {
            Lang::Zh => scope.name_zh(),
            Lang::En => scope.name_en(),
        }
    }

    /// A measure's row name: `面积（计算）` / `Area (computed)`.
    pub fn measure_label(self, name: &str, which: &str) -> String {
        match self {
            Lang::Zh => format!("{name}（{which}）"),
            Lang::En => format!("{name} ({which})"),
        }
    }

    /// A change since the previous year, in brief.
    pub fn change_short(self, c: binzhou_core::model::Change) -> &'static str {
        use binzhou_core::model::Change;
        match (self, c) {
            (Lang::Zh, Change::NewlyDone) => "较上年新完成",
            (Lang::Zh, Change::NewlyOverdue) => "较上年新逾期",
            (Lang::En, Change::NewlyDone) => "newly done",
            (Lang::En, Change::NewlyOverdue) => "newly overdue",
        }
    }

    /// The accessible name of a layer's opacity slider.
    pub fn opacity_of(self, layer: &str) -> String {
        match self {
            Lang::Zh => format!("{layer} 不透明度"),
            Lang::En => format!("{layer} opacity"),
        }
    }

    /// The accessible name of a layer's zoom button.
    pub fn zoom_to_layer_named(self, layer: &str) -> String {
        match self {
            Lang::Zh => format!("缩放至图层 {layer}"),
            Lang::En => format!("Zoom to layer {layer}"),
        }
    }
}

/// A message in both languages, from a method of [`Lang`] that says it in one
/// (for messages kept to be shown later, e.g. an error).
pub fn bilingual(say: impl Fn(Lang) -> String) -> Msg {
    Msg::new(say(Lang::En), say(Lang::Zh))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn year_buttons_read_the_same_in_both_languages_except_latest() {
        for lang in [Lang::Zh, Lang::En] {
            assert_eq!(lang.year_short(YearView::EndOf(2021)), "2021");
        }
        assert_eq!(Lang::Zh.year_short(YearView::Latest), "最新");
        assert_eq!(Lang::En.year_short(YearView::Latest), "Latest");
    }

    #[test]
    fn areas_read_in_square_metres_hectares_or_square_kilometres_by_size() {
        assert_eq!(Lang::Zh.area(3_500.0), "3500 平方米");
        assert_eq!(Lang::Zh.area(52_000.0), "5.20 公顷");
        assert_eq!(Lang::Zh.area(2_003_000_000.0), "2003.00 平方公里（200300 公顷）");
        assert_eq!(Lang::En.area(52_000.0), "5.20 ha");
        assert_eq!(Lang::En.area(1_500_000.0), "1.50 km² (150 ha)");
    }

    #[test]
    fn lengths_read_in_metres_below_a_kilometre() {
        assert_eq!(Lang::Zh.km(0.35), "350 米");
        assert_eq!(Lang::Zh.km(2.5), "2.50 公里");
        assert_eq!(Lang::En.km(0.999), "999 m");
        assert_eq!(Lang::En.km(12.0), "12.00 km");
    }

    #[test]
    fn the_two_languages_have_different_titles() {
        assert_ne!(Lang::Zh.text().app_title, Lang::En.text().app_title);
    }

    /// Whether `c` is a CJK ideograph or full-width punctuation: the mark of
    /// Chinese interface text.
    fn is_cjk(c: char) -> bool {
        matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3000}'..='\u{303F}' | '\u{FF00}'..='\u{FFEF}')
    }

    /// The code of a line without its `//` comment (a `//` inside a string
    /// literal, as in a URL, is not a comment).
    fn code_of(line: &str) -> &str {
        let bytes = line.as_bytes();
        let mut in_string = false;
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\\' if in_string => i += 1,
                b'"' => in_string = !in_string,
                // A character literal holding a quote is not a string.
                b'\'' if !in_string && bytes.get(i + 1) == Some(&b'"') && bytes.get(i + 2) == Some(&b'\'') => i += 2,
                b'/' if !in_string && bytes.get(i + 1) == Some(&b'/') => return &line[..i],
                _ => {}
            }
            i += 1;
        }
        line
    }

    /// Every `.rs` file under `dir`, sorted.
    fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    /// Lines that may keep Chinese outside the catalogue: (file, relative to
    /// `src/app`, and a piece of the line). Only data, never display text,
    /// belongs here (none today: every Chinese string of the app is in the
    /// catalogue).
    const ALLOWED: &[(&str, &str)] = &[];

    /// No interface text outside the catalogue: apart from this module (and
    /// tests: each file from its test module, a line `#[cfg(test)]` at the
    /// start of a line, to its end, and every `tests.rs`), no line of
    /// `src/app` holds Chinese outside a comment.
    #[test]
    fn no_chinese_outside_the_catalogue() {
        let app = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/app");
        let mut files = Vec::new();
        rust_files(&app, &mut files);
        assert!(files.len() > 20, "found only {} files under {}", files.len(), app.display());
        let mut offenders = Vec::new();
        for path in &files {
            let rel = path.strip_prefix(&app).unwrap().to_string_lossy().replace('\\', "/");
            if rel.starts_with("i18n/") || rel == "i18n.rs" || path.file_name().is_some_and(|n| n == "tests.rs") {
                continue;
            }
            let text = std::fs::read_to_string(path).unwrap();
            for (n, line) in text.lines().enumerate() {
                // An indented `#[cfg(test)]` marks one item (a field, a
                // helper); the test module starts at the margin.
                if line.trim_end() == "#[cfg(test)]" {
                    break;
                }
                let code = code_of(line);
                if code.chars().any(is_cjk) && !ALLOWED.iter().any(|(f, piece)| *f == rel && line.contains(piece)) {
                    offenders.push(format!("src/app/{rel}:{}: {}", n + 1, line.trim()));
                }
            }
        }
        assert!(
            offenders.is_empty(),
            "{} lines of src/app hold Chinese outside crate::app::i18n; move the text into the catalogue:\n{}",
            offenders.len(),
            offenders.join("\n")
        );
    }

    #[test]
    fn comments_are_told_from_strings() {
        assert_eq!(code_of("let a = 1; // 注释"), "let a = 1; ");
        assert_eq!(code_of(r#"hint("https://a.b/{z}") // 注释"#), r#"hint("https://a.b/{z}") "#);
        assert_eq!(code_of(r#"let q = '"'; // 注释"#), r#"let q = '"'; "#);
        assert_eq!(code_of(r#"f("a\"//b")"#), r#"f("a\"//b")"#);
        assert!(code_of(r#"tr("中文")"#).chars().any(is_cjk));
        assert!(!code_of("/// 文档").chars().any(is_cjk));
    }
}
