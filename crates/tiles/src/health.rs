//! How a tile source is doing, for the status bar.
//!
//! Fetchers record each failure (HTTP status, timeout, unreachable server,
//! bytes that are not an image); the status bar asks for a one-line
//! [`SourceHealth::summary`], and the log asks [`SourceHealth::take_notice`],
//! which answers once per episode instead of once per failed tile. Every
//! text is redacted, so a Tianditu key never shows.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::format::TileFormat;
use super::source::redact;
use binzhou_core::model::Bilingual;

/// How far back errors count.
pub const WINDOW: Duration = Duration::from_secs(60);

/// After this long the same notice is given again if errors go on.
pub const NOTICE_REPEAT: Duration = Duration::from_secs(300);

/// Errors kept at most (older ones are dropped first).
const MAX_EVENTS: usize = 1024;

/// Why a tile could not be had.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TileFault {
    /// The server answered with this HTTP status.
    Http(u16),
    /// No answer in time.
    Timeout,
    /// No connection (server down, DNS failure, refused).
    Unreachable,
    /// The answer is not a PNG, JPEG or WebP image.
    Garbage,
    /// The answer is larger than any tile should be.
    TooLarge,
    /// Something else, already redacted.
    Other(String),
}

impl fmt::Display for TileFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TileFault::Http(code) => write!(f, "HTTP {code}"),
            TileFault::Timeout => f.write_str("timed out"),
            TileFault::Unreachable => f.write_str("server unreachable"),
            TileFault::Garbage => f.write_str("answer is not an image"),
            TileFault::TooLarge => f.write_str("answer too large for a tile"),
            TileFault::Other(text) => f.write_str(&redact(text)),
        }
    }
}

impl Bilingual for TileFault {
    /// The fault in Chinese (free text stays as it came).
    fn zh(&self) -> String {
        match self {
            TileFault::Http(code) => format!("HTTP {code}"),
            TileFault::Timeout => "请求超时".into(),
            TileFault::Unreachable => "无法连接服务器".into(),
            TileFault::Garbage => "返回的不是图片".into(),
            TileFault::TooLarge => "返回的数据过大，不像瓦片".into(),
            TileFault::Other(text) => redact(text),
        }
    }
}

impl TileFault {
    /// A fault from free text (redacted on the way in).
    pub fn other(text: &str) -> TileFault {
        TileFault::Other(redact(text))
    }

    /// Whether trying again later may help (server errors, rate limiting,
    /// timeouts, unreachable server).
    pub fn is_retryable(&self) -> bool {
        match self {
            TileFault::Http(code) => *code >= 500 || *code == 429 || *code == 408,
            TileFault::Timeout | TileFault::Unreachable => true,
            TileFault::Garbage | TileFault::TooLarge | TileFault::Other(_) => false,
        }
    }
}

/// The image format of `bytes`, or [`TileFault::Garbage`] when they are not
/// a PNG, JPEG or WebP image (checked by magic number).
pub fn check_image(bytes: &[u8]) -> Result<TileFormat, TileFault> {
    TileFormat::sniff(bytes).ok_or(TileFault::Garbage)
}

#[derive(Debug, Default)]
struct Inner {
    errors: VecDeque<(Instant, TileFault)>,
    successes: u64,
    /// When the last notice was given and for which fault.
    last_notice: Option<(Instant, TileFault)>,
}

impl Inner {
    fn forget_before(&mut self, now: Instant) {
        while let Some((at, _)) = self.errors.front() {
            if now.saturating_duration_since(*at) > WINDOW {
                self.errors.pop_front();
            } else {
                break;
            }
        }
    }

    /// The most frequent fault in the window (the latest wins ties).
    fn dominant(&self) -> Option<(&TileFault, usize)> {
        let mut counts: HashMap<&TileFault, (usize, usize)> = HashMap::new();
        for (i, (_, fault)) in self.errors.iter().enumerate() {
            let entry = counts.entry(fault).or_insert((0, i));
            entry.0 += 1;
            entry.1 = i;
        }
        counts.into_iter().max_by_key(|(_, (count, last))| (*count, *last)).map(|(fault, (count, _))| (fault, count))
    }
}

/// The recent failures of one tile source. Shareable between the thread
/// that fetches and the one that draws (`Arc<SourceHealth>`).
#[derive(Debug)]
pub struct SourceHealth {
    host: String,
    inner: Mutex<Inner>,
}

