//! Messages in both of the app's languages: English for the command line
//! and logs, Chinese for the (default) Chinese interface. Errors that can
//! say themselves in Chinese implement [`Bilingual`]; everything the user
//! reads travels as a [`Msg`] or through that trait, and the interface
//! picks the language at the last moment.

use std::fmt;

/// One message, in English and in Chinese.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Msg {
    /// The English text.
    pub en: String,
    /// The Chinese text.
    pub zh: String,
}

impl Msg {
    /// A message from its English and Chinese texts.
    pub fn new(en: impl Into<String>, zh: impl Into<String>) -> Self {
        Msg { en: en.into(), zh: zh.into() }
    }

    /// The Chinese or the English text.
    pub fn text(&self, chinese: bool) -> &str {
        if chinese { &self.zh } else { &self.en }
    }

    /// An I/O error in both languages (the common kinds in Chinese words).
    pub fn from_io(e: &std::io::Error) -> Self {
        Msg { en: e.to_string(), zh: io_error_zh(e) }
    }

    /// `"{en_lead}: {e}"` and `"{zh_lead}：{e in Chinese}"` for an I/O error.
    ///
    /// ```
    /// use binzhou_core::model::Msg;
    /// let e = std::io::Error::from(std::io::ErrorKind::NotFound);
    /// assert_eq!(Msg::io("cannot open a.geojson", "无法打开 a.geojson", &e).zh, "无法打开 a.geojson：文件或文件夹不存在");
    /// ```
    pub fn io(en_lead: impl fmt::Display, zh_lead: impl fmt::Display, e: &std::io::Error) -> Self {
        Msg { en: format!("{en_lead}: {e}"), zh: format!("{zh_lead}：{}", io_error_zh(e)) }
    }
}

/// An error (or notice) whose `Display` is English and which can say itself
/// in Chinese too.
pub trait Bilingual: fmt::Display {
    /// The same in Chinese. Details quoted from other software (a server's
    /// answer, SQLite's reason) may stay as they came.
    fn zh(&self) -> String;

    /// Both languages at once.
    fn msg(&self) -> Msg {
        Msg { en: self.to_string(), zh: self.zh() }
    }

    /// The Chinese or the English text.
    fn text(&self, chinese: bool) -> String {
        if chinese { self.zh() } else { self.to_string() }
    }
}

/// An I/O error in Chinese: the common kinds in words, others as the
/// system gave them.
fn io_error_zh(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::NotFound => "文件或文件夹不存在".into(),
        K::PermissionDenied => "没有访问权限".into(),
        K::IsADirectory => "这是文件夹，不是文件".into(),
        K::NotADirectory => "这不是文件夹".into(),
        K::InvalidData => format!("数据无效（{e}）"),
        K::UnexpectedEof => "文件意外结束".into(),
        K::StorageFull => "磁盘已满".into(),
        _ => format!("{e}"),
    }
}