impl SourceHealth {
    /// A tracker for the server `host` (as shown: e.g. `t*.tianditu.gov.cn`).
    pub fn new(host: &str) -> SourceHealth {
        SourceHealth { host: redact(host), inner: Mutex::new(Inner::default()) }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic elsewhere while holding the lock leaves plain data behind;
        // carry on with it.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The server name used in messages.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// Records a failure now.
    pub fn record_error(&self, fault: TileFault) {
        self.record_error_at(Instant::now(), fault);
    }

    /// Records a failure at `now`.
    pub fn record_error_at(&self, now: Instant, fault: TileFault) {
        let fault = match fault {
            TileFault::Other(text) => TileFault::Other(redact(&text)),
            f => f,
        };
        let mut inner = self.lock();
        inner.forget_before(now);
        if inner.errors.len() >= MAX_EVENTS {
            inner.errors.pop_front();
        }
        inner.errors.push_back((now, fault));
    }

    /// Records a tile that arrived fine.
    pub fn record_success(&self) {
        self.lock().successes += 1;
    }

    /// Tiles that arrived fine so far.
    pub fn successes(&self) -> u64 {
        self.lock().successes
    }

    /// Errors within the last [`WINDOW`] before `now`.
    pub fn error_count_at(&self, now: Instant) -> usize {
        let mut inner = self.lock();
        inner.forget_before(now);
        inner.errors.len()
    }

    /// The status-bar line, e.g. `tile server t*.tianditu.gov.cn: 12 errors
    /// in the last minute: HTTP 500`, or `None` when all is well.
    pub fn summary(&self) -> Option<String> {
        self.summary_at(Instant::now())
    }

    /// [`SourceHealth::summary`] as of `now`.
    pub fn summary_at(&self, now: Instant) -> Option<String> {
        self.summary_in_at(false, now)
    }

    /// [`SourceHealth::summary`] in Chinese or English.
    pub fn summary_in(&self, chinese: bool) -> Option<String> {
        self.summary_in_at(chinese, Instant::now())
    }

    fn summary_in_at(&self, chinese: bool, now: Instant) -> Option<String> {
        let mut inner = self.lock();
        inner.forget_before(now);
        let n = inner.errors.len();
        let (fault, _) = inner.dominant()?;
        let text = if chinese {
            format!("瓦片服务器 {}：近一分钟 {n} 次错误：{}", self.host, fault.zh())
        } else {
            let errors = if n == 1 { "error" } else { "errors" };
            format!("tile server {}: {n} {errors} in the last minute: {fault}", self.host)
        };
        Some(redact(&text))
    }

    /// The summary, but only when it is news: the first time errors show
    /// up, when the main fault changes, or every [`NOTICE_REPEAT`] while
    /// they go on. Meant for the log and for a one-off notice.
    pub fn take_notice(&self) -> Option<String> {
        self.take_notice_at(Instant::now())
    }

    /// [`SourceHealth::take_notice`] as of `now`.
    pub fn take_notice_at(&self, now: Instant) -> Option<String> {
        let summary = self.summary_at(now);
        let mut inner = self.lock();
        let Some(summary) = summary else {
            // All quiet: the next error starts a new episode.
            inner.last_notice = None;
            return None;
        };
        let dominant = inner.dominant().map(|(f, _)| f.clone())?;
        let news = match &inner.last_notice {
            None => true,
            Some((at, fault)) => *fault != dominant || now.saturating_duration_since(*at) >= NOTICE_REPEAT,
        };
        if news {
            inner.last_notice = Some((now, dominant));
            Some(summary)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_and_jpeg_pass_and_html_or_empty_bytes_are_garbage() {
        assert_eq!(check_image(b"\x89PNG\r\n\x1a\nrest"), Ok(TileFormat::Png));
        assert_eq!(check_image(&[0xFF, 0xD8, 0xFF, 0xDB]), Ok(TileFormat::Jpeg));
        assert_eq!(check_image(b"<html>502 Bad Gateway</html>"), Err(TileFault::Garbage));
        assert_eq!(check_image(b""), Err(TileFault::Garbage));
    }

    #[test]
    fn a_burst_of_errors_gives_one_notice_not_a_flood() {
        let h = SourceHealth::new("tiles.example.org");
        let t0 = Instant::now();
        let mut notices = Vec::new();
        for i in 0..50 {
            let now = t0 + Duration::from_millis(i * 100);
            h.record_error_at(now, TileFault::Http(500));
            notices.extend(h.take_notice_at(now));
        }
        assert_eq!(notices.len(), 1, "{notices:?}");
        assert_eq!(notices[0], "tile server tiles.example.org: 1 error in the last minute: HTTP 500");
        assert_eq!(
            h.summary_at(t0 + Duration::from_secs(5)).unwrap(),
            "tile server tiles.example.org: 50 errors in the last minute: HTTP 500"
        );
    }

    #[test]
    fn a_new_kind_of_fault_or_a_long_outage_gives_a_fresh_notice() {
        let h = SourceHealth::new("tiles.example.org");
        let t0 = Instant::now();
        h.record_error_at(t0, TileFault::Timeout);
        assert!(h.take_notice_at(t0).is_some());
        for i in 1..4 {
            h.record_error_at(t0 + Duration::from_secs(i), TileFault::Garbage);
        }
        let n = h.take_notice_at(t0 + Duration::from_secs(4)).unwrap();
        assert!(n.ends_with("answer is not an image"), "{n}");
        assert!(h.take_notice_at(t0 + Duration::from_secs(5)).is_none());
        // Still failing five minutes on: say so again.
        let later = t0 + NOTICE_REPEAT + Duration::from_secs(10);
        h.record_error_at(later, TileFault::Garbage);
        assert!(h.take_notice_at(later).is_some());
    }

    #[test]
    fn the_summary_reads_in_chinese_too() {
        let h = SourceHealth::new("t0.tianditu.gov.cn");
        let t0 = Instant::now();
        for i in 0..3 {
            h.record_error_at(t0 + Duration::from_secs(i), TileFault::Timeout);
        }
        assert_eq!(
            h.summary_in_at(true, t0 + Duration::from_secs(3)).unwrap(),
            "瓦片服务器 t0.tianditu.gov.cn：近一分钟 3 次错误：请求超时"
        );
        assert!(h.summary_at(t0 + Duration::from_secs(3)).unwrap().ends_with("3 errors in the last minute: timed out"));
    }

    #[test]
    fn errors_older_than_a_minute_are_forgotten() {
        let h = SourceHealth::new("tiles.example.org");
        let t0 = Instant::now();
        h.record_error_at(t0, TileFault::Http(404));
        assert_eq!(h.error_count_at(t0 + Duration::from_secs(30)), 1);
        let later = t0 + WINDOW + Duration::from_secs(1);
        assert_eq!(h.error_count_at(later), 0);
        assert_eq!(h.summary_at(later), None);
        assert_eq!(h.take_notice_at(later), None);
        // A new episode is news again.
        h.record_error_at(later, TileFault::Unreachable);
        assert!(h.take_notice_at(later).unwrap().contains("server unreachable"));
    }

    #[test]
    fn the_most_common_fault_is_named() {
        let h = SourceHealth::new("x.org");
        let t0 = Instant::now();
        h.record_error_at(t0, TileFault::Http(404));
        h.record_error_at(t0, TileFault::Http(500));
        h.record_error_at(t0, TileFault::Http(500));
        h.record_error_at(t0, TileFault::Timeout);
        assert!(h.summary_at(t0).unwrap().ends_with("4 errors in the last minute: HTTP 500"));
    }

    #[test]
    fn the_summary_never_contains_a_key() {
        let h = SourceHealth::new("t*.tianditu.gov.cn");
        let t0 = Instant::now();
        h.record_error_at(
            t0,
            TileFault::Other("error for url http://t1.tianditu.gov.cn/DataServer?T=vec_w&tk=SECRETKEY123".into()),
        );
        let s = h.summary_at(t0).unwrap();
        assert!(!s.contains("SECRETKEY123"), "{s}");
        assert!(s.contains("tk=<redacted>"), "{s}");
    }

    #[test]
    fn only_server_errors_timeouts_and_outages_are_worth_retrying() {
        assert!(TileFault::Http(503).is_retryable());
        assert!(TileFault::Http(429).is_retryable());
        assert!(TileFault::Timeout.is_retryable());
        assert!(!TileFault::Http(404).is_retryable());
        assert!(!TileFault::Garbage.is_retryable());
    }
}
